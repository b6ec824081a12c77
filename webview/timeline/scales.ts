/**
 * Scale factories for the timelines: one base time scale per flow (the zoom transform rescales it
 * per frame, never mutating it) and one value scale per lane, fitted to what is visible.
 */
import { scaleLinear, type ScaleLinear } from 'd3';

export type Scale = ScaleLinear<number, number>;

/** Empty space at either end of a flow's extent, as a fraction of it, so edge packets are not on the frame. */
const EXTENT_PADDING = 0.02;
/** Time precision floor: float64 seconds are exact to far below this, and no capture is finer (ns). */
export const MIN_SPAN = 1e-6;

/** The flow's full time range, padded, mapped onto the plot's x range (in the lanes' coordinates). */
export function baseTimeScale(t0: number, t1: number, x0: number, x1: number): Scale {
  const span = Math.max(t1 - t0, MIN_SPAN * 10);
  const pad = span * EXTENT_PADDING;
  return scaleLinear().domain([t0 - pad, t0 + span + pad]).range([x0, x1]);
}

/** A lane's value scale from 0 (or `lo`) to `hi`, top padding left free for markers. */
export function valueScale(lo: number, hi: number, height: number, topPad: number, bottomPad = 4): Scale {
  const top = hi > lo ? hi : lo + 1;
  return scaleLinear().domain([lo, top]).range([height - bottomPad, topPad]).nice(tickCount(height - topPad - bottomPad));
}

/** Ticks from pixels, like Observable Plot's inferTickCount: one per ~40 px vertically, ~90 px horizontally. */
export function tickCount(pixels: number, spacing = 40): number {
  return Math.max(2, Math.min(12, Math.round(pixels / spacing)));
}

/** Index of the first element of sorted `times` that is ≥ t (binary search). */
export function lowerBound(times: Float64Array, t: number): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (times[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The [from, to) index range of `times` inside [t0, t1], widened by one on each side so steps and lines reach the edges. */
export function visibleRange(times: Float64Array, t0: number, t1: number): [number, number] {
  const from = Math.max(0, lowerBound(times, t0) - 1);
  const to = Math.min(times.length, lowerBound(times, t1) + 1);
  return [from, to];
}

/** Largest value of `values` over the visible index range (0 when empty). */
export function maxIn(values: Float64Array, from: number, to: number): number {
  let m = 0;
  for (let i = from; i < to; i++) if (values[i] > m) m = values[i];
  return m;
}

/** The value of a step series at time t (the last sample at or before t), or null before the first. */
export function stepAt(times: Float64Array, values: Float64Array, t: number): number | null {
  const i = lowerBound(times, t + 1e-12) - 1;
  return i >= 0 ? values[i] : null;
}
