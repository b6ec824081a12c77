import type { PacketColumns } from '../flows/packetColumns';
import { grow } from '../typed';

/**
 * What the analysis adds to each packet of a flow, as columns parallel to the flow's PacketColumns.
 * Kept small (10 bytes a packet): what follows from the packet columns is computed when asked (the
 * calculated window, the ACK RTT), and rare large values (duplicate-ACK counts from 255, ACKs of a
 * segment 65,535 packets back or more) live beside their column.
 */

export const BIF_UNSET = -1;

/** Room grows by a quarter: less idle capacity than doubling, for a few more copies. */
const GROWTH = 1.25;
/** Column values meaning "the value is in the overflow map". */
const DUPACK_OVERFLOW = 0xff;
const BACK_OVERFLOW = 0xffff;
/** 2^shift for every valid shift (RFC 7323: at most 14), looked up rather than computed per call. */
const SCALE_FACTOR = Float64Array.from({ length: 15 }, (_, k) => 2 ** k);

export class AnalysisColumns {
  length = 0;
  /** Flag bits (flags.ts: 15 of them). */
  flags: Uint16Array;
  /** Wireshark's window_size_scalefactor as a shift: 0..14, -1 unknown, -2 scaling not used; -3 on SYN segments (not applicable). */
  winShift: Int8Array;
  /** tcp.analysis.bytes_in_flight, or BIF_UNSET. */
  bytesInFlight: Int32Array;
  /** tcp.analysis.duplicate_ack_num (0 when not a duplicate ACK); 0xff: the count is in `overflow`. */
  dupAckNum: Uint8Array;
  /** Packets back to the segment this packet acknowledges exactly (its ACK RTT's start), 0 when none; 0xffff: in `overflow`. */
  ackedBack: Uint16Array;
  /** Every flag bit any packet got so far: a rule about flags nobody has can skip its scan. */
  seenFlags = 0;
  /** The rare values too large for their column, by packet index. */
  private readonly dupAckOverflow = new Map<number, number>();
  private readonly backOverflow = new Map<number, number>();

  constructor(
    capacity: number,
    private readonly packets: PacketColumns,
  ) {
    this.flags = new Uint16Array(capacity);
    this.winShift = new Int8Array(capacity);
    this.bytesInFlight = new Int32Array(capacity);
    this.dupAckNum = new Uint8Array(capacity);
    this.ackedBack = new Uint16Array(capacity);
  }

  /** Calculated window as Wireshark shows it: raw << sender's scale, raw on SYNs and when the scale is unknown. */
  window(i: number): number {
    const shift = this.winShift[i];
    const raw = this.packets.winRaw[i];
    return shift > 0 ? raw * SCALE_FACTOR[shift] : raw;
  }

  /** tcp.analysis.ack_rtt in seconds, NaN when this packet acknowledges no segment exactly (or that segment left the history). */
  ackRtt(i: number): number {
    let back = this.ackedBack[i];
    if (back === BACK_OVERFLOW) back = this.backOverflow.get(i)!;
    if (back === 0 || back > i) return NaN;
    const time = this.packets.time;
    return time[i] - time[i - back];
  }

  /** Packet `i` acknowledges exactly the segment `back` packets before it (0: none). */
  setAckedBack(i: number, back: number): void {
    if (back < BACK_OVERFLOW) {
      this.ackedBack[i] = back;
      return;
    }
    this.ackedBack[i] = BACK_OVERFLOW;
    this.backOverflow.set(i, back);
  }

  /** tcp.analysis.duplicate_ack_num, 0 when not a duplicate ACK. */
  dupAck(i: number): number {
    const n = this.dupAckNum[i];
    return n === DUPACK_OVERFLOW ? this.dupAckOverflow.get(i)! : n;
  }

  setDupAck(i: number, n: number): void {
    if (n < DUPACK_OVERFLOW) {
      this.dupAckNum[i] = n;
      return;
    }
    this.dupAckNum[i] = DUPACK_OVERFLOW;
    this.dupAckOverflow.set(i, n);
  }

  /** Bytes held (the columns' capacity). */
  get byteLength(): number {
    return this.flags.byteLength + this.winShift.byteLength + this.bytesInFlight.byteLength + this.dupAckNum.byteLength + this.ackedBack.byteLength;
  }

  /** Forget the first `k` rows (the flow's oldest packets left its columns). */
  dropFirst(k: number): void {
    for (const c of [this.flags, this.winShift, this.bytesInFlight, this.dupAckNum, this.ackedBack]) c.copyWithin(0, k, this.length);
    this.length -= k;
    for (const map of [this.dupAckOverflow, this.backOverflow]) {
      if (map.size === 0) continue;
      const moved = [...map].filter(([i]) => i >= k);
      map.clear();
      for (const [i, n] of moved) map.set(i - k, n);
    }
    if (this.flags.length > 2 * this.length + 64) this.resize(Math.max(16, Math.ceil(this.length * GROWTH)));
  }

  /** Make sure `capacity` rows fit, growing by a quarter as the flow grows (live captures). */
  ensure(capacity: number): void {
    if (capacity <= this.flags.length) return;
    this.resize(Math.max(capacity, Math.ceil(this.flags.length * GROWTH)));
  }

  /** Exactly as much room as the rows held (a file read to its end). */
  compact(): void {
    if (this.flags.length > this.length) this.resize(Math.max(1, this.length));
  }

  /** Room for `c` rows (at least the rows held). */
  private resize(c: number): void {
    this.flags = grow(this.flags, c);
    this.winShift = grow(this.winShift, c);
    this.bytesInFlight = grow(this.bytesInFlight, c);
    this.dupAckNum = grow(this.dupAckNum, c);
    this.ackedBack = grow(this.ackedBack, c);
  }
}
