/** A series moved on the time axis: `compare` overlays two flows' lanes on one axis from each flow's start. */
import type { SeriesResult } from '../../protocol';

const minus = (times: Float64Array, dt: number) => times.map((t) => t - dt);

/** `series` with every time less `dt` seconds (the arrays copied; values untouched). */
export function shiftSeries(series: SeriesResult, dt: number): SeriesResult {
  return {
    ...series,
    query: { ...series.query, t0: series.query.t0 - dt, t1: series.query.t1 - dt },
    segments: { ...series.segments, time: minus(series.segments.time, dt) },
    acks: { ...series.acks, time: minus(series.acks.time, dt) },
    sacks: { ...series.sacks, time: minus(series.sacks.time, dt) },
    window: { ...series.window, time: minus(series.window.time, dt) },
    bytesInFlight: { ...series.bytesInFlight, time: minus(series.bytesInFlight.time, dt) },
    recvQ: { ...series.recvQ, time: minus(series.recvQ.time, dt) },
    markers: { ...series.markers, time: minus(series.markers.time, dt) },
    extent: { ...series.extent, t0: series.extent.t0 - dt, t1: series.extent.t1 - dt },
  };
}
