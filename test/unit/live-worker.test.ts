/**
 * The editor's live branch without VS Code: the capture worker (bundled here as esbuild.mjs does)
 * attached to a file that is still being written — the NAT-bug capture appended a few records every
 * 20 ms — posts updates while it grows (owed findings among them before the writer is done, ids
 * stable), answers series queries mid-stream, says when it is paused, ends on stop with a final
 * update, and saves what it received byte for byte. A command that cannot run is a failure with
 * its reason.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { CaptureWorker, type ParseProgress } from '../../src/host/parseClient';
import type { CaptureView } from '../../src/protocol';
import { bundledWorker } from '../support/worker';

const CAPTURE = 'test/fixtures/natbug-buggy.pcap';
const bundle = bundledWorker('tfl-live-worker-');

/** The pcap's global header and its records, each a buffer. */
function records(bytes: Buffer): { header: Buffer; records: Buffer[] } {
  const out: Buffer[] = [];
  for (let o = 24; o + 16 <= bytes.length; ) {
    const end = o + 16 + bytes.readUInt32LE(o + 8);
    out.push(bytes.subarray(o, end));
    o = end;
  }
  return { header: bytes.subarray(0, 24), records: out };
}

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

describe('live worker', () => {
  it('follows a growing capture: updates while it grows, queries mid-stream, pause, stop, save byte for byte', async () => {
    const whole = await readFile(CAPTURE);
    const { header, records: recs } = records(whole);
    const path = join(bundle.dir, 'growing.pcap');
    await writeFile(path, header);
    const updates: CaptureView[] = [];
    const worker = new CaptureWorker(bundle.path, { path: 'growing.pcap', fileName: 'growing.pcap', live: { spec: { kind: 'file', path } } }, (p: ParseProgress) => updates.push(p.capture));
    let writing = true;
    let owedWhileWriting: CaptureView | undefined;
    const writer = (async () => {
      for (let i = 0; i < recs.length; i += 8) {
        await appendFile(path, Buffer.concat(recs.slice(i, i + 8)));
        owedWhileWriting ??= updates.find((u) => u.findings.some((f) => f.kind === 'window_update_owed'));
        await sleep(20);
      }
      writing = false;
    })();
    try {
      await until('the first update with a flow', () => updates.some((u) => u.flows.length > 0));
      const first = updates.find((u) => u.flows.length > 0)!;
      assert.equal(first.complete, false);
      assert.equal(first.live?.source.endsWith('growing.pcap'), true);
      // Queries are answered while the file grows.
      const series = await worker.series({ flowId: 0, direction: 'ab', t0: 0, t1: 1, pixelWidth: 400 });
      assert.ok(series.segments.time.length > 0);
      await writer;
      assert.ok(owedWhileWriting, 'no owed update was reported while the capture was still being written');
      await until('all 375 packets', () => updates.at(-1)?.packets === recs.length);
      const revisions = updates.map((u) => u.revision!);
      assert.deepEqual(revisions, [...revisions].sort((a, b) => a - b), 'revisions do not rise');
      const last = updates.at(-1)!;
      assert.deepEqual(last.findings.filter((f) => f.kind === 'window_update_owed').map((f) => Math.round(f.time * 1000)), [19, 241, 461, 681]);
      for (const f of owedWhileWriting!.findings) assert.equal(last.findings.find((g) => g.id === f.id)?.kind, f.kind, `finding ${f.id} changed`);
      assert.equal(writing, false);

      worker.control('pause');
      await until('the paused state', () => updates.at(-1)?.live?.state === 'paused');
      worker.control('resume');
      await until('attached again', () => updates.at(-1)?.live?.state === 'attached');
      worker.control('stop');
      const outcome = await worker.result;
      assert.equal(outcome.kind, 'ok');
      if (outcome.kind !== 'ok') return;
      assert.equal(outcome.view.complete, true);
      assert.equal(outcome.view.live?.state, 'ended');
      assert.equal(outcome.view.packets, recs.length);

      const saved = join(bundle.dir, 'saved.pcap');
      const info = await worker.saveSession(saved);
      assert.deepEqual(info, { path: saved, format: 'pcap', segments: 1, bytes: whole.length });
      assert.ok(readFileSync(saved).equals(whole), 'the saved session differs from what was written');
    } finally {
      worker.closeSession();
      await sleep(100);
      worker.dispose();
    }
  });

  it('a command that cannot run fails with its reason', async () => {
    const worker = new CaptureWorker(bundle.path, { path: 'nope', fileName: 'nope', live: { spec: { kind: 'command', label: 'nope', command: join(bundle.dir, 'no-such-program'), args: [] } } }, () => {});
    try {
      const outcome = await worker.result;
      assert.equal(outcome.kind, 'failed');
      if (outcome.kind === 'failed') assert.match(outcome.failure.kind === 'io' ? outcome.failure.message : '', /no-such-program/);
    } finally {
      worker.dispose();
    }
  });
});
