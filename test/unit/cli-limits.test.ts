/**
 * `analyze` on a real-kernel run of test/fixtures/limits (the slow reader): the limited-by line per
 * flow, `--json`'s `limitedBy` (shape, seconds, the timeline in epoch seconds), and with `--ss` the
 * kernel's own totals (the sender's last sample) beside ours with the difference.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import { analyzeCli as cli, analyzeJson as json, CLI } from '../support/cli';
import type { EpochInterval } from '../../src/core/limitSummary';

const ROOT = resolve(__dirname, '../..');
const RUN = join(ROOT, 'test/fixtures/limits/runs/rwnd_slowreader');

before(() => {
  // `npm test` builds first; build here only when nothing was built, so the test can run alone.
  if (!existsSync(CLI)) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
});

/** The sender's last `ss` counters in the samples file, in ms (the TIME-WAIT lines after the close carry none). */
function lastCounters(): { busy: number; rwnd: number } {
  const lines = readFileSync(`${RUN}.ss.tsv`, 'utf8').trim().split('\n').filter((x) => x.includes('busy:'));
  const info = lines[lines.length - 1].split('\t')[7];
  return { busy: Number(/busy:(\d+)ms/.exec(info)![1]), rwnd: Number(/rwnd_limited:(\d+)ms/.exec(info)![1]) };
}

describe('analyze: limited by', () => {
  it('--json carries the split of the data direction, the sender states together, the timeline in epoch seconds', () => {
    const s = json(`${RUN}.pcap`);
    const l = s.flows[0].limitedBy!;
    assert.deepEqual(Object.keys(l).sort(), ['busy', 'dataSender', 'direction', 'idle', 'network', 'owed', 'receiverWindow', 'sendBufferEvidence', 'sender', 'timeline', 'vantage'].sort());
    assert.equal(l.direction, 'a→b');
    assert.equal(l.dataSender, s.flows[0].a);
    assert.match(l.dataSender, /^10\.91\.0\.1:\d+$/);
    assert.deepEqual(Object.keys(l.sender).sort(), ['application', 'sendBuffer']);
    assert.ok(Math.abs(l.busy - (l.receiverWindow + l.network + l.sender.sendBuffer)) < 1e-9);
    assert.ok(l.receiverWindow / l.busy > 0.99, `receiver window ${l.receiverWindow} of ${l.busy}`);
    const epoch = Number(s.firstPacketEpoch);
    // Parsed JSON: the timeline is the array EpochTimeline serializes to.
    const timeline = l.timeline as unknown as EpochInterval[];
    assert.ok(Math.abs(timeline[0].start - epoch) < 1e-6, 'the timeline starts at the first packet, in epoch seconds');
    assert.equal(timeline[0].state, 'idle');
    const span = timeline[timeline.length - 1].end - timeline[0].start;
    assert.ok(Math.abs(span - s.flows[0].duration) < 1e-6);
    const sum = timeline.reduce((t, iv) => t + (iv.state === 'receiverWindow' ? iv.end - iv.start : 0), 0);
    assert.ok(Math.abs(sum - l.receiverWindow) < 1e-5);
    assert.equal(l.kernel, undefined, 'no kernel totals without --ss');
  });

  it('prints one line per flow: the dominant busy state first, its share of busy, then the others, busy, application and idle', () => {
    const { code, stdout } = cli(`${RUN}.pcap`);
    assert.equal(code, 0);
    const l = json(`${RUN}.pcap`).flows[0].limitedBy!;
    const pct = (v: number) => Math.round((v / l.busy) * 100);
    const line = stdout.split('\n').find((x) => x.startsWith('flow 0 a→b limited by'));
    assert.equal(
      line,
      `flow 0 a→b limited by receiver window ${pct(l.receiverWindow)} % of busy · network <1 % · send buffer 0 %; ` +
        `busy ${l.busy.toFixed(2)} s, application ${l.sender.application.toFixed(2)} s, idle ${l.idle.toFixed(2)} s`,
    );
    assert.doesNotMatch(stdout, /kernel \(ss/);
  });

  it("--ss: the kernel's totals from the sender's last sample, beside ours, and ours minus the kernel's", () => {
    const k = lastCounters();
    const s = json(`${RUN}.pcap`, '--ss', `${RUN}.ss.tsv`);
    const l = s.flows[0].limitedBy!;
    const kernel = l.kernel!;
    assert.equal(kernel.busy, k.busy / 1000);
    assert.equal(kernel.receiverWindow, k.rwnd / 1000);
    assert.equal(kernel.sendBuffer, 0);
    assert.ok(Math.abs(kernel.network - (k.busy - k.rwnd) / 1000) < 1e-9);
    assert.ok(kernel.samples > 250, `${kernel.samples} samples of the sender`);
    assert.ok(Math.abs(kernel.difference.busy - (l.busy - kernel.busy)) < 1e-9);
    assert.ok(Math.abs(kernel.difference.receiverWindow - (l.receiverWindow - kernel.receiverWindow)) < 1e-9);
    const { stdout } = cli(`${RUN}.pcap`, '--ss', `${RUN}.ss.tsv`);
    const lines = stdout.split('\n');
    const at = lines.findIndex((x) => x.startsWith('flow 0 a→b limited by'));
    assert.equal(lines[at + 1], `  kernel (ss, ${kernel.samples} samples): busy ${kernel.busy.toFixed(2)} s, receiver window ${Math.round((100 * k.rwnd) / k.busy)} % · network <1 % · send buffer 0 %`);
    assert.match(lines[at + 2], /^ {2}ours − kernel: busy [+-]?\d\.\d{3} s \([+-]?\d+\.\d % of busy\), receiver window [+-]?\d\.\d{3} s \([+-]?\d+\.\d % of busy\), network .*, send buffer 0\.000 s \(0\.0 % of busy\)$/);
  });
});
