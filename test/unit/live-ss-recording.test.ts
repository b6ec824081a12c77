/**
 * `ss -tinm`'s own output (recorded on this machine: test/fixtures/ss/ss-tinm-loopback.txt, a
 * receiver with 128 KiB queued, its sender with 3.7 MB in Send-Q, an IPv6 pair half closed) read
 * into SsSamples, odd lines as warnings; and a live session's recording saved as one file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readCaptureFile } from '../../src/core/capture/file';
import { CaptureIngest } from '../../src/core/ingest';
import { SessionRecording } from '../../src/core/live/recording';
import { startSsSampler } from '../../src/core/live/ssSampler';
import { parseSsTinm } from '../../src/core/trace/ssNative';

const dir = mkdtempSync(join(tmpdir(), 'tfl-rec-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const FIXTURES = join(__dirname, '../fixtures');

describe('parseSsTinm (ss -tinm as printed)', () => {
  it('reads every socket of a real run with its skmem, wscale and the sender socket’s busy/rwnd_limited chronographs; the blank details of a FIN-WAIT-2 socket are fine', () => {
    const { samples, warnings } = parseSsTinm(readFileSync(join(FIXTURES, 'ss/ss-tinm-loopback.txt'), 'utf8'), 1796000000.5);
    assert.deepEqual(warnings, []);
    assert.deepEqual(samples, [
      { epoch: 1796000000.5, line: 2, state: 'ESTAB', recvQ: 128512, sendQ: 0, local: '127.0.0.1:45001', peer: '127.0.0.1:40228', rmemAlloc: 131840, rcvBuf: 131072, wscale: { snd: 10, rcv: 10 } },
      { epoch: 1796000000.5, line: 4, state: 'ESTAB', recvQ: 0, sendQ: 3782144, local: '127.0.0.1:40228', peer: '127.0.0.1:45001', rmemAlloc: 0, rcvBuf: 131072, wscale: { snd: 10, rcv: 10 }, busyMs: 304, rwndLimitedMs: 304, sndbufLimitedMs: 0 },
      { epoch: 1796000000.5, line: 6, state: 'CLOSE-WAIT', recvQ: 51, sendQ: 0, local: '[::1]:45002', peer: '[::1]:42760', rmemAlloc: 882, rcvBuf: 131072, wscale: { snd: 10, rcv: 10 } },
      { epoch: 1796000000.5, line: 8, state: 'FIN-WAIT-2', recvQ: 0, sendQ: 0, local: '[::1]:42760', peer: '[::1]:45002' },
    ]);
  });

  it('odd lines are warnings with their line numbers; the sockets around them are kept', () => {
    const text = [
      'State      Recv-Q Send-Q  Local Address:Port  Peer Address:Port Process', // 1
      '\t skmem:(r0,rb1)', // 2 details before any socket
      'ESTAB      12     0       10.0.0.1:5001       10.0.0.2:40000  users:(("nat",pid=7,fd=3))', // 3 with a Process column
      'Cannot open netlink socket: Protocol not supported', // 4
      'ESTAB      x      0       10.0.0.1:5001       10.0.0.2:40001', // 5 Recv-Q not a number
      'SYN-SENT   0      1       [fe80::1]%eth0:40002 [fe80::2]%eth0:22\r', // 6 scoped IPv6, CRLF
      '\t cubic wscale:7,7 rto:204', // 7
      'ESTAB 1 2', // 8 too short
    ].join('\n');
    const { samples, warnings } = parseSsTinm(text, 5);
    assert.deepEqual(samples, [
      { epoch: 5, line: 3, state: 'ESTAB', recvQ: 12, sendQ: 0, local: '10.0.0.1:5001', peer: '10.0.0.2:40000' },
      { epoch: 5, line: 6, state: 'SYN-SENT', recvQ: 0, sendQ: 1, local: '[fe80::1]%eth0:40002', peer: '[fe80::2]%eth0:22', wscale: { snd: 7, rcv: 7 } },
    ]);
    assert.deepEqual(
      warnings.map((w) => [w.line, w.message.split(':')[0]]),
      [
        [2, 'socket details without a socket line before them'],
        [4, 'not an ss socket line'],
        [5, 'not an ss socket line'],
        [8, 'not an ss socket line'],
      ],
    );
  });
});

describe('startSsSampler', () => {
  it('runs the prefix + ss every interval and hands on what it printed, timed by the wall clock', async () => {
    // The prefix is a program that prints the recorded output and ignores the ss arguments after it.
    const fixture = join(FIXTURES, 'ss/ss-tinm-loopback.txt');
    const prefix = [process.execPath, '-e', `process.stdout.write(require('fs').readFileSync(${JSON.stringify(fixture)}))`];
    const batches: number[][] = [];
    const stop = new AbortController();
    const before = Date.now() / 1000;
    const sampler = startSsSampler({ prefix, intervalMs: 50 }, { samples: (s) => (batches.push(s.map((x) => x.epoch)), batches.length >= 3 && stop.abort()) }, { signal: stop.signal });
    await sampler.done;
    assert.equal(batches.length, 3);
    for (const b of batches) assert.equal(b.length, 4);
    assert.ok(batches[0][0] >= before && batches[2][0] <= Date.now() / 1000 && batches[1][0] >= batches[0][0] + 0.04);
  });

  it('a missing program is one warning and the end of sampling', async () => {
    const warnings: string[] = [];
    await startSsSampler({ prefix: ['tfl-no-such-prefix'], intervalMs: 10 }, { samples: () => assert.fail('no samples') }, { onWarning: (w) => warnings.push(w) }).done;
    assert.deepEqual(warnings, ['ss sampling (tfl-no-such-prefix ss -n -tinm): tfl-no-such-prefix: no such program']);
  });
});

describe('SessionRecording', () => {
  const capture = readFileSync(join(FIXTURES, 'natbug-buggy.pcap'));
  const packetsOf = async (path: string) => {
    const ingest = new CaptureIngest();
    const reader = await readCaptureFile(path, ingest);
    return { reader, packets: ingest.flows.flows.reduce((n, f) => n + f.packets.length, 0) };
  };

  it('one stream is saved as received', async () => {
    const rec = new SessionRecording(dir);
    for (let at = 0; at < capture.length; at += 1000) rec.data(capture.subarray(at, at + 1000));
    const saved = await rec.saveTo(join(dir, 'one.pcap'));
    rec.dispose();
    assert.deepEqual(saved, { path: join(dir, 'one.pcap'), format: 'pcap', segments: 1, bytes: capture.length });
    assert.deepEqual(readFileSync(join(dir, 'one.pcap')), capture);
  });

  it('two pcap streams (a reconnect cut the first mid-record) become one pcapng with a section each, the cut record left out', async () => {
    const whole = await packetsOf(join(FIXTURES, 'natbug-buggy.pcap'));
    const rec = new SessionRecording(dir);
    const firstRecord = 16 + capture.readUInt32LE(24 + 8);
    rec.data(capture.subarray(0, 24 + firstRecord + 7)); // the header, one whole record, 7 bytes of the next
    rec.gap();
    rec.data(capture);
    const out = join(dir, 'two.pcapng');
    const saved = await rec.saveTo(out);
    rec.dispose();
    assert.equal(saved.format, 'pcapng');
    assert.equal(saved.segments, 2);
    const back = await packetsOf(out);
    assert.equal(back.reader.format, 'pcapng');
    assert.equal(back.packets, whole.packets + 1);
  });

  it('text streams are joined, a line cut by the gap ending in a newline of its own', async () => {
    const rec = new SessionRecording(dir);
    rec.data(Buffer.from('{"v":1}\n{"v":1,"t":2'));
    rec.gap();
    rec.data(Buffer.from('{"v":1,"t":3}\n'));
    await rec.saveTo(join(dir, 'joined.jsonl'));
    rec.dispose();
    assert.equal(readFileSync(join(dir, 'joined.jsonl'), 'utf8'), '{"v":1}\n{"v":1,"t":2\n{"v":1,"t":3}\n');
  });

  it('refuses to save nothing, or a capture and a text trace as one file', async () => {
    const rec = new SessionRecording(dir);
    await assert.rejects(rec.saveTo(join(dir, 'x')), /nothing was received/);
    rec.data(capture);
    rec.gap();
    rec.data(Buffer.from('hello\n'));
    await assert.rejects(rec.saveTo(join(dir, 'x')), /both a capture and a text trace/);
    rec.dispose();
  });
});
