import { grow } from '../typed';

/** What the analysis adds to each packet of a flow, as columns parallel to the flow's PacketColumns. */

export const BIF_UNSET = -1;

export class AnalysisColumns {
  length = 0;
  /** Flag bits (flags.ts). */
  flags: Uint32Array;
  /** Calculated window as Wireshark shows it: raw << sender's scale, raw on SYNs and when the scale is unknown. */
  win: Uint32Array;
  /** Wireshark's window_size_scalefactor as a shift: 0..14, -1 unknown, -2 scaling not used; -3 on SYN segments (not applicable). */
  winShift: Int8Array;
  /** tcp.analysis.bytes_in_flight, or BIF_UNSET. */
  bytesInFlight: Int32Array;
  /** tcp.analysis.duplicate_ack_num, 0 when not a duplicate ACK. */
  dupAckNum: Uint32Array;
  /** tcp.analysis.ack_rtt in seconds, NaN when this packet acknowledges no segment exactly. */
  ackRtt: Float64Array;

  constructor(capacity: number) {
    this.flags = new Uint32Array(capacity);
    this.win = new Uint32Array(capacity);
    this.winShift = new Int8Array(capacity);
    this.bytesInFlight = new Int32Array(capacity);
    this.dupAckNum = new Uint32Array(capacity);
    this.ackRtt = new Float64Array(capacity);
  }

  /** Bytes held (the columns' capacity). */
  get byteLength(): number {
    return this.flags.byteLength + this.win.byteLength + this.winShift.byteLength + this.bytesInFlight.byteLength + this.dupAckNum.byteLength + this.ackRtt.byteLength;
  }

  /** Forget the first `k` rows (the flow's oldest packets left its columns). */
  dropFirst(k: number): void {
    for (const c of [this.flags, this.win, this.winShift, this.bytesInFlight, this.dupAckNum, this.ackRtt]) c.copyWithin(0, k, this.length);
    this.length -= k;
    if (this.flags.length > 2 * this.length + 64) this.resize(Math.max(16, Math.ceil(this.length * 1.25)));
  }

  /** Make sure index `i` fits, doubling as the flow grows (live captures). */
  ensure(capacity: number): void {
    if (capacity <= this.flags.length) return;
    this.resize(Math.max(capacity, this.flags.length * 2));
  }

  /** Room for `c` rows (at least the rows held). */
  private resize(c: number): void {
    this.flags = grow(this.flags, c);
    this.win = grow(this.win, c);
    this.winShift = grow(this.winShift, c);
    this.bytesInFlight = grow(this.bytesInFlight, c);
    this.dupAckNum = grow(this.dupAckNum, c);
    this.ackRtt = grow(this.ackRtt, c);
  }
}
