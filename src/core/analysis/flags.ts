/**
 * Per-packet analysis flags: Wireshark's `tcp.analysis.*` (same names, same conditions, see
 * docs/analysis.md) plus our own beside them.
 */
export const Flag = {
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
  /** Ours: a segment sent while the peer's last advertised window was zero (any probe style). */
  PERSIST_PROBE: 1 << 14,
} as const;

/** Flag names as the CLI and the webview print them (Wireshark's field names without `tcp.analysis.`). */
export const FLAG_NAMES: readonly [number, string][] = [
  [Flag.ZERO_WINDOW, 'zero_window'],
  [Flag.ZERO_WINDOW_PROBE, 'zero_window_probe'],
  [Flag.ZERO_WINDOW_PROBE_ACK, 'zero_window_probe_ack'],
  [Flag.WINDOW_UPDATE, 'window_update'],
  [Flag.WINDOW_FULL, 'window_full'],
  [Flag.KEEP_ALIVE, 'keep_alive'],
  [Flag.KEEP_ALIVE_ACK, 'keep_alive_ack'],
  [Flag.DUPLICATE_ACK, 'duplicate_ack'],
  [Flag.RETRANSMISSION, 'retransmission'],
  [Flag.FAST_RETRANSMISSION, 'fast_retransmission'],
  [Flag.SPURIOUS_RETRANSMISSION, 'spurious_retransmission'],
  [Flag.OUT_OF_ORDER, 'out_of_order'],
  [Flag.LOST_SEGMENT, 'lost_segment'],
  [Flag.ACK_LOST_SEGMENT, 'ack_lost_segment'],
  [Flag.PERSIST_PROBE, 'persist_probe'],
];

/** The names of the flags set in `bits`, in the order above. */
export function flagNames(bits: number): string[] {
  const out: string[] = [];
  for (const [bit, name] of FLAG_NAMES) if (bits & bit) out.push(name);
  return out;
}
