/**
 * Story 1 end to end, with a real Linux kernel sender: a user-space receiver that never sends a
 * window update when its buffer drains (test/fixtures/natbug, "buggy") against one that does
 * ("fixed"). Every stall of the buggy receiver must be charged as an owed window update, with the
 * probe reply as evidence; none of the fixed receiver's. Runs wherever root and network namespaces
 * are available; in CI (always root) a machine that cannot run it is a failure, not a skip.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { analyzeFlows } from '../../src/core/analysis/analyze';
import { readCaptureFile } from '../../src/core/capture/file';
import { CaptureIngest } from '../../src/core/ingest';
import { liveTestsPossible, makeNatBugCapture } from './natbug-capture.mjs';

const possible = liveTestsPossible();
if (!possible.ok && process.env.CI === 'true') throw new Error(`live tests must run in CI: ${possible.reason}`);
const skip = possible.ok ? false : `live capture not possible here: ${possible.reason}`;
const dir = mkdtempSync(join(tmpdir(), 'tfl-natbug-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function stallsOf(mode: 'buggy' | 'fixed') {
  const made = await makeNatBugCapture({ mode, out: join(dir, `${mode}.pcap`), timeoutMs: 60_000 });
  const ingest = new CaptureIngest();
  await readCaptureFile(made.capture, ingest);
  assert.equal(ingest.flows.flows.length, 1, 'one connection');
  const [analysis] = analyzeFlows(ingest.flows.flows);
  return { made, analysis, t0: ingest.flows.flows[0].packets.time[0] };
}

test('buggy receiver: every stall is an owed window update, ended by the probe reply', { skip, timeout: 120_000 }, async () => {
  const { made, analysis } = await stallsOf('buggy');
  const reopened = analysis.stalls.filter((e) => e.endedBy !== 'fin' && e.endedBy !== 'capture_end');
  assert.ok(made.episodesExpected >= 3, `the fixture made only ${made.episodesExpected} episodes`);
  assert.equal(reopened.length, made.episodesExpected, 'episodes found vs made');
  for (const e of reopened) {
    const at = `stall at frame ${e.startFrame}`;
    assert.equal(e.endedBy, 'probe_reply', at);
    assert.ok(e.probes >= 1, `${at}: probes`);
    assert.ok(e.owed, `${at}: not charged as owed`);
    assert.ok(e.duration >= 0.19, `${at}: a Linux persist timer waits at least 200 ms, got ${e.duration}`);
    assert.equal(e.owed.seconds, e.duration, at);
    assert.equal(e.owed.confidence, 'high', at);
    assert.ok(e.owed.frames.includes(e.endFrame) && e.owed.frames.includes(e.startFrame), at);
  }
  const owed = analysis.findings.filter((f) => f.kind === 'window_update_owed');
  assert.equal(owed.length, reopened.length, 'one window_update_owed finding per stall');
  assert.ok(owed.every((f) => f.severity === 'error'));
});

test('fixed receiver: stalls end with its own window update, nothing owed', { skip, timeout: 120_000 }, async () => {
  const { made, analysis } = await stallsOf('fixed');
  const reopened = analysis.stalls.filter((e) => e.endedBy !== 'fin' && e.endedBy !== 'capture_end');
  assert.ok(made.episodesExpected >= 3, `the fixture made only ${made.episodesExpected} episodes`);
  assert.equal(reopened.length, made.episodesExpected, 'episodes found vs made');
  for (const e of reopened) {
    assert.equal(e.endedBy, 'window_update', `stall at frame ${e.startFrame}`);
    assert.equal(e.owed, null, `stall at frame ${e.startFrame}`);
  }
  assert.equal(analysis.findings.filter((f) => f.kind === 'window_update_owed').length, 0);
});
