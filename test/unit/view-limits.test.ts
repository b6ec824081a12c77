/**
 * The limited-by strip on its way to the editor (issue 19): the series answer's strip on the NAT-bug
 * capture (story 1: a receiver whose window stays shut until the sender probes). The flow list's row
 * (FlowHealth.limitedBy) is tested with the capture view (view-capture.test.ts). And shiftSeries
 * (the report's before/after overlay) moves the strip with the rest.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadModel } from '../../src/core/load';
import { limitStrip } from '../../src/core/view/limitStrip';
import { buildSeries } from '../../src/core/view/series';
import { shiftSeries } from '../../src/core/view/shift';
import { LIMIT_STATES } from '../../src/protocol';

const NATBUG = 'test/fixtures/natbug-buggy.pcap';

describe('the NAT-bug capture', async () => {
  const model = await loadModel(NATBUG);
  const flow = model.ingest.flows.flows[0];
  const analysis = model.analyses[0];
  const split = analysis.limitedBy!;

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
