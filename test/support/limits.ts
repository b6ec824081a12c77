/** Reading a limited-by run of test/fixtures/limits (capture, the sender's ss samples, truth) beside the kernel's counters. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { kernelBetween, kernelCounters, type BusySplit, type KernelCounters } from '../../src/core/analysis/kernelLimits';
import type { FlowLimits } from '../../src/core/analysis/limitedBy';
import { loadModel } from '../../src/core/load';
import { parseSsSamples } from '../../src/core/trace/ss';
import type { LimitState } from '../../src/protocol';

export interface Truth {
  allAcked: number;
  phases: { name: string; expect: LimitState; start: number; end: number }[];
}

export interface LimitRun {
  limits: FlowLimits;
  kernel: KernelCounters;
  /** Epoch seconds of the capture's first packet. */
  epoch: number;
  truth: Truth;
  stalls: { receiver: 0 | 1; start: number; end: number }[];
}

/** `base`.pcap, `base`.ss.tsv and `base`.truth.json: one flow, sent by side a (10.91.0.1). */
export async function loadRun(base: string): Promise<LimitRun> {
  const model = await loadModel(`${base}.pcap`);
  const origin = model.ingest.flows.timeOrigin;
  const epoch = origin.sec + origin.nsec / 1e9;
  assert.equal(model.analyses.length, 1);
  const limits = model.analyses[0].limitedBy!;
  assert.equal(limits.dir, 0, 'the sender is 10.91.0.1, side a');
  const { samples, warnings } = parseSsSamples(readFileSync(`${base}.ss.tsv`, 'utf8'));
  assert.deepEqual(warnings, []);
  const kernel = kernelCounters(model.ingest.flows.flows[0], limits.dir, samples, epoch);
  assert.ok(kernel, 'the sender socket has samples with the counters');
  const truth = JSON.parse(readFileSync(`${base}.truth.json`, 'utf8')) as Truth;
  return { limits, kernel, epoch, truth, stalls: model.analyses[0].stalls };
}

/** A phase's window in capture seconds: the last phase runs until the last byte was acknowledged. */
export function phaseWindow(run: LimitRun, i: number): [number, number] {
  const ph = run.truth.phases[i];
  return [ph.start - run.epoch, (i === run.truth.phases.length - 1 ? run.truth.allAcked : ph.end) - run.epoch];
}

/** The state that held longest in a kernel window: application is what busy leaves of the window. */
export function kernelDominant(k: BusySplit, seconds: number): LimitState {
  const parts: [LimitState, number][] = [
    ['receiverWindow', k.receiverWindow],
    ['network', k.network],
    ['sendBuffer', k.sendBuffer],
    ['application', seconds - k.busy],
  ];
  return parts.reduce((a, b) => (b[1] > a[1] ? b : a))[0];
}

export function oursDominant(s: Record<LimitState, number>): LimitState {
  const states: LimitState[] = ['receiverWindow', 'network', 'sendBuffer', 'application'];
  return states.reduce((a, b) => (s[b] > s[a] ? b : a));
}

/** The first instant from `from` on where a state holds at least half of the next 100 ms (5 ms steps). */
export function onset(seconds: (t0: number, t1: number) => number, from: number, to: number): number | null {
  for (let t = from; t <= to; t += 0.005) if (seconds(t, t + 0.1) >= 0.05) return t;
  return null;
}

/** Seconds of `state` the kernel counted between two instants. */
export function kernelState(k: KernelCounters, state: LimitState): (t0: number, t1: number) => number {
  return (t0, t1) => {
    const s = kernelBetween(k, t0, t1);
    return state === 'application' ? t1 - t0 - s.busy : s[state as keyof BusySplit];
  };
}
