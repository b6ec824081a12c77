/**
 * The receive queue at the instant a window closed, from socket samples taken around it and the
 * capture between them (issue 18). A sample a few milliseconds before the closing ACK predates the
 * segment that filled the queue; the capture shows what arrived since.
 */
import { TcpFlag } from '../decode/segment';
import type { Flow } from '../flows/flow';
import { samplingInterval, type RecvQSeries } from './recvq';
import type { StallEpisode } from './stalls';

/** What the receiver held when its window closed. */
export interface ClosureQueue {
  /** Bytes queued at the closure (Recv-Q). */
  bytes: number;
  /** Memory charged for them (skmem r) as far as the sample shows it; NaN when not sampled. */
  memory: number;
  /** The buffer limit the sample reports (skmem rb); NaN when not sampled. */
  buffer: number;
  /** 'before': the last sample before the closure plus what arrived since; 'after': the first sample after it less what arrived meanwhile. */
  from: 'before' | 'after';
  /** Seconds from the closure to the sample used (negative: before). */
  offset: number;
  /** Bytes of new data that arrived between the sample and the closure (negative for a sample after it). */
  arrived: number;
  /** "4 B at −4.8 ms + 567 B arrived since". */
  evidence: string;
}

/**
 * The queue at the closure that starts `episode`: the last sample before it plus the new data the
 * capture shows arriving since, when that sample is at most one
 * sampling interval old; else the first sample after it, less what arrived meanwhile, when it is at
 * most one interval late and nothing was read in between (the queue grew by at least what arrived
 * since the sample before, or there is none); else undefined: the samples are too far away to say.
 */
export function queueAtClosure(flow: Flow, episode: StallEpisode, series: RecvQSeries): ClosureQueue | undefined {
  const t = episode.start;
  const interval = intervalOf(series);
  const acked = arrivedBy(flow, episode.receiver);
  let lo = 0;
  let hi = series.time.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (series.time[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  const k = lo - 1; // last sample at or before the closure
  const ms = (s: number) => `${s < 0 ? '−' : '+'}${Math.abs(s * 1000).toFixed(1)} ms`;
  if (k >= 0 && t - series.time[k] <= interval) {
    const arrived = acked(t) - acked(series.time[k]);
    return {
      bytes: series.recvQ[k] + arrived,
      memory: (series.memory[k] ?? NaN) + arrived, // at least: every byte that arrived is charged, with its overhead
      buffer: series.buffer[k] ?? NaN,
      from: 'before',
      offset: series.time[k] - t,
      arrived,
      evidence: `${series.recvQ[k]} B at ${ms(series.time[k] - t)} + ${arrived} B arrived since`,
    };
  }
  const a = k + 1;
  if (a >= series.time.length || series.time[a] - t > interval) return undefined;
  const arrivedAfter = acked(series.time[a]) - acked(t);
  // Nothing read since the sample before: the queue grew by at least what the capture shows arriving.
  if (k >= 0 && series.recvQ[a] < series.recvQ[k] + acked(series.time[a]) - acked(series.time[k])) return undefined;
  const bytes = Math.max(0, series.recvQ[a] - arrivedAfter);
  return {
    bytes,
    memory: series.memory[a] ?? NaN,
    buffer: series.buffer[a] ?? NaN,
    from: 'after',
    offset: series.time[a] - t,
    arrived: -arrivedAfter,
    evidence: `${series.recvQ[a]} B at ${ms(series.time[a] - t)} − ${arrivedAfter} B arrived before it`,
  };
}

const intervals = new WeakMap<RecvQSeries, number>();

/** The series' sampling interval, computed once per series (it sorts every gap). */
function intervalOf(series: RecvQSeries): number {
  let v = intervals.get(series);
  if (v === undefined) intervals.set(series, (v = Math.max(samplingInterval(series), 1e-6)));
  return v;
}

/**
 * The bytes of new data the capture shows arriving for `receiver` by time t (the sender's highest
 * sequence end, relative to its first). Arrivals, not ACKs: a receiver's delayed ACK covers data a
 * sample already counted (`generated/tinyzw_n4096_giveup.pcap` frame 2557 acknowledges 3,648 bytes
 * that had arrived 19 ms before, 12 ms before the sample).
 */
function arrivedBy(flow: Flow, receiver: 0 | 1): (t: number) => number {
  const p = flow.packets;
  let cached = arrivals.get(flow);
  if (!cached || cached.length !== p.length) arrivals.set(flow, (cached = { length: p.length, high: [undefined, undefined] }));
  // The sender's highest relative end after each packet: a column, built once per flow and receiver.
  const high = (cached.high[receiver] ??= highestEnds(flow, receiver));
  return (t) => {
    let lo = 0;
    let hi = p.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (p.time[mid] <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 ? high[lo - 1] : 0;
  };
}

const arrivals = new WeakMap<Flow, { length: number; high: [Float64Array | undefined, Float64Array | undefined] }>();

function highestEnds(flow: Flow, receiver: 0 | 1): Float64Array {
  const p = flow.packets;
  const high = new Float64Array(p.length);
  let base = -1;
  let top = 0;
  for (let i = 0; i < p.length; i++) {
    if (p.dir[i] !== receiver && p.len[i] > 0) {
      if (base < 0) base = p.seq[i];
      top = Math.max(top, (p.seq[i] + p.len[i] - base) | 0);
    }
    high[i] = top;
  }
  return high;
}

/**
 * The largest window `receiver` advertised from the end of its previous episode (or the start of the
 * flow) up to the closure that starts `episode`: what it had on offer before it closed. SYN windows
 * count only when nothing else was advertised.
 */
export function offeredBefore(flow: Flow, episode: StallEpisode, previousEnd: number, windowBytes: (i: number) => number): number {
  const p = flow.packets;
  let largest = 0;
  let syn = 0;
  // From the previous episode's end on: the episodes do not overlap, so all of them walk the flow once.
  let lo = 0;
  let hi = p.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (p.time[mid] < previousEnd) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < p.length && p.time[i] < episode.start; i++) {
    if (p.dir[i] !== episode.receiver) continue;
    if (p.tcpFlags[i] & TcpFlag.SYN) syn = Math.max(syn, windowBytes(i));
    else largest = Math.max(largest, windowBytes(i));
  }
  return largest || syn;
}
