/**
 * ICMP and ICMPv6 errors quoting a TCP segment: decoded, filed with the flow they quote, never counted
 * as its segments, reported as findings; and path-MTU black holes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeFlow } from '../../src/core/analysis/analyze';
import type { Finding } from '../../src/core/analysis/findings';
import { CaptureIngest } from '../../src/core/ingest';
import { ethernetFrame, frame, ipv4Packet, ipv6Packet, tcpPacket, writePcap, type Frame } from '../support/capture-writer';
import { readBack } from '../support/read-back';
import { IPPROTO_TUNNEL, gre, icmpError, udp } from '../support/tunnels';

const CLIENT = '10.0.0.1:40000';
const SERVER = '192.0.2.80:443';
const ROUTER = '10.0.0.254';
const CLIENT6 = '[2001:db8::1]:40000';
const SERVER6 = '[2001:db8:1::80]:443';
const ROUTER6 = '2001:db8::fe';

function ingest(frames: Frame[]): CaptureIngest {
  const sink = new CaptureIngest();
  const got = readBack(writePcap(frames, { nanos: true }), { sink });
  assert.equal(got.error, undefined);
  return sink;
}

/** Handshake and one full-size segment from the client (1460 bytes over IPv4, 1440 over IPv6). */
function connection(client: string, server: string, len: number): Uint8Array[] {
  return [
    tcpPacket({ src: client, dst: server, seq: 100, flags: 'S', options: { mss: 1460 } }),
    tcpPacket({ src: server, dst: client, seq: 900, ack: 101, flags: 'SA', options: { mss: 1460 } }),
    tcpPacket({ src: client, dst: server, seq: 101, ack: 901, flags: 'A' }),
    tcpPacket({ src: client, dst: server, seq: 101, ack: 901, flags: 'PA', len }),
  ];
}

/** An ICMP error from the router to the client about `datagram`. */
function fromRouter(type: number, code: number, datagram: Uint8Array, mtu?: number): Uint8Array {
  const v6 = datagram[0] >> 4 === 6;
  const message = icmpError({ type, code, mtu }, datagram);
  return v6
    ? ipv6Packet({ src: ROUTER6, dst: '2001:db8::1', protocol: IPPROTO_TUNNEL.ICMPV6, payload: message })
    : ipv4Packet({ src: ROUTER, dst: '10.0.0.1', protocol: IPPROTO_TUNNEL.ICMP, payload: message });
}

const at = (packets: Uint8Array[]) => packets.map((p, k) => frame(ethernetFrame(p), k * 0.001));

describe('ICMP errors quoting a TCP segment', () => {
  it("files 'fragmentation needed' with the flow, its next-hop MTU and the quoted segment, and does not count it as a segment", () => {
    const packets = connection(CLIENT, SERVER, 1460);
    const sink = ingest(at([...packets, fromRouter(3, 4, packets[3], 1400)]));
    const [flow] = sink.flows.flows;
    assert.deepEqual([sink.tcpPackets, flow.packets.length, sink.skipped.notTcp, sink.icmpErrors, sink.icmpErrorsFiled], [4, 4, 1, 1, 1]);
    assert.deepEqual(flow.icmpErrors, [
      { frame: 5, time: 0.004, version: 4, type: 3, code: 4, mtu: 1400, reporter: ROUTER, dir: 0, seq: 101, datagramLength: 1500 },
    ]);
  });

  it("files ICMPv6 'packet too big' (RFC 4443 §3.2) with its MTU", () => {
    const packets = connection(CLIENT6, SERVER6, 1440);
    const sink = ingest(at([...packets, fromRouter(2, 0, packets[3], 1280)]));
    const [error] = sink.flows.flows[0].icmpErrors;
    assert.deepEqual([error.version, error.type, error.mtu, error.reporter, error.dir, error.datagramLength], [6, 2, 1280, ROUTER6, 0, 1500]);
  });

  it('files a time-exceeded error quoting the server side without an MTU, in the direction of the quoted segment', () => {
    const packets = connection(CLIENT, SERVER, 100);
    const sink = ingest(at([...packets, fromRouter(11, 0, packets[1])]));
    const [error] = sink.flows.flows[0].icmpErrors;
    assert.deepEqual([error.type, error.code, error.mtu, error.dir, error.seq], [11, 0, null, 1, 900]);
  });

  it('reads the quote through IPv4 options and needs only the 8 bytes RFC 792 guarantees', () => {
    const packets = connection(CLIENT, SERVER, 100);
    const withOptions = ipv4Packet({ src: '10.0.0.1', dst: '192.0.2.80', options: Uint8Array.of(1, 1, 1, 0), payload: packets[3].subarray(20) });
    const message = icmpError({ type: 3, code: 1, quoteLength: 24 + 8 }, withOptions);
    const sink = ingest(at([...packets, ipv4Packet({ src: ROUTER, dst: '10.0.0.1', protocol: IPPROTO_TUNNEL.ICMP, payload: message })]));
    assert.deepEqual(sink.flows.flows[0].icmpErrors.map((e) => [e.type, e.code, e.seq]), [[3, 1, 101]]);
  });

  it('files an error carried in a tunnel, and keeps the newest instance of a reused 4-tuple', () => {
    const first = connection(CLIENT, SERVER, 100);
    const second = [tcpPacket({ src: CLIENT, dst: SERVER, seq: 5000, flags: 'S' }), tcpPacket({ src: CLIENT, dst: SERVER, seq: 5001, flags: 'PA', len: 10 })];
    const error = ipv4Packet({ src: '198.51.100.1', dst: '198.51.100.2', protocol: IPPROTO_TUNNEL.GRE, payload: gre({ protocol: 0x0800 }, fromRouter(3, 3, second[1])) });
    const sink = ingest(at([...first, ...second, error]));
    assert.deepEqual(sink.flows.flows.map((f) => f.icmpErrors.length), [0, 1]);
  });

  it('drops errors about flows not seen, and ignores echo, UDP quotes and quotes too short to name a segment', () => {
    const packets = connection(CLIENT, SERVER, 100);
    const stranger = tcpPacket({ src: '10.0.0.1:40001', dst: SERVER, seq: 1, flags: 'S' });
    const dns = ipv4Packet({ src: '10.0.0.1', dst: '192.0.2.53', protocol: IPPROTO_TUNNEL.UDP, payload: udp(5353, 53, new Uint8Array(20)) });
    const echo = ipv4Packet({ src: ROUTER, dst: '10.0.0.1', protocol: IPPROTO_TUNNEL.ICMP, payload: Uint8Array.of(0, 0, 0, 0, 0, 1, 0, 1) });
    const short = ipv4Packet({ src: ROUTER, dst: '10.0.0.1', protocol: IPPROTO_TUNNEL.ICMP, payload: icmpError({ type: 3, code: 1, quoteLength: 24 }, packets[3]) });
    const sink = ingest(at([...packets, fromRouter(3, 1, stranger), fromRouter(3, 3, dns), echo, short]));
    assert.deepEqual([sink.icmpErrors, sink.icmpErrorsFiled, sink.skipped.notTcp, sink.flows.flows[0].icmpErrors.length], [1, 0, 4, 0]);
  });
});

/** A client that gets small replies through but not the server's full-size segment, sent at `times` (seconds). */
function blackHole(times: number[], resentLen = 1460): Frame[] {
  const s = (spec: Parameters<typeof tcpPacket>[0], t: number) => frame(ethernetFrame(tcpPacket(spec)), t);
  return [
    s({ src: CLIENT, dst: SERVER, seq: 100, flags: 'S', options: { mss: 1460 } }, 0),
    s({ src: SERVER, dst: CLIENT, seq: 900, ack: 101, flags: 'SA', options: { mss: 1460 } }, 0.01),
    s({ src: CLIENT, dst: SERVER, seq: 101, ack: 901, flags: 'PA', len: 50 }, 0.02),
    s({ src: SERVER, dst: CLIENT, seq: 901, ack: 151, flags: 'PA', len: 100 }, 0.03),
    s({ src: CLIENT, dst: SERVER, seq: 151, ack: 1001, flags: 'A' }, 0.04),
    ...times.map((t, k) => s({ src: SERVER, dst: CLIENT, seq: 1001, ack: 151, flags: 'PA', len: k === 0 ? 1460 : resentLen }, t)),
  ];
}

describe('ICMP and path-MTU findings', () => {
  // The per-flow limited_by summary has its own tests (limits.test.ts).
  const findings = (sink: CaptureIngest, flow = 0) => analyzeFlow(sink.flows.flows[flow]).findings.filter((f) => f.kind !== 'limited_by');
  const kinds = (fs: Finding[]) => fs.map((f) => [f.kind, f.frames]);

  it("reports 'fragmentation needed' with the MTU, the quoted segment and what fits", () => {
    const packets = connection(CLIENT, SERVER, 1460);
    const [finding] = findings(ingest(at([...packets, fromRouter(3, 4, packets[3], 1400)])));
    assert.deepEqual(finding, {
      kind: 'icmp_error',
      flow: 0,
      time: 0.004,
      frames: [5, 4],
      severity: 'warning',
      message: `ICMP destination unreachable (fragmentation needed) from ${ROUTER} at frame 5: the 1500-byte packet carrying the segment at seq 1 (frame 4) from ${CLIENT} does not fit the next hop's MTU of 1400; segments from ${CLIENT} must carry at most 1360 bytes (RFC 1191 path MTU discovery).`,
      icmp: { version: 4, type: 3, code: 4, mtu: 1400, from: ROUTER, segmentFrame: 4 },
    });
  });

  it('names ICMPv6 errors and their codes', () => {
    const packets = connection(CLIENT6, SERVER6, 100);
    const messages = findings(ingest(at([...packets, fromRouter(1, 4, packets[3]), fromRouter(3, 0, packets[3])]))).map((f) => [f.severity, f.message]);
    assert.deepEqual(messages, [
      ['error', `ICMPv6 destination unreachable (port unreachable) from ${ROUTER6} at frame 5 about the segment at seq 1 (frame 4) from ${CLIENT6}.`],
      ['warning', `ICMPv6 time exceeded (hop limit exceeded in transit) from ${ROUTER6} at frame 6 about the segment at seq 1 (frame 4) from ${CLIENT6}.`],
    ]);
  });

  it('finds a black hole: a full-size segment resent on its timer, never acknowledged, while 100 bytes got through', () => {
    const got = findings(ingest(blackHole([0.05, 0.3, 0.75, 1.65])));
    assert.deepEqual(kinds(got), [['pmtu_black_hole', [6, 7, 8, 9]]]);
    assert.equal(
      got[0].message,
      `${SERVER} sent the 1460-byte segment at seq 101 4 times (frames 6, 7, 8, 9) while segments of up to 100 bytes got through: a path-MTU black hole — a link drops packets this large and the ICMP error that should say so never reaches the sender (RFC 2923 §2.1). Clamp the MSS, lower the MTU, or enable packetization-layer PMTU discovery (RFC 4821).`,
    );
  });

  it('needs two timed retransmissions: one is ordinary loss, and copies of one packet are a capture artefact', () => {
    assert.deepEqual(kinds(findings(ingest(blackHole([0.05, 0.3])))), []);
    assert.deepEqual(kinds(findings(ingest(blackHole([0.05, 0.05, 0.05, 0.05])))), []);
  });

  it('finds a black hole when the sender keeps resending segments too large for the MTU an ICMP error reported', () => {
    const frames = blackHole([0.05, 0.3, 0.75]);
    const icmp = frame(ethernetFrame(fromRouter(3, 4, tcpPacket({ src: SERVER, dst: CLIENT, seq: 1001, ack: 151, flags: 'PA', len: 1460 }), 1400)), 0.06);
    const got = findings(ingest([...frames.slice(0, 6), icmp, ...frames.slice(6)]));
    assert.deepEqual(kinds(got), [
      ['icmp_error', [7, 6]],
      ['pmtu_black_hole', [7, 8, 9]],
    ]);
    assert.match(got[1].message, /^10\.0\.0\.254 reported a next-hop MTU of 1400 at frame 7, yet 192\.0\.2\.80:443 kept retransmitting segments of more than 1360 bytes \(frames 8, 9\)/);
  });

  it('finds none when the sender lowers its segment size after the error, as PMTU discovery should', () => {
    const frames = blackHole([0.05, 0.3, 0.75], 1360);
    const icmp = frame(ethernetFrame(fromRouter(3, 4, tcpPacket({ src: SERVER, dst: CLIENT, seq: 1001, ack: 151, flags: 'PA', len: 1460 }), 1400)), 0.06);
    assert.deepEqual(kinds(findings(ingest([...frames.slice(0, 6), icmp, ...frames.slice(6)]))), [['icmp_error', [7, 6]]]);
  });
});
