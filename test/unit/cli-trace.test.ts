/**
 * `tcp-flow-lens analyze` on NAT traces and logs (tests the built dist/cli.js, like cli-stalls):
 * the format told by content, the same summary and --json shape as for captures plus the engine's
 * view, a trace or log beside a capture of the same run, the log's assumptions stated, --packets
 * with line numbers as frames, and clear refusals.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { analyzeCli as cli, analyzeJson as json } from '../support/cli';

const ROOT = resolve(__dirname, '../..');
const DIR = join(ROOT, 'test/fixtures/nat-trace');
const TRACE = join(DIR, 'natbug-buggy.jsonl');
const LOG = join(DIR, 'natbug-buggy.log');
const CAPTURE = join(DIR, 'natbug-buggy.pcap');

let scratch = '';
before(() => {
  execFileSync(process.execPath, [join(ROOT, 'esbuild.mjs')], { cwd: ROOT, stdio: 'ignore' });
  scratch = mkdtempSync(join(tmpdir(), 'tfl-cli-trace-'));
});
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('analyze on a NAT trace or log', () => {
  it('a nat-flow-trace/1 file alone: stalls owed with the exact lag, Recv-Q from the trace, end reasons, drops', () => {
    const s = json(TRACE);
    assert.equal(s.format, 'nat-flow-trace');
    assert.equal(s.source?.kind, 'nat-flow-trace');
    assert.equal(s.source?.engine, 'natbug-receiver');
    assert.equal(s.source?.clock, 'realtime');
    assert.deepEqual(s.source?.unknownFields, { 'hdr.mode': 1 });
    const [f] = s.flows;
    assert.equal(f.recvQSource.b, 'nat-trace');
    assert.deepEqual(f.stalls.map((e) => e.endReason), ['reply_unacceptable', 'reply_unacceptable']);
    for (const e of f.stalls) {
      assert.equal(e.queue?.source, 'nat-trace');
      assert.ok(e.owed && e.owed.seconds === e.queue!.lag && e.owed.seconds < e.duration);
    }
    assert.equal(f.findings.filter((x) => x.kind === 'segment_dropped').length, 2);
    const text = cli(TRACE);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^nat-flow-trace\/1 trace .*: 198 lines \(hdr ×1, conn_open ×1, seg_out ×93, seg_in ×93, win ×6, host_io ×2, drop ×2\)/m);
    assert.match(text.stdout, /^ {2}Recv-Q of 10\.88\.0\.2:5001: measured, from the NAT's trace$/m);
  });

  it('a consomme log alone: uptime seconds said as such, the assumed scale stated, and both changeable', () => {
    const text = cli(LOG);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^first segment at 35876\.033501036 s \(seconds of uptime, not a wall-clock time\)$/m);
    assert.match(text.stdout, /window scale 7 ASSUMED/);
    const s = json(LOG, '--window-scale', '5', '--uptime-epoch', '1796411635.06');
    assert.equal(s.format, 'consomme-log');
    assert.equal(s.source?.windowScaleAssumed, 5);
    assert.equal(s.source?.clock, 'realtime');
    assert.equal(s.firstPacketEpoch, '1796447511.093501036');
  });

  it('a trace beside the capture of the same run: every segment matched, the engine on the packets', () => {
    const s = json(CAPTURE, '--trace', TRACE);
    assert.equal(s.format, 'pcap');
    const merged = s.source!.merged!;
    assert.deepEqual({ ...merged, clockSkew: 0, clockSkewGuest: 0 }, { segments: 187, matched: 187, unmatchedFlows: 0, clockSkew: 0, clockSkewGuest: 0, skewApplied: false });
    // One clock: the NAT's segments appear in the capture as it logs them; the guest's before it reads them.
    assert.ok(Math.abs(merged.clockSkew!) < 0.001 && merged.clockSkewGuest! <= 0 && merged.clockSkewGuest! > -0.01, `${merged.clockSkew} ${merged.clockSkewGuest}`);
    const [f] = s.flows;
    assert.equal(f.recvQSource.b, 'nat-trace');
    assert.ok(f.stalls.every((e) => e.owed && e.queue?.source === 'nat-trace'));
    const drops = f.findings.filter((x) => x.kind === 'segment_dropped');
    assert.deepEqual(drops.map((d) => d.frames), [[94], [186]], 'the captured probes');
  });

  it('a consomme log beside the capture: its uptime clock moved onto the capture, probes it dropped make the replies owed', () => {
    const s = json(CAPTURE, '--openvmm-log', LOG);
    assert.equal(s.source?.merged?.matched, 187);
    assert.equal(s.source?.merged?.skewApplied, true);
    assert.equal(s.source?.windowScaleAssumed, null, "the capture's handshake gives the scale");
    assert.ok(s.flows[0].stalls.every((e) => e.owed && e.endedBy === 'probe_reply'));
  });

  it('ss samples beside a trace: the guest\'s socket measured from them, the NAT\'s side still from the trace', () => {
    const tsv = join(scratch, 'guest.ss.tsv');
    const row = (epoch: string, q: number) => `${epoch}\tA\tESTAB\t${q}\t0\t10.88.0.1:58390\t10.88.0.2:5001\tskmem:(r0,rb131072) wscale:10,7`;
    writeFileSync(tsv, ['#epoch\tns\tstate\trecv_q\tsend_q\tlocal\tpeer\tinfo', row('1796447511.20', 0), row('1796447511.40', 0)].join('\n') + '\n');
    const [f] = json(TRACE, '--ss', tsv).flows;
    assert.deepEqual(f.recvQSource, { a: 'ss', b: 'nat-trace' });
  });

  it('gzip-compressed traces and logs are read as they are; a cut one up to the cut', () => {
    for (const [file, format] of [[TRACE, 'nat-flow-trace'], [LOG, 'consomme-log']] as const) {
      const gz = join(scratch, `${format}.gz`);
      writeFileSync(gz, gzipSync(readFileSync(file)));
      const s = json(gz);
      assert.equal(s.format, format);
      assert.equal(s.flows[0].stalls.length, 2);
    }
    const cut = join(scratch, 'cut.jsonl.gz');
    const whole = gzipSync(readFileSync(TRACE));
    writeFileSync(cut, whole.subarray(0, whole.length >> 1));
    const s = json(cut);
    assert.ok(s.tcpPackets > 0 && s.tcpPackets < 187, `${s.tcpPackets} packets`);
    assert.ok(s.source!.firstMalformed.some((m) => /gzip stream damaged/.test(m.reason)));
  });

  it('--packets numbers a trace\'s packets by their lines', () => {
    const run = cli(TRACE, '--packets');
    assert.equal(run.code, 0, run.stderr);
    const first = JSON.parse(run.stdout.split('\n')[0]);
    assert.equal(first.frame, 2, 'the SYN conn_open describes, on line 2');
    assert.equal(run.stdout.trim().split('\n').length, 187);
  });

  it('refuses clearly: a file that is neither, two engine files, an engine file given as the capture', () => {
    const notes = join(scratch, 'notes.txt');
    writeFileSync(notes, 'meeting notes\n');
    const neither = cli(notes);
    assert.equal(neither.code, 2);
    assert.match(neither.stderr, /notes\.txt: neither a capture \(pcap, pcapng\) nor a NAT trace/);
    const badEngine = cli(CAPTURE, '--trace', notes);
    assert.equal(badEngine.code, 2);
    assert.match(badEngine.stderr, /notes\.txt: neither/);
    assert.equal(cli(CAPTURE, '--trace', TRACE, '--openvmm-log', LOG).code, 1);
    assert.equal(cli(TRACE, '--trace', TRACE).code, 2);
    assert.equal(cli(LOG, '--window-scale', '15').code, 1);
  });
});
