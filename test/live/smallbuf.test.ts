/**
 * Issue 18 end to end, with real Linux kernels at both ends (test/fixtures/smallbuf): a receiver
 * with SO_RCVBUF 1024 (the kernel makes it 2304: its SYN-ACK offers 1152 bytes, then only 0 or 576)
 * reading 32 bytes every 5 ms, `ss -tinm` sampled every 10 ms in its namespace. Before issue 18 the
 * samples taken before each closure made nearly every zero window look like a "nearly empty queue"
 * (25 of 27 on the first run). Judged at the closing instant, the queue holds the whole window: no
 * window_closed_empty_queue finding, and one small_receive_buffer finding for the flow.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { analyzeFlows } from '../../src/core/analysis/analyze';
import { queueAtClosure } from '../../src/core/analysis/closureQueue';
import { readCaptureFile } from '../../src/core/capture/file';
import { CaptureIngest } from '../../src/core/ingest';
import { parseSsSamples } from '../../src/core/trace/ss';
import { liveTestsPossible } from './natbug-capture.mjs';

const possible = liveTestsPossible();
if (!possible.ok && process.env.CI === 'true') throw new Error(`live tests must run in CI: ${possible.reason}`);
const skip = possible.ok ? false : `live capture not possible here: ${possible.reason}`;
const RUNNER = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'smallbuf', 'run.py');
const dir = mkdtempSync(join(tmpdir(), 'tfl-smallbuf-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Run the fixture; resolves with its JSON summary line. */
function runFixture(out: string, samples: string): Promise<{ ok: boolean; error?: string; receiver: { so_rcvbuf: number } }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [RUNNER, '--out', out, '--samples', samples, '--timeout', '60'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s) => (stderr += s));
    child.on('error', reject);
    child.on('close', () => {
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? ''));
      } catch {
        reject(new Error(`smallbuf/run.py printed no summary: ${stderr.trim() || stdout.trim()}`));
      }
    });
  });
}

test('a receiver with a 2 KB buffer reading slowly: no empty-queue finding, one small-buffer finding', { skip, timeout: 120_000 }, async () => {
  const capture = join(dir, 'smallbuf.pcap');
  const samplesPath = join(dir, 'smallbuf.ss.tsv');
  const run = await runFixture(capture, samplesPath);
  assert.ok(run.ok, `fixture failed: ${run.error}`);
  assert.equal(run.receiver.so_rcvbuf, 2304, 'the kernel doubles SO_RCVBUF 1024 to its minimum, 2304');
  const ingest = new CaptureIngest();
  await readCaptureFile(capture, ingest);
  const origin = ingest.flows.timeOrigin;
  const { samples, warnings } = parseSsSamples(readFileSync(samplesPath, 'utf8'));
  assert.deepEqual(warnings, []);
  assert.equal(ingest.flows.flows.length, 1, 'one connection');
  const [analysis] = analyzeFlows(ingest.flows.flows, { samples, captureEpoch: origin.sec + origin.nsec / 1e9 });
  const flow = ingest.flows.flows[0];
  const stalls = analysis.stalls.filter((e) => e.receiver === 1);
  assert.ok(stalls.length >= 10, `only ${stalls.length} stalls`);
  assert.equal(analysis.findings.filter((f) => f.kind === 'window_closed_empty_queue').length, 0, 'no empty-queue finding');
  const small = analysis.findings.filter((f) => f.kind === 'small_receive_buffer');
  assert.deepEqual(small.map((f) => f.frames), [[stalls[0].startFrame]], 'one small-buffer finding, at the first stall');
  assert.match(small[0].message, /never advertised more than 1152 bytes of window/);
  // Where the samples are close enough to judge, the queue at each closure holds most of the 576-byte window.
  const series = analysis.recvQ[1];
  assert.equal(series.source, 'ss');
  let judged = 0;
  for (const e of stalls) {
    const q = queueAtClosure(flow, e, series);
    if (!q) continue;
    judged++;
    assert.ok(q.bytes >= 576 / 4, `stall at frame ${e.startFrame}: ${q.bytes} bytes queued (${q.evidence})`);
  }
  assert.ok(judged >= stalls.length / 2, `the samples judged only ${judged} of ${stalls.length} closures`);
});
