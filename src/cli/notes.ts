/**
 * `tcp-flow-lens note CAPTURE …` adds (or deletes) a note in the capture's sidecar;
 * `tcp-flow-lens notes CAPTURE [--json]` lists the sidecar's notes and the capture's own comments.
 */
import { nextNoteId, type Note, noteWhere, type ShownNote, SidecarError } from '../core/report/notes';
import { noteFlowOf, packetAnchor, shownNotes } from '../core/report/noteFlows';
import { loadNotes, sidecarPath, updateNotes } from '../core/report/sidecar';
import { formatEpoch } from '../core/summary';
import { flowById, InputError, type LoadedCapture, loadCapture, parseCommand, print, seconds, UsageError } from './common';
import { basename } from 'node:path';

export async function noteCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, { frame: { type: 'string' }, flow: { type: 'string' }, at: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, delete: { type: 'string' } });
  const [file, text, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError('note takes a capture file and the note\'s text (quote it)');
  if (values.delete !== undefined) {
    if (text !== undefined) throw new UsageError('note --delete ID takes no text');
    return deleteNote(file, values.delete);
  }
  if (text === undefined || text.trim() === '') throw new UsageError('note needs the note\'s text (quote it)');
  const c = await loadCapture(file);
  const note = anchor(c, values);
  const doc = await withSidecar(() =>
    updateNotes(file, (d) => d.notes.push({ id: nextNoteId(d), ...note, text, created: new Date().toISOString() }), captureIdentity(c)),
  );
  const added = doc.notes[doc.notes.length - 1];
  await print(`added note ${added.id} (${noteWhere(added)}, flow ${note.flow.a} ↔ ${note.flow.b}) to ${sidecarPath(file)}\n`);
  return 0;
}

type Anchor = Pick<Note, 'flow' | 'frame' | 'time' | 'end'>;

/** Where the new note goes: a packet (--frame), an instant (--flow --at) or a range (--flow --from --to). */
function anchor(c: LoadedCapture, v: { frame?: string; flow?: string; at?: string; from?: string; to?: string }): Anchor {
  if (v.frame !== undefined) {
    if (v.at !== undefined || v.from !== undefined || v.to !== undefined) throw new UsageError('--frame cannot be combined with --at, --from or --to');
    const frame = Number(v.frame);
    if (!Number.isInteger(frame) || frame < 1) throw new UsageError(`--frame needs a frame number, not ${JSON.stringify(v.frame)}`);
    const found = packetAnchor(c.ingest.flows.flows, frame);
    if (!found) throw new UsageError(`frame ${frame} of ${c.path} is not a TCP packet of any flow`);
    if (v.flow !== undefined && flowById(c, v.flow).id !== found.flow.id) throw new UsageError(`frame ${frame} belongs to flow ${found.flow.id}, not flow ${v.flow}`);
    // Rounded to the nanosecond the capture has: 0.232243, not 0.23224299999999998, in a file people read.
    return { flow: noteFlowOf(found.flow), frame, time: Math.round(found.time * 1e9) / 1e9 };
  }
  const flow = flowById(c, v.flow);
  const at = seconds('at', v.at);
  const from = seconds('from', v.from);
  const to = seconds('to', v.to);
  if (at !== undefined) {
    if (from !== undefined || to !== undefined) throw new UsageError('--at cannot be combined with --from or --to');
    return { flow: noteFlowOf(flow), time: at };
  }
  if (from === undefined || to === undefined) throw new UsageError('a note needs --frame N, or --flow ID with --at T or with --from T --to T');
  if (to < from) throw new UsageError('--to must not be before --from');
  return { flow: noteFlowOf(flow), time: from, end: to };
}

async function deleteNote(file: string, id: string): Promise<number> {
  let found = false;
  await withSidecar(() =>
    updateNotes(file, (d) => {
      const k = d.notes.findIndex((n) => n.id === id);
      if (k < 0) throw new UsageError(`${sidecarPath(file)} has no note ${id}${id.startsWith('capture:') ? ' (comments inside the capture cannot be deleted from here)' : ''}`);
      d.notes.splice(k, 1);
      found = true;
    }),
  );
  if (found) await print(`deleted note ${id} from ${sidecarPath(file)}\n`);
  return 0;
}

/** What the notes were taken on, recorded in a new sidecar. */
function captureIdentity(c: LoadedCapture) {
  const origin = c.ingest.flows.timeOrigin;
  return { name: basename(c.path), firstPacketEpoch: c.ingest.packets > 0 ? formatEpoch(origin.sec, origin.nsec) : null };
}

/** A damaged sidecar is an input error (exit 2) with the sidecar's own message. */
async function withSidecar<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof SidecarError) throw new InputError(err.message);
    throw err;
  }
}

export async function notesCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, { json: { type: 'boolean' } });
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError('notes takes one capture file');
  const c = await loadCapture(file);
  const doc = await withSidecar(() => loadNotes(file));
  const notes = shownNotes(doc, c.ingest);
  if (values.json) {
    await print(`${JSON.stringify({ capture: file, sidecar: sidecarPath(file), notes: notes.map(jsonNote) }, null, 2)}\n`);
    return 0;
  }
  await print(`${file}: ${notes.length} ${notes.length === 1 ? 'note' : 'notes'} (sidecar ${sidecarPath(file)})\n${notes.map(noteLine).join('')}`);
  return 0;
}

/** NaN (a comment on a packet of no flow) is not JSON: null. */
function jsonNote(n: ShownNote): ShownNote {
  return Number.isNaN(n.time) ? { ...n, time: null as unknown as number } : n;
}

function noteLine(n: ShownNote): string {
  const flow = n.flowId === null ? 'no flow' : `flow ${n.flowId}`;
  const when = n.frame !== undefined && !Number.isNaN(n.time) ? ` (${n.time.toFixed(6)} s)` : '';
  return `  ${n.id.padEnd(12)} ${flow.padEnd(8)} ${noteWhere(n)}${when}${n.source === 'capture' ? ' [pcapng comment]' : ''}: ${n.text.replaceAll('\n', ' / ')}\n`;
}
