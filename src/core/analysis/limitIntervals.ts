/** Building and painting the limited-by timeline: time-ordered, merged intervals of one state each. */
import { LIMIT_STATES, type LimitState } from '../../protocol';

/** One interval of the timeline, in seconds since the capture start; `end` is exclusive. */
export interface LimitInterval {
  state: LimitState;
  start: number;
  end: number;
}

/** Appends intervals, merging one that continues the last in the same state; empty ones are dropped. */
export class IntervalBuilder {
  readonly list: LimitInterval[] = [];

  push(state: LimitState, start: number, end: number): void {
    if (!(end > start)) return;
    const last = this.list[this.list.length - 1];
    if (last && last.state === state && last.end === start) last.end = end;
    else this.list.push({ state, start, end });
  }
}

/**
 * `base` with every instant inside one of `cover` (sorted by start) set to `state`. Used to put each
 * stall episode inside receiver-window time whatever the per-packet rule said there.
 */
export function paint(base: readonly LimitInterval[], cover: readonly { start: number; end: number }[], state: LimitState): LimitInterval[] {
  const out = new IntervalBuilder();
  let k = 0;
  for (const iv of base) {
    let s = iv.start;
    while (s < iv.end) {
      while (k < cover.length && cover[k].end <= s) k++;
      const c = cover[k];
      if (!c || c.start >= iv.end) {
        out.push(iv.state, s, iv.end);
        break;
      }
      if (c.start > s) {
        out.push(iv.state, s, c.start);
        s = c.start;
        continue;
      }
      const e = Math.min(c.end, iv.end);
      out.push(state, s, e);
      s = e;
    }
  }
  return out.list;
}

/** Seconds per state over a timeline. */
export function secondsByState(timeline: readonly LimitInterval[]): Record<LimitState, number> {
  const seconds = Object.fromEntries(LIMIT_STATES.map((s) => [s, 0])) as Record<LimitState, number>;
  for (const iv of timeline) seconds[iv.state] += iv.end - iv.start;
  return seconds;
}
