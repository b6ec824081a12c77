/**
 * The flow list: one row per flow, virtualized (fixed row height, a few rows of overscan) so 100k
 * flows cost as much as 30, sortable by clicking a column header, filterable by address/port text.
 * It is an ARIA grid holding the focus itself and pointing at the selected row with
 * aria-activedescendant, so rows can be recycled while scrolling without losing focus.
 */
import type { FlowHealth, FlowRow } from '../src/protocol';
import { h } from './dom';
import { COLUMNS, entries, type FlowEntry, filterEntries, sortEntries } from './flowColumns';
import { icon } from './icons';

/** Must match `.flow-row { height }` in capture.css. */
export const ROW_HEIGHT = 24;
const OVERSCAN = 6;

export interface FlowGridOptions {
  sort: { column: string; descending: boolean };
  filter: string;
  onSelect(flowId: number): void;
  onSortFilter(sort: { column: string; descending: boolean }, filter: string): void;
}

export class FlowGrid {
  readonly element: HTMLElement;
  private all: FlowEntry[] = [];
  private shown: FlowEntry[] = [];
  private selectedId: number | undefined;
  private sort: { column: string; descending: boolean };
  private filter: string;
  private readonly title = h('h2', { id: 'flows-title' });
  private readonly grid: HTMLElement;
  private readonly head: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly empty = h('p', { class: 'muted flow-list-empty', hidden: '' }, 'No flow matches the filter.');
  private frame = 0;

  constructor(private readonly options: FlowGridOptions) {
    this.sort = options.sort;
    this.filter = options.filter;
    const input = h('input', { type: 'search', class: 'flow-filter', placeholder: 'Filter by address or port', 'aria-label': 'Filter flows by address or port', spellcheck: 'false' });
    input.value = this.filter;
    input.addEventListener('input', () => this.setFilter(input.value));
    this.head = h('div', { class: 'flow-row flow-head', role: 'row', 'aria-rowindex': '1' });
    this.spacer = h('div', { class: 'flow-spacer', role: 'rowgroup' });
    this.viewport = h('div', { class: 'flow-viewport' }, this.head, this.spacer);
    this.grid = h('div', { class: 'flow-grid', role: 'grid', tabindex: '0', 'aria-labelledby': 'flows-title', 'aria-multiselectable': 'false' }, this.viewport);
    this.element = h('section', { class: 'flow-list', 'aria-label': 'TCP flows' }, h('div', { class: 'flow-list-bar' }, this.title, h('label', { class: 'filter' }, icon('filter'), input)), this.grid, this.empty);
    this.viewport.addEventListener('scroll', () => this.schedule());
    new ResizeObserver(() => this.schedule()).observe(this.viewport);
    this.spacer.addEventListener('click', (e) => {
      const row = (e.target as Element).closest<HTMLElement>('[data-flow-id]');
      if (row) this.choose(Number(row.dataset.flowId));
    });
    this.grid.addEventListener('keydown', (e) => this.onKey(e));
    this.renderHead();
  }

  setFlows(flows: FlowRow[], health: FlowHealth[]): void {
    this.all = entries(flows, health);
    this.apply();
  }

  /** Marks a flow selected (without calling onSelect) and scrolls it into view. */
  setSelected(flowId: number | undefined): void {
    this.selectedId = flowId;
    this.reveal();
    this.render();
  }

  get visibleEntries(): readonly FlowEntry[] {
    return this.shown;
  }

  private setFilter(filter: string): void {
    this.filter = filter;
    this.apply();
    this.options.onSortFilter(this.sort, this.filter);
  }

  private setSort(column: string): void {
    const col = COLUMNS.find((c) => c.key === column)!;
    this.sort = this.sort.column === column ? { column, descending: !this.sort.descending } : { column, descending: col.descendingFirst };
    this.renderHead();
    this.apply();
    this.options.onSortFilter(this.sort, this.filter);
  }

  private apply(): void {
    this.shown = sortEntries(filterEntries(this.all, this.filter), this.sort.column, this.sort.descending);
    const n = this.shown.length;
    this.title.textContent = n === this.all.length ? `TCP flows (${n.toLocaleString('en-US')})` : `TCP flows (${n.toLocaleString('en-US')} of ${this.all.length.toLocaleString('en-US')})`;
    this.grid.setAttribute('aria-rowcount', String(n + 1));
    this.spacer.style.height = `${n * ROW_HEIGHT}px`;
    // A short list takes only the room its rows need (the CSS height, or the user's resize, is the most).
    this.viewport.style.maxHeight = `${Math.max(3, n + 1) * ROW_HEIGHT + 4}px`;
    this.empty.hidden = n > 0 || this.all.length === 0;
    this.render();
  }

  private renderHead(): void {
    this.head.replaceChildren(
      ...COLUMNS.map((c) => {
        const sorted = this.sort.column === c.key;
        const cell = h('div', { class: `cell ${c.numeric ? 'num' : ''} col-${c.key}`, role: 'columnheader', 'aria-sort': sorted ? (this.sort.descending ? 'descending' : 'ascending') : 'none' });
        const b = h('button', { type: 'button', class: 'sort', title: `${c.title}. Click to sort.`, tabindex: '-1' }, h('span', {}, c.label), sorted ? icon(this.sort.descending ? 'arrowDown' : 'arrowUp', 'sort-arrow') : null);
        b.addEventListener('click', () => this.setSort(c.key));
        cell.append(b);
        return cell;
      }),
    );
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Draws only the rows in view plus overscan. */
  private render(): void {
    const top = this.viewport.scrollTop;
    const height = this.viewport.clientHeight || ROW_HEIGHT * 10;
    const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
    const last = Math.min(this.shown.length, Math.ceil((top + height) / ROW_HEIGHT) + OVERSCAN);
    const rows: HTMLElement[] = [];
    for (let i = first; i < last; i++) rows.push(this.row(this.shown[i], i));
    this.spacer.replaceChildren(...rows);
    const selected = this.selectedId !== undefined && rows.some((r) => r.dataset.flowId === String(this.selectedId));
    if (selected) this.grid.setAttribute('aria-activedescendant', `flow-row-${this.selectedId}`);
    else this.grid.removeAttribute('aria-activedescendant');
  }

  private row(e: FlowEntry, index: number): HTMLElement {
    const selected = e.flow.id === this.selectedId;
    const owes = e.health.owedSeconds > 0;
    const row = h('div', {
      class: `flow-row${owes ? ' owes' : ''}`,
      role: 'row',
      id: `flow-row-${e.flow.id}`,
      'data-flow-id': String(e.flow.id),
      'aria-selected': String(selected),
      'aria-rowindex': String(index + 2),
    });
    row.style.transform = `translateY(${index * ROW_HEIGHT}px)`;
    for (const c of COLUMNS) {
      const text = c.cell(e);
      const cell = h('div', { class: `cell ${c.numeric ? 'num' : ''} col-${c.key}`, role: 'gridcell', title: c.tip?.(e) ?? text }, text);
      if (c.key === 'owed' && owes) cell.prepend(icon('error', 'owed-icon'));
      row.append(cell);
    }
    return row;
  }

  private choose(flowId: number): void {
    if (flowId === this.selectedId) return;
    this.setSelected(flowId);
    this.options.onSelect(flowId);
  }

  private reveal(): void {
    const index = this.shown.findIndex((e) => e.flow.id === this.selectedId);
    if (index < 0) return;
    const top = index * ROW_HEIGHT;
    const headHeight = this.head.offsetHeight;
    const view = this.viewport.clientHeight - headHeight;
    if (top < this.viewport.scrollTop) this.viewport.scrollTop = top;
    else if (top + ROW_HEIGHT > this.viewport.scrollTop + view) this.viewport.scrollTop = top + ROW_HEIGHT - view;
  }

  private onKey(e: KeyboardEvent): void {
    const page = Math.max(1, Math.floor(this.viewport.clientHeight / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = { ArrowDown: 1, ArrowUp: -1, PageDown: page, PageUp: -page, Home: -Infinity, End: Infinity };
    if (!(e.key in moves) || this.shown.length === 0) return;
    e.preventDefault();
    e.stopPropagation();
    const index = this.shown.findIndex((x) => x.flow.id === this.selectedId);
    const next = Math.max(0, Math.min(this.shown.length - 1, index < 0 ? 0 : index + moves[e.key]));
    this.choose(this.shown[next].flow.id);
  }
}
