/**
 * The report page as one standalone SVG: the recorded canvas drawings where the canvases are, the
 * d3 axes copied from the page with their computed styles written out (no stylesheet travels with
 * the file), and the titles, lane names and legends as text and swatches at their on-page places.
 */

const SVG_NS = 'http://www.w3.org/2000/svg';
const esc = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const n = (v: number) => String(Math.round(v * 100) / 100);

/** Computed properties written onto copied SVG elements, so they look the same outside the page. */
const INLINE = ['fill', 'stroke', 'stroke-width', 'font-size', 'font-family', 'font-style', 'font-weight', 'opacity', 'text-anchor'];

export function svgDocument(root: HTMLElement, canvases: { canvas: HTMLCanvasElement; content: string }[], background: string): string {
  const box = root.getBoundingClientRect();
  const at = (el: Element) => {
    const r = el.getBoundingClientRect();
    return { x: r.left - box.left, y: r.top - box.top, w: r.width, h: r.height };
  };
  const parts: string[] = [`<rect width="${n(box.width)}" height="${n(box.height)}" fill="${esc(background)}"/>`];
  for (const el of Array.from(root.querySelectorAll('.report-title, .report-subtitle, .lane-toggle span, .legend-item, .lane-note span'))) parts.push(textOf(el, at));
  for (const sw of Array.from(root.querySelectorAll('.swatch'))) parts.push(swatchOf(sw, at(sw)));
  for (const axis of Array.from(root.querySelectorAll<SVGSVGElement>('svg.value-axis, svg.time-axis'))) {
    const p = at(axis);
    parts.push(`<g transform="translate(${n(p.x)},${n(p.y)})">${inlined(axis)}</g>`);
  }
  for (const { canvas, content } of canvases) {
    const p = at(canvas);
    parts.push(`<g transform="translate(${n(p.x)},${n(p.y)})">${content}</g>`);
  }
  return `<svg xmlns="${SVG_NS}" width="${n(box.width)}" height="${n(box.height)}" viewBox="0 0 ${n(box.width)} ${n(box.height)}">${parts.join('')}</svg>\n`;
}

/** An element's own text, at its box, in its computed font and colour. */
function textOf(el: Element, at: (el: Element) => { x: number; y: number; w: number; h: number }): string {
  const text = Array.from(el.childNodes).filter((c) => c.nodeType === Node.TEXT_NODE).map((c) => c.textContent ?? '').join('').trim();
  if (!text) return '';
  const style = getComputedStyle(el);
  const range = document.createRange();
  const node = Array.from(el.childNodes).find((c) => c.nodeType === Node.TEXT_NODE && c.textContent?.trim())!;
  range.selectNodeContents(node);
  const r = range.getBoundingClientRect();
  const p = at(el);
  const x = r.width > 0 ? p.x + (r.left - el.getBoundingClientRect().left) : p.x;
  const y = r.height > 0 ? p.y + (r.top - el.getBoundingClientRect().top) + r.height / 2 : p.y + p.h / 2;
  return `<text x="${n(x)}" y="${n(y)}" dominant-baseline="central" fill="${esc(style.color)}" font-family="${esc(style.fontFamily)}" font-size="${esc(style.fontSize)}" font-weight="${esc(style.fontWeight)}" font-style="${esc(style.fontStyle)}">${esc(text)}</text>`;
}

/** A legend swatch: its background and border as a rect (dashed borders stay dashed). */
function swatchOf(el: Element, p: { x: number; y: number; w: number; h: number }): string {
  const st = getComputedStyle(el);
  const fill = st.backgroundColor && st.backgroundColor !== 'rgba(0, 0, 0, 0)' ? st.backgroundColor : 'none';
  const bw = parseFloat(st.borderTopWidth) || 0;
  const dash = st.borderTopStyle === 'dashed' ? ' stroke-dasharray="3 2"' : st.borderTopStyle === 'dotted' ? ' stroke-dasharray="1 2"' : '';
  const stroke = bw > 0 && st.borderTopStyle !== 'none' ? ` stroke="${esc(st.borderTopColor)}" stroke-width="${n(bw)}"${dash}` : '';
  return `<rect x="${n(p.x)}" y="${n(p.y)}" width="${n(p.w)}" height="${n(p.h)}" fill="${esc(fill)}"${stroke}/>`;
}

/** A copy of an SVG element's children with the computed presentation properties written on each element. */
function inlined(svg: SVGSVGElement): string {
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...Array.from(svg.querySelectorAll('*'))];
  const copies = [copy, ...Array.from(copy.querySelectorAll('*'))];
  originals.forEach((orig, k) => {
    const st = getComputedStyle(orig);
    for (const prop of INLINE) {
      const v = st.getPropertyValue(prop);
      if (v) copies[k].setAttribute(prop, v);
    }
    copies[k].removeAttribute('class');
  });
  return copy.innerHTML;
}
