/**
 * The capture summary the host sends once a file is read (`SummaryMessage`): the flow table, the
 * stall episodes and findings, the notes. Plain data, built from the core's summary by
 * `core/view/captureView.ts`; times are seconds since the capture start.
 */
import type { Direction } from './timelineData';

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
  /** Why the flow's data sender was slow (issue 19): null when the flow carries no data. */
  limitedBy?: LimitShareRow | null;
}

/**
 * The data sender's states, defined as the Linux kernel counts them (`tcp_info`): receiver window
 * (`rwnd_limited`), network (busy − rwnd_limited − sndbuf_limited), the sender's buffer
 * (`sndbuf_limited`), application (not busy) and idle (before the first data, after the last ACK).
 * The order is the one `SeriesResult.limits.state` codes use (index into this list).
 */
export const LIMIT_STATES = ['receiverWindow', 'network', 'sendBuffer', 'application', 'idle'] as const;
export type LimitState = (typeof LIMIT_STATES)[number];

/** A flow's limited-by split for the flow list and the findings sentence. */
export interface LimitShareRow {
  /** The direction that carries the data (the one split). */
  direction: Direction;
  /** The state that held longest outside idle, and its share of the time outside idle (0..1). */
  dominant: LimitState;
  share: number;
  /** Seconds per state; `busy` is everything but application and idle (the kernel's busy time). */
  seconds: Record<LimitState, number>;
  busy: number;
  /** Seconds of receiver-window time spent waiting for window updates that were owed. */
  owedSeconds: number;
}

/** A stall episode, for shading and brackets. Times in seconds since the capture start. */
export interface StallRow {
  /** Stable while the capture grows (a CaptureModel's stall id, ModelEvent.stallId); absent in views built without a model. */
  id?: number;
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

/**
 * One finding, as the findings panel lists it. `id` is stable while the capture grows (the same
 * finding keeps its id in every later update); for a file read once it equals its index in
 * CaptureView.findings (sorted by time).
 */
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

/** A live session's state (issue 13): absent for a file read once. */
export interface LiveState {
  /** What the user attached to, as shown in the status bar ('tcpdump -i tun0', 'tcp:127.0.0.1:9000', a followed file's path). */
  source: string;
  state: 'connecting' | 'attached' | 'paused' | 'reconnecting' | 'ended';
  /** Why it ended or is reconnecting, when it says. */
  message?: string;
  /** Interruptions of the source (a socket that dropped): seconds since the capture start; `end` null while still cut off. */
  gaps: { start: number; end: number | null; reason: string }[];
  /** Packets that left the bounded history (their flows, stalls and findings stay), and the time before which data is gone. */
  dropped: { packets: number; before: number } | null;
  /** Events per second received, averaged over the last few seconds. */
  eventsPerSecond: number;
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
  /**
   * Grows by one with every update of the same capture (a file still being read, a live source): the
   * view is a whole new snapshot each time, and stall/finding ids are stable across revisions.
   */
  revision?: number;
  /** True once the whole file was read (or the live source ended) and analysed; false for updates before that. */
  complete?: boolean;
  live?: LiveState;
}

/** Why a capture could not be shown. `notCapture` carries the reader's reason and byte offset. */
export type Failure =
  | { kind: 'notCapture'; reason: string; offset: number }
  | { kind: 'cancelled' }
  | { kind: 'io'; message: string };
