/**
 * The capture worker and the host's handle on it, without VS Code: the worker (bundled here with
 * esbuild, as esbuild.mjs does) reads a capture, posts the view, then answers series and packet
 * queries by id with typed arrays; errors come back as errors; dispose rejects what is pending and
 * cancel stops a worker that is still reading.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { CaptureWorker, type ParseProgress } from '../../src/host/parseClient';

const DEMO = 'test/fixtures/demo.pcap';
let dir = '';
let workerPath = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tfl-worker-'));
  workerPath = join(dir, 'parseWorker.js');
  await build({ entryPoints: ['src/host/parseWorker.ts'], outfile: workerPath, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
});
after(() => rmSync(dir, { recursive: true, force: true }));

const open = (path = DEMO, onProgress: (p: ParseProgress) => void = () => {}) => new CaptureWorker(workerPath, { path, fileName: 'demo.pcap' }, onProgress);

describe('capture worker', () => {
  it('reads the capture (progress with the flows so far), then answers series and packet queries with typed arrays', async () => {
    const progress: ParseProgress[] = [];
    const worker = open(DEMO, (p) => progress.push(p));
    try {
      const outcome = await worker.result;
      // Small files read in under a second: only the progress at the end of the file, before the analysis.
      assert.equal(progress.length, 1);
      assert.equal(progress[0].bytesRead, progress[0].fileSize);
      assert.deepEqual(
        progress[0].capture.flows.map((f) => [f.a, f.b]),
        outcome.kind === 'ok' ? outcome.view.flows.map((f) => [f.a, f.b]) : [],
      );
      assert.deepEqual(progress[0].capture.findings, []);
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
