/** Hit testing on the lanes: which packet (segment, probe or marker) is under the pointer. */
import type { SeriesResult } from '../../src/protocol';
import type { LaneId } from './laneDom';
import { lowerBound, type Scale } from './scales';
import { markerSeq } from './sequenceLane';

/** Within this many CSS px a packet counts as hovered. */
export const HIT_RADIUS = 8;

export interface Hit {
  frame: number;
  time: number;
  /** Relative sequence numbers of the bar (seq === end for a zero-length probe or a marker). */
  seq: number;
  end: number;
  /** Segments merged into this bar by decimation (1 = one packet). */
  count: number;
  flags: number;
  /** Marker kind when the hit is a marker rather than a segment. */
  marker?: number;
}

/**
 * The packet nearest the pointer: in the sequence lane by distance to the bar (x and y), in the other
 * lanes by time alone, since they do not plot sequence numbers.
 */
export function hitTest(data: SeriesResult, lane: LaneId, x: Scale, y: Scale | undefined, px: number, py: number): Hit | null {
  const seg = data.segments;
  const tLo = x.invert(px - HIT_RADIUS);
  const tHi = x.invert(px + HIT_RADIUS);
  let best: Hit | null = null;
  let bestD = HIT_RADIUS;
  const useY = lane === 'sequence' && y !== undefined;
  for (let i = lowerBound(seg.time, tLo); i < seg.time.length && seg.time[i] <= tHi; i++) {
    const dx = Math.abs(x(seg.time[i]) - px);
    let dy = 0;
    if (useY) {
      const top = y(seg.end[i]);
      const bottom = y(seg.seq[i]);
      dy = py < top - 1 ? top - py : py > bottom + 1 ? py - bottom : 0;
    }
    const d = Math.hypot(dx, dy);
    if (d <= bestD) {
      bestD = d;
      best = { frame: seg.frame[i], time: seg.time[i], seq: seg.seq[i], end: seg.end[i], count: seg.count[i], flags: seg.flags[i] };
    }
  }
  const m = data.markers;
  for (let i = lowerBound(m.time, tLo); i < m.time.length && m.time[i] <= tHi; i++) {
    const dx = Math.abs(x(m.time[i]) - px);
    const seqAt = markerSeq(data, i);
    const dy = useY ? Math.abs(y(seqAt) - py) : 0;
    const d = Math.hypot(dx, dy);
    // Markers win ties: they are what the eye went to.
    if (d < bestD || (d === bestD && best?.frame === m.frame[i])) {
      bestD = d;
      const same = best?.frame === m.frame[i] ? best : null;
      best = { frame: m.frame[i], time: m.time[i], seq: same?.seq ?? seqAt, end: same?.end ?? seqAt, count: 1, flags: same?.flags ?? 0, marker: m.kind[i] };
    }
  }
  return best;
}

/** The segment drawn for `frame`, if it is in the data (to ring a selected packet). */
export function findFrame(data: SeriesResult, frame: number): Hit | null {
  const seg = data.segments;
  for (let i = 0; i < seg.frame.length; i++) {
    if (seg.frame[i] === frame) return { frame, time: seg.time[i], seq: seg.seq[i], end: seg.end[i], count: seg.count[i], flags: seg.flags[i] };
  }
  const m = data.markers;
  for (let i = 0; i < m.frame.length; i++) {
    if (m.frame[i] === frame) return { frame, time: m.time[i], seq: markerSeq(data, i), end: markerSeq(data, i), count: 1, flags: 0, marker: m.kind[i] };
  }
  return null;
}
