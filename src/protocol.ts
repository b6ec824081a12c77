/**
 * The one message protocol between the extension host and the capture editor's webview, imported by
 * both sides (and nothing else is shared). The webview speaks first: it posts `ready` once its
 * script runs, and only then does the host post anything (earlier messages would be lost). A
 * request carries a `requestId`; the host answers every request with exactly one `reply` whose
 * `inReplyTo` names it, `{ ok }` on success or `{ error }` on failure, so the webview never waits
 * forever.
 */

export const enum MessageType {
  // webview → host
  Ready = 'ready',
  Reload = 'reload',
  ReopenWithOtherEditor = 'reopenWithOtherEditor',
  /** Ask for one flow's timeline series in a time range, decimated to a pixel width. */
  Series = 'series',
  /** Ask for one packet's details (click on a packet). */
  PacketDetails = 'packetDetails',
  /** The user changed the view in a way the host mirrors (selected flow, for the tree view). */
  ViewChanged = 'viewChanged',
  /** Add a note to a packet, an instant or a range of a flow (the host asks for its text). */
  AddNote = 'addNote',
  /** Edit (the host asks for the new text) or delete a note of the sidecar. */
  EditNote = 'editNote',
  DeleteNote = 'deleteNote',
  /** Undo the last note change made in this editor. */
  UndoNote = 'undoNote',
  /** Turn a finding into a note over its interval ("Pin Finding"). */
  PinFinding = 'pinFinding',
  // host → webview
  Progress = 'progress',
  Summary = 'summary',
  Failed = 'failed',
  Reply = 'reply',
  /** A palette command aimed at the active editor (next finding, switch direction, reset zoom, …). */
  Command = 'command',
  /** Show a flow, and optionally one of its findings (a click in the flows tree view). */
  Reveal = 'reveal',
  /** The capture's notes (sidecar and pcapng comments), again whenever they change. */
  Notes = 'notes',
}

// ---- shapes the host sends (plain data, built from the core's summary by the host) ----

/** One row of the flow table. Endpoints are `address:port`; times in seconds since the capture start. */
export interface FlowRow {
  id: number;
  a: string;
  b: string;
  packetsAtoB: number;
  packetsBtoA: number;
  payloadAtoB: number;
  payloadBtoA: number;
  start: number;
  duration: number;
  /** Window-scale shift each side offered in its SYN; null when not captured or not offered. */
  windowScale: { a: number | null; b: number | null };
  mss: { a: number | null; b: number | null };
  /** The tunnels its packets came through, outermost first ('GRE/ERSPAN II', 'PPPoE'), or null for plain IP. */
  encapsulation?: string | null;
}

/** A problem the reader or decoder found and worked around; `offset` is -1 when it has no byte offset. */
export interface WarningRow {
  offset: number;
  message: string;
}

export interface LinkTypeRow {
  name: string;
  packets: number;
  /** False when the decoder could not read this link type (its packets count as non-TCP). */
  decoded: boolean;
}

/** Per-flow totals for the flow list, beside FlowRow's counts. */
export interface FlowHealth {
  /** Seconds the flow spent in stall episodes (both receivers). */
  stallSeconds: number;
  /** Seconds charged as owed window updates. */
  owedSeconds: number;
  /** Number of findings by kind. */
  findings: Record<string, number>;
}

/** A stall episode, for shading and brackets. Times in seconds since the capture start. */
export interface StallRow {
  flowId: number;
  /** Side whose window closed: 'a' or 'b'. The data flowing to it is the flow's direction a→b when 'b'. */
  receiver: 'a' | 'b';
  start: number;
  end: number;
  startFrame: number;
  endFrame: number;
  endedBy: string;
  probes: number;
  /** Null when nothing was owed. `moment` is when the update became owed (the queue sample, else the stall start). */
  owed: { seconds: number; confidence: string; moment: number; evidence: string } | null;
}

/** One finding, as the findings panel lists it. `id` is its index in CaptureView.findings. */
export interface FindingRow {
  id: number;
  flowId: number;
  kind: string;
  time: number;
  frames: number[];
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** For findings about an interval (stalls, owed updates): its end, for zooming to it. */
  end?: number;
}

/**
 * A note pinned to a flow: a packet (`frame`), an instant (`time`) or a range (`time` to `end`), from
 * the notes sidecar or a pcapng comment in the capture (read-only). `label` is its number in the
 * Notes list, drawn on the lanes. Times in seconds since the capture start.
 */
export interface NoteRow {
  id: string;
  flowId: number | null;
  frame?: number;
  time: number;
  end?: number;
  text: string;
  source: 'sidecar' | 'capture';
  label: number;
}

/** Everything the first version of the editor shows about a capture. */
export interface CaptureView {
  fileName: string;
  filePath: string;
  format: string | null;
  packets: number;
  tcpPackets: number;
  linkTypes: LinkTypeRow[];
  warnings: WarningRow[];
  flows: FlowRow[];
  /** Parallel to `flows` (same order). */
  health: FlowHealth[];
  stalls: StallRow[];
  findings: FindingRow[];
  /** True when the capture was damaged: the part that was read is shown, the warnings say where it stopped. */
  partial: boolean;
  /** pcapng packet comments of the capture, as read-only notes (the host adds the sidecar's notes). */
  comments?: NoteRow[];
}

/**
 * Which data direction a timeline shows: 'ab' is data from a to b (so b is the receiver whose
 * window, ACKs and Recv-Q are drawn), 'ba' the other way. Wireshark's tcptrace graph has the same switch.
 */
export type Direction = 'ab' | 'ba';

/** A request for one flow's lanes over [t0, t1] seconds, at `pixelWidth` device pixels. */
export interface SeriesQuery {
  flowId: number;
  direction: Direction;
  t0: number;
  t1: number;
  pixelWidth: number;
}

/**
 * Per-packet analysis flag bits (Wireshark's `tcp.analysis.*` plus our `persist_probe`), as the
 * analysis stores them and `SeriesResult.segments.flags` carries them. Defined here so the webview
 * reads the same values the core writes.
 */
export const AnalysisFlag = {
  ZERO_WINDOW: 1 << 0,
  ZERO_WINDOW_PROBE: 1 << 1,
  ZERO_WINDOW_PROBE_ACK: 1 << 2,
  WINDOW_UPDATE: 1 << 3,
  WINDOW_FULL: 1 << 4,
  KEEP_ALIVE: 1 << 5,
  KEEP_ALIVE_ACK: 1 << 6,
  DUPLICATE_ACK: 1 << 7,
  RETRANSMISSION: 1 << 8,
  FAST_RETRANSMISSION: 1 << 9,
  SPURIOUS_RETRANSMISSION: 1 << 10,
  OUT_OF_ORDER: 1 << 11,
  LOST_SEGMENT: 1 << 12,
  ACK_LOST_SEGMENT: 1 << 13,
  /** A segment sent while the peer's last advertised window was zero (any probe style). */
  PERSIST_PROBE: 1 << 14,
} as const;

/** Marker kinds drawn on the lanes; every marker in range is sent, never decimated away. */
export const enum MarkerKind {
  Retransmission = 1,
  OutOfWindow = 2,
  PersistProbe = 3,
  ZeroWindow = 4,
  WindowFull = 5,
  DuplicateAck = 6,
  OutOfOrder = 7,
  LostSegment = 8,
  WindowUpdate = 9,
}

/**
 * One flow's lanes in a time range. Every array is a typed array (they cross as ArrayBuffers, never
 * as JSON numbers). Sequence numbers are relative to the data sender's initial sequence number
 * (as Wireshark shows them). When a range holds more segments than `pixelWidth`, `segments` is
 * decimated to one bar per pixel column spanning the lowest seq to the highest seq + len of the
 * column (`count` > 1); lines are decimated to min/max per column (two points per column).
 */
export interface SeriesResult {
  query: SeriesQuery;
  /** Data segments of the selected direction. For a decimated bar, `frame` is the first frame of the column. */
  segments: {
    time: Float64Array;
    seq: Float64Array;
    end: Float64Array;
    count: Uint32Array;
    frame: Uint32Array;
    /** Analysis flag bits OR'ed over the bar (flags.ts values: retransmission, persist probe, …). */
    flags: Uint32Array;
  };
  /** The receiver's ACK line and receive-window line (ack + window), as steps: value holds until the next time. */
  acks: { time: Float64Array; ack: Float64Array; rightEdge: Float64Array };
  /** SACK blocks the receiver reported: at `time`, [left, right) in relative sequence numbers. */
  sacks: { time: Float64Array; left: Float64Array; right: Float64Array };
  /** Window lane: the receiver's advertised window in bytes (steps), and the sender's bytes in flight. */
  window: { time: Float64Array; bytes: Float64Array };
  bytesInFlight: { time: Float64Array; bytes: Float64Array };
  /** The receiver's Recv-Q; `source` says whether it was measured or inferred. */
  recvQ: { time: Float64Array; bytes: Float64Array; source: 'ss' | 'nat-trace' | 'inferred' };
  /** The window below which the flow counts as stalled: one segment of the sender's (its effective segment size) or half the largest window, see docs/analysis.md. */
  threshold: number;
  /**
   * How the receiver's windows were scaled; 'unknown' means raw values (draw them with a warning),
   * 'inferred' dotted, 'assumed' a NAT log's usual shift (the log does not say; a setting changes it).
   */
  windowScale: 'handshake' | 'not-used' | 'inferred' | 'assumed' | 'unknown';
  markers: { time: Float64Array; value: Float64Array; kind: Uint8Array; frame: Uint32Array };
  /** Full extent of the flow, for the reset zoom and the axes. */
  extent: { t0: number; t1: number; seqMax: number; windowMax: number; recvQMax: number };
}

/** One packet, for the tooltip and the details pane. */
export interface PacketDetails {
  frame: number;
  time: number;
  direction: Direction;
  seq: number;
  ack: number;
  len: number;
  /** Window in bytes as the peer reads it, and the raw 16-bit field. */
  win: number;
  winRaw: number;
  tcpFlags: string;
  /** Analysis flags by name (Wireshark's plus ours). */
  flags: string[];
  bytesInFlight: number | null;
  rtt: number | null;
  /** From a NAT's trace or log: why it sent this segment, why it dropped it, its Recv-Q then (null when it did not say). */
  engine?: { reason: string | null; dropped: string | null; recvq: number | null };
}

/** Why a capture could not be shown. `notCapture` carries the reader's reason and byte offset. */
export type Failure =
  | { kind: 'notCapture'; reason: string; offset: number }
  | { kind: 'cancelled' }
  | { kind: 'io'; message: string };

// ---- webview → host ----

export interface ReadyMessage {
  type: MessageType.Ready;
}

/** Read the file again (after a cancel, or when it changed on disk). Answered once the new state was posted. */
export interface ReloadRequest {
  type: MessageType.Reload;
  requestId: number;
}

/** Open the file with VS Code's default editor (text/hex), e.g. when it is not a capture. */
export interface ReopenWithOtherEditorRequest {
  type: MessageType.ReopenWithOtherEditor;
  requestId: number;
}

export interface SeriesRequest {
  type: MessageType.Series;
  requestId: number;
  query: SeriesQuery;
}

export interface PacketDetailsRequest {
  type: MessageType.PacketDetails;
  requestId: number;
  flowId: number;
  frame: number;
}

/** Not a request: tells the host what the user is looking at (the flow, finding, direction and visible time window, for bug reports). */
export interface ViewChangedMessage {
  type: MessageType.ViewChanged;
  selectedFlowId: number | null;
  selectedFindingId: number | null;
  direction?: Direction;
  view?: { t0: number; t1: number } | null;
}

/** Where a new note goes: a packet (`frame` and its time), an instant (`time`), or a range (`time` to `end`) of a flow. */
export interface NoteAnchor {
  flowId: number;
  frame?: number;
  time: number;
  end?: number;
}

export interface AddNoteRequest {
  type: MessageType.AddNote;
  requestId: number;
  anchor: NoteAnchor;
}

export interface EditNoteRequest {
  type: MessageType.EditNote;
  requestId: number;
  noteId: string;
}

export interface DeleteNoteRequest {
  type: MessageType.DeleteNote;
  requestId: number;
  noteId: string;
}

export interface UndoNoteRequest {
  type: MessageType.UndoNote;
  requestId: number;
}

export interface PinFindingRequest {
  type: MessageType.PinFinding;
  requestId: number;
  /** An id of CaptureView.findings. */
  findingId: number;
}

export type NoteRequest = AddNoteRequest | EditNoteRequest | DeleteNoteRequest | UndoNoteRequest | PinFindingRequest;
export type WebviewRequest = ReloadRequest | ReopenWithOtherEditorRequest | SeriesRequest | PacketDetailsRequest | NoteRequest;
export type FromWebviewMessage = ReadyMessage | WebviewRequest | ViewChangedMessage;

// ---- host → webview ----

/** Parsing is under way: bytes read of the file's size. */
export interface ProgressMessage {
  type: MessageType.Progress;
  bytesRead: number;
  fileSize: number;
  /**
   * While reading, about once a second: the capture so far, so the flow list fills in as flows
   * appear. Flows and packet counts only (at most the first 2000 flows; `health` all zero, no
   * stalls or findings, `format` null): the analysis runs once the whole file is read.
   */
  capture?: CaptureView;
}

export interface SummaryMessage {
  type: MessageType.Summary;
  capture: CaptureView;
}

export interface FailedMessage {
  type: MessageType.Failed;
  fileName: string;
  failure: Failure;
}

/** Every request's answer: `result` is a SeriesResult for Series, PacketDetails for PacketDetails, absent otherwise. */
export type ReplyMessage = { type: MessageType.Reply; inReplyTo: number } & ({ ok: true; result?: SeriesResult | PacketDetails } | { error: string });

export type EditorCommand = 'nextFinding' | 'previousFinding' | 'switchDirection' | 'resetZoom' | 'copyFinding' | 'addNote';

export interface CommandMessage {
  type: MessageType.Command;
  command: EditorCommand;
}

/** Select flow `flowId` and, when given, go to finding `findingId` (an id of CaptureView.findings) as if chosen in the findings panel. */
export interface RevealMessage {
  type: MessageType.Reveal;
  flowId: number;
  findingId?: number;
}

/**
 * Every note of the capture (sidecar and pcapng comments), numbered by time; `problem` says why the
 * sidecar could not be read (it is then left alone and notes cannot be added until it is fixed).
 */
export interface NotesMessage {
  type: MessageType.Notes;
  notes: NoteRow[];
  problem: string | null;
}

export type ToWebviewMessage = ProgressMessage | SummaryMessage | FailedMessage | ReplyMessage | CommandMessage | RevealMessage | NotesMessage;

/** What the webview persists with its state API: view state only, never the data. */
export interface WebviewState {
  selectedFlowId?: number;
  direction?: Direction;
  /** The visible time window, seconds. */
  view?: { t0: number; t1: number };
  collapsedLanes?: string[];
  selectedFindingId?: number;
  sort?: { column: string; descending: boolean };
  filter?: string;
}
