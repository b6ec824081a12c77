import { TcpFlag } from '../decode/segment';
import type { Flow } from '../flows/flow';
import { sameEndpoint, type SsSample } from '../trace/ss';

/** A receiver's receive-queue occupancy over time, as columns. */
export interface RecvQSeries {
  receiver: 0 | 1;
  /** 'ss': measured socket samples; 'nat-trace': a NAT engine's own counters; 'inferred': from the capture. */
  source: 'ss' | 'nat-trace' | 'inferred';
  /** Seconds since the capture's first packet. */
  time: Float64Array;
  /** Bytes queued (Recv-Q). */
  recvQ: Float64Array;
  /** Buffer limit in bytes per sample (ss: skmem rb; NaN where a sample lacks it); empty for an inferred series. */
  buffer: Float64Array;
  /** Memory charged for the queue per sample (ss: skmem r, per-segment overhead included); empty when not measured. */
  memory: Float64Array;
}

/**
 * Recv-Q inferred from the capture alone: the largest window the receiver advertised so far minus
 * its current window, clamped at 0 — data the receiver holds but has not handed to the application,
 * assuming the buffer does not shrink or grow. Marked 'inferred' everywhere it is shown.
 */
export function inferRecvQ(flow: Flow, receiver: 0 | 1, windowBytes: (i: number) => number): RecvQSeries {
  const p = flow.packets;
  let n = 0;
  for (let i = 0; i < p.length; i++) if (p.dir[i] === receiver && !(p.tcpFlags[i] & TcpFlag.SYN)) n++;
  const time = new Float64Array(n);
  const recvQ = new Float64Array(n);
  let largest = 0;
  for (let i = 0, k = 0; i < p.length; i++) {
    if (p.dir[i] !== receiver || p.tcpFlags[i] & TcpFlag.SYN) continue;
    const win = windowBytes(i);
    if (win > largest) largest = win;
    time[k] = p.time[i];
    recvQ[k++] = Math.max(0, largest - win);
  }
  return { receiver, source: 'inferred', time, recvQ, buffer: new Float64Array(0), memory: new Float64Array(0) };
}

/** The receiver socket's samples: local endpoint = the receiver, peer = the sender. */
export function measuredRecvQ(flow: Flow, receiver: 0 | 1, samples: readonly SsSample[], captureEpoch: number): RecvQSeries | undefined {
  const local = receiver === 0 ? flow.a : flow.b;
  const peer = receiver === 0 ? flow.b : flow.a;
  const first = flow.packets.time[0] ?? 0;
  const last = flow.packets.time[flow.packets.length - 1] ?? 0;
  const mine = samples.filter((s) => sameEndpoint(local, s.local) && sameEndpoint(peer, s.peer));
  // A 4-tuple can be reused: keep the samples taken while this flow was alive (with a little slack).
  const inFlow = mine.filter((s) => s.epoch - captureEpoch >= first - 1 && s.epoch - captureEpoch <= last + 1);
  if (inFlow.length === 0) return undefined;
  inFlow.sort((x, y) => x.epoch - y.epoch);
  return {
    receiver,
    source: 'ss',
    time: Float64Array.from(inFlow, (s) => s.epoch - captureEpoch),
    recvQ: Float64Array.from(inFlow, (s) => s.recvQ),
    buffer: Float64Array.from(inFlow, (s) => s.rcvBuf ?? NaN),
    memory: Float64Array.from(inFlow, (s) => s.rmemAlloc ?? NaN),
  };
}

/** Median gap between consecutive samples (seconds). */
export function samplingInterval(series: RecvQSeries): number {
  const gaps: number[] = [];
  for (let k = 1; k < series.time.length; k++) gaps.push(series.time[k] - series.time[k - 1]);
  gaps.sort((x, y) => x - y);
  return gaps.length ? gaps[Math.floor(gaps.length / 2)] : 0;
}
