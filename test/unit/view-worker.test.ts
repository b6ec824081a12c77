/**
 * The capture worker and the host's handle on it, without VS Code: the worker (bundled here with
 * esbuild, as esbuild.mjs does) reads a capture, posts updates of the view and a final one, answers
 * series and packet queries by id with typed arrays; errors come back as errors; dispose rejects what is pending and
 * cancel stops a worker that is still reading.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CaptureWorker, type ParseProgress } from '../../src/host/parseClient';
// @ts-expect-error -- a plain .mjs script without types
import { writeSyntheticPcap } from '../../bench/synth.mjs';
import { bundledWorker } from '../support/worker';

const DEMO = 'test/fixtures/demo.pcap';
const bundle = bundledWorker('tfl-worker-');

const open = (path = DEMO, onProgress: (p: ParseProgress) => void = () => {}) => new CaptureWorker(bundle.path, { path, fileName: 'demo.pcap' }, onProgress);

describe('capture worker', () => {
  it('reads the capture (a small one in one final update), then answers series and packet queries with typed arrays', async () => {
    const progress: ParseProgress[] = [];
    const worker = open(DEMO, (p) => progress.push(p));
    try {
      const outcome = await worker.result;
      // A small file is read in one chunk: no update before the final one, which is analysed and complete.
      assert.equal(progress.length, 0);
      assert.equal(outcome.kind === 'ok' && outcome.view.complete, true);
      assert.equal(outcome.kind === 'ok' && outcome.view.revision, 1);
      assert.deepEqual(outcome.kind === 'ok' && outcome.view.findings.map((f) => f.id), outcome.kind === 'ok' && outcome.view.findings.map((_, k) => k));
      assert.equal(outcome.kind, 'ok');
      if (outcome.kind !== 'ok') return;
      assert.equal(outcome.view.fileName, 'demo.pcap');
      assert.equal(outcome.view.flows.length, 1);
      const flow = outcome.view.flows[0];
      const query = { flowId: 0, direction: 'ab' as const, t0: flow.start, t1: flow.start + flow.duration, pixelWidth: 1200 };
      const [series, again] = await Promise.all([worker.series(query), worker.series({ ...query, direction: 'ba' })]);
      assert.ok(series.segments.seq instanceof Float64Array);
      assert.ok(series.markers.kind instanceof Uint8Array);
      assert.ok(series.segments.time.length > 0);
      assert.deepEqual(series.query, query);
      assert.equal(again.query.direction, 'ba');
      const frame = series.segments.frame[1];
      const details = await worker.packetDetails(0, frame);
      assert.equal(details.frame, frame);
      assert.equal(details.direction, 'ab');
    } finally {
      worker.dispose();
    }
  });

  it('posts updates while a larger file is read: the first with flows, analysed, revisions rising; queries answered before the end', async () => {
    const big = join(bundle.dir, 'synth.pcap');
    writeSyntheticPcap(big, { packets: 60_000, flows: 3 });
    const progress: ParseProgress[] = [];
    let early: Promise<unknown> | undefined;
    const worker = new CaptureWorker(bundle.path, { path: big, fileName: 'synth.pcap' }, (p) => {
      progress.push(p);
      early ??= worker.series({ flowId: 0, direction: 'ab', t0: 0, t1: 100, pixelWidth: 100 });
    });
    try {
      const outcome = await worker.result;
      assert.ok(progress.length >= 1, 'at least the first update comes before the end');
      assert.ok(progress[0].bytesRead < progress[0].fileSize && progress[0].capture.flows.length > 0);
      assert.equal(progress[0].capture.complete, false);
      const revisions = [...progress.map((p) => p.capture.revision!), outcome.kind === 'ok' ? outcome.view.revision! : -1];
      assert.deepEqual(revisions, [...revisions].sort((x, y) => x - y));
      assert.equal(new Set(revisions).size, revisions.length);
      assert.equal(outcome.kind === 'ok' && outcome.view.complete, true);
      const answered = (await early) as { segments: { time: Float64Array } };
      assert.ok(answered.segments.time.length > 0, 'a query during reading is answered from the model as it is');
    } finally {
      worker.dispose();
    }
  });

  it('answers a bad query with an error, and keeps serving', async () => {
    const worker = open();
    try {
      await worker.result;
      await assert.rejects(worker.series({ flowId: 7, direction: 'ab', t0: 0, t1: 1, pixelWidth: 100 }), /no flow 7/);
      await assert.rejects(worker.packetDetails(0, 999999), /frame 999999 is not in flow 0/);
      await assert.rejects(worker.series({ flowId: 0, direction: 'ab', t0: 1, t1: 0, pixelWidth: 100 }), /bad time range/);
      const ok = await worker.packetDetails(0, (await worker.series({ flowId: 0, direction: 'ab', t0: 0, t1: 100, pixelWidth: 10 })).segments.frame[0]);
      assert.equal(ok.seq, 0);
    } finally {
      worker.dispose();
    }
  });

  it('rejects the queries pending when disposed, and every later one', async () => {
    const worker = open();
    await worker.result;
    const pending = worker.series({ flowId: 0, direction: 'ab', t0: 0, t1: 100, pixelWidth: 1000 });
    worker.dispose();
    await assert.rejects(pending, /closed/);
    await assert.rejects(worker.packetDetails(0, 1), /closed/);
  });

  it('reports a file that is not a capture, and one that does not exist', async () => {
    const notCapture = open('package.json');
    const outcome = await notCapture.result;
    assert.equal(outcome.kind === 'failed' && outcome.failure.kind, 'notCapture');
    await assert.rejects(notCapture.series({ flowId: 0, direction: 'ab', t0: 0, t1: 1, pixelWidth: 1 }));
    const missing = await open('no/such.pcap').result;
    assert.deepEqual(missing, { kind: 'failed', failure: { kind: 'io', message: 'the file does not exist' } });
  });

  it('cancel while reading ends with a cancelled outcome', async () => {
    const worker = open();
    worker.cancel();
    assert.deepEqual(await worker.result, { kind: 'failed', failure: { kind: 'cancelled' } });
  });
});
