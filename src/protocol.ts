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
  // host → webview
  Progress = 'progress',
  Summary = 'summary',
  Failed = 'failed',
  Reply = 'reply',
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

export type WebviewRequest = ReloadRequest | ReopenWithOtherEditorRequest;
export type FromWebviewMessage = ReadyMessage | WebviewRequest;

// ---- host → webview ----

/** Parsing is under way: bytes read of the file's size. */
export interface ProgressMessage {
  type: MessageType.Progress;
  bytesRead: number;
  fileSize: number;
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

export type ReplyMessage = { type: MessageType.Reply; inReplyTo: number } & ({ ok: true } | { error: string });

export type ToWebviewMessage = ProgressMessage | SummaryMessage | FailedMessage | ReplyMessage;

/** What the webview persists with its state API: view state only, never the data. */
export interface WebviewState {
  selectedFlowId?: number;
}
