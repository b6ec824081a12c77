/**
 * `ss -tinm` samples (the sampler's TSV: epoch, label, state, Recv-Q, Send-Q, local, peer, info):
 * parsing with line-numbered warnings, endpoint matching between ss's notation and ours, and the
 * Recv-Q series an analysis shows — measured from matching samples, else inferred from the capture
 * as (largest window so far − current window), clamped at 0.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeFlow } from '../../src/core/analysis/analyze';
import type { RecvQSeries } from '../../src/core/analysis/recvq';
import { parseSsSamples, sameEndpoint } from '../../src/core/trace/ss';
import { analyze, conversation } from '../support/tcp-script';

const tsv = (...fields: string[]) => fields.join('\t');
const RECEIVER_INFO = 'skmem:(r6840,rb8192,t0,tb69120,f1352,w0,o0,bl0,d0) bbr wscale:10,0 rto:204 rtt:0.02/0.01 mss:1448';

describe('parseSsSamples', () => {
  const text = [
    '#epoch\tlabel\tstate\trecv_q\tsend_q\tlocal\tpeer\tinfo', // 1 header
    '', // 2
    tsv('1795344360.937307', 'B', 'ESTAB', '4344', '0', '10.77.0.2:5001', '10.77.0.1:35344', RECEIVER_INFO), // 3
    tsv('1795344360.959778', 'A', 'ESTAB', '0', '46336', '[fd77::1]:54550', '[fd77::2]:5001', 'cubic wscale:7,7 rto:204'), // 4 no skmem
    tsv('1795344360.97', 'B', 'ESTAB', '12'), // 5 too few fields
    tsv('1795344360.98', 'B', 'ESTAB', 'abc', '0', '10.77.0.2:5001', '10.77.0.1:35344', RECEIVER_INFO), // 6 Recv-Q not a number
    '   ', // 7 blank
    tsv('1795344361', 'B', 'CLOSE-WAIT', '0', '0', '10.77.0.2:5001', '10.77.0.1:35344'), // 8 no info field: kept
    tsv('1795344361.01', 'B', 'ESTAB', '-5', '0', '10.77.0.2:5001', '10.77.0.1:35344', ''), // 9 negative Recv-Q
    'garbage', // 10
    tsv('1795344361.02', 'B', 'ESTAB', '1.5', '0', '10.77.0.2:5001', '10.77.0.1:35344', ''), // 11 fractional Recv-Q
    tsv('later', 'B', 'ESTAB', '1', '0', '10.77.0.2:5001', '10.77.0.1:35344', ''), // 12 epoch not a number
    tsv('1795344361.03', 'B', 'ESTAB', '100', 'x', '10.77.0.2:5001', '10.77.0.1:35344', ''), // 13 Send-Q not a number
    `${tsv('1795344361.04', 'B', 'ESTAB', '100', '0', '10.77.0.2:5001', '10.77.0.1:35344', 'skmem:(r0,rb131072,t0)')}\r`, // 14 CRLF
    '', // 15 (the trailing newline)
  ].join('\n');
  const { samples, warnings } = parseSsSamples(text);

  it('keeps the good lines with their line numbers, skmem r/rb and wscale', () => {
    assert.deepEqual(samples, [
      {
        epoch: 1795344360.937307,
        line: 3,
        state: 'ESTAB',
        recvQ: 4344,
        sendQ: 0,
        local: '10.77.0.2:5001',
        peer: '10.77.0.1:35344',
        rmemAlloc: 6840,
        rcvBuf: 8192,
        wscale: { snd: 10, rcv: 0 },
      },
      { epoch: 1795344360.959778, line: 4, state: 'ESTAB', recvQ: 0, sendQ: 46336, local: '[fd77::1]:54550', peer: '[fd77::2]:5001', wscale: { snd: 7, rcv: 7 } },
      { epoch: 1795344361, line: 8, state: 'CLOSE-WAIT', recvQ: 0, sendQ: 0, local: '10.77.0.2:5001', peer: '10.77.0.1:35344' },
      { epoch: 1795344361.04, line: 14, state: 'ESTAB', recvQ: 100, sendQ: 0, local: '10.77.0.2:5001', peer: '10.77.0.1:35344', rmemAlloc: 0, rcvBuf: 131072 },
    ]);
  });

  it('warns about each malformed line by its 1-based number and skips comments and blank lines silently', () => {
    assert.deepEqual(
      warnings.map((w) => w.line),
      [5, 6, 9, 10, 11, 12, 13],
    );
    const byLine = new Map(warnings.map((w) => [w.line, w.message]));
    assert.match(byLine.get(5)!, /found 4/);
    assert.match(byLine.get(10)!, /found 1/);
    assert.match(byLine.get(6)!, /"abc"/);
    assert.match(byLine.get(12)!, /"later"/);
    assert.match(byLine.get(13)!, /"x"/);
  });

  it('returns nothing for an empty file', () => {
    assert.deepEqual(parseSsSamples(''), { samples: [], warnings: [] });
  });
});

describe("parseSsSamples: the kernel's sender-limit counters (busy, rwnd_limited, sndbuf_limited)", () => {
  const line = (info: string) => tsv('1796458216.29', 'A', 'ESTAB', '0', '5792', '10.91.0.1:40000', '10.91.0.2:5019', info);
  const parse = (info: string) => {
    const { samples, warnings } = parseSsSamples(line(info));
    assert.deepEqual(warnings, []);
    const { busyMs, rwndLimitedMs, sndbufLimitedMs } = samples[0];
    return { busyMs, rwndLimitedMs, sndbufLimitedMs };
  };

  it('reads all three as ss prints them (Linux 6.18, iproute2 6.1)', () => {
    assert.deepEqual(parse('cubic wscale:7,7 rto:204 busy:3696ms rwnd_limited:756ms(20.5%) sndbuf_limited:508ms(13.7%) unacked:4'), {
      busyMs: 3696,
      rwndLimitedMs: 756,
      sndbufLimitedMs: 508,
    });
  });

  it('takes a missing rwnd_limited or sndbuf_limited beside busy as 0 (ss prints them only when not zero)', () => {
    assert.deepEqual(parse('cubic busy:3052ms unacked:4'), { busyMs: 3052, rwndLimitedMs: 0, sndbufLimitedMs: 0 });
    assert.deepEqual(parse('cubic busy:3008ms sndbuf_limited:1288ms(42.8%)'), { busyMs: 3008, rwndLimitedMs: 0, sndbufLimitedMs: 1288 });
  });

  it('leaves all three absent without busy (an older kernel, a socket never busy)', () => {
    assert.deepEqual(parse('cubic wscale:7,7 rto:204 rwnd_limited:5ms(1%)'), { busyMs: undefined, rwndLimitedMs: undefined, sndbufLimitedMs: undefined });
    assert.deepEqual(parse(''), { busyMs: undefined, rwndLimitedMs: undefined, sndbufLimitedMs: undefined });
  });

  it('does not read busy out of another word (lastbusy:, app_busy:)', () => {
    assert.equal(parse('lastbusy:12ms x_busy:3ms').busyMs, undefined);
  });
});

describe('sameEndpoint (ours: addr:port, IPv6 as [addr]:port)', () => {
  const cases: [string, string, boolean][] = [
    ['10.77.0.2:5001', '10.77.0.2:5001', true],
    ['10.77.0.2:5001', '10.77.0.2:5002', false],
    ['10.77.0.2:5001', '10.77.0.3:5001', false],
    ['10.77.0.2:5001', '10.77.0.2:50010', false],
    ['[fd77::2]:5001', '[fd77::2]:5001', true],
    ['[fd77::2]:5001', 'fd77::2:5001', true],
    ['[fd77::2]:5001', '[fd77::1]:5001', false],
    ['[fd77::2]:5001', '[fd77::2]:5002', false],
    ['10.0.0.1:80', '[::ffff:10.0.0.1]:80', true],
    // ss prints a link-local socket's interface after the bracket: `[addr]%ifname:port` (iproute2 sock_addr_print).
    ['[fe80::1]:22', '[fe80::1]%veth0:22', true],
    ['[fe80::1]:22', '[fe80::2]%veth0:22', false],
  ];
  for (const [ours, theirs, same] of cases) {
    it(`${ours} ${same ? '=' : '≠'} ${theirs}`, () => assert.equal(sameEndpoint(ours, theirs), same));
  }
});

/** Series as [time (ms, to the ns), Recv-Q] pairs. */
const points = (s: RecvQSeries) => Array.from(s.time, (t, k) => [Math.round(t * 1e9) / 1e6, s.recvQ[k]]);

describe('Recv-Q series', () => {
  // b receives: its windows after the SYN-ACK are 8192, 6000, 0, 16384, 12000 (no scaling: raw bytes).
  const script = () =>
    conversation()
      .handshake(0, 1) // 1-3
      .data('a', 1000, 10) // 4
      .ack('b', 11) // 5 8192
      .ack('b', 12, { win: 6000 }) // 6
      .ack('b', 13, { win: 0 }) // 7
      .ack('b', 14, { win: 16384 }) // 8 a new largest window
      .ack('b', 15, { win: 12000 }); // 9

  it('infers (largest window so far − current window), clamped at 0, per receiver packet after the SYN', () => {
    const { analysis } = analyze(script());
    const b = analysis.recvQ[1];
    assert.equal(b.source, 'inferred');
    assert.deepEqual(points(b), [[11, 0], [12, 2192], [13, 8192], [14, 0], [15, 4384]]);
    assert.ok(Array.from(b.buffer).every(Number.isNaN) && Array.from(b.memory).every(Number.isNaN), 'no buffer or memory without samples');
    // a's packets after its SYN: the handshake ACK and the data, both 8192.
    assert.deepEqual(points(analysis.recvQ[0]), [[1, 0], [10, 0]]);
  });

  it('takes the receiver socket\'s samples (local = receiver, peer = sender) within a second of the flow, in time order', () => {
    const c = script();
    const { flow } = analyze(c);
    const at = (ms: number) => 1000 + ms / 1000; // the script's capture starts at epoch 1000
    const sample = (ms: number, recvQ: number, local: string, peer: string, info = 'skmem:(r2304,rb8192)') =>
      tsv(String(at(ms)), 'B', 'ESTAB', String(recvQ), '0', local, peer, info);
    const { samples } = parseSsSamples(
      [
        sample(12.5, 2000, c.b, c.a),
        sample(11.5, 1000, c.b, c.a, ''), // out of order, without skmem
        sample(12, 999, c.a, c.b), // the sender's socket
        sample(13, 999, c.b, '10.0.0.9:1'), // another peer
        sample(1020, 999, c.b, c.a), // more than a second after the flow's last packet
      ].join('\n'),
    );
    const b = analyzeFlow(flow, { samples, captureEpoch: 1000 }).recvQ[1];
    assert.equal(b.source, 'ss');
    assert.deepEqual(points(b), [[11.5, 1000], [12.5, 2000]]);
    assert.deepEqual([Array.from(b.buffer), Array.from(b.memory)], [[NaN, 8192], [NaN, 2304]]);
  });
});
