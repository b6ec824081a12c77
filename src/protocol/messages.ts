/** The messages themselves: their types, one interface per message, one union per direction (see ./index.ts). */
import type { CaptureView, Failure, NoteRow } from './rows';
import type { Direction, PacketDetails, SeriesQuery, SeriesResult } from './timelineData';

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
   * Flows and counts only, no analysis. The host no longer sends it: while a capture
   * is read, each update of the model goes out as a SummaryMessage (analysed, `revision` rising,
   * `complete` false) followed by a ProgressMessage with the byte count.
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
