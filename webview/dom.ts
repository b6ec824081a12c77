/** A tiny element builder: text always goes in as text nodes, never as HTML. */

type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The same for SVG elements (icons, axes). */
export function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Child[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  append(el, children);
  return el;
}

function append(el: Element, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'number' ? String(child) : child);
  }
}

/** A button with an icon and a label; the label is visible unless `iconOnly`, then it is the accessible name. */
export function button(label: string, icon: SVGElement | null, onClick: () => void, attrs: Record<string, string> = {}, iconOnly = false): HTMLButtonElement {
  const b = h('button', { type: 'button', ...attrs }, icon, iconOnly ? null : h('span', {}, label));
  if (iconOnly) {
    b.setAttribute('aria-label', label);
    b.classList.add('icon-button');
    if (!b.title) b.title = label;
  }
  b.addEventListener('click', onClick);
  return b;
}
