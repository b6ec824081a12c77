/** A flow's packets as typed-array columns that grow by half again when full; loops run over an index. */

import { columnFields, grow, growColumns } from '../typed';

/** One column per packet field, declared once: allocated and grown together (typed.ts). */
const PACKET_COLUMNS = {
  /** 1-based frame number in the capture. */
  frame: Uint32Array,
  /** Seconds since the capture's first packet. */
  time: Float64Array,
  /** Exact timestamp: whole seconds relative to the first packet's second, and nanoseconds. */
  secDelta: Int32Array,
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
  /** Index of this packet's first SACK block pair in `sackEdges` (valid when opts has SACK). */
  sackAt: Uint32Array,
  /** Frame length on the wire (frame.len). */
  wireLen: Uint32Array,
  /** How many SACK blocks the packet carries (its edges are in `sackEdges`). */
  sackCount: Uint8Array,
};

/** The packets of one flow: `flow.packets.seq[i]` and so on, one field per column of PACKET_COLUMNS. */
export class PacketColumns extends columnFields(PACKET_COLUMNS) {
  length = 0;
  /** SACK blocks of all packets: left, right, left, right, … with the count in `sackCount`. */
  sackEdges = new Uint32Array(8);
  sackUsed = 0;

  constructor(capacity = 16) {
    super(capacity);
  }

  /** Bytes held (capacity of every column and the SACK edges). */
  get byteLength(): number {
    let n = this.sackEdges.byteLength;
    for (const name in PACKET_COLUMNS) n += (this as unknown as Record<string, Uint8Array>)[name].byteLength;
    return n;
  }

  get capacity(): number {
    return this.frame.length;
  }

  /** Make room for one more packet; returns its index. */
  next(): number {
    if (this.length === this.frame.length) {
      // By half again, not doubling: less idle capacity in the largest columns.
      growColumns(this, PACKET_COLUMNS, Math.ceil(this.frame.length * 1.5));
    }
    return this.length++;
  }

  /** Forget the first `k` packets (bounded history): the rest move to the front, their SACK edges too. */
  dropFirst(k: number): void {
    const n = this.length;
    let base = this.sackUsed;
    for (let i = k; i < n; i++) {
      if (this.sackCount[i] > 0) {
        base = this.sackAt[i];
        break;
      }
    }
    const columns = this as unknown as Record<string, Uint8Array>;
    for (const name in PACKET_COLUMNS) columns[name].copyWithin(0, k, n);
    this.length = n - k;
    this.sackEdges.copyWithin(0, base, this.sackUsed);
    this.sackUsed -= base;
    for (let i = 0; i < this.length; i++) if (this.sackCount[i] > 0) this.sackAt[i] -= base;
    // A flow that went quiet gives its memory back: its columns shrink with what it holds.
    if (this.capacity > 2 * this.length + 64) growColumns(this, PACKET_COLUMNS, Math.max(16, Math.ceil(this.length * 1.25)));
    if (this.sackEdges.length > 2 * this.sackUsed + 64) this.sackEdges = this.sackEdges.slice(0, Math.max(8, this.sackUsed));
  }

  /** Append SACK block edges for packet `i`. */
  addSack(i: number, edges: Uint32Array, count: number): void {
    const need = this.sackUsed + 2 * count;
    if (need > this.sackEdges.length) this.sackEdges = grow(this.sackEdges, Math.max(need, this.sackEdges.length * 2));
    this.sackAt[i] = this.sackUsed;
    this.sackCount[i] = count;
    this.sackEdges.set(edges.subarray(0, 2 * count), this.sackUsed);
    this.sackUsed = need;
  }
}
