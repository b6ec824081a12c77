/**
 * Binary searches over a sorted column's first `n` entries, and over a lane of packet indices.
 * The four loops differ only in `<` against `<=` and in reading `values[mid]` or
 * `time[lane[mid]]`: deliberate hot-loop copies (every query and every hover runs them), where a
 * comparator or accessor callback per probe would cost more than the lines it saves.
 */

/** First index whose value is ≥ x (n when none). */
export function lowerBound(values: ArrayLike<number>, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose value is > x (n when none). */
export function upperBound(values: ArrayLike<number>, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First position k in `lane` whose packet's time is ≥ t (lane.length when none). */
export function lowerBoundAt(lane: Int32Array, time: Float64Array, t: number): number {
  let lo = 0;
  let hi = lane.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time[lane[mid]] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First position k in `lane` whose packet's time is > t (lane.length when none). */
export function upperBoundAt(lane: Int32Array, time: Float64Array, t: number): number {
  let lo = 0;
  let hi = lane.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time[lane[mid]] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
