import { UnackedSegments } from './unacked';

/** Window scale states, as Wireshark keeps them. */
export const SCALE_UNKNOWN = -1;
export const SCALE_NOT_USED = -2;

/**
 * What the analysis remembers about one direction of a flow (Wireshark's `tcp_flow_t` and its
 * `tcp_analyze_seq_info`). Sequence numbers are relative to `base`; 0 means "not seen yet", as in
 * Wireshark, which is why the relative base puts the first byte at 1.
 */
export class DirectionState {
  base = 0;
  baseSet = false;
  /** Highest seq + len sent (a zero-window probe does not advance it). */
  nextseq = 0;
  /** Packet that last advanced nextseq (-1: none yet). */
  nextseqIndex = -1;
  /** Highest in-order seq we expect the peer to acknowledge. */
  maxseqtobeacked = 0;
  /** Last ACK value this direction sent, and when. */
  lastack = 0;
  /** Packet that carried `lastack` (-1: none yet). */
  lastackIndex = -1;
  /** Last raw 16-bit window this direction advertised, -1 before any. */
  window = -1;
  /** True while `window` still comes from this direction's SYN (never scaled, RFC 7323 §2.2). */
  windowFromSyn = false;
  /** Window-scale shift this direction announced: 0..14, SCALE_UNKNOWN or SCALE_NOT_USED. */
  scale = SCALE_UNKNOWN;
  dupacknum = 0;
  /** Analysis flags of this direction's previous segment. */
  lastSegmentFlags = 0;
  /** Bytes covered by the SACK blocks of this direction's latest SACK option (Wireshark keeps at most 3). */
  sackedBytes = 0;
  /** Bytes in flight is trustworthy (false after a gap until the peer acknowledges again). */
  validBif = true;
  readonly unacked = new UnackedSegments();
}
