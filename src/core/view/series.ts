/**
 * One flow's timeline lanes for a time range and a pixel width (SeriesQuery → SeriesResult): the
 * data segments, the receiver's ACK / right-edge, window, SACK and Recv-Q lines, the sender's bytes
 * in flight, and every marker in range. Each lane is a list of packet indices (laneIndex.ts, built
 * once per flow and direction): a binary search finds the range, one pass decimates it to the pixel
 * grid when there is more than the pixels can show (decimate.ts), keeping one point before t0 so
 * steps start at the left edge. Typed arrays throughout, each with its own buffer (transferable).
 */
import type { FlowAnalysis } from '../analysis/analyze';
import type { Flow } from '../flows/flow';
import type { SeriesQuery, SeriesResult } from '../../protocol';
import { sackBlocks, segmentBars } from './collectors';
import { decimateLane, decimateLine, type PacketLane, PixelGrid } from './decimate';
import { laneIndex, type Markers } from './laneIndex';
import { limitStrip } from './limitStrip';
import { sidesOf } from './flowValues';
import { lowerBound, lowerBoundAt, upperBound, upperBoundAt } from './search';

/** Widest query answered (an 8K screen at twice the density is 15,360 device pixels). */
export const MAX_PIXEL_WIDTH = 16384;
/** A line keeps all its points while it has at most this many per pixel column on average. */
const LINE_POINTS_PER_PIXEL = 4;

export function buildSeries(flow: Flow, analysis: FlowAnalysis, query: SeriesQuery): SeriesResult {
  checkQuery(query);
  const time = flow.packets.time;
  const { sender, receiver } = sidesOf(query.direction);
  const index = laneIndex(flow, analysis, sender);
  const width = Math.floor(query.pixelWidth);
  const grid = new PixelGrid(query.t0, query.t1, width);
  const limit = LINE_POINTS_PER_PIXEL * width;
  const range = (packets: Int32Array) => [lowerBoundAt(packets, time, query.t0), upperBoundAt(packets, time, query.t1)] as const;
  /** A line's positions in its lane: the one before the range, then the range decimated. */
  const line = (lane: PacketLane) => {
    const [a, b] = range(lane.index);
    return withBefore(a - 1, decimateLane(lane, a, b, time, grid, limit));
  };
  const [sa, sb] = range(index.segments.index);
  const [ka, kb] = range(index.sacks);
  const acks = line(index.acks);
  const windows = line(index.windows);
  const inFlight = line(index.inFlight);
  const limits = analysis.limitedBy;
  return {
    query,
    segments: segmentBars(flow, analysis, index.segments, sa, sb, grid),
    acks: { time: timesAt(index.acks, acks, time), ack: valuesAt(index.acks.v0, acks), rightEdge: valuesAt(index.acks.v1, acks) },
    sacks: sackBlocks(flow, index.sacks, ka, kb, index.base, grid, limit),
    window: { time: timesAt(index.windows, windows, time), bytes: valuesAt(index.windows.v0, windows) },
    bytesInFlight: { time: timesAt(index.inFlight, inFlight, time), bytes: valuesAt(index.inFlight.v0, inFlight) },
    recvQ: recvQLine(analysis, receiver, grid, query, limit),
    threshold: index.threshold,
    windowScale: index.reading.source,
    markers: markersIn(index.markers, lowerBound(time, index.length, query.t0), upperBound(time, index.length, query.t1)),
    // The strip belongs to the direction that carries the data; the other has none.
    ...(limits && limits.dir === sender ? { limits: limitStrip(limits.timeline, query.t0, query.t1, width) } : {}),
    extent: { ...index.extent },
  };
}

// Plain loops: TypedArray.from with a map function is many times slower in V8.
function timesAt(lane: PacketLane, positions: Int32Array, time: Float64Array): Float64Array {
  const out = new Float64Array(positions.length);
  for (let k = 0; k < out.length; k++) out[k] = time[lane.index[positions[k]]];
  return out;
}

function valuesAt(values: Float64Array, positions: Int32Array): Float64Array {
  const out = new Float64Array(positions.length);
  for (let k = 0; k < out.length; k++) out[k] = values[positions[k]];
  return out;
}

function checkQuery(q: SeriesQuery): void {
  if (q.direction !== 'ab' && q.direction !== 'ba') throw new RangeError(`unknown direction ${String(q.direction)}`);
  if (!Number.isFinite(q.t0) || !Number.isFinite(q.t1) || q.t1 < q.t0) throw new RangeError(`bad time range ${q.t0} .. ${q.t1}`);
  if (!(q.pixelWidth >= 1 && q.pixelWidth <= MAX_PIXEL_WIDTH)) throw new RangeError(`pixel width ${q.pixelWidth} is not within 1 .. ${MAX_PIXEL_WIDTH}`);
}

/** `indices` with `before` in front when there is one (≥ 0). */
function withBefore(before: number, indices: Int32Array): Int32Array {
  if (before < 0) return indices;
  const out = new Int32Array(indices.length + 1);
  out[0] = before;
  out.set(indices, 1);
  return out;
}

/** The receiver's Recv-Q samples in range (plus the one before), decimated like the other lines. */
function recvQLine(analysis: FlowAnalysis, receiver: 0 | 1, grid: PixelGrid, query: SeriesQuery, limit: number): SeriesResult['recvQ'] {
  const series = analysis.recvQ[receiver];
  const n = series.time.length;
  const lo = lowerBound(series.time, n, query.t0);
  const hi = upperBound(series.time, n, query.t1);
  const idx = withBefore(lo - 1, decimateLine(series.time, series.recvQ, lo, hi, grid, limit));
  return { time: valuesAt(series.time, idx), bytes: valuesAt(series.recvQ, idx), source: series.source };
}

/** Every marker of the packets [lo, hi): never decimated. */
function markersIn(m: Markers, lo: number, hi: number): SeriesResult['markers'] {
  const a = lowerBound(m.index, m.index.length, lo);
  const b = lowerBound(m.index, m.index.length, hi);
  return { time: m.time.slice(a, b), value: m.value.slice(a, b), kind: m.kind.slice(a, b), frame: m.frame.slice(a, b) };
}
