/**
 * Notes in the editor: the Notes panel, the timeline's context menu, the `m` key and the palette's
 * "Add Note". The webview only says where a note goes (NoteAnchor) or which note to edit or delete;
 * the host asks for the text, writes the sidecar and posts the notes back (MessageType.Notes).
 */
import { MessageType, type NoteAnchor, type NoteRow } from '../src/protocol';
import { formatInstant } from './format';
import { NotesPanel } from './notes';
import type { Rpc } from './rpc';
import { ContextMenu } from './timeline/contextMenu';
import type { Hit } from './timeline/hit';
import type { Timeline } from './timeline/timeline';

export class NoteActions {
  readonly panel: NotesPanel;
  readonly menu = new ContextMenu();
  private all: NoteRow[] = [];
  private problem: string | null = null;
  private flowId: number | null = null;

  constructor(
    private readonly rpc: Rpc,
    private readonly timeline: Timeline,
    private readonly onError: (err: Error) => void,
  ) {
    this.panel = new NotesPanel({
      choose: (n) => this.choose(n),
      edit: (n) => this.send({ type: MessageType.EditNote, noteId: n.id }),
      remove: (n) => this.send({ type: MessageType.DeleteNote, noteId: n.id }),
      undo: () => this.send({ type: MessageType.UndoNote }),
    });
    timeline.element.append(this.menu.element);
  }

  /** Every note of the capture, from the host. */
  setAll(notes: NoteRow[], problem: string | null): void {
    this.all = notes;
    this.problem = problem;
    this.show(this.flowId);
  }

  /** The selected flow changed: its notes in the panel and on the lanes. */
  show(flowId: number | null): void {
    this.flowId = flowId;
    const mine = flowId === null ? [] : this.all.filter((n) => n.flowId === flowId);
    this.panel.set(mine, this.problem);
    this.timeline.setNotes(mine);
  }

  /** `m` or "Add Note": the selected packet, else the one under the pointer, else the instant under it, else the middle of the view. */
  addHere(): void {
    const flow = this.timeline.flow;
    const view = this.timeline.view();
    if (!flow || !view) return;
    const { packet, hoverX: x } = this.timeline.noteTarget();
    if (packet && packet.count === 1) return this.add(packetAnchor(flow.id, packet));
    this.add({ flowId: flow.id, time: x !== null ? this.timeline.x().invert(x) : (view.t0 + view.t1) / 2 });
  }

  /** The timeline's right-click menu. */
  contextMenu(at: { time: number; hit: Hit | null; x: number; y: number }): void {
    const flow = this.timeline.flow;
    const view = this.timeline.view();
    if (!flow || !view) return;
    const items = [];
    if (at.hit && at.hit.count === 1) items.push({ label: `Add Note to Frame ${at.hit.frame}…`, run: () => this.add(packetAnchor(flow.id, at.hit!)) });
    items.push({ label: `Add Note at ${formatInstant(at.time)}…`, run: () => this.add({ flowId: flow.id, time: at.time }) });
    items.push({ label: `Add Note to the Visible Range (${formatInstant(view.t0)} – ${formatInstant(view.t1)})…`, run: () => this.add({ flowId: flow.id, time: view.t0, end: view.t1 }) });
    this.menu.show(items, at.x, at.y);
  }

  private add(anchor: NoteAnchor): void {
    if (this.problem) return this.onError(new Error(this.problem));
    this.send({ type: MessageType.AddNote, anchor });
  }

  private choose(n: NoteRow): void {
    const end = n.end ?? n.time;
    const span = Math.max(end - n.time, 0.02);
    this.timeline.setNotes(this.timeline.notes, n.id);
    this.timeline.zoomTo(n.time - span, end + span);
  }

  private send(message: Parameters<Rpc['request']>[0]): void {
    this.rpc.request(message).catch((err: Error) => this.onError(err));
  }
}

function packetAnchor(flowId: number, hit: Hit): NoteAnchor {
  return { flowId, frame: hit.frame, time: hit.time };
}
