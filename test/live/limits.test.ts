/**
 * Issue 19 on fresh runs of a real Linux kernel (test/fixtures/limits/run.py): the slow reader and
 * the four phases, recorded now rather than read from the committed runs. From the capture alone,
 * against the sender's own tcp_info counters: receiver window within 5 % of the kernel's busy time of
 * its rwnd_limited, busy within 10 %, and network + send buffer together within 10 % (how the two
 * share that time is a heuristic whose error the committed runs measure: limits-kernel.test.ts);
 * per phase, the dominant state is the kernel's.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { kernelBetween, kernelTotals, oursAsBusy, oursBetween } from '../../src/core/analysis/kernelLimits';
import { kernelDominant, loadRun, oursDominant, phaseWindow } from '../support/limits';
import { liveTestsPossible } from './natbug-capture.mjs';

const possible = liveTestsPossible();
if (!possible.ok && process.env.CI === 'true') throw new Error(`live tests must run in CI: ${possible.reason}`);
const skip = possible.ok ? false : `live capture not possible here: ${possible.reason}`;
const RUNNER = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'limits', 'run.py');
const dir = mkdtempSync(join(tmpdir(), 'tfl-limits-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Run one scenario into `dir`; resolves with its JSON summary line. */
function runScenario(name: string): Promise<{ ok: boolean; error?: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [RUNNER, name, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s) => (stderr += s));
    child.on('error', reject);
    child.on('close', () => {
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? ''));
      } catch {
        reject(new Error(`limits/run.py printed no summary: ${stderr.trim() || stdout.trim()}`));
      }
    });
  });
}

for (const name of ['rwnd_slowreader', 'phases']) {
  test(`${name}, recorded now: the split against the kernel's counters`, { skip, timeout: 120_000 }, async () => {
    const result = await runScenario(name);
    assert.ok(result.ok, `fixture failed: ${result.error}`);
    const run = await loadRun(join(dir, name));
    const k = kernelTotals(run.kernel);
    const ours = oursAsBusy(run.limits.seconds);
    const off = (a: number, b: number) => Math.abs(a - b) / k.busy;
    assert.ok(off(ours.receiverWindow, k.receiverWindow) <= 0.05, `receiver window: ours ${ours.receiverWindow}, kernel ${k.receiverWindow}, busy ${k.busy}`);
    assert.ok(off(ours.busy, k.busy) <= 0.1, `busy: ours ${ours.busy}, kernel ${k.busy}`);
    assert.ok(off(ours.network + ours.sendBuffer, k.network + k.sendBuffer) <= 0.1, `network + send buffer: ours ${ours.network + ours.sendBuffer}, kernel ${k.network + k.sendBuffer}`);
    for (const [i, phase] of run.truth.phases.entries()) {
      const [t0, t1] = phaseWindow(run, i);
      assert.equal(oursDominant(oursBetween(run.limits, t0, t1)), kernelDominant(kernelBetween(run.kernel, t0, t1), t1 - t0), `phase "${phase.name}"`);
    }
    for (const e of run.stalls.filter((s) => s.receiver !== run.limits.dir)) {
      assert.ok(Math.abs(oursBetween(run.limits, e.start, e.end).receiverWindow - (e.end - e.start)) < 1e-9, `stall at ${e.start} inside receiver-window time`);
    }
  });
}
