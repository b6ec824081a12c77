/** The OpenVMM consomme log reader (src/core/trace/consomme.ts). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeFlows } from '../../src/core/analysis/analyze';
import { TcpFlag } from '../../src/core/decode/segment';
import { ConsommeLogReader, type ConsommeOptions } from '../../src/core/trace/consomme';
import { TraceIngest } from '../../src/core/trace/traceIngest';

const SAMPLE = join(import.meta.dirname, '..', 'fixtures', 'nat-trace', 'natbug-buggy.log');
const ISSUE_LINE =
  '12.725381164s TRACE consomme::tcp:  tcp packet label="recv" src=10.88.0.1:51974 dst=10.88.0.2:5001 seq=0x8966cc85 next_seq=0x8966d239 ack=0x2265b1f6 window=0x3f payload_len=0x5b4';
const DROP = '%ss DEBUG net_consomme:  tx packet ignored error=bad tcp state: unacceptable segment number';

function read(text: string, options: ConsommeOptions = {}, chunk = 0) {
  const ingest = new TraceIngest();
  const reader = new ConsommeLogReader(ingest, options);
  if (chunk > 0) for (let i = 0; i < text.length; i += chunk) reader.push(text.slice(i, i + chunk));
  else reader.push(text);
  reader.end();
  return { ingest, reader, analyses: analyzeFlows(ingest.flows, { engine: ingest.engines }) };
}

const hex = (n: number) => `0x${(n >>> 0).toString(16)}`;
/** A `tcp packet` line. */
function pkt(t: number, label: string, src: string, dst: string, seq: number, ack: number, win: number, len = 0, flags = ''): string {
  const next = (seq + len + (/SYN|FIN/.test(flags) ? 1 : 0)) >>> 0;
  return `${t.toFixed(9)}s TRACE consomme::tcp:  tcp packet label="${label}" src=${src} dst=${dst} seq=${hex(seq)} next_seq=${hex(next)} ack=${hex(ack)} window=${hex(win)} payload_len=${hex(len)}${flags ? ` flags="${flags}"` : ''}`;
}

/** Handshake, data until the NAT's window (shift 7, 4096-byte buffer) closes, a Linux probe that is dropped, the reply. */
function story(guest = '10.0.2.15:40000', nat = '93.184.216.34:443', isn = 1000, irs = 5000, t0 = 100): string[] {
  const s = (n: number) => (irs + n) >>> 0;
  const lines = [pkt(t0, 'recv', guest, nat, irs, 0, 0xffff, 0, 'SYN'), pkt(t0 + 0.0001, 'xmit', nat, guest, isn, s(1), 4096, 0, 'SYN'), pkt(t0 + 0.0002, 'recv', guest, nat, s(1), isn + 1, 500)];
  let t = t0 + 0.001;
  for (let k = 0; k < 4; k++) {
    lines.push(pkt(t, 'recv', guest, nat, s(1 + k * 1024), isn + 1, 500, 1024, 'PSH'));
    lines.push(pkt(t + 0.0001, 'ack', nat, guest, isn + 1, s(1 + (k + 1) * 1024), (4096 - (k + 1) * 1024) >> 7));
    t += 0.001;
  }
  lines.push(pkt(t + 0.2, 'recv', guest, nat, s(4096), isn + 1, 500));
  lines.push(DROP.replace('%s', (t + 0.2001).toFixed(9)));
  lines.push(pkt(t + 0.2002, 'ack', nat, guest, isn + 1, s(4097), 4096 >> 7));
  return lines;
}

describe('consomme log reader', () => {
  it('parses the hex fields of a tcp packet line', () => {
    const { ingest, reader } = read(`${ISSUE_LINE}\n`);
    assert.equal(reader.segments, 1);
    const p = ingest.flows[0].packets;
    assert.equal(ingest.flows[0].a, '10.88.0.1:51974');
    assert.equal(p.seq[0], 0x8966cc85);
    assert.equal(p.ack[0], 0x2265b1f6);
    assert.equal(p.winRaw[0], 0x3f);
    assert.equal(p.len[0], 0x5b4);
    assert.equal(p.tcpFlags[0], TcpFlag.ACK);
    assert.equal(p.secDelta(0), 0);
    assert.equal(ingest.capture.flows.timeOrigin.sec, 12);
    assert.equal(ingest.capture.flows.timeOrigin.nsec, 725381164);
  });

  it('reads every label: recv guest→NAT, xmit/ack/rst xmit NAT→guest, and flags', () => {
    const g = '10.0.2.15:1';
    const n = '10.0.2.2:2';
    const text = [pkt(1, 'recv', g, n, 10, 0, 100, 0, 'SYN'), pkt(1.1, 'xmit', n, g, 50, 11, 100, 0, 'SYN'), pkt(1.2, 'xmit', n, g, 51, 11, 100, 5, 'PSH'), pkt(1.3, 'ack', n, g, 56, 11, 100), pkt(1.4, 'rst xmit', n, g, 56, 11, 0)].join('\n');
    const { ingest } = read(text);
    const p = ingest.flows[0].packets;
    assert.deepEqual(Array.from(p.dir.subarray(0, 5)), [0, 1, 1, 1, 1]);
    assert.deepEqual(Array.from(p.tcpFlags.subarray(0, 5)), [TcpFlag.SYN, TcpFlag.SYN | TcpFlag.ACK, TcpFlag.PSH | TcpFlag.ACK, TcpFlag.ACK, TcpFlag.RST | TcpFlag.ACK]);
    assert.equal(p.len[2], 5);
  });

  it('reads flags written as a bitflags Debug value, and upper-case hex', () => {
    const line = ISSUE_LINE.replace('seq=0x8966cc85', 'seq=0X8966CC85') + ' flags=TcpFlags(FIN | ACK)';
    const { ingest } = read(`${line}\n`);
    const p = ingest.flows[0].packets;
    assert.equal(p.seq[0], 0x8966cc85);
    assert.equal(p.tcpFlags[0], TcpFlag.FIN | TcpFlag.ACK);
    assert.equal(ingest.problems.unknownFields.size, 0);
  });

  it('ties a drop line to the flow of the recv line before it, with interleaved connections', () => {
    const one = story('10.0.2.15:40000');
    const two = story('10.0.2.15:40001', '93.184.216.34:443', 7000, 90000, 100.00005);
    // consomme logs a drop right after the recv line of the segment it dropped: keep those pairs together.
    const pairs = (lines: string[]) => lines.reduce<string[][]>((out, l) => (l.includes('ignored') ? out[out.length - 1].push(l) : out.push([l]), out), []);
    const [p1, p2] = [pairs(one), pairs(two)];
    const text = p1.flatMap((group, k) => [...group, ...p2[k]]).join('\n');
    const { ingest } = read(text);
    assert.equal(ingest.flows.length, 2);
    const drops = ingest.engines.map((e) => e!.drops.length);
    assert.deepEqual(drops, [1, 1], 'each drop line goes to the recv line just before it');
    const probe = ingest.engines[1]!.drops[0].index;
    assert.equal(ingest.flows[1].packets.len[probe], 0);
  });

  it('assumes the NAT\'s shift 7 when the log does not give it, or the shift given, and says so', () => {
    const { analyses, ingest } = read(story().join('\n'));
    assert.equal(ingest.engines[0]!.scaleAssumed, 7);
    assert.deepEqual(analyses[0].windowScale.b, { shift: 7, source: 'assumed', fromHandshake: true });
    assert.equal(analyses[0].stalls.length, 1);
    assert.ok(analyses[0].stalls[0].owed, 'the reopening came only in the reply to a probe');
    const five = read(story().join('\n'), { windowScale: 5 });
    assert.equal(five.analyses[0].windowScale.b.shift, 5);
  });

  it('takes the scale from a SYN that logs it: then nothing is assumed', () => {
    const lines = story();
    lines[1] += ' wscale=0x7';
    const { ingest, analyses } = read(lines.join('\n'));
    assert.equal(ingest.engines[0]!.scaleAssumed, null);
    assert.equal(analyses[0].windowScale.b.source, 'handshake');
  });

  it('applies the assumed shift to a log that starts mid-connection (no SYN)', () => {
    const { analyses } = read(story().slice(3).join('\n'));
    assert.deepEqual(analyses[0].windowScale.b, { shift: 7, source: 'assumed', fromHandshake: false });
    assert.equal(analyses[0].stalls.length, 1);
  });

  it('follows sequence numbers across the 32-bit wrap', () => {
    const { analyses } = read(story('10.0.2.15:40000', '93.184.216.34:443', 0xfffffff0, 0xfffff900).join('\n'));
    assert.equal(analyses[0].flagCounts.lost_segment, undefined);
    assert.equal(analyses[0].flagCounts.retransmission, undefined);
    assert.equal(analyses[0].stalls.length, 1);
  });

  it('reads IPv6 endpoints', () => {
    const { ingest } = read(story('[fd00::15]:40000', '[2001:db8::22]:443').join('\n'));
    assert.equal(ingest.flows[0].ipVersion, 6);
    assert.equal(ingest.flows[0].b, '[2001:db8::22]:443');
  });

  it('keeps uptime seconds, or moves them by the epoch of uptime 0; reads RFC 3339 times too', () => {
    const up = read(`${ISSUE_LINE}\n`, { uptimeEpoch: 1_700_000_000.5 });
    assert.deepEqual(up.ingest.capture.flows.timeOrigin, { sec: 1_700_000_013, nsec: 225381164 });
    const wall = read(ISSUE_LINE.replace('12.725381164s', '2024-05-01T10:00:00.123456Z') + '\n');
    assert.deepEqual(wall.ingest.capture.flows.timeOrigin, { sec: 1714557600, nsec: 123456000 });
    assert.equal(wall.reader.uptimeLines, 0);
  });

  it('skips a truncated last line and malformed lines with numbers and reasons, counts other lines', () => {
    const lines = ['Booting…', ...story(), 'x tcp packet label="recv"', pkt(1, 'teleport', '1.1.1.1:1', '2.2.2.2:2', 1, 1, 1), ISSUE_LINE.replace('window=0x3f', 'window=0x1ffff')];
    const text = `${lines.join('\n')}\n${ISSUE_LINE.slice(0, 90)}`;
    const { ingest } = read(text);
    assert.equal(ingest.problems.otherLines, 1);
    assert.deepEqual(
      ingest.problems.firstMalformed.map((m) => [m.line, m.reason.replace(/ \(.*/, '')]),
      [
        [lines.length - 2, 'no timestamp at the start of the line'],
        [lines.length - 1, 'unknown label "teleport"'],
        [lines.length, 'window=0x1ffff is not a 16-bit value'],
        [lines.length + 1, 'the last line is cut short'],
      ],
    );
    assert.equal(ingest.flows[0].packets.length, story().length - 1);
  });

  it('gives the same model however the input is cut into chunks', () => {
    const text = readFileSync(SAMPLE, 'utf8');
    const whole = read(text);
    for (const chunk of [1, 13, 4096]) assert.deepEqual(read(text, {}, chunk).analyses[0].stalls, whole.analyses[0].stalls, `chunks of ${chunk}`);
  });

  it("reads the reference NAT's log: both closures owed, each probe dropped", () => {
    const { analyses, ingest } = read(readFileSync(SAMPLE, 'utf8'));
    assert.equal(analyses[0].stalls.length, 2);
    assert.ok(analyses[0].stalls.every((e) => e.owed && e.owed.seconds === e.duration));
    const drops = ingest.engines[0]!.drops;
    assert.equal(drops.length, 2);
    for (const d of drops) assert.equal(ingest.flows[0].packets.len[d.index], 0, 'a Linux probe: zero-length at SND.UNA − 1');
  });
});
