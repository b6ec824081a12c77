/**
 * `tcp-flow-lens watch` (the built CLI): on stdin, on a file that grows while it watches (owed updates
 * are printed before the file is complete), on a socket that is cut and comes back (the session saved
 * and read again), and its usage and input errors. The events and the final summary must agree with
 * `analyze` of the same bytes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { CaptureSummary } from '../../src/core/summary';
import { analyzeCli, analyzeJson, CLI } from '../support/cli';
import { watch, type WatchLine } from '../support/watch';

const dir = mkdtempSync(join(tmpdir(), 'tfl-watch-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const PCAP = join(__dirname, '../fixtures/natbug-buggy.pcap');
const CAPTURE = readFileSync(PCAP);
const OFFLINE = analyzeJson(PCAP);
const analyzeText = (file: string) => analyzeCli(file).stdout;

/** The owed episodes as analyze has them, in epoch seconds, to compare with watch's lines. */
function offlineOwed(summary: CaptureSummary) {
  const epoch0 = Number(summary.firstPacketEpoch);
  return summary.flows.flatMap((f) => f.stalls.filter((s) => s.owed).map((s) => ({ startFrame: s.startFrame, endFrame: s.endFrame, start: Math.round((epoch0 + s.start) * 1e6) / 1e6 })));
}

const ends = (l: WatchLine) => ({ startFrame: l.startFrame, endFrame: l.endFrame, start: l.start });

describe('watch', () => {
  it('on stdin: each stall, owed update and finding once, then the summary analyze prints', async () => {
    const w = watch('-', '--json');
    for (let at = 0; at < CAPTURE.length; at += 4999) w.child.stdin.write(CAPTURE.subarray(at, at + 4999));
    w.child.stdin.end();
    assert.equal(await w.exit, 0, w.stderr());
    const kinds = w.lines.map((l) => l.event);
    assert.equal(kinds.filter((k) => k === 'stall').length, 4);
    assert.equal(kinds.filter((k) => k === 'owed').length, 4);
    assert.equal(kinds.filter((k) => k === 'finding').length, OFFLINE.flows[0].findings.length);
    assert.deepEqual(w.lines.filter((l) => l.event === 'owed').map(ends), offlineOwed(OFFLINE));
    const owed = w.lines.find((l) => l.event === 'owed')!;
    assert.equal(owed.a, '10.88.0.1:52270');
    assert.equal(owed.b, '10.88.0.2:5001');
    assert.equal(owed.receiver, '10.88.0.2:5001');
    assert.equal(owed.owedSeconds, OFFLINE.flows[0].stalls[0].owed!.seconds);
    const last = w.lines.at(-1)!;
    assert.equal(last.event, 'end');
    assert.equal(last.reason, 'standard input: end of stream');
    const summary = last.summary as CaptureSummary;
    assert.equal(summary.file, 'stdin');
    assert.deepEqual({ ...summary, file: PCAP }, OFFLINE);
  });

  it('as text: one line per event like analyze prints findings, then how it ended and the analyze summary', () => {
    const run = spawnSync(process.execPath, [CLI, 'watch', '-'], { input: CAPTURE, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.split('\n');
    const flow = 'flow 0 (10.88.0.1:52270 → 10.88.0.2:5001):';
    assert.equal(lines[0], `${flow} stall #0 at 0.018603 s (frame 92): 10.88.0.2:5001 advertised 0 bytes`);
    assert.match(lines[1], new RegExp(`^${flow.replace(/[()]/g, '\\$&')} window update owed: stall #0 0\\.018603–0\\.232243 s \\(frames 92–95\\), 0\\.214 s owed \\(high\\): the window reopened`));
    const ended = lines.indexOf('watch ended: standard input: end of stream');
    assert.ok(ended > 0);
    assert.equal(lines.slice(0, ended).filter((l) => l.startsWith(flow)).length, 8 + OFFLINE.flows[0].findings.length);
    assert.equal(lines.slice(ended + 1).join('\n'), analyzeText(PCAP).replace(PCAP, 'stdin'));
  });

  it('on a growing file: owed updates are printed while the file is still being written; --idle ends it', async () => {
    const path = join(dir, 'growing.pcap');
    writeFileSync(path, CAPTURE.subarray(0, 24));
    const w = watch(path, '--json', '--idle', '1.5', '--update-ms', '100');
    // Up to the end of the second stall: the first owed update must come before the rest is written.
    const secondStallEnd = OFFLINE.flows[0].stalls[1].endFrame;
    let at = 24;
    for (let frame = 1; frame <= secondStallEnd + 2; frame++) at += 16 + CAPTURE.readUInt32LE(at + 8);
    appendFileSync(path, CAPTURE.subarray(24, at));
    await w.until(() => w.lines.filter((l) => l.event === 'owed').length >= 2);
    const owedBeforeRest = w.lines.filter((l) => l.event === 'owed').length;
    appendFileSync(path, CAPTURE.subarray(at));
    assert.equal(await w.exit, 0, w.stderr());
    assert.equal(owedBeforeRest, 2, 'the two owed updates of the part written, no more');
    assert.deepEqual(w.lines.filter((l) => l.event === 'owed').map(ends), offlineOwed(OFFLINE));
    const last = w.lines.at(-1)!;
    assert.equal(last.reason, `${path}: not grown for 1.5 s`);
    assert.deepEqual((last.summary as CaptureSummary).flows, OFFLINE.flows);
  });

  it('on a socket cut mid-stream: reconnects, and --save writes both streams as one pcapng that analyze reads', async () => {
    const sock = join(dir, 'relay.sock');
    const half = 24 + 16 + CAPTURE.readUInt32LE(24 + 8) + 7; // header, one record and 7 bytes of the next
    let connections = 0;
    const server = createServer((c) => {
      connections++;
      // The relay dies mid-stream, comes back with the whole capture, then has nothing more.
      if (connections === 1) c.end(CAPTURE.subarray(0, half));
      else if (connections === 2) c.end(CAPTURE);
      else c.end();
    });
    await new Promise<void>((r) => server.listen(sock, r));
    const saved = join(dir, 'session.pcapng');
    const w = watch(`unix:${sock}`, '--json', '--idle', '2', '--save', saved);
    assert.equal(await w.exit, 0, w.stderr());
    await new Promise((r) => server.close(r));
    assert.ok(connections >= 3);
    assert.match(w.stderr(), /reconnecting: unix:.*relay\.sock: the other side closed the connection; retrying in 0\.25 s/);
    const last = w.lines.at(-1)!;
    assert.equal(last.saved, saved);
    const back = analyzeJson(saved);
    assert.equal(back.format, 'pcapng');
    // The first connection gave one whole packet, the second all of them again.
    assert.equal(back.packets, (last.summary as CaptureSummary).packets);
    assert.equal(back.packets, 1 + OFFLINE.packets);
  });

  it('Ctrl-C (SIGINT) stops a watch that would go on forever, with the summary of what was seen', async () => {
    const path = join(dir, 'forever.pcap');
    writeFileSync(path, CAPTURE);
    const w = watch(path, '--json');
    await w.until(() => w.lines.some((l) => l.event === 'owed'));
    await w.until(() => /attached/.test(w.stderr()));
    w.child.kill('SIGINT');
    assert.equal(await w.exit, 0, w.stderr());
    const last = w.lines.at(-1)!;
    assert.equal(last.event, 'end');
    assert.equal(last.reason, 'stopped');
    assert.deepEqual((last.summary as CaptureSummary).flows, OFFLINE.flows);
  });

  it('says what is wrong: no source (exit 1), a file that does not exist (exit 2), not a capture (exit 2)', async () => {
    const none = watch();
    assert.equal(await none.exit, 1);
    assert.match(none.stderr(), /watch takes one SOURCE/);
    const missing = watch(join(dir, 'nope.pcap'));
    assert.equal(await missing.exit, 2);
    assert.match(missing.stderr(), /nope\.pcap: the file does not exist/);
    const text = join(dir, 'hello.pcap');
    writeFileSync(text, '\x00\x01\x02\x03 definitely not a capture\n');
    const bad = watch(text, '--idle', '0.5');
    assert.equal(await bad.exit, 2);
    assert.match(bad.stderr(), /hello\.pcap: /);
  });
});
