/**
 * Notes on a capture: text pinned to a flow and a packet, an instant or a time range. They live in a
 * sidecar file beside the capture (docs/notes.md), keyed by the flow's endpoints and by frame and
 * time rather than by flow id, so a re-analysis that numbers flows differently still finds them.
 * Comments a pcapng capture already carries (`opt_comment`) are notes too, read-only.
 */
import { jsonErrorAt } from './jsonError';

export const NOTES_FORMAT = 'tcp-flow-lens-notes';
export const NOTES_VERSION = 1;

/** A flow as notes name it: its endpoints (`address:port`, in either order). */
export interface NoteFlow {
  a: string;
  b: string;
}

/** A finding a note was pinned from ("Pin finding"): enough to recognise it after a re-analysis. */
export interface PinnedFinding {
  kind: string;
  frames: number[];
}

/**
 * One note. A packet note has `frame` (and that packet's `time`); an instant has `time` only; a
 * range has `time` and `end`. Times are seconds since the capture's first packet. Fields this
 * version does not know are kept as they are when the file is written again.
 */
export interface Note {
  id: string;
  flow: NoteFlow;
  frame?: number;
  time: number;
  end?: number;
  text: string;
  /** ISO 8601 times. */
  created: string;
  modified?: string;
  finding?: PinnedFinding;
  [unknownField: string]: unknown;
}

/** The sidecar file's document. */
export interface NotesDocument {
  format: typeof NOTES_FORMAT;
  version: number;
  /** What the notes were taken on, to warn when a sidecar is put beside another capture. */
  capture?: { name: string; firstPacketEpoch: string | null };
  notes: Note[];
  [unknownField: string]: unknown;
}

/** A note as shown: from the sidecar, or a comment in the capture itself (read-only). */
export interface ShownNote extends Note {
  source: 'sidecar' | 'capture';
  /** The flow's id in this analysis, or null when no flow of the capture matches. */
  flowId: number | null;
}

/** The sidecar could not be read as a notes document; it is left untouched and nothing is written to it. */
export class SidecarError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason}. The file was left as it is and no notes are written to it until it is fixed or moved away.`);
    this.name = 'SidecarError';
  }
}

export function emptyDocument(capture?: NotesDocument['capture']): NotesDocument {
  return { format: NOTES_FORMAT, version: NOTES_VERSION, ...(capture ? { capture } : {}), notes: [] };
}

/** Parses and checks a sidecar's text; throws SidecarError naming the first problem (with line and column for JSON errors). */
export function parseNotes(text: string, path: string): NotesDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new SidecarError(path, `not valid JSON (${describeJsonError(text, err as Error)})`);
  }
  if (!isObject(doc)) throw new SidecarError(path, 'not a notes document (expected a JSON object)');
  if (doc.format !== NOTES_FORMAT) throw new SidecarError(path, `not a notes document ("format" is ${JSON.stringify(doc.format)}, expected "${NOTES_FORMAT}")`);
  if (typeof doc.version !== 'number' || !Number.isInteger(doc.version) || doc.version < 1) throw new SidecarError(path, `"version" must be a positive integer, not ${JSON.stringify(doc.version)}`);
  if (doc.version > NOTES_VERSION) throw new SidecarError(path, `written by a newer TCP Flow Lens (notes version ${doc.version}; this one reads version ${NOTES_VERSION})`);
  if (!Array.isArray(doc.notes)) throw new SidecarError(path, '"notes" must be an array');
  doc.notes.forEach((n, k) => {
    const problem = noteProblem(n);
    if (problem) throw new SidecarError(path, `note ${k + 1}${isObject(n) && typeof n.id === 'string' ? ` (id ${n.id})` : ''}: ${problem}`);
  });
  const ids = new Set<string>();
  for (const n of doc.notes as Note[]) {
    if (ids.has(n.id)) throw new SidecarError(path, `two notes have the id ${JSON.stringify(n.id)}`);
    ids.add(n.id);
  }
  return doc as NotesDocument;
}

/** The document as the sidecar stores it: stable two-space JSON with a final newline. */
export function serializeNotes(doc: NotesDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function noteProblem(n: unknown): string | null {
  if (!isObject(n)) return 'not an object';
  if (typeof n.id !== 'string' || n.id === '') return '"id" must be a non-empty string';
  if (!isObject(n.flow) || typeof n.flow.a !== 'string' || typeof n.flow.b !== 'string') return '"flow" must be {"a": "address:port", "b": "address:port"}';
  if (typeof n.text !== 'string') return '"text" must be a string';
  if (!isFiniteNumber(n.time)) return '"time" must be a number (seconds since the first packet)';
  if (n.frame !== undefined && !(Number.isInteger(n.frame) && (n.frame as number) >= 1)) return '"frame" must be a frame number (1 or more)';
  if (n.end !== undefined && !(isFiniteNumber(n.end) && n.end >= n.time)) return '"end" must be a number not before "time"';
  if (typeof n.created !== 'string') return '"created" must be an ISO 8601 time';
  return null;
}

/** "line 3, column 13: expected a value", or V8's own words when the scanner finds nothing wrong. */
function describeJsonError(text: string, err: Error): string {
  const at = jsonErrorAt(text);
  return at ? `line ${at.line}, column ${at.column}: ${at.reason}` : err.message;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** A new note id, unique in `doc`: n1, n2, … */
export function nextNoteId(doc: NotesDocument): string {
  let max = 0;
  for (const n of doc.notes) {
    const m = /^n(\d+)$/.exec(n.id);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return `n${max + 1}`;
}

/** What a note says where it is: "frame 95", "at 0.218000 s", "0.100000–0.300000 s". */
export function noteWhere(n: Pick<Note, 'frame' | 'time' | 'end'>): string {
  if (n.frame !== undefined) return `frame ${n.frame}`;
  if (n.end !== undefined) return `${n.time.toFixed(6)}–${n.end.toFixed(6)} s`;
  return `at ${n.time.toFixed(6)} s`;
}
