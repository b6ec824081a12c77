/**
 * Story 1 end to end, with a real Linux kernel sender: a user-space receiver that never sends a
 * window update when its buffer drains (test/fixtures/natbug, "buggy") against one that does
 * ("fixed"). Every stall of the buggy receiver must be charged as an owed window update, with the
 * probe reply as evidence; none of the fixed receiver's. Each stall is compared with the fixture's
 * own record of the run: the episodes check.py found (frames of the closing window, the probes and
 * the reopening segment) and what the receiver says it sent. Runs wherever root and network
 * namespaces are available; in CI (always root) a machine that cannot run it is a failure, not a skip.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { analyzeFlows } from '../../src/core/analysis/analyze';
import type { StallEpisode } from '../../src/core/analysis/stalls';
import { readCaptureFile } from '../../src/core/capture/file';
import { CaptureIngest } from '../../src/core/ingest';
import type { NatBugCapture } from './natbug-capture.mjs';
import { liveTestsPossible, makeNatBugCapture } from './natbug-capture.mjs';

const possible = liveTestsPossible();
if (!possible.ok && process.env.CI === 'true') throw new Error(`live tests must run in CI: ${possible.reason}`);
const skip = possible.ok ? false : `live capture not possible here: ${possible.reason}`;
const dir = mkdtempSync(join(tmpdir(), 'tfl-natbug-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The analysis's name for each way check.py says an episode ended. */
const ENDED_BY = { probe_reply: 'probe_reply', data_ack: 'ack_with_data', in_flight_ack: 'ack_with_data', window_update: 'window_update', fin: 'fin' } as const;

async function stallsOf(mode: 'buggy' | 'fixed') {
  const made = await makeNatBugCapture({ mode, out: join(dir, `${mode}.pcap`), timeoutMs: 60_000 });
  const ingest = new CaptureIngest();
  await readCaptureFile(made.capture, ingest);
  assert.equal(ingest.flows.flows.length, 1, 'one connection');
  const [analysis] = analyzeFlows(ingest.flows.flows);
  const reopened = analysis.stalls.filter((e) => e.endedBy !== 'fin' && e.endedBy !== 'capture_end');
  assert.ok(made.episodesExpected >= 3, `the fixture made only ${made.episodesExpected} episodes`);
  assertSameEpisodes(reopened, made);
  return { made, analysis, reopened };
}

/** The analysis found exactly the episodes the fixture recorded: same frames, same ending. */
function assertSameEpisodes(reopened: StallEpisode[], made: NatBugCapture): void {
  const recorded = made.episodes.filter((e) => e.ended_by !== 'fin');
  assert.deepEqual(
    reopened.map((e) => ({ start: e.startFrame, probes: e.probeFrames, end: e.endFrame, endedBy: e.endedBy })),
    recorded.map((e) => ({ start: e.start_frame, probes: e.probe_frames, end: e.end_frame, endedBy: ENDED_BY[e.ended_by] })),
    `episodes found vs made (receiver ${made.receiver.realtime ? 'at' : 'NOT at'} real-time priority)`,
  );
}

test('buggy receiver: every stall is an owed window update, ended by the probe reply', { skip, timeout: 120_000 }, async () => {
  const { made, analysis, reopened } = await stallsOf('buggy');
  assert.equal(made.receiver.reopened_by_probe_reply, reopened.length, 'the receiver reopened every window in a probe reply');
  assert.equal(made.receiver.updates_sent, 0, 'the buggy receiver sent no window update of its own');
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
  const { made, analysis, reopened } = await stallsOf('fixed');
  assert.equal(made.receiver.updates_sent, reopened.length, 'the receiver sent one window update per stall');
  assert.equal(made.receiver.probe_replies, 0, 'the sender never had to probe');
  for (const e of reopened) {
    assert.equal(e.endedBy, 'window_update', `stall at frame ${e.startFrame}`);
    assert.equal(e.owed, null, `stall at frame ${e.startFrame}`);
  }
  assert.equal(analysis.findings.filter((f) => f.kind === 'window_update_owed').length, 0);
});
