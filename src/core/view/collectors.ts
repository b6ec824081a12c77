/** The segment lane and the SACK blocks of a series query: every entry while few, else one per pixel column. */
import type { FlowAnalysis } from '../analysis/analyze';
import type { Flow } from '../flows/flow';
import type { SeriesResult } from '../../protocol';
import { ColumnSet } from '../typed';
import type { PacketLane, PixelGrid } from './decimate';
import { relativeSeq } from './flowValues';

const rel = relativeSeq;

/**
 * The data segments `lane[a, b)`: one entry each while there are at most `grid.width` of them, else
 * one bar per pixel column spanning the lowest seq to the highest end (lane values v0, v1), with
 * the count, the first segment's time and frame, and the OR of the analysis flags.
 */
export function segmentBars(flow: Flow, analysis: FlowAnalysis, lane: PacketLane, a: number, b: number, grid: PixelGrid): SeriesResult['segments'] {
  const { time, frame } = flow.packets;
  const flags = analysis.analyzer.out.flags;
  const { index, v0: seq, v1: end } = lane;
  if (b - a <= grid.width) {
    const n = b - a;
    const out = { time: new Float64Array(n), seq: seq.slice(a, b), end: end.slice(a, b), count: new Uint32Array(n).fill(1), frame: new Uint32Array(n), flags: new Uint32Array(n) };
    for (let k = 0; k < n; k++) {
      const i = index[a + k];
      out.time[k] = time[i];
      out.frame[k] = frame[i];
      out.flags[k] = flags[i];
    }
    return out;
  }
  const bars = new ColumnSet(BAR_COLUMNS);
  for (let k = a; k < b; ) {
    const stop = grid.columnEndAt(index, time, k, b, grid.column(time[index[k]]));
    let lowest = seq[k];
    let highest = end[k];
    let or = flags[index[k]] | 0; // int32 throughout: a uint32 start would make the accumulator a heap number
    for (let j = k + 1; j < stop; j++) {
      if (seq[j] < lowest) lowest = seq[j];
      if (end[j] > highest) highest = end[j];
      or |= flags[index[j]];
    }
    bars.push({ time: time[index[k]], seq: lowest, end: highest, count: stop - k, frame: frame[index[k]], flags: or });
    k = stop;
  }
  return bars.done();
}

/** Segment bars, one row each: the columns of SeriesResult['segments']. */
const BAR_COLUMNS = { time: Float64Array, seq: Float64Array, end: Float64Array, count: Uint32Array, frame: Uint32Array, flags: Uint32Array };

/**
 * SACK blocks of the receiver ACKs `lane[a, b)`, relative to `base`: all of them while there are at
 * most `limit`, else per pixel column one block from the lowest left edge to the highest right edge
 * reported in it, at the first report's time.
 */
export function sackBlocks(flow: Flow, lane: Int32Array, a: number, b: number, base: number, grid: PixelGrid, limit: number): SeriesResult['sacks'] {
  const p = flow.packets;
  const { time, sackCount, sackEdges } = p;
  const all = new ColumnSet(BLOCK_COLUMNS);
  const columns = new ColumnSet(BLOCK_COLUMNS);
  let column = -1;
  let t = 0;
  let lowest = 0;
  let highest = 0;
  for (let k = a; k < b; k++) {
    const i = lane[k];
    const c = grid.column(time[i]);
    for (let s = 0; s < sackCount[i]; s++) {
      const at = p.sackAt(i) + 2 * s;
      const left = rel(sackEdges[at], base);
      const right = left + ((sackEdges[at + 1] - sackEdges[at]) >>> 0);
      if (all.length <= limit) all.push({ time: time[i], left, right });
      if (c !== column) {
        if (column >= 0) columns.push({ time: t, left: lowest, right: highest });
        column = c;
        t = time[i];
        lowest = left;
        highest = right;
      } else {
        if (left < lowest) lowest = left;
        if (right > highest) highest = right;
      }
    }
  }
  if (all.length <= limit) return all.done();
  if (column >= 0) columns.push({ time: t, left: lowest, right: highest });
  return columns.done();
}

/** SACK blocks, one row each: the columns of SeriesResult['sacks']. */
const BLOCK_COLUMNS = { time: Float64Array, left: Float64Array, right: Float64Array };
