/**
 * What the timeline pulls from the host: one flow's lanes in a time range (`SeriesQuery` →
 * `SeriesResult`, typed arrays that cross as ArrayBuffers) and one packet's details.
 */

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
  /**
   * The data sender's state strip (issue 19) over the range: intervals [start, end) with `state` an
   * index into LIMIT_STATES (rows.ts); adjacent intervals narrower than a pixel are merged into the
   * one that covers most of that pixel. Absent when the direction carries no data.
   */
  limits?: { start: Float64Array; end: Float64Array; state: Uint8Array };
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
