/** Helpers the finding rules share. */
import type { Flow } from '../../flows/flow';

/** The endpoint of side `s` ('10.0.0.1:443'). */
export const side = (flow: Flow, s: 0 | 1) => (s === 0 ? flow.a : flow.b);
export const ms = (seconds: number) => `${(seconds * 1000).toFixed(0)} ms`;

/** Index of the first packet of `flow` with a frame number at or after `frame` (frames grow with the index). */
export function indexOfFrame(flow: Flow, frame: number): number {
  const f = flow.packets.frame;
  let lo = 0;
  let hi = flow.packets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (f[mid] < frame) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
