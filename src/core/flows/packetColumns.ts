/**
 * A flow's packets as typed-array columns (35 bytes a packet) that grow by a quarter when full; loops
 * run over an index. What is rare or follows from the rest is not a column: the SACK blocks' place
 * (only packets with SACK have one) and the whole seconds of a timestamp (from `time` and `nsec`).
 * Frame lengths are summed per direction (Flow.wireBytes), not kept per packet: nothing reads them.
 */

import { columnFields, grow, growColumns } from '../typed';

/** One column per packet field, declared once: allocated and grown together (typed.ts). */
const PACKET_COLUMNS = {
  /** 1-based frame number in the capture. */
  frame: Uint32Array,
  /** Seconds since the capture's first packet. */
  time: Float64Array,
  /** Nanoseconds within the timestamp's second (with `time`, the exact timestamp: see `secDelta`). */
  nsec: Uint32Array,
  /** 0 = a→b, 1 = b→a. */
  dir: Uint8Array,
  seq: Uint32Array,
  ack: Uint32Array,
  /** TCP payload length (tcp.len). */
  len: Uint32Array,
  /** The 16-bit window field as on the wire. */
  winRaw: Uint16Array,
  /** TcpFlag bits. */
  tcpFlags: Uint16Array,
  /** TcpOpt bits. */
  opts: Uint8Array,
  /** How many SACK blocks the packet carries (its edges are in `sackEdges`, at `sackAt(i)`). */
  sackCount: Uint8Array,
};

/** Room grows by a quarter: less idle capacity in the largest columns than doubling, for a few more copies. */
const GROWTH = 1.25;

/** The packets of one flow: `flow.packets.seq[i]` and so on, one field per column of PACKET_COLUMNS. */
export class PacketColumns extends columnFields(PACKET_COLUMNS) {
  length = 0;
  /** SACK blocks of all packets: left, right, left, right, … with the count in `sackCount`. */
  sackEdges = new Uint32Array(8);
  sackUsed = 0;
  /** The capture's time origin's nanoseconds (its first packet's), for the whole seconds of a timestamp. */
  originNsec = 0;
  /** Packets with SACK blocks, ascending, and where each one's edges start in `sackEdges`. */
  private sackIndex = new Uint32Array(8);
  private sackStart = new Uint32Array(8);
  private sackPackets = 0;

  constructor(capacity = 16) {
    super(capacity);
  }

  /** Bytes held (capacity of every column and the SACK lists). */
  get byteLength(): number {
    let n = this.sackEdges.byteLength + this.sackIndex.byteLength + this.sackStart.byteLength;
    for (const name in PACKET_COLUMNS) n += (this as unknown as Record<string, Uint8Array>)[name].byteLength;
    return n;
  }

  get capacity(): number {
    return this.frame.length;
  }

  /** Make room for one more packet; returns its index. */
  next(): number {
    if (this.length === this.frame.length) growColumns(this, PACKET_COLUMNS, Math.ceil(this.frame.length * GROWTH) + 16);
    return this.length++;
  }

  /**
   * Whole seconds of packet `i`'s timestamp since the origin's second. Exact: `time` is off by far
   * less than the half second the rounding allows.
   */
  secDelta(i: number): number {
    return Math.round(this.time[i] - (this.nsec[i] - this.originNsec) * 1e-9);
  }

  /** Exact nanoseconds from packet `j` to packet `i` (exact while under 2^53 ns, about 104 days). */
  nsBetween(i: number, j: number): number {
    const seconds = Math.round(this.time[i] - this.time[j] - (this.nsec[i] - this.nsec[j]) * 1e-9);
    return seconds * 1e9 + (this.nsec[i] - this.nsec[j]);
  }

  /** Where packet `i`'s SACK edges start in `sackEdges` (valid when `sackCount[i]` > 0). */
  sackAt(i: number): number {
    let lo = 0;
    let hi = this.sackPackets - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sackIndex[mid] < i) lo = mid + 1;
      else hi = mid;
    }
    return this.sackStart[lo];
  }

  /** Append SACK block edges for packet `i` (the newest packet). */
  addSack(i: number, edges: Uint32Array, count: number): void {
    const need = this.sackUsed + 2 * count;
    if (need > this.sackEdges.length) this.sackEdges = grow(this.sackEdges, Math.max(need, Math.ceil(this.sackEdges.length * GROWTH) + 16));
    if (this.sackPackets === this.sackIndex.length) {
      const c = Math.ceil(this.sackIndex.length * GROWTH) + 16;
      this.sackIndex = grow(this.sackIndex, c);
      this.sackStart = grow(this.sackStart, c);
    }
    this.sackIndex[this.sackPackets] = i;
    this.sackStart[this.sackPackets++] = this.sackUsed;
    this.sackCount[i] = count;
    this.sackEdges.set(edges.subarray(0, 2 * count), this.sackUsed);
    this.sackUsed = need;
  }

  /** Exactly as much room as the packets held (a file read to its end). */
  compact(): void {
    if (this.capacity > this.length) growColumns(this, PACKET_COLUMNS, Math.max(1, this.length));
    if (this.sackEdges.length > this.sackUsed) this.sackEdges = this.sackEdges.slice(0, Math.max(1, this.sackUsed));
    if (this.sackIndex.length > this.sackPackets) {
      this.sackIndex = this.sackIndex.slice(0, Math.max(1, this.sackPackets));
      this.sackStart = this.sackStart.slice(0, Math.max(1, this.sackPackets));
    }
  }

  /** Forget the first `k` packets (bounded history): the rest move to the front, their SACK edges too. */
  dropFirst(k: number): void {
    const n = this.length;
    const columns = this as unknown as Record<string, Uint8Array>;
    for (const name in PACKET_COLUMNS) columns[name].copyWithin(0, k, n);
    this.length = n - k;
    this.sackCount.fill(0, this.length, n); // rows appended later set only what they carry
    // The SACK lists: entries of packets that left go, the rest move down by k packets and `base` edges.
    let first = 0;
    while (first < this.sackPackets && this.sackIndex[first] < k) first++;
    const base = first < this.sackPackets ? this.sackStart[first] : this.sackUsed;
    this.sackEdges.copyWithin(0, base, this.sackUsed);
    this.sackUsed -= base;
    this.sackIndex.copyWithin(0, first, this.sackPackets);
    this.sackStart.copyWithin(0, first, this.sackPackets);
    this.sackPackets -= first;
    for (let s = 0; s < this.sackPackets; s++) {
      this.sackIndex[s] -= k;
      this.sackStart[s] -= base;
    }
    // A flow that went quiet gives its memory back: its columns shrink with what it holds.
    if (this.capacity > 2 * this.length + 64) growColumns(this, PACKET_COLUMNS, Math.max(16, Math.ceil(this.length * GROWTH)));
    if (this.sackEdges.length > 2 * this.sackUsed + 64) this.sackEdges = this.sackEdges.slice(0, Math.max(8, this.sackUsed));
  }
}
