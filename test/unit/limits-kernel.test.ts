/**
 * The limited-by split, from the capture alone, against the Linux kernel's own accounting of the same
 * sender (tcp_info busy / rwnd_limited / sndbuf_limited, sampled by `ss -ti` every 10 ms) on the
 * real-kernel runs of test/fixtures/limits (README there; docs/analysis.md has the table). Per run:
 * receiver window within 5 % of the kernel's busy time of its rwnd_limited; network, send buffer and
 * busy within 10 %; per phase the dominant state the kernel's, and where a phase's state begins
 * within 50 ms of where the kernel's counters say it began.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { kernelBetween, kernelTotals, oursAsBusy, oursBetween, type BusySplit } from '../../src/core/analysis/kernelLimits';
import { kernelDominant, kernelState, loadRun, onset, oursDominant, phaseWindow } from '../support/limits';

const RUNS = join(__dirname, '../fixtures/limits/runs');

const RUN_NAMES = ['rwnd_slowreader', 'network_tbf', 'application_paced', 'sndbuf_small', 'phases'];

describe('limited-by against the kernel (real Linux 6.18 runs, cubic, ss every 10 ms)', () => {
  for (const name of RUN_NAMES) {
    describe(name, () => {
      const run = loadRun(join(RUNS, name));

      it('totals: receiver window within 5 % of busy of rwnd_limited; network, send buffer and busy within 10 %', async () => {
        const { limits, kernel } = await run;
        const k = kernelTotals(kernel);
        const ours = oursAsBusy(limits.seconds);
        assert.ok(k.busy > 0.2, `the kernel was busy (${k.busy} s)`);
        const limit: Record<keyof BusySplit, number> = { receiverWindow: 0.05, network: 0.1, sendBuffer: 0.1, busy: 0.1 };
        for (const key of Object.keys(limit) as (keyof BusySplit)[]) {
          const off = Math.abs(ours[key] - k[key]) / k.busy;
          assert.ok(off <= limit[key], `${key}: ours ${ours[key].toFixed(3)} s, kernel ${k[key].toFixed(3)} s: ${(off * 100).toFixed(1)} % of busy > ${limit[key] * 100} %`);
        }
      });

      it("each phase's dominant state is the kernel's, and what the scenario set up where the kernel agrees", async () => {
        const { limits, kernel, truth } = await run;
        for (const [i, phase] of truth.phases.entries()) {
          const [t0, t1] = phaseWindow(await run, i);
          const theirs = kernelDominant(kernelBetween(kernel, t0, t1), t1 - t0);
          assert.equal(oursDominant(oursBetween(limits, t0, t1)), theirs, `phase "${phase.name}"`);
        }
        const expected = Object.fromEntries(truth.phases.map((p) => [p.name, p.expect]));
        // The kernel itself counts the small send buffer as mostly network (its sndbuf_limited is ~45 % there).
        if (name !== 'sndbuf_small' && name !== 'phases') assert.equal(oursDominant(limits.seconds), expected[truth.phases[0].name]);
      });

      it("where each phase's state begins: within 50 ms of the kernel's counters", async () => {
        const { limits, kernel, truth } = await run;
        for (const [i, phase] of truth.phases.entries()) {
          if (i === 0) continue; // the first phase begins with the connection
          const [t0, t1] = phaseWindow(await run, i);
          const state = kernelDominant(kernelBetween(kernel, t0, t1), t1 - t0);
          const theirs = onset(kernelState(kernel, state), t0 - 0.25, t1);
          const ours = onset((a, b) => oursBetween(limits, a, b)[state], t0 - 0.25, t1);
          assert.ok(theirs !== null && ours !== null, `phase "${phase.name}": ${state} begins`);
          assert.ok(Math.abs(ours - theirs) <= 0.05, `phase "${phase.name}": ${state} from ${ours.toFixed(3)} s, the kernel's from ${theirs.toFixed(3)} s`);
        }
      });

      it('every stall episode lies inside receiver-window time', async () => {
        const { limits, stalls } = await run;
        for (const e of stalls.filter((s) => s.receiver !== limits.dir)) {
          const inside = oursBetween(limits, e.start, e.end).receiverWindow;
          assert.ok(Math.abs(inside - (e.end - e.start)) < 1e-9, `stall at ${e.start}`);
        }
      });
    });
  }
});
