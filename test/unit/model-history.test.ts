/**
 * Bounded history (core/model/history.ts): which packets stay in the columns, that the analysis of
 * what stays is the same as with the whole history, that stalls and findings detected before the cut
 * stay listed with their ids, and that queries on a trimmed flow work.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { CaptureModel, type HistoryLimit } from '../../src/core/model/captureModel';
import { kthSmallest } from '../../src/core/model/select';
import { packetDetails } from '../../src/core/view/packet';
import { buildSeries } from '../../src/core/view/series';

const NATBUG = 'test/fixtures/natbug-buggy.pcap';
const bytes = readFileSync(NATBUG);

/** The capture pushed in 2 kB chunks with a refresh after each, like a live source. */
function feed(history?: HistoryLimit): CaptureModel {
  const model = new CaptureModel({ name: NATBUG, history });
  model.setLive('test', 'attached');
  for (let at = 0; at < bytes.length; at += 2048) {
    model.push(bytes.subarray(at, at + 2048));
    model.refresh();
  }
  model.end();
  model.refresh();
  return model;
}

describe('bounded history', () => {
  const full = feed();
  const fullFlow = full.flow(0)!;
  const fullOut = full.analysis(0)!.analyzer.out;

  it('by time: keeps the packets of the last 0.3 s (at least 0.27 s), the same as with the whole history', () => {
    const model = feed({ seconds: 0.3, packets: 1_000_000 });
    const flow = model.flow(0)!;
    const p = flow.packets;
    const dropped = model.view('x').live!.dropped!;
    const edge = fullFlow.packets.time[fullFlow.packets.length - 1];
    assert.ok(dropped.before >= edge - 0.3 && dropped.before <= edge - 0.27 + 1e-9, `cut at ${dropped.before}, edge ${edge}`);
    // Exactly the packets from the cut on remain, in the columns' order.
    const first = Array.from(fullFlow.packets.time.subarray(0, fullFlow.packets.length)).findIndex((t) => t >= dropped.before);
    assert.equal(dropped.packets, first);
    assert.equal(p.length, fullFlow.packets.length - first);
    assert.equal(flow.trimmed, first);
    for (const col of ['frame', 'time', 'seq', 'ack', 'len', 'winRaw', 'tcpFlags', 'dir'] as const) {
      assert.deepEqual(Array.from(p[col].subarray(0, p.length)), Array.from(fullFlow.packets[col].subarray(first, fullFlow.packets.length)), col);
    }
    // The analysis went on across the cuts: the same flags, windows and bytes in flight for what remains.
    const out = model.analysis(0)!.analyzer.out;
    assert.equal(out.length, p.length);
    assert.deepEqual(Array.from(out.flags.subarray(0, out.length)), Array.from(fullOut.flags.subarray(first, fullOut.length)));
    assert.deepEqual(Array.from({ length: out.length }, (_, i) => out.window(i)), Array.from({ length: fullOut.length - first }, (_, i) => fullOut.window(first + i)));
    assert.deepEqual(Array.from(out.bytesInFlight.subarray(0, out.length)), Array.from(fullOut.bytesInFlight.subarray(first, fullOut.length)));
  });

  it('by time: stalls and findings detected before the cut stay listed, with their ids; counts stay whole', () => {
    const model = feed({ seconds: 0.3, packets: 1_000_000 });
    const view = model.view('x');
    const whole = full.view('x');
    assert.deepEqual(view.stalls, whole.stalls);
    assert.equal(view.stalls.length, 4);
    assert.ok(view.stalls[0].end < view.live!.dropped!.before, 'the first stall is before the cut');
    // The limited-by split covers the packets held (its finding keeps its id); every other finding is as with the whole history.
    const perEvent = (v: typeof view) => v.findings.filter((f) => f.kind !== 'limited_by');
    assert.deepEqual(perEvent(view), perEvent(whole));
    assert.deepEqual(view.findings.filter((f) => f.kind === 'limited_by').map((f) => f.id), whole.findings.filter((f) => f.kind === 'limited_by').map((f) => f.id));
    assert.deepEqual(view.flows, whole.flows);
    const health = (v: typeof view) => v.health.map(({ limitedBy: _split, ...rest }) => rest);
    assert.deepEqual(health(view), health(whole));
    const summary = model.summary().flows[0];
    const wholeSummary = full.summary().flows[0];
    assert.deepEqual(summary.flags, wholeSummary.flags);
    assert.deepEqual(summary.minWindow, wholeSummary.minWindow);
    assert.deepEqual(summary.maxBytesInFlight, wholeSummary.maxBytesInFlight);
    assert.match(model.summary().warnings.map((w) => w.message).join('\n'), /history bounded to 0.3 s or 1000000 packets: \d+ older packets/);
  });

  it('by count: the newest 90% of the limit remain after a trim, never more than the limit', () => {
    const model = new CaptureModel({ name: NATBUG, history: { seconds: 3600, packets: 100 } });
    let most = 0;
    for (let at = 0; at < bytes.length; at += 512) {
      model.push(bytes.subarray(at, at + 512));
      most = Math.max(most, model.retainedPackets);
    }
    model.end();
    assert.ok(most <= 100, `held ${most}`);
    const p = model.flow(0)!.packets;
    const n = fullFlow.packets.length;
    assert.deepEqual(Array.from(p.frame.subarray(0, p.length)), Array.from(fullFlow.packets.frame.subarray(n - p.length, n)));
    assert.equal(model.retainedPackets + model.flow(0)!.trimmed, n);
    assert.ok(p.length >= 90 && p.length <= 100, `${p.length} held at the end`);
  });

  it('queries on a trimmed flow: series over the whole time show what remains; a packet that left is not found', () => {
    const model = feed({ seconds: 0.3, packets: 1_000_000 });
    const flow = model.flow(0)!;
    const analysis = model.analysis(0)!;
    const before = model.view('x').live!.dropped!.before;
    const series = buildSeries(flow, analysis, { flowId: 0, direction: 'ab', t0: 0, t1: 1, pixelWidth: 2000 });
    assert.ok(series.segments.time.length > 0);
    assert.ok(Array.from(series.segments.time).every((t) => t >= before));
    const kept = flow.packets.frame[5];
    assert.equal(packetDetails(flow, analysis, kept).frame, kept);
    assert.throws(() => packetDetails(flow, analysis, fullFlow.packets.frame[0]), /frame 1 is not in flow 0/);
  });

  it('files keep everything', () => {
    assert.equal(full.retainedPackets, full.packets);
    assert.equal(full.view('x').live!.dropped, null);
  });
});

describe('kthSmallest', () => {
  it('finds the k-th value of sorted, reversed, repeated and shuffled input', () => {
    const inputs = [
      Float64Array.from({ length: 1000 }, (_, i) => i),
      Float64Array.from({ length: 1000 }, (_, i) => 999 - i),
      Float64Array.from({ length: 1000 }, (_, i) => i % 7),
      Float64Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000),
    ];
    for (const a of inputs) {
      const sorted = Float64Array.from(a).sort();
      for (const k of [0, 1, 499, 998, 999]) assert.equal(kthSmallest(Float64Array.from(a), k), sorted[k]);
    }
  });
});

describe('bounded history of a NAT trace', () => {
  const TRACE = 'test/fixtures/nat-trace/natbug-buggy.jsonl';
  const trace = readFileSync(TRACE);
  const feedTrace = (history?: HistoryLimit) => {
    const model = new CaptureModel({ name: TRACE, history });
    model.setLive('trace', 'attached');
    for (let at = 0; at < trace.length; at += 1500) {
      model.push(trace.subarray(at, at + 1500));
      model.refresh();
    }
    model.end();
    model.refresh();
    return model;
  };

  it("keeps the engine's stalls, owed updates and findings with their ids when its segments leave", () => {
    const whole = feedTrace().view('x');
    const bounded = feedTrace({ seconds: 0.3, packets: 1_000_000 });
    const view = bounded.view('x');
    assert.ok(view.live!.dropped!.packets > 0);
    assert.deepEqual(view.stalls, whole.stalls);
    assert.ok(view.stalls.some((s) => s.owed && s.start < view.live!.dropped!.before), 'an owed stall that began before the cut');
    assert.deepEqual(view.findings.filter((f) => f.kind !== 'limited_by'), whole.findings.filter((f) => f.kind !== 'limited_by'));
    // What the engine said of the segments that remain is still tied to them.
    const flow = bounded.flow(0)!;
    const engine = bounded.analysis(0)!.engine!;
    const full = feedTrace();
    const fullFlow = full.flow(0)!;
    const fullEngine = full.analysis(0)!.engine!;
    const first = flow.trimmed;
    for (let i = 0; i < flow.packets.length; i++) assert.equal(engine.reason(i), fullEngine.reason(first + i), `reason of packet ${i}`);
    assert.equal(fullFlow.packets.frame[first], flow.packets.frame[0]);
  });
});
