/**
 * The limited-by split on its way to the editor (issue 19): the flow list's row (LimitShareRow) from
 * the analysis, through toCaptureView and the CaptureModel's view, and the series answer's strip, on
 * the NAT-bug capture (story 1: a receiver whose window stays shut until the sender probes) and on
 * hand-made splits; and shiftSeries (the report's before/after overlay) moves the strip with the rest.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LimitTimeline, type FlowLimits } from '../../src/core/analysis/limitedBy';
import { loadModel } from '../../src/core/load';
import { toCaptureView } from '../../src/core/view/captureView';
import { limitShareRow } from '../../src/core/view/limitShare';
import { limitStrip } from '../../src/core/view/limitStrip';
import { buildSeries } from '../../src/core/view/series';
import { shiftSeries } from '../../src/core/view/shift';
import { LIMIT_STATES } from '../../src/protocol';

const NATBUG = 'test/fixtures/natbug-buggy.pcap';

function limits(seconds: Partial<FlowLimits['seconds']>, dir: 0 | 1 = 0): FlowLimits {
  const all = { receiverWindow: 0, network: 0, sendBuffer: 0, application: 0, idle: 0, ...seconds };
  return { dir, seconds: all, busy: all.receiverWindow + all.network + all.sendBuffer, owedSeconds: 0, timeline: new LimitTimeline(), buildTimeline: () => new LimitTimeline(), vantage: { near: 'unknown', errorBound: 0 }, sendBuffer: null };
}

describe('limitShareRow', () => {
  it('the dominant state outside idle and its share of the time outside idle', () => {
    const row = limitShareRow(limits({ receiverWindow: 1, network: 2, sendBuffer: 0.5, application: 0.5, idle: 30 }, 1))!;
    assert.equal(row.direction, 'ba');
    assert.equal(row.dominant, 'network');
    assert.equal(row.share, 0.5);
    assert.equal(row.busy, 3.5);
  });

  it('a tie goes to the earlier state (receiver window first); no data gives null', () => {
    assert.equal(limitShareRow(limits({ network: 1, receiverWindow: 1 }))!.dominant, 'receiverWindow');
    assert.equal(limitShareRow(limits({ application: 1, sendBuffer: 1 }))!.dominant, 'sendBuffer');
    assert.equal(limitShareRow(null), null);
  });
});

describe('the NAT-bug capture', async () => {
  const model = await loadModel(NATBUG);
  const flow = model.ingest.flows.flows[0];
  const analysis = model.analyses[0];
  const split = analysis.limitedBy!;

  it('the flow list row: receiver window, its share of the time outside idle, the owed waiting', () => {
    const view = toCaptureView(model.summary, 'natbug-buggy.pcap', undefined, (id) => model.analyses[id]?.limitedBy);
    const row = view.health[0].limitedBy!;
    const active = LIMIT_STATES.filter((s) => s !== 'idle').reduce((sum, s) => sum + split.seconds[s], 0);
    assert.deepEqual(row, { direction: 'ab', dominant: 'receiverWindow', share: split.seconds.receiverWindow / active, seconds: split.seconds, busy: split.busy, owedSeconds: split.owedSeconds });
    // Story 1 in numbers: the flow is held by its receiver almost all the time, nearly all of it owed.
    assert.ok(row.share > 0.95, `share ${row.share}`);
    assert.ok(row.owedSeconds > 0.8 * row.seconds.receiverWindow, `owed ${row.owedSeconds} of ${row.seconds.receiverWindow} s`);
  });

  it('the CaptureModel’s view (live sessions, files) carries the same row', () => {
    const viaModel = model.model.view('natbug-buggy.pcap').health[0].limitedBy;
    assert.deepEqual(viaModel, toCaptureView(model.summary, 'natbug-buggy.pcap', undefined, (id) => model.analyses[id]?.limitedBy).health[0].limitedBy);
  });

  it('without the analyses the view leaves limitedBy out (the summary alone does not carry it)', () => {
    assert.equal('limitedBy' in toCaptureView(model.summary, 'natbug-buggy.pcap').health[0], false);
  });

  it('the series carries the strip for the data direction only, the analysis timeline merged to the query’s pixels', () => {
    const t0 = flow.packets.time[0];
    const t1 = flow.packets.time[flow.packets.length - 1];
    const ab = buildSeries(flow, analysis, { flowId: 0, direction: 'ab', t0, t1, pixelWidth: 1200 });
    const ba = buildSeries(flow, analysis, { flowId: 0, direction: 'ba', t0, t1, pixelWidth: 1200 });
    assert.equal(ba.limits, undefined);
    assert.deepEqual(ab.limits, limitStrip(split.timeline, t0, t1, 1200));
    // Every stall's middle is receiver-window time on the strip.
    const rw = LIMIT_STATES.indexOf('receiverWindow');
    const stalls = analysis.stalls.filter((s) => s.receiver === 1);
    assert.equal(stalls.length, 4);
    for (const s of stalls) {
      const mid = (s.start + s.end) / 2;
      const k = Array.from(ab.limits!.start).findIndex((start, i) => start <= mid && mid < ab.limits!.end[i]);
      assert.ok(k >= 0 && ab.limits!.state[k] === rw, `the stall at ${s.start} s is not receiver-window time on the strip`);
    }
  });

  it('zoomed into one stall at 100 pixels, the strip is that stall’s receiver-window interval, clipped', () => {
    const s = analysis.stalls[1];
    const r = buildSeries(flow, analysis, { flowId: 0, direction: 'ab', t0: s.start + 0.01, t1: s.end - 0.01, pixelWidth: 100 });
    assert.deepEqual(Array.from(r.limits!.state), [LIMIT_STATES.indexOf('receiverWindow')]);
    assert.deepEqual([r.limits!.start[0], r.limits!.end[0]], [s.start + 0.01, s.end - 0.01]);
  });
});

describe('shiftSeries', () => {
  it('moves the strip’s intervals with the other time columns', async () => {
    const model = await loadModel(NATBUG);
    const flow = model.ingest.flows.flows[0];
    const r = buildSeries(flow, model.analyses[0], { flowId: 0, direction: 'ab', t0: 0, t1: 1, pixelWidth: 500 });
    const s = shiftSeries(r, 0.25);
    assert.deepEqual(Array.from(s.limits!.start), Array.from(r.limits!.start, (t) => t - 0.25));
    assert.deepEqual(Array.from(s.limits!.end), Array.from(r.limits!.end, (t) => t - 0.25));
    assert.deepEqual(s.limits!.state, r.limits!.state);
    assert.equal(s.segments.time[0], r.segments.time[0] - 0.25);
  });
});
