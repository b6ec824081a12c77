/**
 * The Notes list beside Findings: the selected flow's notes in time order, each with the number
 * drawn on the lanes, where it is (frame, instant or range), its text and Edit / Delete buttons
 * (comments inside the capture are read-only); Undo at the top. A click zooms the timelines to it.
 * When the sidecar is damaged, the host's message says why and adding is refused until it is fixed.
 */
import type { NoteRow } from '../src/protocol';
import { button, h } from './dom';
import { formatInstant } from './format';
import { icon } from './icons';

export interface NotesActions {
  choose(note: NoteRow): void;
  edit(note: NoteRow): void;
  remove(note: NoteRow): void;
  undo(): void;
}

/** "frame 95", "at 0.300 s", "0.241 s – 0.452 s". */
export function noteWhere(n: NoteRow): string {
  if (n.frame !== undefined) return `frame ${n.frame}`;
  if (n.end !== undefined) return `${formatInstant(n.time)} – ${formatInstant(n.end)}`;
  return `at ${formatInstant(n.time)}`;
}

export class NotesPanel {
  readonly element: HTMLElement;
  private readonly list = h('ul', { class: 'note-list', 'aria-labelledby': 'notes-title' });
  private readonly title = h('h2', { id: 'notes-title' }, 'Notes');
  private readonly problem = h('p', { class: 'notes-problem', role: 'alert', hidden: '' });
  notes: NoteRow[] = [];

  constructor(private readonly actions: NotesActions) {
    const bar = h('div', { class: 'panel-bar' }, this.title, h('div', { class: 'finding-nav' }, button('Undo the last note change', icon('undo'), () => actions.undo(), {}, true)));
    this.element = h('section', { class: 'notes', 'aria-label': 'Notes' }, bar, this.problem, this.list);
  }

  /** The flow's notes, and why the sidecar cannot be used (null when it can). */
  set(notes: NoteRow[], problem: string | null): void {
    this.notes = [...notes].sort((x, y) => x.time - y.time || x.label - y.label);
    notes = this.notes;
    this.title.textContent = `Notes (${notes.length})`;
    this.problem.hidden = problem === null;
    this.problem.textContent = problem ?? '';
    if (notes.length === 0) {
      this.list.replaceChildren(h('li', { class: 'muted none' }, 'No notes on this flow. Press m, or right-click the timeline, to add one.'));
      return;
    }
    this.list.replaceChildren(...notes.map((n) => this.item(n)));
  }

  private item(n: NoteRow): HTMLElement {
    const readOnly = n.source === 'capture';
    const tools = readOnly
      ? h('span', { class: 'muted note-source', title: 'A comment inside the capture file (read-only)' }, 'pcapng comment')
      : h('span', { class: 'note-tools' }, button(`Edit note ${n.label}`, icon('edit'), () => this.actions.edit(n), {}, true), button(`Delete note ${n.label}`, icon('trash'), () => this.actions.remove(n), {}, true));
    const body = h('button', { type: 'button', class: 'note-body', title: 'Show in the timelines' }, h('span', { class: 'note-badge' }, String(n.label)), h('span', { class: 'note-where' }, noteWhere(n)), h('span', { class: 'note-text' }, n.text));
    body.addEventListener('click', () => this.actions.choose(n));
    return h('li', { class: 'note', 'data-note-id': n.id }, body, tools);
  }
}
