/**
 * The numbers a before/after comparison puts side by side, per flow: throughput of its data
 * direction, stalls, stalled and owed time, window closures per MB, the longest stall.
 */
import type { FlowAnalysis } from '../analysis/analyze';
import type { Flow } from '../flows/flow';

export interface FlowMetrics {
  flow: number;
  a: string;
  b: string;
  /** The direction that carried more payload: 'ab' is a → b. */
  dataDirection: 'ab' | 'ba';
  /** TCP payload bytes in the data direction (retransmissions included, as on the wire). */
  payloadBytes: number;
  /** Seconds from the first to the last data segment of the data direction. */
  dataSeconds: number;
  /** payloadBytes / dataSeconds; null when there is at most one data segment. */
  throughputBytesPerSecond: number | null;
  /** Stall episodes of the data's receiver, their total and longest duration, and the owed time. */
  stalls: number;
  stalledSeconds: number;
  owedSeconds: number;
  owedUpdates: number;
  longestStallSeconds: number;
  /** Stalls per 10^6 payload bytes; null without payload. */
  closuresPerMB: number | null;
}

export function flowMetrics(flow: Flow, analysis: FlowAnalysis): FlowMetrics {
  const d = flow.payloadBytes[1] > flow.payloadBytes[0] ? 1 : 0;
  const p = flow.packets;
  let first = -1;
  let last = -1;
  for (let i = 0; i < p.length; i++) {
    if (p.dir[i] !== d || p.len[i] === 0) continue;
    if (first < 0) first = i;
    last = i;
  }
  const dataSeconds = first >= 0 ? p.time[last] - p.time[first] : 0;
  const payloadBytes = flow.payloadBytes[d];
  const receiver = d === 0 ? 1 : 0;
  const stalls = analysis.stalls.filter((e) => e.receiver === receiver);
  const owed = stalls.filter((e) => e.owed);
  return {
    flow: flow.id,
    a: flow.a,
    b: flow.b,
    dataDirection: d === 0 ? 'ab' : 'ba',
    payloadBytes,
    dataSeconds,
    throughputBytesPerSecond: dataSeconds > 0 ? payloadBytes / dataSeconds : null,
    stalls: stalls.length,
    stalledSeconds: sum(stalls.map((e) => e.duration)),
    owedSeconds: sum(owed.map((e) => e.owed!.seconds)),
    owedUpdates: owed.length,
    longestStallSeconds: Math.max(0, ...stalls.map((e) => e.duration)),
    closuresPerMB: payloadBytes > 0 ? stalls.length / (payloadBytes / 1e6) : null,
  };
}

/** Sums with the exact nanoseconds the durations carry, rounded back to them (no 0.30000000000000004). */
function sum(values: number[]): number {
  return Math.round(values.reduce((s, v) => s + v, 0) * 1e9) / 1e9;
}

/** One row of `compare`: a flow of the first capture and its counterpart in the second (null when none). */
export interface ComparedFlow {
  before: FlowMetrics;
  after: FlowMetrics | null;
}

/** The server side of a flow as `address:port` of its data receiver, and its port alone: what stays the same across two runs. */
function receiverEnd(m: FlowMetrics): string {
  return m.dataDirection === 'ab' ? m.b : m.a;
}
const port = (end: string) => end.slice(end.lastIndexOf(':') + 1);

/**
 * Pairs the flows of two captures of the same workload: the same receiver endpoint first, then the
 * same receiver port, each in order of payload (largest first); flows without payload are left out.
 */
export function matchFlows(before: FlowMetrics[], after: FlowMetrics[]): ComparedFlow[] {
  const byPayload = (xs: FlowMetrics[]) => xs.filter((m) => m.payloadBytes > 0).sort((x, y) => y.payloadBytes - x.payloadBytes);
  const left = byPayload(after);
  const take = (match: (m: FlowMetrics) => boolean) => {
    const k = left.findIndex(match);
    return k >= 0 ? left.splice(k, 1)[0] : undefined;
  };
  return byPayload(before).map((b) => ({
    before: b,
    after: take((m) => receiverEnd(m) === receiverEnd(b)) ?? take((m) => port(receiverEnd(m)) === port(receiverEnd(b))) ?? null,
  }));
}

/** "2.5×" style ratio of after over before, or null when either side has no throughput. */
export function throughputRatio(row: ComparedFlow): number | null {
  const b = row.before.throughputBytesPerSecond;
  const a = row.after?.throughputBytesPerSecond;
  return b && a ? a / b : null;
}
