/**
 * Values the core writes and the webview draws: the per-packet analysis flag bits and the marker
 * kinds of a series. Defined once here so both sides read the same numbers.
 */

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
