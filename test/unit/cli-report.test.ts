/**
 * The bug-report commands end to end (src/cli.ts through tsx): `note` and `notes` on a copy of
 * natbug-buggy.pcap, a damaged sidecar refused with exit 2 and left untouched, `report` checked
 * section by section against `analyze --json` of the same capture, and `compare` of the NAT bug's
 * buggy and fixed runs (test/fixtures/natbug): owed time > 0 before, 0 after, and the throughput
 * tshark measures from the same packets.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FlowMetrics } from '../../src/core/report/metrics';
import type { CaptureSummary } from '../../src/core/summary';
import { CHROMIUM } from '../../src/cli/timeline';
import { tsharkSkipReason } from '../support/tshark-check';
import { version } from '../../package.json';

const ROOT = resolve(__dirname, '../..');
const BUGGY = join(ROOT, 'test/fixtures/natbug-buggy.pcap');
const FIXED = join(ROOT, 'test/fixtures/natbug-runs/fixed.pcap');
const PAIRED_BUGGY = join(ROOT, 'test/fixtures/natbug-runs/buggy.pcap');
const RUNS = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/natbug-runs/runs.json'), 'utf8'));
const dir = mkdtempSync(join(tmpdir(), 'tfl-cli-report-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const capture = join(dir, 'natbug-buggy.pcap');
const sidecar = `${capture}.tcpflowlens.json`;

function cli(...args: string[]) {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli.ts'), ...args], { encoding: 'utf8', cwd: ROOT, maxBuffer: 64 << 20 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}
function ok(...args: string[]): string {
  const run = cli(...args);
  assert.equal(run.code, 0, run.stderr);
  return run.stdout;
}

before(() => copyFileSync(BUGGY, capture));

describe('note and notes', () => {
  it('adds a packet, a range and an instant note and lists them with the flow they belong to', () => {
    assert.match(ok('note', capture, '--frame', '95', 'reopened only in the probe reply'), /^added note n1 \(frame 95, flow 10\.88\.0\.1:52270 ↔ 10\.88\.0\.2:5001\) to .*natbug-buggy\.pcap\.tcpflowlens\.json\n$/);
    ok('note', capture, '--flow', '0', '--from', '0.241206', '--to', '0.452196', 'second stall');
    ok('note', capture, '--flow', '0', '--at', '0.5', 'an instant');
    const listed = JSON.parse(ok('notes', capture, '--json'));
    assert.equal(listed.sidecar, sidecar);
    assert.deepEqual(
      listed.notes.map((n: Record<string, unknown>) => [n.id, n.flowId, n.frame ?? null, n.time, n.end ?? null, n.text, n.source]),
      [
        ['n1', 0, 95, 0.232243, null, 'reopened only in the probe reply', 'sidecar'],
        ['n2', 0, null, 0.241206, 0.452196, 'second stall', 'sidecar'],
        ['n3', 0, null, 0.5, null, 'an instant', 'sidecar'],
      ],
    );
    assert.match(ok('notes', capture), /: 3 notes \(sidecar .*\)\n {2}n1 +flow 0 +frame 95 \(0\.232243 s\): reopened only in the probe reply\n/);
  });

  it('refuses what it cannot place, with exit status 1', () => {
    const cases: [string[], RegExp][] = [
      [['--frame', '9999', 'x'], /frame 9999 of .* is not a TCP packet of any flow/],
      [['--flow', '3', '--at', '1', 'x'], /has no flow 3 \(flows 0–0\)/],
      [['--flow', '0', '--from', '2', '--to', '1', 'x'], /--to must not be before --from/],
      [['--flow', '0', 'x'], /a note needs --frame N, or --flow ID with --at T or with --from T --to T/],
      [['--frame', '95'], /note needs the note's text/],
    ];
    for (const [args, message] of cases) {
      const run = cli('note', capture, ...args);
      assert.equal(run.code, 1, args.join(' '));
      assert.match(run.stderr, message);
    }
  });

  it('a damaged sidecar: exit 2 with the reason, nothing written, the file unchanged', () => {
    const damaged = join(dir, 'damaged.pcap');
    copyFileSync(BUGGY, damaged);
    const text = '{"format": "tcp-flow-lens-notes", "version": 1, "notes": [{"id": "n1",, }]}\n';
    writeFileSync(`${damaged}.tcpflowlens.json`, text);
    for (const args of [['note', damaged, '--frame', '95', 'x'], ['notes', damaged], ['note', damaged, '--delete', 'n1']]) {
      const run = cli(...args);
      assert.equal(run.code, 2, args.join(' '));
      assert.match(run.stderr, /damaged\.pcap\.tcpflowlens\.json: not valid JSON \(line 1, column 71: expected a quoted property name\)\. The file was left as it is/);
    }
    assert.equal(readFileSync(`${damaged}.tcpflowlens.json`, 'utf8'), text);
    assert.equal(existsSync(`${damaged}.tcpflowlens.json.bak`), false);
  });
});

describe('report', () => {
  const out = join(dir, 'report');
  let md = '';
  let summary: CaptureSummary;
  before(() => {
    const run = cli('report', capture, '--flow', '0', '--out', out, '--compare', FIXED, ...(existsSync(CHROMIUM) ? [] : ['--no-images']));
    assert.equal(run.code, 0, run.stderr);
    md = readFileSync(join(out, 'report.md'), 'utf8');
    summary = JSON.parse(ok('analyze', capture, '--json'));
  });

  it('names the capture, the flow and its handshake as the analysis sees them', () => {
    const f = summary.flows[0];
    assert.match(md, new RegExp(`^# TCP flow 0: ${f.a.replaceAll('.', '\\.')} → ${f.b.replaceAll('.', '\\.')}\n`));
    assert.match(md, /- \*\*Capture\*\*: `natbug-buggy\.pcap` \(pcap, 375 packets, first packet at 2026-11-22T19:56:22\.988606000Z\)/);
    assert.ok(md.includes(`| MSS | ${f.mss.a} | ${f.mss.b} |`));
    assert.ok(md.includes(`| window scale (shift) | ${f.windowScale.a} | ${f.windowScale.b} |`));
    assert.ok(md.includes('| SACK permitted | yes | no |'), 'the kernel offers SACK, the NAT does not (natbug/README.md)');
    assert.ok(md.includes('| timestamps | yes | no |'));
  });

  it('sums the stalls and owed time of the analysis in its summary line', () => {
    const f = summary.flows[0];
    const stalled = f.stalls.reduce((s, e) => s + e.duration, 0);
    const owed = f.stalls.reduce((s, e) => s + (e.owed?.seconds ?? 0), 0);
    assert.ok(md.includes(`· ${f.stalls.length} stalls, ${stalled.toFixed(3)} s stalled · ${f.stalls.filter((e) => e.owed).length} owed window updates, ${owed.toFixed(3)} s owed**`), md);
  });

  it('has a section per stall with its frames, explanation and owed time, and every finding of the analysis', () => {
    const f = summary.flows[0];
    // The flow's limited_by finding sits at its first data segment, before the stalls: section 1.
    const before = f.findings.filter((x) => x.kind === 'limited_by').length;
    assert.equal(before, 1);
    for (const [k, e] of f.stalls.entries()) {
      const frames = [...new Set([e.startFrame, ...e.probeFrames, e.endFrame])].join(', ');
      assert.ok(md.includes(`### ${k + 1 + before}. stall, window update owed at ${e.start.toFixed(6)} s (frames ${frames})`), `stall ${k + 1}`);
      assert.ok(md.includes(`ended by probe reply; owed: **${e.owed!.seconds.toFixed(3)} s** (high confidence).`), `stall ${k + 1} owed`);
    }
    for (const x of f.findings) assert.ok(md.includes(`- ${x.severity}: ${x.message}`), x.message);
  });

  it('lists the notes, links the images and the trimmed capture, and says which version wrote it', () => {
    assert.ok(md.includes('## Notes\n\n1. **frame 95** (0.232243 s): reopened only in the probe reply\n2. **0.241206–0.452196 s**: second stall\n3. **at 0.500000 s**: an instant\n'));
    assert.ok(md.includes('[flow.pcapng](flow.pcapng)'));
    if (existsSync(CHROMIUM)) {
      assert.ok(md.includes('![Sequence, window and Recv-Q timelines of flow 0](timeline.png)'));
      assert.ok(md.includes('[timeline.svg](timeline.svg)'));
      assert.ok(readFileSync(join(out, 'timeline.png')).subarray(1, 4).toString() === 'PNG');
      assert.match(readFileSync(join(out, 'timeline.svg'), 'utf8'), /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="1000"/);
      assert.ok(md.includes("![Sequence before and after, from each flow's start](compare.png)"));
      assert.ok(readFileSync(join(out, 'compare.png')).subarray(1, 4).toString() === 'PNG');
      assert.match(readFileSync(join(out, 'compare.svg'), 'utf8'), /^<svg xmlns=/);
    }
    assert.ok(md.includes(`Generated by TCP Flow Lens ${version}.`));
    assert.ok(md.includes('| owed window updates | 4 (0.844 s) | 0 (0.000 s) |'), md);
  });

  it('flow.pcapng carries the notes as comments, which `notes` lists as the capture\'s own', () => {
    const listed = JSON.parse(ok('notes', join(out, 'flow.pcapng'), '--json'));
    assert.deepEqual(
      listed.notes.map((n: Record<string, unknown>) => [n.id, n.source, n.text]),
      [
        ['capture:95', 'capture', 'reopened only in the probe reply'],
        ['capture:184', 'capture', 'second stall'],
        ['capture:276', 'capture', 'an instant'],
      ].map(([id, source, text]) => [id, source, text]),
    );
  });

  it('never writes the capture itself', () => {
    assert.ok(readFileSync(capture).equals(readFileSync(BUGGY)));
  });
});

describe('compare', () => {
  let rows: { before: FlowMetrics; after: FlowMetrics }[];
  let paired: { before: FlowMetrics; after: FlowMetrics }[];
  before(() => {
    rows = JSON.parse(ok('compare', BUGGY, FIXED, '--json')).flows;
    paired = JSON.parse(ok('compare', PAIRED_BUGGY, FIXED, '--json')).flows;
  });

  it('pairs the NAT bug runs: owed time > 0 before, 0 after, the window closures the fixture recorded', () => {
    for (const r of [rows, paired]) {
      assert.equal(r.length, 1);
      const [{ before: b, after: a }] = r;
      assert.deepEqual([b.stalls, b.owedUpdates, a.stalls, a.owedUpdates, a.owedSeconds], [4, 4, 4, 0, 0]);
      assert.ok(b.owedSeconds > 0.8, `owed before: ${b.owedSeconds}`);
      assert.ok(a.throughputBytesPerSecond! > b.throughputBytesPerSecond!, 'the fix is faster');
    }
    // The fixture's own record of the paired runs: every window reopened by a probe reply before, by the receiver's own update after.
    assert.deepEqual([RUNS.buggy.receiver.reopened_by_probe_reply, RUNS.buggy.episodes.length, RUNS.fixed.receiver.updates_sent, RUNS.fixed.episodes.length], [4, 4, 4, 4]);
    assert.equal(paired[0].after!.stalls, RUNS.fixed.receiver.window_closures);
    assert.equal((paired[0].after!.throughputBytesPerSecond! / paired[0].before.throughputBytesPerSecond!).toFixed(2), '2.03');
  });

  it('measures throughput as tshark does: payload bytes over first-to-last data segment', { skip: tsharkSkipReason() }, () => {
    for (const [file, m] of [[BUGGY, rows[0].before], [PAIRED_BUGGY, paired[0].before], [FIXED, rows[0].after]] as const) {
      const lines = execFileSync('tshark', ['-r', file, '-Y', 'tcp.len > 0 && ip.src == 10.88.0.1', '-T', 'fields', '-e', 'frame.time_relative', '-e', 'tcp.len'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n');
      const bytes = lines.reduce((s, l) => s + Number(l.split('\t')[1]), 0);
      const seconds = Number(lines[lines.length - 1].split('\t')[0]) - Number(lines[0].split('\t')[0]);
      assert.equal(m.payloadBytes, bytes);
      assert.ok(Math.abs(m.throughputBytesPerSecond! - bytes / seconds) < 1e-6 * (bytes / seconds), `${file}: ${m.throughputBytesPerSecond} vs tshark ${bytes / seconds}`);
    }
  });

  it('prints the table, and refuses a lone --flow', () => {
    assert.match(ok('compare', BUGGY, FIXED), /\| owed window updates \| 4 \(0\.844 s\) \| 0 \(0\.000 s\) \|/);
    const run = cli('compare', BUGGY, FIXED, '--flow', '0');
    assert.equal(run.code, 1);
    assert.match(run.stderr, /--flow and --other-flow go together/);
  });
});
