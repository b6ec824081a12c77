/**
 * Decimation to the pixel grid: a line keeps all its points while they are few, else per pixel
 * column the first and last point and the points holding each value's minimum and maximum, so a
 * step line keeps its shape and no spike disappears (the M4 idea: first/min/max/last per column).
 * A range is walked one column at a time (`PixelGrid.columnEnd`, a binary search), the column's
 * state in locals: that loop is the hot path of every zoom.
 */
import { Growable } from '../typed';

/** Pixel columns of [t0, t1]: columns 0 .. width − 1 (times outside are clamped). */
export class PixelGrid {
  private readonly perSecond: number;

  constructor(
    readonly t0: number,
    t1: number,
    readonly width: number,
  ) {
    this.perSecond = t1 > t0 ? width / (t1 - t0) : 0;
  }

  column(t: number): number {
    if (t <= this.t0) return 0;
    const c = ((t - this.t0) * this.perSecond) | 0; // t ≤ t1 keeps this within int32
    return c >= this.width ? this.width - 1 : c;
  }

  /**
   * End (exclusive) of column `c`'s run that starts at `start` in the sorted `times[start, hi)`.
   * Gallops forward from `start` before bisecting: the probes stay near the column, in cache (a
   * plain bisection over the whole range jumps across megabytes for every column).
   */
  columnEnd(times: ArrayLike<number>, start: number, hi: number, c: number): number {
    if (c === this.width - 1) return hi;
    // [start, known] are in column c; probe known + step, doubling the step.
    let known = start;
    let step = 1;
    while (known + step < hi && this.column(times[known + step]) <= c) {
      known += step;
      step *= 2;
    }
    let lo = known + 1;
    let top = Math.min(known + step, hi);
    while (lo < top) {
      const mid = (lo + top) >>> 1;
      if (this.column(times[mid]) <= c) lo = mid + 1;
      else top = mid;
    }
    return lo;
  }

  /**
   * The same over the packets `lane[start, hi)` (indices into `time`). A deliberate hot-loop copy
   * of `columnEnd`: reading `time[lane[k]]` directly instead of through an accessor per probe.
   */
  columnEndAt(lane: Int32Array, time: Float64Array, start: number, hi: number, c: number): number {
    if (c === this.width - 1) return hi;
    let known = start;
    let step = 1;
    while (known + step < hi && this.column(time[lane[known + step]]) <= c) {
      known += step;
      step *= 2;
    }
    let lo = known + 1;
    let top = Math.min(known + step, hi);
    while (lo < top) {
      const mid = (lo + top) >>> 1;
      if (this.column(time[lane[mid]]) <= c) lo = mid + 1;
      else top = mid;
    }
    return lo;
  }
}

/** The integers [a, b). */
function range(a: number, b: number): Int32Array {
  const out = new Int32Array(Math.max(0, b - a));
  for (let k = 0; k < out.length; k++) out[k] = a + k;
  return out;
}

/** Picks of one line: the chosen indices of each column, once each, in index order. */
class Picks {
  readonly picked = new Growable(Int32Array);
  private readonly scratch = new Int32Array(6);

  add(a: number, b: number, c: number, d: number, e = a, f = a): void {
    const s = this.scratch;
    s[0] = a;
    s[1] = b;
    s[2] = c;
    s[3] = d;
    s[4] = e;
    s[5] = f;
    s.sort();
    for (let k = 0; k < 6; k++) if (k === 0 || s[k] !== s[k - 1]) this.picked.push(s[k]);
  }
}

/**
 * A line on its own time axis (e.g. Recv-Q samples): the indices of `times[lo, hi)` to draw, all of
 * them while at most `limit`, else first/min/max/last of `values` per column.
 */
export function decimateLine(times: ArrayLike<number>, values: ArrayLike<number>, lo: number, hi: number, grid: PixelGrid, limit: number): Int32Array {
  if (hi - lo <= limit) return range(lo, hi);
  const picks = new Picks();
  for (let i = lo; i < hi; ) {
    const end = grid.columnEnd(times, i, hi, grid.column(times[i]));
    let minAt = i;
    let maxAt = i;
    let min = values[i];
    let max = min;
    for (let j = i + 1; j < end; j++) {
      const v = values[j];
      if (v < min) {
        min = v;
        minAt = j;
      } else if (v > max) {
        max = v;
        maxAt = j;
      }
    }
    picks.add(i, minAt, maxAt, end - 1);
    i = end;
  }
  return picks.picked.done();
}

/**
 * Some of a flow's packets (`index`, in packet order) with the values a lane draws for each, at
 * the same positions: `v0` and `v1` (the same array for a one-valued line).
 */
export interface PacketLane {
  index: Int32Array;
  v0: Float64Array;
  v1: Float64Array;
}

/**
 * The positions in `lane` to draw of [a, b): all of them while at most `limit`, else per pixel
 * column the first, the last and those holding the minimum and maximum of `v0` and of `v1`.
 * A deliberate hot-loop copy of `decimateLine` for two values and packet indices: one pass with
 * the column state in locals, no accessor calls per point (this is the hot path of every zoom).
 */
export function decimateLane(lane: PacketLane, a: number, b: number, time: Float64Array, grid: PixelGrid, limit: number): Int32Array {
  if (b - a <= limit) return range(a, b);
  const { index, v0, v1 } = lane;
  const picks = new Picks();
  for (let k = a; k < b; ) {
    const end = grid.columnEndAt(index, time, k, b, grid.column(time[index[k]]));
    let lo0At = k, hi0At = k, lo1At = k, hi1At = k;
    let lo0 = v0[k], hi0 = lo0, lo1 = v1[k], hi1 = lo1;
    for (let j = k + 1; j < end; j++) {
      const x = v0[j];
      if (x < lo0) {
        lo0 = x;
        lo0At = j;
      } else if (x > hi0) {
        hi0 = x;
        hi0At = j;
      }
      const y = v1[j];
      if (y < lo1) {
        lo1 = y;
        lo1At = j;
      } else if (y > hi1) {
        hi1 = y;
        hi1At = j;
      }
    }
    picks.add(k, lo0At, hi0At, end - 1, lo1At, hi1At);
    k = end;
  }
  return picks.picked.done();
}
