/**
 * The view data around the series: the flow rows sent while a capture is still read (the same as
 * the final summary's), stall findings carrying their episode's end, a finding as one paragraph of
 * text, and typed arrays prepared for transfer (views into larger buffers sliced).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readCaptureFile } from '../../src/core/capture/file';
import { CaptureIngest } from '../../src/core/ingest';
import { loadModel } from '../../src/core/load';
import { summarizeCapture } from '../../src/core/summary';
import { flowRow, toCaptureView } from '../../src/core/view/captureView';
import { findingText } from '../../src/core/view/findingText';
import { forTransfer } from '../../src/core/view/transfer';
import type { CaptureView } from '../../src/protocol';

const DEMO = 'test/fixtures/demo.pcap';

async function demo(): Promise<{ ingest: CaptureIngest; view: CaptureView }> {
  const ingest = new CaptureIngest();
  const reader = await readCaptureFile(DEMO, ingest);
  return { ingest, view: toCaptureView(summarizeCapture(DEMO, reader, ingest), 'demo.pcap') };
}

describe('capture view', () => {
  it('flowRow from the flow table equals the summary row', async () => {
    const { ingest, view } = await demo();
    assert.deepEqual(ingest.flows.flows.map(flowRow), view.flows);
  });

  it("an owed bracket spans the owed time before the reopening, inside the stall (a NAT trace's lag is on the engine's clock)", async () => {
    const m = await loadModel('test/fixtures/nat-trace/natbug-buggy.jsonl');
    const view = toCaptureView(m.summary, 'natbug-buggy.jsonl');
    const owed = view.stalls.filter((e) => e.owed);
    assert.equal(owed.length, 2);
    for (const e of owed) {
      assert.ok(e.owed!.moment >= e.start && e.owed!.moment <= e.end, `moment ${e.owed!.moment} outside the stall ${e.start}–${e.end}`);
      assert.ok(Math.abs(e.end - e.owed!.moment - e.owed!.seconds) < 1e-9, `the bracket (${e.end - e.owed!.moment} s) is the owed time (${e.owed!.seconds} s)`);
    }
  });

  it('stall and owed-update findings end where their episode ends', async () => {
    const { view } = await demo();
    const stalls = view.findings.filter((f) => f.kind === 'stall');
    assert.equal(stalls.length, 3);
    for (const f of stalls) {
      const episode = view.stalls.find((e) => e.flowId === f.flowId && e.startFrame === f.frames[0]);
      assert.equal(f.end, episode?.end);
    }
    for (const f of view.findings) if (f.kind !== 'stall' && f.kind !== 'window_update_owed') assert.equal(f.end, undefined);
  });

  it('a finding as one paragraph: file, flow endpoints, time, frames, message', async () => {
    const { view } = await demo();
    const f = view.findings.find((x) => x.kind === 'stall')!;
    const flow = view.flows[f.flowId];
    const text = findingText(view, f);
    assert.ok(text.startsWith(`demo.pcap, flow ${f.flowId} (${flow.a} ↔ ${flow.b}), stall from ${f.time.toFixed(6)} s to ${f.end!.toFixed(6)} s, frames ${f.frames.join(', ')}: `), text);
    assert.ok(text.endsWith(f.message));
    assert.doesNotMatch(text, /\n/);
    const single = { ...f, frames: [7], end: undefined, kind: 'out_of_window' };
    assert.match(findingText(view, single), /, out of window at [\d.]+ s, frame 7: /);
  });
});

describe('forTransfer', () => {
  it('keeps arrays that own their buffer, slices views into larger ones, lists each buffer once', () => {
    const whole = new Float64Array([1, 2, 3]);
    const big = new Uint32Array([9, 8, 7, 6]);
    const view = big.subarray(1, 3);
    const { value, transfer } = forTransfer({ a: whole, nested: { b: view, list: [whole] }, n: 5, s: 'x' });
    assert.equal(value.a, whole);
    assert.notEqual(value.nested.b, view);
    assert.deepEqual(Array.from(value.nested.b), [8, 7]);
    assert.equal(value.nested.b.byteLength, value.nested.b.buffer.byteLength);
    assert.notEqual(value.nested.list[0], whole, 'a second reference to a buffer already listed is copied');
    assert.deepEqual(Array.from(value.nested.list[0]), [1, 2, 3]);
    assert.equal(transfer.length, 3);
    assert.equal(new Set(transfer).size, 3);
    assert.equal(value.n, 5);
    assert.equal(value.s, 'x');
  });
});
