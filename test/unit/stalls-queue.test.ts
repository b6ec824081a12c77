/**
 * Stall episodes with measured Recv-Q on the generated real-kernel captures: every capture in
 * generated/ with an `.ss.tsv` beside it (the capture is each .pcap/.pcapng whose name starts with
 * the samples' stem) is analysed with its samples.
 *
 * - The receivers are healthy Linux kernels, so no episode may be charged as an owed update.
 * - Where an episode has queue evidence, its owed moment lies within one sampling interval of the
 *   instant the samples show the queue drained, defined here as: among the receiver socket's samples
 *   (local = the receiver's endpoint, peer = the sender's), take the first one at or after the episode
 *   start as the reference; the queue has drained at the first sample at or after the start whose
 *   receive memory (skmem r; Recv-Q for a sample without skmem) is at most the reference's less
 *   min(MSS, half the reference) — the socket freed one full segment of buffer, or half of what it held.
 *   Memory, not Recv-Q bytes: Linux computes its window from the memory charged, which is freed a whole
 *   skb at a time. A slow reader taking 512 bytes per read halves Recv-Q while skmem r does not move and
 *   the window rightly stays closed (zw01: Recv-Q 4080 → 2032 at 1.896 s, r 6624 throughout, the window
 *   reopens at 1.979 s as r drops), so "Recv-Q at most half the first sample's" would charge a healthy
 *   receiver 40-140 ms per episode there and miss the drain entirely in zw03/zw06, whose Recv-Q never halves.
 * - tinyzw_n4096_giveup.pcap (the "read exactly n bytes" deadlock) gets exactly one
 *   window_closed_empty_queue finding, at its first episode (frame 2557), with and without samples;
 *   with samples it quotes the queue at that instant (3,232 bytes, 67,872 charged). No other capture
 *   with samples (the slow readers zw01–zw08) gets one.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeFlows, type FlowAnalysis } from '../../src/core/analysis/analyze';
import type { StallEpisode } from '../../src/core/analysis/stalls';
import { readCaptureFile } from '../../src/core/capture/file';
import type { Flow } from '../../src/core/flows/flow';
import { CaptureIngest } from '../../src/core/ingest';
import { parseSsSamples, sameEndpoint, type SsSample } from '../../src/core/trace/ss';
import { CORPUS_DIR, corpusAvailable } from '../support/corpus';

const GENERATED = join(CORPUS_DIR, 'generated');

interface Analysed {
  flows: readonly Flow[];
  analyses: FlowAnalysis[];
  captureEpoch: number;
}

async function analyseCapture(file: string, samples?: readonly SsSample[]): Promise<Analysed> {
  const ingest = new CaptureIngest();
  await readCaptureFile(file, ingest);
  const origin = ingest.flows.timeOrigin;
  const captureEpoch = origin.sec + origin.nsec / 1e9;
  const flows = ingest.flows.flows;
  return { flows, analyses: analyzeFlows(flows, { samples, captureEpoch }), captureEpoch };
}

/** The sample at which the receiver socket's queue drained during `e` (see the file comment), or undefined. */
function drainedAt(flow: Flow, e: StallEpisode, samples: readonly SsSample[], captureEpoch: number): { time: number; line: number } | undefined {
  const receiver = e.receiver === 0 ? flow.a : flow.b;
  const sender = e.receiver === 0 ? flow.b : flow.a;
  const series = samples
    .filter((s) => sameEndpoint(receiver, s.local) && sameEndpoint(sender, s.peer))
    .map((s) => ({ time: s.epoch - captureEpoch, held: s.rmemAlloc ?? s.recvQ, line: s.line }))
    .filter((s) => s.time >= e.start)
    .sort((x, y) => x.time - y.time);
  if (series.length === 0) return undefined;
  const reference = series[0].held;
  const drained = reference - Math.min(e.segment.bytes, reference / 2);
  return series.find((s) => s.held <= drained);
}

if (!corpusAvailable()) {
  test('stall episodes with measured Recv-Q', { skip: 'shared capture corpus not found next to the checkout' }, () => {});
} else {
  const stems = readdirSync(GENERATED)
    .filter((f) => f.endsWith('.ss.tsv'))
    .map((f) => f.slice(0, -'.ss.tsv'.length))
    .sort();
  const capturesOf = (stem: string) => readdirSync(GENERATED).filter((f) => f.startsWith(stem) && /\.pcap(ng)?$/.test(f)).sort();

  test('the generated captures come with samples', () => {
    assert.ok(stems.length >= 7, `${stems.length} .ss.tsv files`);
    for (const stem of stems) assert.ok(capturesOf(stem).length > 0, `no capture for ${stem}.ss.tsv`);
  });

  for (const stem of stems) {
    const parsed = parseSsSamples(readFileSync(join(GENERATED, `${stem}.ss.tsv`), 'utf8'));
    for (const capture of capturesOf(stem)) {
      test(`${capture} with ${stem}.ss.tsv: nothing owed, owed moments at the queue drain`, async () => {
        assert.deepEqual(parsed.warnings, [], 'the sampler output parses cleanly');
        const { flows, analyses, captureEpoch } = await analyseCapture(join(GENERATED, capture), parsed.samples);
        let withEvidence = 0;
        analyses.forEach((a, id) => {
          a.stalls.forEach((e, k) => {
            const at = `flow ${id} episode ${e.startFrame}..${e.endFrame} (${e.start.toFixed(3)}..${e.end.toFixed(3)} s)`;
            assert.equal(e.owed, null, `${at}: a healthy Linux receiver owes no update, but we charged ${JSON.stringify(e.owed)}`);
            const q = a.queue[k];
            if (!q) return;
            withEvidence++;
            const drained = drainedAt(flows[id], e, parsed.samples, captureEpoch);
            assert.ok(drained, `${at}: queue evidence at ${q.moment.toFixed(4)} s, but the samples never show the queue drained`);
            assert.ok(
              Math.abs(q.moment - drained.time) <= q.interval,
              `${at}: owed moment ${q.moment.toFixed(4)} s, queue drained at ${drained.time.toFixed(4)} s (${stem}.ss.tsv line ${drained.line}), interval ${q.interval.toFixed(4)} s`,
            );
          });
        });
        assert.ok(withEvidence > 0, 'at least one episode has queue evidence');
        // Judged at the closing instant, only the deadlock capture's first closure has a nearly empty queue (issue 18).
        const empty = analyses.flatMap((a) => a.findings).filter((f) => f.kind === 'window_closed_empty_queue');
        assert.deepEqual(empty.map((f) => f.frames), stem === 'tinyzw_n4096_giveup' ? [[2557]] : [], 'window_closed_empty_queue findings');
      });
    }
  }

  const TINY = 'tinyzw_n4096_giveup';
  for (const withSamples of [false, true]) {
    test(`${TINY}.pcap ${withSamples ? 'with' : 'without'} samples: one window_closed_empty_queue, at frame 2557`, async () => {
      const samples = withSamples ? parseSsSamples(readFileSync(join(GENERATED, `${TINY}.ss.tsv`), 'utf8')).samples : undefined;
      const { analyses } = await analyseCapture(join(GENERATED, `${TINY}.pcap`), samples);
      const found = analyses.flatMap((a) => a.findings).filter((f) => f.kind === 'window_closed_empty_queue');
      const first = analyses.flatMap((a) => a.stalls).sort((x, y) => x.start - y.start)[0];
      assert.equal(first.startFrame, 2557);
      assert.deepEqual(
        found.map((f) => ({ frames: f.frames, severity: f.severity, time: f.time })),
        [{ frames: [2557], severity: 'warning', time: first.start }],
      );
      assert.match(found[0].message, /frame 2557\b/);
      if (withSamples) {
        // The sample 6.9 ms before the closure: nothing arrived since (the closing ACK covers data that arrived before it).
        assert.match(found[0].message, /Recv-Q held only 3232 bytes \(3232 B at −6\.9 ms \+ 0 B arrived since\) of a 65536-byte buffer/);
        assert.match(found[0].message, /charged at least 67872 bytes/);
      }
    });
  }
}
