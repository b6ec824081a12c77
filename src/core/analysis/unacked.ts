import { grow } from '../typed';

/**
 * One direction's unacknowledged segments (Wireshark's `tcp_unacked_t` list), bounded: at most
 * `MAX_UNACKED` entries like Wireshark's TCP_MAX_UNACKED_SEGMENTS; beyond that new segments are
 * not tracked and `capHits` counts them, so bytes in flight is never computed from an unbounded list.
 */
export const MAX_UNACKED = 10000;

export class UnackedSegments {
  count = 0;
  capHits = 0;
  /** Relative start and end (seq + len, +1 for SYN/FIN) of each segment, oldest first. */
  seq = new Uint32Array(64);
  end = new Uint32Array(64);
  /** Packet index in the flow, and capture time. */
  index = new Uint32Array(64);
  time = new Float64Array(64);

  add(seq: number, end: number, index: number, time: number): boolean {
    if (this.count >= MAX_UNACKED) {
      this.capHits++;
      return false;
    }
    if (this.count === this.seq.length) this.grow();
    const i = this.count++;
    this.seq[i] = seq;
    this.end[i] = end;
    this.index[i] = index;
    this.time[i] = time;
    return true;
  }

  /** Keep entry `from` at position `to` (for an in-place filtering pass; `to <= from`). */
  move(from: number, to: number): void {
    this.seq[to] = this.seq[from];
    this.end[to] = this.end[from];
    this.index[to] = this.index[from];
    this.time[to] = this.time[from];
  }

  private grow(): void {
    const c = Math.min(this.seq.length * 2, MAX_UNACKED);
    this.seq = grow(this.seq, c);
    this.end = grow(this.end, c);
    this.index = grow(this.index, c);
    this.time = grow(this.time, c);
  }
}
