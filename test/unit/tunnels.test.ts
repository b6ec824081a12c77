/**
 * TCP inside encapsulations: each one in a tiny capture, the flow being the inner 4-tuple with the
 * encapsulation named; and all of them in one capture read by tshark 4.0.17, which must put the same
 * frames in the same streams with the same lengths.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CaptureIngest } from '../../src/core/ingest';
import { summarizeCapture, type FlowSummary } from '../../src/core/summary';
import { ETHERTYPE, IPPROTO, concat, ethernetFrame, frame, ipv4Packet, ipv6Packet, tcpPacket, writePcap, type Frame } from '../support/capture-writer';
import { readBack } from '../support/read-back';
import { tsharkSkipReason } from '../support/tshark-check';
import {
  ETHERTYPE_TUNNEL,
  IPPROTO_TUNNEL,
  erspan,
  geneve,
  gre,
  ipcomp,
  ipv4Fragments,
  ipv6Fragments,
  mpls,
  pppFrame,
  pppoe,
  vxlan,
  wlanQosData,
} from '../support/tunnels';

/** The inner conversation: handshake, 100 bytes up, 300 bytes down (3 packets a→b, 2 b→a). */
function conversation(client: string, server: string): Uint8Array[] {
  return [
    tcpPacket({ src: client, dst: server, seq: 1000, flags: 'S', options: { mss: 1400, wscale: 7 } }),
    tcpPacket({ src: server, dst: client, seq: 5000, ack: 1001, flags: 'SA', options: { mss: 1360, wscale: 2 } }),
    tcpPacket({ src: client, dst: server, seq: 1001, ack: 5001, flags: 'A' }),
    tcpPacket({ src: client, dst: server, seq: 1001, ack: 5001, flags: 'PA', len: 100 }),
    tcpPacket({ src: server, dst: client, seq: 5001, ack: 1101, flags: 'PA', len: 300 }),
  ];
}

const outer4 = (protocol: number, payload: Uint8Array) => ipv4Packet({ src: '192.0.2.1', dst: '192.0.2.2', protocol, payload });
const outer6 = (protocol: number, payload: Uint8Array) => ipv6Packet({ src: '2001:db8::1', dst: '2001:db8::2', protocol, payload });
const eth = (payload: Uint8Array, etherType?: number, tags?: { tpid: number; vid: number }[]) => ethernetFrame(payload, { etherType, tags });

interface Case {
  name: string;
  encapsulation: string;
  ipv6?: boolean;
  /** The Ethernet frames that carry inner IP packet `k`. */
  wrap: (ip: Uint8Array, k: number) => Uint8Array[];
}

const QINQ = [{ tpid: ETHERTYPE.QINQ, vid: 10 }, { tpid: ETHERTYPE.VLAN, vid: 20 }];

const CASES: Case[] = [
  { name: 'PPPoE behind QinQ', encapsulation: 'PPPoE', wrap: (ip) => [eth(pppoe(ip), ETHERTYPE_TUNNEL.PPPOE_SESSION, QINQ)] },
  { name: 'PPPoE with IPv6', encapsulation: 'PPPoE', ipv6: true, wrap: (ip) => [eth(pppoe(ip), ETHERTYPE_TUNNEL.PPPOE_SESSION)] },
  {
    name: 'GRE with checksum, key and sequence number',
    encapsulation: 'GRE',
    wrap: (ip, k) => [eth(outer4(IPPROTO_TUNNEL.GRE, gre({ protocol: ETHERTYPE.IPV4, checksum: true, key: 77, sequence: k }, ip)))],
  },
  { name: 'GRE over IPv6 carrying IPv6', encapsulation: 'GRE', ipv6: true, wrap: (ip) => [eth(outer6(IPPROTO_TUNNEL.GRE, gre({ protocol: ETHERTYPE.IPV6 }, ip)))] },
  { name: 'GRE bridging Ethernet (TEB)', encapsulation: 'GRE', wrap: (ip) => [eth(outer4(IPPROTO_TUNNEL.GRE, gre({ protocol: ETHERTYPE_TUNNEL.TEB, key: 0 }, eth(ip))))] },
  { name: 'ERSPAN type I', encapsulation: 'GRE/ERSPAN I', wrap: (ip) => [eth(outer4(IPPROTO_TUNNEL.GRE, erspan(1, eth(ip))))] },
  { name: 'ERSPAN type II', encapsulation: 'GRE/ERSPAN II', wrap: (ip) => [eth(outer4(IPPROTO_TUNNEL.GRE, erspan(2, eth(ip))))] },
  { name: 'ERSPAN type III', encapsulation: 'GRE/ERSPAN III', wrap: (ip) => [eth(outer4(IPPROTO_TUNNEL.GRE, erspan(3, eth(ip))))] },
  {
    name: 'ERSPAN type III with the platform sub-header',
    encapsulation: 'GRE/ERSPAN III',
    wrap: (ip) => [eth(outer4(IPPROTO_TUNNEL.GRE, erspan(3, eth(ip, undefined, [{ tpid: ETHERTYPE.VLAN, vid: 5 }]), { platform: true })))],
  },
  { name: 'Aruba GRE carrying 802.11', encapsulation: 'GRE/Aruba', wrap: (ip) => [eth(outer4(IPPROTO_TUNNEL.GRE, gre({ protocol: 0x8200 }, wlanQosData(ip))))] },
  {
    name: 'PPTP: enhanced GRE carrying PPP',
    encapsulation: 'GRE/PPP',
    wrap: (ip, k) => [eth(outer4(IPPROTO_TUNNEL.GRE, gre({ protocol: ETHERTYPE_TUNNEL.PPP, key: ((ip.length + 4) << 16) | 9, sequence: k, pptpAck: 0 }, pppFrame(ip))))],
  },
  { name: 'VXLAN', encapsulation: 'VXLAN', wrap: (ip) => [eth(outer4(IPPROTO_TUNNEL.UDP, vxlan(eth(ip))))] },
  { name: 'VXLAN over IPv6', encapsulation: 'VXLAN', ipv6: true, wrap: (ip) => [eth(outer6(IPPROTO_TUNNEL.UDP, vxlan(eth(ip))))] },
  {
    name: 'Geneve with options carrying Ethernet',
    encapsulation: 'Geneve',
    wrap: (ip) => [eth(outer4(IPPROTO_TUNNEL.UDP, geneve(ETHERTYPE_TUNNEL.TEB, eth(ip), Uint8Array.of(0x01, 0x02, 0x03, 0x01, 0xde, 0xad, 0xbe, 0xef))))],
  },
  { name: 'Geneve carrying IPv4', encapsulation: 'Geneve', wrap: (ip) => [eth(outer4(IPPROTO_TUNNEL.UDP, geneve(ETHERTYPE.IPV4, ip)))] },
  { name: 'IP-in-IP', encapsulation: 'IP-in-IP', wrap: (ip) => [eth(outer4(IPPROTO_TUNNEL.IPIP, ip))] },
  { name: 'IPv6 in IPv4 (6in4)', encapsulation: '6in4', ipv6: true, wrap: (ip) => [eth(outer4(IPPROTO_TUNNEL.IPV6, ip))] },
  { name: 'IPv4 in IPv6', encapsulation: '4in6', wrap: (ip) => [eth(outer6(IPPROTO_TUNNEL.IPIP, ip))] },
  { name: 'IPv6 in IPv6', encapsulation: '6in6', ipv6: true, wrap: (ip) => [eth(outer6(IPPROTO_TUNNEL.IPV6, ip))] },
  { name: 'an MPLS label stack', encapsulation: 'MPLS', wrap: (ip) => [eth(mpls([100, 200], ip), ETHERTYPE_TUNNEL.MPLS)] },
  { name: 'MPLS with the IPv6 explicit-null label', encapsulation: 'MPLS', ipv6: true, wrap: (ip) => [eth(mpls([2], ip), ETHERTYPE_TUNNEL.MPLS)] },
  {
    name: 'nested: QinQ → PPPoE → IPv4 → GRE → ERSPAN II → VLAN → IPv4',
    encapsulation: 'PPPoE/GRE/ERSPAN II',
    wrap: (ip) => [eth(pppoe(outer4(IPPROTO_TUNNEL.GRE, erspan(2, eth(ip, undefined, [{ tpid: ETHERTYPE.VLAN, vid: 7 }])))), ETHERTYPE_TUNNEL.PPPOE_SESSION, QINQ)],
  },
  {
    name: 'GRE in fragmented IPv4, fragments in and out of order',
    encapsulation: 'GRE/ERSPAN II',
    wrap: (ip, k) => {
      const fragments = ipv4Fragments(outer4(IPPROTO_TUNNEL.GRE, erspan(2, eth(ip))), 60, 0x100 + k).map((f) => eth(f));
      return k % 2 ? fragments.reverse() : fragments;
    },
  },
  {
    name: 'IPv6 in fragmented IPv6',
    encapsulation: '6in6',
    ipv6: true,
    wrap: (ip, k) => ipv6Fragments('2001:db8::1', '2001:db8::2', IPPROTO_TUNNEL.IPV6, ip, 48, 0x200 + k).map((f) => eth(f)),
  },
  {
    name: 'IPv6 behind AH and IPComp (DEFLATE)',
    encapsulation: 'IPComp/6in6',
    ipv6: true,
    wrap: (ip) => [eth(ipv6Packet({ src: '2001:db8::1', dst: '2001:db8::2', extensions: [{ type: 'ah' }], protocol: IPPROTO_TUNNEL.COMP, payload: ipcomp(IPPROTO_TUNNEL.IPV6, ip) }))],
  },
];

/** The case's frames, one conversation with its own ports (client port 40000 + `index`), 10 ms apart from `t0`. */
function framesOf(c: Case, index: number, t0 = 0): Frame[] {
  const [client, server] = c.ipv6 ? [`[fd00::1]:${40000 + index}`, '[fd00::2]:80'] : [`10.1.0.1:${40000 + index}`, '10.1.0.2:80'];
  return conversation(client, server).flatMap((ip, k) => c.wrap(ip, k).map((data) => frame(data, t0 + k * 0.01)));
}

function ingest(frames: Frame[]): CaptureIngest {
  const sink = new CaptureIngest();
  const got = readBack(writePcap(frames, { nanos: true }), { sink });
  assert.equal(got.error, undefined);
  return sink;
}

const counts = (f: FlowSummary) => [f.packetsAtoB, f.packetsBtoA, f.payloadAtoB, f.payloadBtoA, f.mss.a, f.mss.b, f.windowScale.a, f.windowScale.b];

describe('TCP inside encapsulations', () => {
  CASES.forEach((c, index) => {
    it(`${c.name}: the inner flow, labelled ${c.encapsulation}`, () => {
      const sink = ingest(framesOf(c, index));
      const summary = summarizeCapture('test', undefined, sink);
      assert.equal(summary.flows.length, 1);
      const [flow] = summary.flows;
      const inner = c.ipv6 ? ['[fd00::1]', '[fd00::2]'] : ['10.1.0.1', '10.1.0.2'];
      assert.deepEqual([flow.a, flow.b], [`${inner[0]}:${40000 + index}`, `${inner[1]}:80`]);
      assert.deepEqual(counts(flow), [3, 2, 100, 300, 1400, 1360, 7, 2]);
      assert.equal(flow.encapsulation, c.encapsulation);
      assert.equal(summary.warnings.length, 0, JSON.stringify(summary.warnings));
    });
  });

  it('a fragmented datagram counts at the frame that completes it', () => {
    const c = CASES.find((x) => x.name.startsWith('GRE in fragmented IPv4'))!;
    const perPacket = conversation('10.1.0.1:40000', '10.1.0.2:80').map((ip, k) => c.wrap(ip, k).length);
    const sink = ingest(framesOf(c, 0));
    const [flow] = sink.flows.flows;
    // Whether the fragments came in order or reversed, the packet's last frame completes it.
    const expected = perPacket.map((_, k) => perPacket.slice(0, k + 1).reduce((a, b) => a + b, 0));
    assert.deepEqual([...flow.packets.frame.subarray(0, flow.packets.length)], expected);
    assert.deepEqual([sink.fragmentsHeld, sink.skipped.fragments, sink.fragmentsIncomplete], [expected.at(-1)! - 5, 0, 0]);
  });

  it('warns about fragments whose datagram never completed', () => {
    const c = CASES.find((x) => x.name.startsWith('GRE in fragmented IPv4'))!;
    const data = conversation('10.1.0.1:40000', '10.1.0.2:80')[4];
    const frames = c.wrap(data, 4).slice(0, -1).map((f) => frame(f));
    const sink = ingest(frames);
    assert.ok(frames.length >= 2);
    assert.equal(sink.fragmentsIncomplete, frames.length);
    assert.deepEqual(summarizeCapture('test', undefined, sink).warnings, [
      { offset: -1, message: `${frames.length} IP fragments held for reassembly never completed their datagram` },
    ]);
  });

  it('bounds the inner packet by the PPPoE length field, as tshark does', () => {
    const ip = tcpPacket({ src: '10.1.0.1:40000', dst: '10.1.0.2:80', seq: 1, flags: 'PA', len: 6 });
    const sink = ingest([frame(eth(pppoe(ip, ip.length + 2 - 6), ETHERTYPE_TUNNEL.PPPOE_SESSION))]);
    assert.equal(sink.flows.flows[0].payloadBytes[0], 0);
  });

  it('calls a loop of tunnels malformed instead of following it forever', () => {
    let packet = tcpPacket({ src: '10.1.0.1:40000', dst: '10.1.0.2:80', seq: 1, flags: 'A' });
    for (let i = 0; i < 40; i++) packet = outer4(IPPROTO_TUNNEL.IPIP, packet);
    const sink = ingest([frame(eth(packet))]);
    assert.deepEqual([sink.tcpPackets, sink.skipped.malformed], [0, 1]);
  });

  it('still reports what is not TCP inside a tunnel as such', () => {
    const dns = outer4(IPPROTO_TUNNEL.UDP, vxlan(eth(ipv4Packet({ src: '10.1.0.1', dst: '10.1.0.2', protocol: IPPROTO.UDP, payload: new Uint8Array(30) }))));
    const arp = outer4(IPPROTO_TUNNEL.GRE, gre({ protocol: ETHERTYPE_TUNNEL.TEB }, eth(new Uint8Array(28), ETHERTYPE.ARP)));
    const sink = ingest([frame(eth(dns)), frame(eth(arp))]);
    assert.deepEqual([sink.tcpPackets, sink.skipped.notTcp, sink.skipped.notIp], [0, 1, 1]);
  });

  it('does not inflate an IPComp payload beyond the 64 KiB an IP datagram can hold', () => {
    const bomb = ipv6Packet({ src: '2001:db8::1', dst: '2001:db8::2', protocol: IPPROTO_TUNNEL.COMP, payload: ipcomp(IPPROTO_TUNNEL.IPV6, new Uint8Array(1 << 20)) });
    const sink = ingest([frame(eth(bomb))]);
    assert.deepEqual([sink.tcpPackets, sink.skipped.notTcp], [0, 1]);
  });

  it('does not follow an MPLS Ethernet pseudowire (tshark tells its control word by OUI)', () => {
    const ip = tcpPacket({ src: '10.1.0.1:40000', dst: '10.1.0.2:80', seq: 1, flags: 'A' });
    const sink = ingest([frame(eth(mpls([300], concat(new Uint8Array(4), eth(ip))), ETHERTYPE_TUNNEL.MPLS))]);
    assert.deepEqual([sink.tcpPackets, sink.skipped.notIp], [0, 1]);
  });

  it('puts every frame in the same stream as tshark, with the same length and sequence number', { skip: tsharkSkipReason() }, () => {
    const frames = CASES.flatMap((c, index) => framesOf(c, index, index));
    const dir = mkdtempSync(join(tmpdir(), 'tfl-tunnels-'));
    try {
      const file = join(dir, 'tunnels.pcap');
      writeFileSync(file, writePcap(frames, { nanos: true }));
      const text = execFileSync('tshark', ['-n', '-r', file, '-T', 'fields', '-E', 'occurrence=f', '-e', 'frame.number', '-e', 'tcp.stream', '-e', 'tcp.srcport', '-e', 'tcp.len', '-e', 'tcp.seq_raw'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const theirs = text
        .split('\n')
        .filter((l) => l.split('\t')[1])
        .map((l) => l.split('\t').map(Number));
      const sink = ingest(frames);
      const ours: number[][] = [];
      for (const flow of sink.flows.flows) {
        const p = flow.packets;
        for (let i = 0; i < p.length; i++) ours.push([p.frame[i], flow.id, p.dir[i] === 0 ? flow.portA : flow.portB, p.len[i], p.seq[i]]);
      }
      ours.sort((x, y) => x[0] - y[0]);
      assert.deepEqual(ours, theirs);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
