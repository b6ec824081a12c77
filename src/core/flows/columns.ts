/** A flow's packets as typed-array columns that grow by doubling; loops run over an index. */

import { grow } from '../typed';

export class PacketColumns {
  length = 0;
  /** 1-based frame number in the capture. */
  frame: Uint32Array;
  /** Seconds since the capture's first packet. */
  time: Float64Array;
  /** Exact timestamp: whole seconds relative to the first packet's second, and nanoseconds. */
  secDelta: Int32Array;
  nsec: Uint32Array;
  /** 0 = a→b, 1 = b→a. */
  dir: Uint8Array;
  seq: Uint32Array;
  ack: Uint32Array;
  /** TCP payload length (tcp.len). */
  len: Uint32Array;
  /** The 16-bit window field as on the wire. */
  winRaw: Uint16Array;
  /** TcpFlag bits. */
  tcpFlags: Uint16Array;
  /** TcpOpt bits. */
  opts: Uint8Array;
  /** Index of this packet's first SACK block pair in `sackEdges` (valid when opts has SACK). */
  sackAt: Uint32Array;
  /** Frame length on the wire (frame.len). */
  wireLen: Uint32Array;
  /** SACK blocks of all packets: left, right, left, right, … with the count in `sackCount`. */
  sackEdges: Uint32Array;
  sackCount: Uint8Array;
  sackUsed = 0;

  constructor(capacity = 16) {
    this.frame = new Uint32Array(capacity);
    this.time = new Float64Array(capacity);
    this.secDelta = new Int32Array(capacity);
    this.nsec = new Uint32Array(capacity);
    this.dir = new Uint8Array(capacity);
    this.seq = new Uint32Array(capacity);
    this.ack = new Uint32Array(capacity);
    this.len = new Uint32Array(capacity);
    this.winRaw = new Uint16Array(capacity);
    this.tcpFlags = new Uint16Array(capacity);
    this.opts = new Uint8Array(capacity);
    this.sackAt = new Uint32Array(capacity);
    this.wireLen = new Uint32Array(capacity);
    this.sackCount = new Uint8Array(capacity);
    this.sackEdges = new Uint32Array(8);
  }

  get capacity(): number {
    return this.frame.length;
  }

  /** Make room for one more packet; returns its index. */
  next(): number {
    if (this.length === this.frame.length) {
      const c = Math.ceil(this.frame.length * 1.5); // 1.5, not 2: less idle capacity in the largest columns
      this.frame = grow(this.frame, c);
      this.time = grow(this.time, c);
      this.secDelta = grow(this.secDelta, c);
      this.nsec = grow(this.nsec, c);
      this.dir = grow(this.dir, c);
      this.seq = grow(this.seq, c);
      this.ack = grow(this.ack, c);
      this.len = grow(this.len, c);
      this.winRaw = grow(this.winRaw, c);
      this.tcpFlags = grow(this.tcpFlags, c);
      this.opts = grow(this.opts, c);
      this.sackAt = grow(this.sackAt, c);
      this.wireLen = grow(this.wireLen, c);
      this.sackCount = grow(this.sackCount, c);
    }
    return this.length++;
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
