/**
 * The findings panel: the selected flow's findings in time order (owed updates, stalls,
 * out-of-window segments, …), each with its sentence for a bug report. n / p (or the arrows when the
 * list has focus) move between them and zoom the timelines to the one selected; a click does too.
 */
import type { FindingRow } from '../src/protocol';
import { button, h } from './dom';
import { findingLabel, formatInstant } from './format';
import { icon } from './icons';

export interface FindingsOptions {
  /** A finding was chosen (click, keys, n/p): zoom to it. */
  onChoose(finding: FindingRow): void;
  /** "Pin the selected finding as a note". */
  onPin(finding: FindingRow): void;
}

export class FindingsPanel {
  readonly element: HTMLElement;
  private findings: FindingRow[] = [];
  private selectedId: number | null = null;
  private readonly list: HTMLElement;
  private readonly title = h('h2', { id: 'findings-title' }, 'Findings');

  constructor(private readonly options: FindingsOptions) {
    this.list = h('ul', { class: 'finding-list', role: 'listbox', tabindex: '0', 'aria-labelledby': 'findings-title' });
    const nav = h(
      'div',
      { class: 'finding-nav' },
      button('Previous finding (p)', icon('arrowUp'), () => this.step(-1), {}, true),
      button('Next finding (n)', icon('arrowDown'), () => this.step(1), {}, true),
      button('Pin the selected finding as a note', icon('pin'), () => this.selected && this.options.onPin(this.selected), { class: 'pin-finding' }, true),
    );
    this.element = h('section', { class: 'findings', 'aria-label': 'Findings' }, h('div', { class: 'panel-bar' }, this.title, nav), this.list);
    this.list.addEventListener('click', (e) => {
      const item = (e.target as Element).closest<HTMLElement>('[data-finding-id]');
      if (item) this.choose(Number(item.dataset.findingId));
    });
    this.list.addEventListener('keydown', (e) => {
      const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1 };
      if (e.key in moves) {
        e.preventDefault();
        e.stopPropagation();
        this.step(moves[e.key]);
      } else if (e.key === 'Enter' && this.selected) {
        e.preventDefault();
        this.options.onChoose(this.selected);
      }
    });
  }

  get selected(): FindingRow | null {
    return this.findings.find((f) => f.id === this.selectedId) ?? null;
  }

  /** The flow's findings; keeps the selection when it is still among them. */
  setFindings(findings: FindingRow[], selectedId: number | null): void {
    this.findings = [...findings].sort((a, b) => a.time - b.time || a.id - b.id);
    this.selectedId = this.findings.some((f) => f.id === selectedId) ? selectedId : null;
    this.title.textContent = `Findings (${this.findings.length})`;
    if (this.findings.length === 0) {
      this.list.replaceChildren(h('li', { class: 'muted none', role: 'presentation' }, 'No findings for this flow: no stalls, owed updates or out-of-window segments.'));
      this.list.removeAttribute('aria-activedescendant');
      return;
    }
    this.list.replaceChildren(...this.findings.map((f) => this.item(f)));
    this.mark();
  }

  /** Moves the selection by one (wrapping) and chooses it; returns it. */
  step(delta: 1 | -1 | number): FindingRow | null {
    if (this.findings.length === 0) return null;
    const index = this.findings.findIndex((f) => f.id === this.selectedId);
    const next = index < 0 ? (delta > 0 ? 0 : this.findings.length - 1) : (index + delta + this.findings.length) % this.findings.length;
    this.choose(this.findings[next].id);
    return this.findings[next];
  }

  /** Flashes the selected finding (the host copied its text). */
  flashCopied(): void {
    const el = this.selectedId === null ? null : this.list.querySelector(`[data-finding-id="${this.selectedId}"]`);
    if (!el) return;
    el.classList.remove('copied');
    void (el as HTMLElement).offsetWidth; // restart the animation
    el.classList.add('copied');
    setTimeout(() => el.classList.remove('copied'), 1200);
  }

  /** Selects a finding by id (from the host's Reveal) and chooses it. */
  select(id: number): void {
    if (this.findings.some((f) => f.id === id)) this.choose(id);
  }

  private choose(id: number): void {
    this.selectedId = id;
    this.mark();
    const f = this.selected;
    if (f) this.options.onChoose(f);
  }

  private mark(): void {
    for (const el of Array.from(this.list.children) as HTMLElement[]) {
      const on = el.dataset.findingId === String(this.selectedId);
      el.setAttribute('aria-selected', String(on));
      if (on) el.scrollIntoView({ block: 'nearest' });
    }
    if (this.selectedId === null) this.list.removeAttribute('aria-activedescendant');
    else this.list.setAttribute('aria-activedescendant', `finding-${this.selectedId}`);
  }

  private item(f: FindingRow): HTMLElement {
    const sev = f.severity === 'error' ? 'error' : f.severity === 'warning' ? 'warning' : 'info';
    return h(
      'li',
      { role: 'option', id: `finding-${f.id}`, class: `finding ${sev}`, 'data-finding-id': String(f.id), 'data-finding-kind': f.kind, 'aria-selected': 'false', title: f.message },
      icon(sev, 'severity'),
      h('div', { class: 'finding-text' }, h('div', { class: 'finding-head' }, h('span', { class: 'finding-kind' }, findingLabel(f.kind)), h('span', { class: 'finding-time' }, formatInstant(f.time))), h('div', { class: 'finding-message' }, f.message)),
    );
  }
}
