import { AnalysisFlag } from '../../protocol';

/**
 * Per-packet analysis flags: Wireshark's `tcp.analysis.*` (same names, same conditions, see
 * docs/analysis.md) plus our own beside them.
 */
export const Flag = AnalysisFlag;

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
