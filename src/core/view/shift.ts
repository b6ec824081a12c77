/** A series moved on the time axis: `compare` overlays two flows' lanes on one axis from each flow's start. */
import type { SeriesResult } from '../../protocol';

/** The parts of a series that carry a `time` column. */
const TIMED = ['segments', 'acks', 'sacks', 'window', 'bytesInFlight', 'recvQ', 'markers'] as const satisfies readonly (keyof SeriesResult)[];

/** `series` with every time less `dt` seconds (the time columns copied; values untouched). */
export function shiftSeries(series: SeriesResult, dt: number): SeriesResult {
  const shifted: SeriesResult = {
    ...series,
    query: { ...series.query, t0: series.query.t0 - dt, t1: series.query.t1 - dt },
    extent: { ...series.extent, t0: series.extent.t0 - dt, t1: series.extent.t1 - dt },
  };
  for (const part of TIMED) Object.assign(shifted, { [part]: { ...series[part], time: series[part].time.map((t) => t - dt) } });
  // The limited-by strip's intervals have a start and an end instead of a time.
  if (series.limits) shifted.limits = { ...series.limits, start: series.limits.start.map((t) => t - dt), end: series.limits.end.map((t) => t - dt) };
  return shifted;
}
