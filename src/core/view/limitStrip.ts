/**
 * The limited-by state strip of a series answer (issue 19): the data sender's state intervals cut to
 * the query's [t0, t1] and reduced to what the pixels can show. An interval at least one pixel wide
 * keeps its exact ends; a narrower one takes the state that covers most of the pixel holding its
 * midpoint (ties go to the earlier state in LIMIT_STATES, receiver window first: it is the story the
 * editor exists to tell), and neighbours of one state are joined. So the strip never shows more
 * intervals than about two per pixel, and a wide interval's edges stay where the analysis put them.
 */
import { LIMIT_STATES, type SeriesResult } from '../../protocol';
import { LimitTimeline, type LimitInterval } from '../analysis/limitIntervals';

export type { LimitInterval };

/** Neighbours closer than this (seconds; float noise in the analysis' boundaries) count as touching. */
const JOIN_GAP = 1e-9;

/** The strip for `timeline` (sorted by start, not overlapping) over [t0, t1] at `width` pixels. */
export function limitStrip(intervals: LimitTimeline | readonly LimitInterval[], t0: number, t1: number, width: number): NonNullable<SeriesResult['limits']> {
  const timeline = intervals instanceof LimitTimeline ? intervals : LimitTimeline.from(intervals);
  const starts: number[] = [];
  const ends: number[] = [];
  const states: number[] = [];
  const pixel = t1 > t0 && width > 0 ? (t1 - t0) / width : Infinity;
  const dominant = new Map<number, number>();
  const first = firstEndingAfter(timeline, t0);
  for (let i = first; i < timeline.length && timeline.startAt(i) < t1; i++) {
    const start = Math.max(timeline.startAt(i), t0);
    const end = Math.min(timeline.endAt(i), t1);
    if (!(end > start)) continue;
    let code = timeline.codeAt(i);
    if (end - start < pixel) {
      const column = Math.min(width - 1, Math.floor(((start + end) / 2 - t0) / pixel));
      let d = dominant.get(column);
      if (d === undefined) dominant.set(column, (d = dominantIn(timeline, i, t0 + column * pixel, t0 + (column + 1) * pixel)));
      code = d;
    }
    const last = states.length - 1;
    // Join a neighbour of the same state; a gap in the timeline (no state known) stays a gap.
    if (last >= 0 && states[last] === code && start - ends[last] <= JOIN_GAP) ends[last] = end;
    else {
      starts.push(start);
      ends.push(end);
      states.push(code);
    }
  }
  return { start: Float64Array.from(starts), end: Float64Array.from(ends), state: Uint8Array.from(states) };
}

/** Index of the first interval that ends after t (binary search: intervals are sorted and disjoint). */
function firstEndingAfter(timeline: LimitTimeline, t: number): number {
  let lo = 0;
  let hi = timeline.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (timeline.endAt(mid) <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The state covering most of [a, b), looking outwards from interval `near` (which overlaps it). */
function dominantIn(timeline: LimitTimeline, near: number, a: number, b: number): number {
  const cover = new Float64Array(LIMIT_STATES.length);
  const add = (k: number) => {
    cover[timeline.codeAt(k)] += Math.max(0, Math.min(timeline.endAt(k), b) - Math.max(timeline.startAt(k), a));
  };
  for (let k = near; k >= 0 && timeline.endAt(k) > a; k--) add(k);
  for (let k = near + 1; k < timeline.length && timeline.startAt(k) < b; k++) add(k);
  let best = 0;
  for (let s = 1; s < cover.length; s++) if (cover[s] > cover[best]) best = s;
  return best;
}
