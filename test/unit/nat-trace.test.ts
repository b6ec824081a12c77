/** The nat-flow-trace/1 reader (src/core/trace/natTrace.ts) and the model it fills. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeFlows } from '../../src/core/analysis/analyze';
import { Flag } from '../../src/core/analysis/flags';
import { describeSegmentSize } from '../../src/core/analysis/segmentSize';
import { TcpFlag } from '../../src/core/decode/segment';
import { NatTraceReader } from '../../src/core/trace/natTrace';
import { sniffKind, SourceError } from '../../src/core/trace/source';
import { TraceIngest } from '../../src/core/trace/traceIngest';

const SAMPLE = join(import.meta.dirname, '..', 'fixtures', 'nat-trace', 'natbug-buggy.jsonl');
const CONN = '10.0.2.15:40000-93.184.216.34:443';
const T0 = 1_700_000_000_000_000_000n;

/** One trace line: `t` in µs after T0, written with all 19 digits as an engine would. */
function ev(us: number, ev: string, fields: Record<string, unknown> = {}, conn: string | null = CONN): string {
  const t = (T0 + BigInt(Math.round(us * 1000))).toString();
  const rest = JSON.stringify({ ...(conn ? { conn } : {}), ...fields }).slice(1, -1);
  return `{"v":1,"t":${t},"ev":"${ev}"${rest ? `,${rest}` : ''}}`;
}

function read(text: string, chunk = 0) {
  const ingest = new TraceIngest();
  const reader = new NatTraceReader(ingest);
  if (chunk > 0) for (let i = 0; i < text.length; i += chunk) reader.push(text.slice(i, i + chunk));
  else reader.push(new TextEncoder().encode(text));
  reader.end();
  return { ingest, reader, analyses: analyzeFlows(ingest.flows, { engine: ingest.engines }) };
}

/** A connection: open, handshake, data into a 4096-byte buffer until the window closes, a drain, a probe and its reply. */
function story(conn = CONN, isn = 1000, irs = 5000, { win = true, drop = true } = {}): string[] {
  const seq = (n: number) => (irs + n) >>> 0;
  const lines = [
    ev(0, 'conn_open', { guest_mss: 1460, guest_wscale: 7, rx_wscale: 0, rx_cap: 4096, rx_cap_max: 4096, iss: isn, irs, guest_sack_perm: false, guest_ts: false }, conn),
    ev(10, 'seg_out', { seq: isn, end_seq: isn + 1, ack: seq(1), len: 0, flags: 'SYN|ACK', win_raw: 4096, win_bytes: 4096, recvq: 0, reason: 'synack' }, conn),
    ev(20, 'seg_in', { seq: seq(1), end_seq: seq(1), ack: isn + 1, len: 0, flags: 'ACK', win_raw: 500, win_bytes: 64000, rcv_nxt: seq(1), recvq: 0, verdict: 'accept' }, conn),
  ];
  let at = 30;
  for (let k = 0; k < 4; k++) {
    const q = (k + 1) * 1024;
    lines.push(ev(at, 'seg_in', { seq: seq(1 + k * 1024), end_seq: seq(1 + q), ack: isn + 1, len: 1024, flags: 'PSH,ACK', win_raw: 500, win_bytes: 64000, rcv_nxt: seq(1 + q), recvq: q, verdict: 'accept' }, conn));
    lines.push(ev(at + 5, 'seg_out', { seq: isn + 1, end_seq: isn + 1, ack: seq(1 + q), len: 0, flags: 'ACK', win_raw: 4096 - q, win_bytes: 4096 - q, recvq: q, reason: 'data' }, conn));
    at += 10;
  }
  if (win) lines.push(ev(at, 'win', { state: 'closed', cap: 4096, win_raw: 0, win_bytes: 0, recvq: 4096, threshold: 1460 }, conn));
  lines.push(ev(at + 50_000, 'host_io', { op: 'write', len: 4096, result: 'ok', recvq: 0 }, conn));
  if (win) lines.push(ev(at + 50_010, 'win', { state: 'reopen_possible', cap: 4096, win_raw: 4096, win_bytes: 4096, recvq: 0, threshold: 1460 }, conn));
  lines.push(ev(at + 200_000, 'seg_in', { seq: seq(4096), end_seq: seq(4096), ack: isn + 1, len: 0, flags: 'ACK', win_raw: 500, win_bytes: 64000, rcv_nxt: seq(4097), recvq: 0, verdict: 'drop', error: 'unacceptable segment number' }, conn));
  if (drop) lines.push(ev(at + 200_005, 'drop', { reason: 'bad tcp state: unacceptable segment number', seq: seq(4096), end_seq: seq(4096), len: 0, flags: 'ACK', rcv_nxt: seq(4097), rcv_avail: 4096 }, conn));
  lines.push(ev(at + 200_050, 'seg_out', { seq: isn + 1, end_seq: isn + 1, ack: seq(4097), len: 0, flags: 'ACK', win_raw: 4096, win_bytes: 4096, recvq: 0, reason: 'reply_unacceptable' }, conn));
  if (win) lines.push(ev(at + 200_060, 'win', { state: 'reopened', cap: 4096, win_raw: 4096, win_bytes: 4096, recvq: 0, threshold: 1460, how: 'reply_unacceptable' }, conn));
  lines.push(ev(at + 300_000, 'conn_close', { reason: 'closed', bytes_rx: 4096 }, conn));
  return lines;
}

describe('nat-flow-trace/1 reader', () => {
  it('reads every event kind into flows, Recv-Q samples, reopen instants, drops and reasons', () => {
    const text = [ev(0, 'hdr', { engine: 'test', engine_version: '1', clock: 'realtime' }, null), ...story(), ev(400_000, 'stats', { counters: { a: 1 } }, null)].join('\n') + '\n';
    const { ingest, reader, analyses } = read(text);
    assert.deepEqual(reader.header, { engine: 'test', engineVersion: '1', clock: 'realtime' });
    assert.deepEqual(Object.fromEntries(reader.events), { hdr: 1, conn_open: 1, seg_out: 6, seg_in: 6, win: 3, host_io: 1, drop: 1, conn_close: 1, stats: 1 });
    assert.equal(ingest.problems.malformed, 0);
    assert.equal(ingest.flows.length, 1);
    const flow = ingest.flows[0];
    assert.equal(flow.a, '10.0.2.15:40000', 'the guest sent the first segment (the SYN conn_open describes)');
    assert.equal(flow.b, '93.184.216.34:443');
    assert.equal(flow.packets.length, 13);
    assert.equal(flow.packets.tcpFlags[0], TcpFlag.SYN);
    assert.equal(flow.packets.frame[0], 2, 'frames are line numbers');
    assert.equal(flow.handshake[0].windowScale, 7);
    assert.equal(flow.handshake[1].windowScale, 0);
    const engine = ingest.engines[0]!;
    assert.equal(engine.natSide, 1);
    assert.equal(engine.length, 16, 'the recvq of 12 segments, the host write and 3 win events');
    assert.deepEqual(engine.reopen.map((r) => r.threshold), [1460]);
    assert.equal(engine.drops.length, 1, "the seg_in's verdict and the drop event are one drop");
    assert.equal(engine.drops[0].reason, 'bad tcp state: unacceptable segment number', 'the fuller reason wins');
    assert.equal(engine.reason(flow.packets.length - 1), 'reply_unacceptable');
    const [a] = analyses;
    assert.equal(a.stalls.length, 1);
    const stall = a.stalls[0];
    assert.ok(stall.owed);
    assert.ok(Math.abs(stall.owed.seconds - 0.15004) < 1e-9, `owed ${stall.owed.seconds}: from reopen_possible to the reply`);
    assert.deepEqual(a.endReasons, ['reply_unacceptable']);
    assert.equal(a.recvQSource[1], 'nat-trace');
    assert.deepEqual(a.findings.map((f) => f.kind).sort(), ['limited_by', 'segment_dropped', 'stall', 'window_update_owed']);
  });

  it('without win and drop events the owed update is still exact: from the host write, buffer and scale', () => {
    const { ingest, analyses } = read(story(CONN, 1000, 5000, { win: false, drop: false }).join('\n'));
    const stall = analyses[0].stalls[0];
    assert.ok(stall.owed);
    assert.ok(Math.abs(stall.owed.seconds - 0.15005) < 1e-9, `owed ${stall.owed.seconds}: from the host write to the reply`);
    assert.equal(ingest.engines[0]!.drops.length, 1, 'the verdict alone reports the drop');
  });

  it('a sub-segment closure whose reopen_possible comes before the closing segment reaches the wire (a slow link, a continuous drain) is owed from it', () => {
    // The NAT's shape (issue 11): MSS 65535 towards a guest whose segments carry 1460, windows below one segment advertised as
    // they are, a host side draining all the time, and a 20 ms link (test/fixtures/natbug --nat-shape): the engine decides the
    // closure at 30.401 ms, its drain makes room at 32.001 ms, and the closing ACK reaches the guest at 50.4 ms.
    const w = (us: number, state: string, win_bytes: number, recvq: number, how?: string) => ev(us, 'win', { state, cap: 8192, win_raw: win_bytes, win_bytes, recvq, threshold: 1460, ...(how ? { how } : {}) });
    const i = (us: number, seq: number, len: number, recvq: number) => ev(us, 'seg_in', { seq, end_seq: seq + len, ack: 1001, len, flags: len ? 'PSH|ACK' : 'ACK', win_raw: 500, win_bytes: 64000, rcv_nxt: seq + len, recvq, verdict: 'accept' });
    const o = (us: number, ack: number, win: number, recvq: number, reason = 'data') => ev(us, 'seg_out', { seq: 1001, end_seq: 1001, ack, len: 0, flags: 'ACK', win_raw: win, win_bytes: win, recvq, reason });
    const lines = [
      ev(0, 'conn_open', { guest_mss: 1460, guest_wscale: 7, rx_wscale: 0, rx_cap: 8192, rx_mss: 65535, iss: 1000, irs: 5000, guest_sack_perm: false, guest_ts: false }),
      ev(20_000, 'seg_out', { seq: 1000, end_seq: 1001, ack: 5001, len: 0, flags: 'SYN|ACK', win_raw: 8192, win_bytes: 8192, recvq: 0, reason: 'synack', mss: 65535 }),
      i(20_100, 5001, 0, 0),
    ];
    for (let k = 1; k <= 4; k++) lines.push(i(30_000 + 100 * (k - 1), 5001 + 1460 * (k - 1), 1460, 1460 * k), o(30_005 + 100 * (k - 1), 5001 + 1460 * k, 8192 - 1460 * k, 1460 * k));
    lines.push(
      i(30_400, 5001 + 4 * 1460, 1460, 7300),
      w(30_401, 'closed', 892, 7300),
      ev(32_000, 'host_io', { op: 'write', len: 2000, result: 'ok', recvq: 5300 }),
      w(32_001, 'reopen_possible', 2892, 5300),
      o(50_400, 5001 + 5 * 1460, 892, 7300), // the closing ACK, decided at 30.401 ms, on the wire now
      i(250_400, 5001 + 5 * 1460, 892, 6192), // Linux's persist timer: one window-sized segment
      w(250_401, 'reopened', 2000, 6192, 'data'),
      o(270_401, 5001 + 5 * 1460 + 892, 2000, 6192),
    );
    const { analyses } = read(lines.join('\n'));
    const [a] = analyses;
    assert.equal(a.stalls.length, 1);
    const e = a.stalls[0];
    assert.deepEqual([e.startWindow, e.threshold, e.segment.bytes, e.segment.senderMss, e.segment.receiverMss, e.endedBy], [892, 1460, 1460, 1460, 65535, 'probe_reply']);
    assert.ok(Math.abs(e.start - 0.0504) < 1e-9, `the stall starts when the closing ACK is on the wire (${e.start})`);
    assert.ok(e.owed);
    assert.ok(Math.abs(e.owed.seconds - 0.2184) < 1e-9, `owed ${e.owed.seconds}: from reopen_possible (32.001 ms) to the engine's reopened (250.401 ms), not the whole stall (${e.duration})`);
    assert.ok(Math.abs(a.queue[0]!.moment - 0.032001) < 1e-9, 'the moment is the engine\'s, before the guest saw the window close');
    assert.deepEqual(a.endReasons, ['data']);
  });

  it("a trace that does not give the NAT's MSS: unknown, not a SYN without the option; the guest's MSS bounds the segment", () => {
    const { ingest, analyses } = read(story().join('\n'));
    assert.equal(ingest.flows[0].handshake[1].mssNotLogged, true);
    assert.equal(ingest.flows[0].handshake[0].mssNotLogged, undefined, "conn_open's guest_mss gives the guest's");
    const seg = analyses[0].stalls[0].segment;
    assert.deepEqual([seg.bytes, seg.source, seg.senderMss, seg.receiverMss, seg.mssNotLogged], [1460, 'mss-options', 1460, null, true]);
    assert.equal(describeSegmentSize(seg), "1460 bytes: the sender's MSS 1460; the NAT's trace does not say which MSS it announced");
    const withMss = read(story().map((l) => l.replace('"guest_ts":false', '"guest_ts":false,"rx_mss":65535')).join('\n'));
    const s2 = withMss.analyses[0].stalls[0].segment;
    assert.deepEqual([s2.bytes, s2.receiverMss, s2.mssNotLogged], [1460, 65535, undefined], 'rx_mss read from conn_open');
  });

  it('an engine with win events but no reopen_possible for a closure: no queue evidence, the probe reply charges the whole stall', () => {
    const lines = story();
    const { analyses } = read(lines.filter((l) => !/"state":"reopen_possible"/.test(l)).join('\n'));
    const e = analyses[0].stalls[0];
    assert.ok(e.owed, 'still owed: a reply to a probe');
    assert.equal(analyses[0].queue[0], null, 'no reopen instant inside the stall: no queue evidence');
  });

  it("files a logged guest SYN once, with the options conn_open gives on the next line", () => {
    const lines = story();
    const syn = ev(-5, 'seg_in', { seq: 5000, end_seq: 5001, ack: null, len: 0, flags: 'SYN', win_raw: 64240, win_bytes: 64240, rcv_nxt: 0, recvq: 0, verdict: 'syn' });
    const { ingest } = read([syn, ...lines].join('\n'));
    const flow = ingest.flows[0];
    assert.equal(flow.packets.length, 13, 'the logged SYN, none made up from conn_open, and the 12 segments');
    assert.equal(flow.packets.tcpFlags[0], TcpFlag.SYN);
    assert.equal(flow.packets.winRaw[0], 64240);
    assert.equal(flow.handshake[0].windowScale, 7);
    assert.equal(flow.handshake[0].mss, 1460);
  });

  it('keeps all nine nanosecond digits of a 19-digit realtime t', () => {
    const { ingest } = read(story().join('\n'));
    const p = ingest.flows[0].packets;
    assert.equal(p.nsec[1], 10_000);
    assert.equal(ingest.capture.flows.timeOrigin.sec, 1_700_000_000);
    assert.ok(Math.abs(p.time[1] - 10e-6) < 1e-12);
  });

  it('accepts flags written "SYN|ACK", "SYN ACK" and "SYN,ACK", in any case', () => {
    for (const flags of ['SYN|ACK', 'SYN ACK', 'SYN,ACK', 'syn, ack']) {
      const text = story().map((l, k) => (k === 1 ? l.replace('SYN|ACK', flags) : l)).join('\n');
      const { ingest } = read(text);
      assert.equal(ingest.flows[0].packets.tcpFlags[1], TcpFlag.SYN | TcpFlag.ACK, flags);
    }
  });

  it('follows sequence numbers across the 32-bit wrap', () => {
    const { analyses, ingest } = read(story(CONN, 0xfffffff0, 0xfffff800).join('\n'));
    const [a] = analyses;
    const out = a.analyzer.out;
    for (let i = 0; i < ingest.flows[0].packets.length; i++) assert.equal(out.flags[i] & (Flag.LOST_SEGMENT | Flag.RETRANSMISSION | Flag.ACK_LOST_SEGMENT), 0, `packet ${i}`);
    assert.equal(a.stalls.length, 1);
    assert.ok(a.stalls[0].owed);
  });

  it('reads IPv6 endpoints in brackets', () => {
    const conn = '[fd00::15]:40000-[2001:db8::22]:443';
    const { ingest } = read(story(conn).join('\n'));
    assert.equal(ingest.flows[0].ipVersion, 6);
    assert.equal(ingest.flows[0].a, '[fd00::15]:40000');
    assert.equal(ingest.flows[0].b, '[2001:db8::22]:443');
  });

  it('keeps interleaved connections apart, each with its own engine view', () => {
    const one = story(CONN, 1000, 5000);
    const two = story('10.0.2.15:40001-93.184.216.34:443', 9000, 70000);
    const text = one.flatMap((l, k) => [l, two[k]]).join('\n');
    const { ingest, analyses } = read(text);
    assert.equal(ingest.flows.length, 2);
    assert.deepEqual(ingest.flows.map((f) => f.packets.length), [13, 13]);
    assert.deepEqual(ingest.engines.map((e) => e!.length), [16, 16]);
    assert.deepEqual(analyses.map((a) => a.stalls.filter((e) => e.owed).length), [1, 1]);
  });

  it('skips a truncated last line with its number and reason, keeping the rest', () => {
    const lines = story();
    const text = `${lines.join('\n')}\n${lines[3].slice(0, 40)}`;
    const { ingest } = read(text);
    assert.equal(ingest.flows[0].packets.length, 13);
    assert.deepEqual(ingest.problems.firstMalformed, [{ line: lines.length + 1, reason: 'the last line is cut short (file still being written, or truncated)' }]);
  });

  it('counts unknown events and fields, and lists the first ten malformed lines with the total', () => {
    const lines = story();
    lines.splice(2, 0, ev(15, 'gso_batch', { n: 3 }), ev(16, 'gso_batch', {}));
    lines[4] = lines[4].replace('"verdict"', '"ecn":"ect0","verdict"');
    for (let k = 0; k < 12; k++) lines.push(k % 2 ? '{"v":1,"t":1,"ev":"seg_in","conn":"x"}' : 'not json');
    lines.push('{"v":2,"t":1,"ev":"seg_in"}', ev(1, 'seg_out', { seq: 'one' }), '[1,2]');
    const { ingest } = read(lines.join('\n'));
    const p = ingest.problems;
    assert.deepEqual(Object.fromEntries(p.unknownEvents), { gso_batch: 2 });
    assert.deepEqual(Object.fromEntries(p.unknownFields), { 'seg_in.ecn': 1 });
    assert.equal(p.malformed, 15);
    assert.equal(p.firstMalformed.length, 10);
    assert.match(p.firstMalformed[0].reason, /^not JSON/);
    assert.match(p.firstMalformed[1].reason, /seg_in without "seq"/);
    assert.equal(ingest.flows[0].packets.length, 13, 'the good lines are all read');
  });

  it('gives the same model however the input is cut into chunks', () => {
    const text = readFileSync(SAMPLE, 'utf8');
    const whole = read(text);
    for (const chunk of [1, 7, 4096]) {
      const cut = read(text, chunk);
      assert.deepEqual(Array.from(cut.ingest.flows[0].packets.seq.subarray(0, cut.ingest.flows[0].packets.length)), Array.from(whole.ingest.flows[0].packets.seq.subarray(0, whole.ingest.flows[0].packets.length)));
      assert.deepEqual(cut.analyses[0].stalls, whole.analyses[0].stalls, `chunks of ${chunk}`);
    }
  });

  it("reads the reference NAT's trace: both closures owed, ended by its reply to a probe", () => {
    const { analyses } = read(readFileSync(SAMPLE, 'utf8'));
    const [a] = analyses;
    assert.equal(a.stalls.length, 2);
    assert.ok(a.stalls.every((e) => e.owed && e.owed.seconds > 0.09 && e.owed.seconds < 0.15));
    assert.deepEqual(a.endReasons, ['reply_unacceptable', 'reply_unacceptable']);
  });
});

describe('source sniffing', () => {
  const bytes = (s: string) => new TextEncoder().encode(s);
  it('tells captures, traces and logs by content', () => {
    assert.equal(sniffKind(Uint8Array.of(0xd4, 0xc3, 0xb2, 0xa1, 2, 0)), 'capture');
    assert.equal(sniffKind(Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a)), 'capture');
    assert.equal(sniffKind(Uint8Array.of(0x1f, 0x8b, 8)), 'capture');
    assert.equal(sniffKind(bytes(`\n${story()[0]}\n`)), 'nat-flow-trace');
    assert.equal(sniffKind(bytes('boot\n1.5s TRACE consomme::tcp:  tcp packet label="recv" src=1.2.3.4:1 dst=1.2.3.5:2 seq=0x1 window=0x1\n')), 'consomme-log');
  });
  it("finds a VM log's first TCP line after a long boot preamble", () => {
    const preamble = Array.from({ length: 3000 }, (_, k) => `${k}.000000001s  INFO vmm: booting step ${k}`).join('\n');
    assert.equal(sniffKind(bytes(`${preamble}\n3001.5s TRACE consomme::tcp:  tcp packet label="recv" src=1.2.3.4:1 dst=1.2.3.5:2 seq=0x1 window=0x1\n`)), 'consomme-log');
  });
  it('says clearly what a file that is neither is', () => {
    assert.throws(() => sniffKind(bytes('hello world\n')), (e: unknown) => e instanceof SourceError && /neither a capture .* nor a NAT trace/.test(e.message) && /"hello world"/.test(e.message));
    assert.throws(() => sniffKind(new Uint8Array(0)), /the file is empty/);
    assert.throws(() => sniffKind(Uint8Array.of(0, 1, 2, 3, 4)), /not a pcap or pcapng capture \(starts with 00 01 02 03\)/);
  });
});
