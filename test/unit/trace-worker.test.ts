/**
 * The editor's worker on NAT traces and logs (no VS Code): it tells the source by its content, shows
 * the same flows, stalls and owed findings as for a capture, a measured Recv-Q lane "from the NAT's
 * trace", drops as out-of-window marks, the log's assumed window scale; a file that is neither a
 * capture nor a trace fails with a clear reason, never an empty editor.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MarkerKind } from '../../src/protocol';
import { CaptureWorker } from '../../src/host/parseClient';
import type { ParseJob } from '../../src/host/workerProtocol';
import { bundledWorker } from '../support/worker';

const TRACE = 'test/fixtures/nat-trace/natbug-buggy.jsonl';
const LOG = 'test/fixtures/nat-trace/natbug-buggy.log';
const bundle = bundledWorker('tfl-trace-worker-');

async function openView(path: string, natLog?: ParseJob['natLog']) {
  const worker = new CaptureWorker(bundle.path, { path, fileName: path.slice(path.lastIndexOf('/') + 1), natLog }, () => {});
  return { worker, outcome: await worker.result };
}

describe('worker on NAT traces and logs', () => {
  it('a nat-flow-trace/1 file: stalls owed, Recv-Q measured from the trace, drops marked out of window', async () => {
    const { worker, outcome } = await openView(TRACE);
    try {
      assert.equal(outcome.kind, 'ok');
      if (outcome.kind !== 'ok') return;
      const view = outcome.view;
      assert.equal(view.format, 'nat-flow-trace');
      assert.equal(view.flows.length, 1);
      assert.equal(view.stalls.filter((s) => s.owed).length, 2);
      assert.equal(view.findings.filter((f) => f.kind === 'segment_dropped').length, 2);
      const f = view.flows[0];
      const series = await worker.series({ flowId: 0, direction: 'ab', t0: f.start, t1: f.start + f.duration, pixelWidth: 800 });
      assert.equal(series.recvQ.source, 'nat-trace');
      assert.ok(series.recvQ.time.length > 0);
      assert.equal(Array.from(series.markers.kind).filter((k) => k === MarkerKind.OutOfWindow).length, 2);
      // The first probe (line 98) and the NAT's reply to it (line 100): what the engine said about each.
      const probe = await worker.packetDetails(0, 98);
      assert.deepEqual(probe.engine, { reason: null, dropped: 'bad tcp state: unacceptable segment number', recvq: 0 });
      const reply = await worker.packetDetails(0, 100);
      assert.equal(reply.engine?.reason, 'reply_unacceptable');
    } finally {
      worker.dispose();
    }
  });

  it('a consomme log: the assumed window scale is said in the warnings and the window lane, and the setting changes it', async () => {
    const { worker, outcome } = await openView(LOG);
    try {
      assert.equal(outcome.kind, 'ok');
      if (outcome.kind !== 'ok') return;
      assert.equal(outcome.view.format, 'consomme-log');
      assert.ok(outcome.view.warnings.some((w) => /shift 7 assumed/.test(w.message)));
      assert.ok(outcome.view.warnings.some((w) => /seconds of uptime/.test(w.message)));
      const f = outcome.view.flows[0];
      const series = await worker.series({ flowId: 0, direction: 'ab', t0: f.start, t1: f.start + f.duration, pixelWidth: 800 });
      assert.equal(series.windowScale, 'assumed');
    } finally {
      worker.dispose();
    }
    const five = await openView(LOG, { windowScale: 5, uptimeEpoch: 1_700_000_000 });
    five.worker.dispose();
    assert.ok(five.outcome.kind === 'ok' && five.outcome.view.warnings.some((w) => /shift 5 assumed/.test(w.message)));
    assert.ok(five.outcome.kind === 'ok' && !five.outcome.view.warnings.some((w) => /seconds of uptime/.test(w.message)));
  });

  it('a file that is neither a capture nor a trace: a clear reason', async () => {
    const path = join(bundle.dir, 'notes.log');
    writeFileSync(path, 'nothing to see here\n');
    const { worker, outcome } = await openView(path);
    worker.dispose();
    assert.equal(outcome.kind, 'failed');
    assert.ok(outcome.kind === 'failed' && outcome.failure.kind === 'notCapture' && /neither a capture .* nor a NAT trace/.test(outcome.failure.reason));
  });
});
