/**
 * The kernel's own limited-by accounting for a flow, from `ss -ti` samples of the data sender's socket
 * (tcp_info's busy, rwnd_limited and sndbuf_limited chronographs, cumulative), and the same windows of
 * our split, so the two can be set side by side. docs/analysis.md, "Limited by".
 */
import type { LimitState } from '../../protocol';
import type { Flow } from '../flows/flow';
import { sameEndpoint, type SsSample } from '../trace/ss';
import type { FlowLimits } from './limitedBy';

/** Seconds of busy time and its three parts, the kernel's way or ours. */
export interface BusySplit {
  busy: number;
  receiverWindow: number;
  network: number;
  sendBuffer: number;
}

/** The sender socket's cumulative counters over time, in seconds; `time` is seconds since the capture start. */
export interface KernelCounters {
  time: Float64Array;
  busy: Float64Array;
  rwnd: Float64Array;
  sndbuf: Float64Array;
}

/** The sender's samples that carry the counters: local endpoint = the data sender, peer = the receiver; null when none match. */
export function kernelCounters(flow: Flow, sender: 0 | 1, samples: readonly SsSample[], captureEpoch: number): KernelCounters | null {
  const local = sender === 0 ? flow.a : flow.b;
  const peer = sender === 0 ? flow.b : flow.a;
  const first = flow.packets.time[0] ?? 0;
  const last = flow.packets.time[flow.packets.length - 1] ?? 0;
  // A 4-tuple can be reused: keep the samples taken while this flow was alive (with a little slack).
  const mine = samples
    .filter((s) => s.busyMs !== undefined && sameEndpoint(local, s.local) && sameEndpoint(peer, s.peer))
    .filter((s) => s.epoch - captureEpoch >= first - 1 && s.epoch - captureEpoch <= last + 1)
    .sort((x, y) => x.epoch - y.epoch);
  if (mine.length === 0) return null;
  return {
    time: Float64Array.from(mine, (s) => s.epoch - captureEpoch),
    busy: Float64Array.from(mine, (s) => s.busyMs! / 1000),
    rwnd: Float64Array.from(mine, (s) => (s.rwndLimitedMs ?? 0) / 1000),
    sndbuf: Float64Array.from(mine, (s) => (s.sndbufLimitedMs ?? 0) / 1000),
  };
}

/** The kernel's totals: its last sample (the counters only grow). */
export function kernelTotals(k: KernelCounters): BusySplit {
  const n = k.time.length - 1;
  return split(k.busy[n], k.rwnd[n], k.sndbuf[n]);
}

/** What the kernel counted between two instants (seconds since the capture start), the counters interpolated between samples. */
export function kernelBetween(k: KernelCounters, t0: number, t1: number): BusySplit {
  const at = (col: Float64Array, t: number) => interpolate(k.time, col, t);
  return split(at(k.busy, t1) - at(k.busy, t0), at(k.rwnd, t1) - at(k.rwnd, t0), at(k.sndbuf, t1) - at(k.sndbuf, t0));
}

/** Our seconds per state between two instants, clipped from the timeline. */
export function oursBetween(limits: FlowLimits, t0: number, t1: number): Record<LimitState, number> {
  const s: Record<LimitState, number> = { receiverWindow: 0, network: 0, sendBuffer: 0, application: 0, idle: 0 };
  const t = limits.timeline;
  for (let i = 0; i < t.length; i++) {
    const d = Math.min(t.endAt(i), t1) - Math.max(t.startAt(i), t0);
    if (d > 0) s[t.stateAt(i)] += d;
  }
  return s;
}

/** Our split in the kernel's terms. */
export function oursAsBusy(seconds: Record<LimitState, number>): BusySplit {
  return { busy: seconds.receiverWindow + seconds.network + seconds.sendBuffer, receiverWindow: seconds.receiverWindow, network: seconds.network, sendBuffer: seconds.sendBuffer };
}

function split(busy: number, rwnd: number, sndbuf: number): BusySplit {
  return { busy, receiverWindow: rwnd, network: Math.max(0, busy - rwnd - sndbuf), sendBuffer: sndbuf };
}

/** A cumulative counter at `t`: linear between samples, held before the first and after the last. */
function interpolate(time: Float64Array, value: Float64Array, t: number): number {
  const n = time.length;
  if (t <= time[0]) return t < time[0] ? 0 : value[0];
  if (t >= time[n - 1]) return value[n - 1];
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (time[mid] <= t) lo = mid;
    else hi = mid;
  }
  const f = (t - time[lo]) / (time[hi] - time[lo]);
  return value[lo] + f * (value[hi] - value[lo]);
}
