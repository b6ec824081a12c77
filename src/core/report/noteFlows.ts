/** Notes meet an analysis: which flow each note belongs to, and the capture's own comments as notes. */
import { type Flow, packetIndexOfFrame } from '../flows/flow';
import type { CaptureIngest } from '../ingest';
import type { Note, NoteFlow, NotesDocument, ShownNote } from './notes';

/** A flow's key in notes: its endpoints as `analyze` prints them. */
export function noteFlowOf(flow: Flow): NoteFlow {
  return { a: flow.a, b: flow.b };
}

const sameEnds = (flow: Flow, key: NoteFlow) => (flow.a === key.a && flow.b === key.b) || (flow.a === key.b && flow.b === key.a);

/**
 * The flow a note is about: same endpoints (either way round); when a 4-tuple was reused, the
 * connection holding the note's frame, else the one whose lifetime holds its time.
 */
export function flowOfNote(flows: readonly Flow[], note: Pick<Note, 'flow' | 'frame' | 'time'>): Flow | undefined {
  const matches = flows.filter((f) => sameEnds(f, note.flow));
  if (matches.length <= 1) return matches[0];
  if (note.frame !== undefined) {
    const byFrame = matches.find((f) => packetIndexOfFrame(f, note.frame!) >= 0);
    if (byFrame) return byFrame;
  }
  const p = (f: Flow) => f.packets;
  return matches.find((f) => p(f).length > 0 && note.time >= p(f).time[0] && note.time <= p(f).time[p(f).length - 1]) ?? matches[0];
}

/** The flow that carries `frame`, or undefined (not TCP, or not in any flow). */
export function flowOfFrame(flows: readonly Flow[], frame: number): Flow | undefined {
  return flows.find((f) => frame >= f.firstFrame && frame <= f.lastFrame && packetIndexOfFrame(f, frame) >= 0);
}

/** pcapng packet comments as read-only notes (id `capture:FRAME`); comments on non-TCP packets are kept too, without a flow. */
export function captureCommentNotes(ingest: CaptureIngest): ShownNote[] {
  const flows = ingest.flows.flows;
  const out: ShownNote[] = [];
  for (const [frame, text] of ingest.comments) {
    const flow = flowOfFrame(flows, frame);
    const i = flow ? packetIndexOfFrame(flow, frame) : -1;
    out.push({
      id: `capture:${frame}`,
      flow: flow ? noteFlowOf(flow) : { a: '', b: '' },
      frame,
      time: flow ? flow.packets.time[i] : NaN,
      text,
      created: '',
      source: 'capture',
      flowId: flow?.id ?? null,
    });
  }
  return out;
}

/** Every note of a capture, sidecar and capture comments, in time order (ties: frame, then id). */
export function shownNotes(doc: NotesDocument, ingest: CaptureIngest): ShownNote[] {
  const flows = ingest.flows.flows;
  const fromSidecar: ShownNote[] = doc.notes.map((n) => ({ ...n, source: 'sidecar', flowId: flowOfNote(flows, n)?.id ?? null }));
  return [...fromSidecar, ...captureCommentNotes(ingest)].sort(
    (x, y) => (Number.isNaN(x.time) ? Infinity : x.time) - (Number.isNaN(y.time) ? Infinity : y.time) || (x.frame ?? 0) - (y.frame ?? 0) || x.id.localeCompare(y.id),
  );
}

/** A new packet note's time, checked: the frame must be a packet of some flow. */
export function packetAnchor(flows: readonly Flow[], frame: number): { flow: Flow; time: number } | undefined {
  const flow = flowOfFrame(flows, frame);
  return flow ? { flow, time: flow.packets.time[packetIndexOfFrame(flow, frame)] } : undefined;
}
