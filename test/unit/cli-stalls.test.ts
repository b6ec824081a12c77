/**
 * `tcp-flow-lens analyze FILE --json --ss SAMPLES` on zw02_fionread_stuck.pcap (the "read exactly n
 * bytes" receiver, docs/stories.md, story 2): stalls and findings in the JSON document with their exact shape
 * and frames (start/end frames and probe counts as in generated/EPISODES.txt, probe frames as tshark's
 * keep_alive frames), `--ss` errors and warnings, and the human summary (flow line, stall totals, findings).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyzeCli as cli, analyzeJson as json, CLI } from '../support/cli';
import { CORPUS_DIR, corpusAvailable } from '../support/corpus';

const ROOT = resolve(__dirname, '../..');
const CAPTURE = join(CORPUS_DIR, 'generated/zw02_fionread_stuck.pcap');
const SAMPLES = join(CORPUS_DIR, 'generated/zw02_fionread_stuck.ss.tsv');

if (!corpusAvailable()) {
  it('analyze --json --ss on zw02_fionread_stuck.pcap', { skip: 'shared capture corpus not found next to the checkout' }, () => {});
} else {
  let scratch = '';
  before(() => {
    // `npm test` builds first; build here only when nothing was built, so the test can run alone.
    if (!existsSync(CLI)) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, stdio: 'inherit' });
    scratch = mkdtempSync(join(tmpdir(), 'cli-stalls-'));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  describe('analyze --json --ss', () => {
    it('lists the three stalls of 10.77.0.2:5001 with the documented shape and exact frames', () => {
      const summary = json(CAPTURE, '--ss', SAMPLES);
      assert.deepEqual(summary.warnings, []);
      assert.equal(summary.flows.length, 1);
      const { stalls } = summary.flows[0];
      const keys = ['receiver', 'receiverEndpoint', 'start', 'end', 'duration', 'startFrame', 'endFrame', 'probes', 'probeFrames', 'endedBy', 'reopenedWindow', 'outstanding', 'startWindow', 'segmentSize', 'threshold', 'owed', 'queue'];
      for (const s of stalls) assert.deepEqual(Object.keys(s).sort(), [...keys].sort());
      assert.deepEqual(
        stalls.map((s) => [s.startFrame, s.endFrame, s.probes, s.probeFrames]),
        [
          [16, 24, 3, [18, 21, 22]],
          [32, 40, 3, [33, 35, 36]],
          [48, 52, 2, [49, 51]],
        ],
      );
      for (const s of stalls) {
        assert.deepEqual(
          { receiver: s.receiver, receiverEndpoint: s.receiverEndpoint, endedBy: s.endedBy, reopenedWindow: s.reopenedWindow, startWindow: s.startWindow, threshold: s.threshold, owed: s.owed },
          { receiver: 'b', receiverEndpoint: '10.77.0.2:5001', endedBy: 'window_update', reopenedWindow: 2896, startWindow: 0, threshold: 1448, owed: null },
        );
        // Both sides announced MSS 1460 and the sender's segments carry timestamps (RFC 6691).
        assert.deepEqual(
          { bytes: s.segmentSize.bytes, source: s.segmentSize.source, optionBytes: s.segmentSize.optionBytes },
          { bytes: 1448, source: 'mss-options', optionBytes: 12 },
        );
        assert.ok(Math.abs(s.end - s.start - s.duration) < 1e-9, 'duration = end − start');
      }
      // EPISODES.txt: 2.958, 2.891 and 0.869 s.
      assert.deepEqual(
        stalls.map((s) => Math.round(s.duration * 1000)),
        [2958, 2891, 869],
      );
    });

    it('gives queue evidence from the samples where they show the drain, on the capture\'s time axis', () => {
      const { stalls } = json(CAPTURE, '--ss', SAMPLES).flows[0];
      // The sampler skipped 4.53-4.77 s, past the first reopening at 4.746 s: no evidence for it.
      assert.equal(stalls[0].queue, null);
      for (const s of stalls.slice(1)) {
        const q = s.queue!;
        assert.deepEqual(Object.keys(q).sort(), ['freeSpace', 'interval', 'lag', 'moment', 'source', 'threshold']);
        assert.equal(q.source, 'ss');
        assert.ok(q.interval > 0.009 && q.interval < 0.011, `the sampler's 10 ms, got ${q.interval}`);
        assert.ok(q.moment >= s.start && q.moment <= s.end + q.interval, `moment ${q.moment} within ${s.start}..${s.end}`);
      }
      const without = json(CAPTURE).flows[0].stalls;
      assert.deepEqual(
        without.map((s) => s.queue),
        [null, null, null],
      );
    });

    it("lists findings as {kind, time, frames, severity, message}: the flow's limited-by line, one stall warning per episode", () => {
      const { findings } = json(CAPTURE, '--ss', SAMPLES).flows[0];
      for (const f of findings) assert.deepEqual(Object.keys(f).sort(), ['frames', 'kind', 'message', 'severity', 'time']);
      assert.deepEqual(
        findings.map((f) => [f.kind, f.frames, f.severity]),
        [
          ['limited_by', [11], 'info'],
          ['stall', [16, 18, 21, 22, 24], 'warning'],
          ['stall', [32, 33, 35, 36, 40], 'warning'],
          ['stall', [48, 49, 51, 52], 'warning'],
        ],
      );
      for (const f of findings) assert.match(f.message, new RegExp(`frame ${f.frames[0]}\\b`));
    });
  });

  describe('--ss errors and warnings', () => {
    it('exits 2 naming the samples file when it does not exist', () => {
      const missing = join(scratch, 'no-such-samples.tsv');
      const run = cli(CAPTURE, '--json', '--ss', missing);
      assert.equal(run.code, 2);
      assert.equal(run.stdout, '');
      assert.equal(run.stderr, `tcp-flow-lens: ${missing}: the file does not exist\n`);
    });

    it('exits 2 saying so when the samples path is a directory (the worker uses the same words)', () => {
      const run = cli(CAPTURE, '--json', '--ss', scratch);
      assert.equal(run.code, 2);
      assert.equal(run.stderr, `tcp-flow-lens: ${scratch}: this is a directory, not a file\n`);
    });

    it('exits 0 and warns about a malformed samples line by its number, keeping the rest', () => {
      const lines = readFileSync(SAMPLES, 'utf8').split('\n');
      lines.splice(2, 0, 'not\ta\tsample'); // becomes line 3
      const damaged = join(scratch, 'damaged.ss.tsv');
      writeFileSync(damaged, lines.join('\n'));
      const summary = json(CAPTURE, '--ss', damaged);
      assert.equal(summary.warnings.length, 1);
      assert.match(summary.warnings[0].message, /line 3\b/);
      assert.ok(summary.warnings[0].message.includes(damaged), summary.warnings[0].message);
      assert.deepEqual(
        summary.flows[0].stalls.map((s) => s.queue === null),
        [true, false, false],
        'the other samples still count',
      );
      const text = cli(CAPTURE, '--ss', damaged);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /^warning: .*line 3\b/m);
    });
  });

  describe('the human summary', () => {
    it('exits 0 and prints the flow line, its stall totals and every finding\'s sentence', () => {
      const run = cli(CAPTURE, '--ss', SAMPLES);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, /^ +0 {2}10\.77\.0\.1:35344 → 10\.77\.0\.2:5001 /m);
      // 2.958 + 2.891 + 0.869 s (EPISODES.txt), none owed.
      assert.match(run.stdout, /^flow 0 \(10\.77\.0\.1:35344 → 10\.77\.0\.2:5001\): 3 stalls, 6\.718 s stalled, 0\.000 s owed$/m);
      const { findings } = json(CAPTURE, '--ss', SAMPLES).flows[0];
      const lines = run.stdout.split('\n');
      for (const f of findings) {
        const line = lines.find((l) => l.endsWith(f.message));
        assert.ok(line, `no line for: ${f.message}`);
        assert.match(line, new RegExp(`^ +${f.severity} +${f.time.toFixed(6)} s `));
      }
    });
  });
}
