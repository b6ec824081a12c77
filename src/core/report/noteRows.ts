/** Notes as the editor shows them (NoteRow): the sidecar's notes placed on the view's flows, the capture's comments, numbered per flow. */
import type { CaptureIngest } from '../ingest';
import type { FlowRow, NoteAnchor, NoteRow } from '../../protocol';
import type { Note, NotesDocument } from './notes';
import { captureCommentNotes } from './noteFlows';

/** The capture's pcapng comments as read-only rows (label set by `numberNotes`). */
export function commentRows(ingest: CaptureIngest): NoteRow[] {
  return captureCommentNotes(ingest).map((n) => ({ id: n.id, flowId: n.flowId, frame: n.frame, time: Number.isNaN(n.time) ? 0 : n.time, text: n.text, source: 'capture', label: 0 }));
}

/** The flow a note names, among the view's flows: same endpoints; for a reused 4-tuple, the one whose lifetime holds its time. */
export function flowRowOf(flows: readonly FlowRow[], note: Pick<Note, 'flow' | 'time'>): FlowRow | undefined {
  const matches = flows.filter((f) => (f.a === note.flow.a && f.b === note.flow.b) || (f.a === note.flow.b && f.b === note.flow.a));
  return matches.find((f) => note.time >= f.start && note.time <= f.start + f.duration) ?? matches[0];
}

export function sidecarRows(doc: NotesDocument, flows: readonly FlowRow[]): NoteRow[] {
  return doc.notes.map((n) => ({ id: n.id, flowId: flowRowOf(flows, n)?.id ?? null, frame: n.frame, time: n.time, end: n.end, text: n.text, source: 'sidecar', label: 0 }));
}

/** All rows in time order, each labelled 1, 2, … within its flow: the numbers drawn on the lanes and shown in the Notes list. */
export function numberNotes(rows: NoteRow[]): NoteRow[] {
  const next = new Map<number | null, number>();
  return [...rows]
    .sort((x, y) => x.time - y.time || (x.frame ?? 0) - (y.frame ?? 0) || x.id.localeCompare(y.id))
    .map((r) => {
      const label = (next.get(r.flowId) ?? 0) + 1;
      next.set(r.flowId, label);
      return { ...r, label };
    });
}

/** The sidecar fields of a new note at `anchor`; undefined when the flow is not in the view. */
export function noteAt(flows: readonly FlowRow[], anchor: NoteAnchor): Pick<Note, 'flow' | 'frame' | 'time' | 'end'> | undefined {
  const flow = flows.find((f) => f.id === anchor.flowId);
  if (!flow) return undefined;
  const time = Math.round(anchor.time * 1e9) / 1e9;
  return {
    flow: { a: flow.a, b: flow.b },
    ...(anchor.frame !== undefined ? { frame: anchor.frame } : {}),
    time,
    ...(anchor.end !== undefined ? { end: Math.max(time, Math.round(anchor.end * 1e9) / 1e9) } : {}),
  };
}
