/**
 * The timeline's context menu: add a note to the packet under the pointer, to the instant, or to the
 * visible time range. A small list of buttons at the pointer; Escape, a click elsewhere or a
 * choice closes it; arrow keys move between its items.
 */
import { h } from '../dom';

export interface MenuItem {
  label: string;
  run(): void;
}

export class ContextMenu {
  readonly element = h('div', { class: 'context-menu', role: 'menu', hidden: '' });
  private readonly close = (e: Event) => {
    if (e instanceof KeyboardEvent && e.key !== 'Escape') return;
    if (e instanceof MouseEvent && this.element.contains(e.target as Node)) return;
    this.hide();
  };

  constructor() {
    this.element.addEventListener('keydown', (e) => {
      const items = Array.from(this.element.querySelectorAll<HTMLButtonElement>('button'));
      const at = items.indexOf(document.activeElement as HTMLButtonElement);
      const step = e.key === 'ArrowDown' ? 1 : e.key === 'ArrowUp' ? -1 : 0;
      if (!step) return;
      e.preventDefault();
      items[(at + step + items.length) % items.length]?.focus();
    });
  }

  /** Shows the items at (x, y) in the menu's offset parent's coordinates, focused on the first. */
  show(items: MenuItem[], x: number, y: number): void {
    this.element.replaceChildren(
      ...items.map((item) => {
        const b = h('button', { type: 'button', role: 'menuitem' }, item.label);
        b.addEventListener('click', () => {
          this.hide();
          item.run();
        });
        return b;
      }),
    );
    this.element.hidden = false;
    const parent = this.element.offsetParent as HTMLElement | null;
    const maxX = (parent?.clientWidth ?? 0) - this.element.offsetWidth - 4;
    const maxY = (parent?.clientHeight ?? 0) - this.element.offsetHeight - 4;
    this.element.style.left = `${Math.max(0, Math.min(x, maxX))}px`;
    this.element.style.top = `${Math.max(0, Math.min(y, maxY))}px`;
    this.element.querySelector('button')?.focus();
    document.addEventListener('pointerdown', this.close, true);
    document.addEventListener('keydown', this.close, true);
  }

  hide(): void {
    this.element.hidden = true;
    document.removeEventListener('pointerdown', this.close, true);
    document.removeEventListener('keydown', this.close, true);
  }
}
