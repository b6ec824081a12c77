/** PacketDecoder: every supported link layer, IPv4/IPv6 oddities and TCP options, one packet at a time. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PacketRecord } from '../../src/core/capture/types';
import { PacketDecoder } from '../../src/core/decode/decoder';
import { LinkType } from '../../src/core/decode/linktypes';
import { DecodeResult, TcpFlag, TcpOpt, type TcpSegment } from '../../src/core/decode/segment';
import {
  AF,
  ByteWriter,
  ETHERTYPE,
  IPPROTO,
  etherTypeOf,
  ethernetFrame,
  ipv4Packet,
  ipv6Packet,
  jumboOption,
  loopFrame,
  nullFrame,
  parseEndpoint,
  patterned,
  sll2Frame,
  sllFrame,
  tcpFlags,
  tcpHeader,
  tcpPacket,
  type TcpPacketSpec,
} from '../support/capture-writer';

interface RecordOptions {
  /** Bytes captured (default all); the rest is on the wire only. */
  capLen?: number;
  origLen?: number;
  fcsLen?: number;
}

/**
 * A record whose bytes sit inside a larger buffer between 0xAA fillers, as records sit inside a
 * reader's chunk: the decoder must honour `offset` and never read past `offset + capLen`.
 */
function recordFor(frame: Uint8Array, linkType: number, options: RecordOptions = {}): PacketRecord {
  const capLen = options.capLen ?? frame.length;
  const before = 11;
  const data = new Uint8Array(before + frame.length + 64).fill(0xaa);
  data.set(frame.subarray(0, capLen), before);
  return {
    frame: 1, linkType, interfaceId: 0, tsSec: 0, tsNsec: 0, data, offset: before, capLen,
    origLen: options.origLen ?? frame.length, fcsLen: options.fcsLen ?? 0, fileOffset: 0, comment: undefined,
  };
}

const decoder = new PacketDecoder();

function decode(frame: Uint8Array, linkType: number, options?: RecordOptions): { result: DecodeResult; seg: TcpSegment } {
  return { result: decoder.decode(recordFor(frame, linkType, options)), seg: decoder.segment };
}

/** The fields a flow table uses, in the terms of a segment spec. */
function fields(seg: TcpSegment) {
  const n = seg.ipVersion === 4 ? 4 : 16;
  return {
    ipVersion: seg.ipVersion,
    src: [...seg.src.subarray(0, n)],
    srcPort: seg.srcPort,
    dst: [...seg.dst.subarray(0, n)],
    dstPort: seg.dstPort,
    seq: seg.seq,
    ack: seg.ack,
    flags: seg.flags,
    window: seg.window,
    payloadLen: seg.payloadLen,
  };
}

function fieldsOf(spec: TcpPacketSpec & { seq: number; ack: number; flags: string; win: number; len: number }) {
  const src = parseEndpoint(spec.src);
  const dst = parseEndpoint(spec.dst);
  return {
    ipVersion: src.ipVersion,
    src: [...src.address],
    srcPort: src.port,
    dst: [...dst.address],
    dstPort: dst.port,
    seq: spec.seq,
    ack: spec.ack,
    flags: tcpFlags(spec.flags),
    window: spec.win,
    payloadLen: spec.len,
  };
}

// Sequence numbers above 2^31 catch signed reads.
const V4 = { src: '192.0.2.1:40000', dst: '198.51.100.2:443', seq: 0xfffffff0, ack: 0x80000001, flags: 'PA', win: 1234, len: 77 };
const V6 = { src: '[2001:db8::1]:40000', dst: '[2001:db8:0:0:1::2]:443', seq: 0x9abcdef0, ack: 42, flags: 'FA', win: 65535, len: 13 };

function assertDecodes(frame: Uint8Array, linkType: number, spec: typeof V4, options?: RecordOptions): TcpSegment {
  const { result, seg } = decode(frame, linkType, options);
  assert.equal(result, DecodeResult.Tcp);
  assert.deepEqual(fields(seg), fieldsOf(spec));
  return seg;
}

describe('link layers', () => {
  for (const spec of [V4, V6]) {
    const ip = tcpPacket(spec);
    const v = `IPv${parseEndpoint(spec.src).ipVersion}`;

    it(`Ethernet, ${v}`, () => {
      const seg = assertDecodes(ethernetFrame(ip), LinkType.ETHERNET, spec);
      assert.equal(seg.tcpOffset, 11 + 14 + (v === 'IPv4' ? 20 : 40));
    });

    it(`802.1Q, 802.1ad + 802.1Q (QinQ) and 0x9100 tags, ${v}`, () => {
      assertDecodes(ethernetFrame(ip, { tags: [{ tpid: ETHERTYPE.VLAN, vid: 100 }] }), LinkType.ETHERNET, spec);
      assertDecodes(ethernetFrame(ip, { tags: [{ tpid: ETHERTYPE.QINQ, vid: 10 }, { tpid: ETHERTYPE.VLAN, vid: 20 }] }), LinkType.ETHERNET, spec);
      assertDecodes(ethernetFrame(ip, { tags: [{ tpid: ETHERTYPE.QINQ_OLD, vid: 10 }, { tpid: ETHERTYPE.VLAN, vid: 20 }] }), LinkType.ETHERNET, spec);
    });

    for (const linkType of [LinkType.RAW, LinkType.RAW_ALIAS_12, LinkType.RAW_ALIAS_14]) {
      it(`raw IP (link type ${linkType}), ${v}`, () => {
        assertDecodes(ip, linkType, spec);
      });
    }

    it(`Linux cooked SLL and SLL2, ${v}`, () => {
      assertDecodes(sllFrame(ip), LinkType.LINUX_SLL, spec);
      assertDecodes(sll2Frame(ip), LinkType.LINUX_SLL2, spec);
    });

    it(`Linux cooked SLL with an 802.1Q tag, ${v}`, () => {
      const tagged = new ByteWriter().u16(100).u16(etherTypeOf(ip)).bytes(ip).finish();
      assertDecodes(sllFrame(tagged, ETHERTYPE.VLAN), LinkType.LINUX_SLL, spec);
    });
  }

  it('raw IPv4 (228) and raw IPv6 (229)', () => {
    assertDecodes(tcpPacket(V4), LinkType.IPV4, V4);
    assertDecodes(tcpPacket(V6), LinkType.IPV6, V6);
  });

  it('NULL with AF_INET in either byte order', () => {
    assertDecodes(nullFrame(tcpPacket(V4), AF.INET, true), LinkType.NULL, V4);
    assertDecodes(nullFrame(tcpPacket(V4), AF.INET, false), LinkType.NULL, V4);
  });

  for (const family of [AF.INET6_BSD, AF.INET6_FREEBSD, AF.INET6_DARWIN, AF.INET6_LINUX]) {
    for (const littleEndian of [true, false]) {
      it(`NULL with AF_INET6 = ${family}, ${littleEndian ? 'little' : 'big'}-endian`, () => {
        assertDecodes(nullFrame(tcpPacket(V6), family, littleEndian), LinkType.NULL, V6);
      });
    }
  }

  it('LOOP with the family in network byte order', () => {
    assertDecodes(loopFrame(tcpPacket(V4), AF.INET), LinkType.LOOP, V4);
    assertDecodes(loopFrame(tcpPacket(V6), AF.INET6_BSD), LinkType.LOOP, V6);
  });

  it('an unknown NULL family or EtherType is not IP', () => {
    assert.equal(decode(nullFrame(tcpPacket(V4), 7), LinkType.NULL).result, DecodeResult.NotIp);
    assert.equal(decode(ethernetFrame(tcpPacket(V4), { etherType: ETHERTYPE.ARP }), LinkType.ETHERNET).result, DecodeResult.NotIp);
    assert.equal(decode(Uint8Array.of(0x50, ...tcpPacket(V4).subarray(1)), LinkType.RAW).result, DecodeResult.NotIp);
  });

  it('an unsupported link type is never read as Ethernet', () => {
    const ethernet = ethernetFrame(tcpPacket(V4));
    for (const linkType of [9, 50, 105, 127, 147, 65535]) {
      assert.equal(decode(ethernet, linkType).result, DecodeResult.UnsupportedLink, `link type ${linkType}`);
    }
  });

  it('link headers cut short are truncated', () => {
    const cases: [Uint8Array, number][] = [
      [ethernetFrame(tcpPacket(V4)).subarray(0, 13), LinkType.ETHERNET],
      [ethernetFrame(tcpPacket(V4), { tags: [{ tpid: ETHERTYPE.VLAN, vid: 1 }] }).subarray(0, 17), LinkType.ETHERNET],
      [nullFrame(tcpPacket(V4), AF.INET).subarray(0, 3), LinkType.NULL],
      [sllFrame(tcpPacket(V4)).subarray(0, 15), LinkType.LINUX_SLL],
      [sll2Frame(tcpPacket(V4)).subarray(0, 19), LinkType.LINUX_SLL2],
      [new Uint8Array(0), LinkType.RAW],
    ];
    for (const [frame, linkType] of cases) {
      assert.equal(decode(frame, linkType, { capLen: frame.length }).result, DecodeResult.Truncated, `link type ${linkType}, ${frame.length} bytes`);
    }
  });
});

const tcp = (spec: Partial<typeof V4> = {}) => tcpHeader({ srcPort: 40000, dstPort: 443, seq: V4.seq, ack: V4.ack, flags: V4.flags, win: V4.win, len: V4.len, ...spec });

describe('IPv4', () => {
  it('skips IPv4 options to the TCP header', () => {
    const options = Uint8Array.of(0x94, 0x04, 0, 0, 0x01, 0x07, 0x07, 0x04, 0, 0, 0, 0); // router alert, NOP, record route
    const packet = ipv4Packet({ src: '192.0.2.1', dst: '198.51.100.2', options, payload: tcp() });
    const seg = assertDecodes(packet, LinkType.RAW, V4);
    assert.equal(seg.tcpOffset, 11 + 32);
  });

  it('skips non-first fragments, decodes the first', () => {
    const ip = { src: '192.0.2.1', dst: '198.51.100.2', payload: tcp() };
    assert.equal(decode(ipv4Packet({ ...ip, fragmentOffset: 1480, moreFragments: true }), LinkType.RAW).result, DecodeResult.Fragment);
    assert.equal(decode(ipv4Packet({ ...ip, fragmentOffset: 8 }), LinkType.RAW).result, DecodeResult.Fragment);
    assertDecodes(ipv4Packet({ ...ip, moreFragments: true }), LinkType.RAW, V4);
    assertDecodes(ipv4Packet({ ...ip, dontFragment: true }), LinkType.RAW, V4);
  });

  it('takes the payload from the frame length when the total length is 0 (TSO)', () => {
    const frame = ethernetFrame(ipv4Packet({ src: '192.0.2.1', dst: '198.51.100.2', totalLength: 0, payload: tcp() }));
    assertDecodes(frame, LinkType.ETHERNET, V4);
    // Cut by the snapshot length: the length on the wire still counts.
    assertDecodes(frame, LinkType.ETHERNET, V4, { capLen: 14 + 20 + 20 });
    // A trailing frame check sequence is not payload.
    const withFcs = ethernetFrame(ipv4Packet({ src: '192.0.2.1', dst: '198.51.100.2', totalLength: 0, payload: tcp() }), { fcs: true });
    assertDecodes(withFcs, LinkType.ETHERNET, V4, { fcsLen: 4 });
  });

  it('clamps a total length beyond the frame to the frame', () => {
    const frame = ethernetFrame(ipv4Packet({ src: '192.0.2.1', dst: '198.51.100.2', totalLength: 9000, payload: tcp() }));
    assertDecodes(frame, LinkType.ETHERNET, V4);
  });

  it('ignores Ethernet padding after a short packet', () => {
    const ack = ethernetFrame(ipv4Packet({ src: '192.0.2.1', dst: '198.51.100.2', payload: tcp({ len: 0 }) }));
    const padded = new Uint8Array(60);
    padded.set(ack);
    assertDecodes(padded, LinkType.ETHERNET, { ...V4, len: 0 });
  });

  it('rejects a header length or total length below 20 bytes and a wrong version', () => {
    const good = ipv4Packet({ src: '192.0.2.1', dst: '198.51.100.2', payload: tcp() });
    const patched = (at: number, value: number) => {
      const p = good.slice();
      p[at] = value;
      return p;
    };
    assert.equal(decode(patched(0, 0x44), LinkType.IPV4).result, DecodeResult.Malformed);
    assert.equal(decode(patched(0, 0x64), LinkType.IPV4).result, DecodeResult.Malformed);
    assert.equal(decode(ethernetFrame(patched(0, 0x65), { etherType: ETHERTYPE.IPV4 }), LinkType.ETHERNET).result, DecodeResult.Malformed);
    const shortTotal = good.slice();
    shortTotal[2] = 0;
    shortTotal[3] = 19;
    assert.equal(decode(shortTotal, LinkType.IPV4).result, DecodeResult.Malformed);
  });

  it('another protocol is not TCP', () => {
    assert.equal(decode(ipv4Packet({ src: '192.0.2.1', dst: '198.51.100.2', protocol: IPPROTO.UDP, payload: patterned(30) }), LinkType.RAW).result, DecodeResult.NotTcp);
  });
});

describe('IPv6', () => {
  const ip = { src: '2001:db8::1', dst: '2001:db8:0:0:1::2' };

  it('walks hop-by-hop, routing, destination options and a first fragment header to TCP', () => {
    const packet = ipv6Packet({
      ...ip,
      extensions: [
        { type: 'hopByHop', options: Uint8Array.of(0x05, 0x02, 0, 0) }, // router alert
        { type: 'routing', addresses: ['2001:db8::99', '2001:db8::98'] },
        { type: 'destOpts', options: Uint8Array.of(0x1e, 0x0a, ...patterned(10)) },
        { type: 'fragment', offset: 0, more: true },
      ],
      payload: tcp({ seq: V6.seq, ack: V6.ack, flags: V6.flags, win: V6.win, len: V6.len }),
    });
    const seg = assertDecodes(packet, LinkType.RAW, V6);
    assert.equal(seg.tcpOffset, 11 + 40 + 8 + 40 + 16 + 8);
  });

  it('walks an authentication header', () => {
    const packet = ipv6Packet({ ...ip, extensions: [{ type: 'ah' }], payload: tcp({ seq: V6.seq, ack: V6.ack, flags: V6.flags, win: V6.win, len: V6.len }) });
    assertDecodes(packet, LinkType.RAW, V6);
  });

  it('skips a non-first fragment', () => {
    const packet = ipv6Packet({ ...ip, extensions: [{ type: 'fragment', offset: 1232, more: true }], payload: tcp() });
    assert.equal(decode(packet, LinkType.RAW).result, DecodeResult.Fragment);
  });

  it('reads a jumbogram length from the hop-by-hop Jumbo Payload option', () => {
    const payload = 70_000;
    const packet = ipv6Packet({
      ...ip,
      payloadLength: 0,
      extensions: [{ type: 'hopByHop', options: jumboOption(8 + 20 + payload) }],
      payload: tcp({ seq: V6.seq, ack: V6.ack, flags: V6.flags, win: V6.win, len: payload }),
    });
    assertDecodes(packet, LinkType.IPV6, { ...V6, len: payload });
    assertDecodes(packet, LinkType.IPV6, { ...V6, len: payload }, { capLen: 200 });
  });

  it('takes the payload from the frame length when the payload length is 0 without a jumbo option', () => {
    const packet = ipv6Packet({ ...ip, payloadLength: 0, payload: tcp({ seq: V6.seq, ack: V6.ack, flags: V6.flags, win: V6.win, len: V6.len }) });
    assertDecodes(ethernetFrame(packet), LinkType.ETHERNET, V6);
  });

  it('an unknown next header or no next header is not TCP', () => {
    assert.equal(decode(ipv6Packet({ ...ip, protocol: IPPROTO.UDP, payload: patterned(20) }), LinkType.RAW).result, DecodeResult.NotTcp);
    assert.equal(decode(ipv6Packet({ ...ip, protocol: IPPROTO.NONE, payload: new Uint8Array(0) }), LinkType.RAW).result, DecodeResult.NotTcp);
  });

  it('an extension header cut short is truncated', () => {
    const packet = ipv6Packet({ ...ip, extensions: [{ type: 'routing' }], payload: tcp() });
    assert.equal(decode(packet, LinkType.RAW, { capLen: 40 + 12 }).result, DecodeResult.Truncated);
  });
});

describe('TCP', () => {
  const decodeTcp = (header: Uint8Array, capLen?: number) => {
    const packet = ipv4Packet({ src: '192.0.2.1', dst: '198.51.100.2', payload: header });
    return decode(packet, LinkType.RAW, { capLen: capLen === undefined ? undefined : 20 + capLen });
  };

  it('reads all twelve flag bits', () => {
    const { seg } = decodeTcp(tcp({ flags: 'FSRPAUECN' }));
    assert.equal(seg.flags, TcpFlag.FIN | TcpFlag.SYN | TcpFlag.RST | TcpFlag.PSH | TcpFlag.ACK | TcpFlag.URG | TcpFlag.ECE | TcpFlag.CWR | TcpFlag.NS);
  });

  it('parses MSS, window scale, SACK-permitted and timestamps of a SYN', () => {
    const { result, seg } = decodeTcp(tcpHeader({ srcPort: 1, dstPort: 2, flags: 'S', options: { mss: 1460, sackPerm: true, ts: [0xdeadbeef, 0], wscale: 14 } }));
    assert.equal(result, DecodeResult.Tcp);
    assert.equal(seg.options, TcpOpt.MSS | TcpOpt.SACK_PERM | TcpOpt.TIMESTAMP | TcpOpt.WSCALE);
    assert.deepEqual([seg.mss, seg.windowScale, seg.tsVal, seg.tsEcr, seg.headerLen], [1460, 14, 0xdeadbeef, 0, 40]);
  });

  it('parses Linux-style NOP-aligned options', () => {
    const raw = Uint8Array.of(2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7);
    const { seg } = decodeTcp(tcpHeader({ srcPort: 1, dstPort: 2, flags: 'S', options: raw }));
    assert.equal(seg.options, TcpOpt.MSS | TcpOpt.SACK_PERM | TcpOpt.TIMESTAMP | TcpOpt.WSCALE);
    assert.deepEqual([seg.mss, seg.windowScale, seg.tsVal, seg.tsEcr], [1460, 7, 1, 0]);
  });

  it('parses SACK blocks with timestamps, and four blocks alone', () => {
    const three: [number, number][] = [[0xfffffff0, 0x10], [2000, 3000], [5000, 6000]];
    const a = decodeTcp(tcpHeader({ srcPort: 1, dstPort: 2, options: { ts: [7, 8], sack: three } })).seg;
    assert.equal(a.options, TcpOpt.TIMESTAMP | TcpOpt.SACK);
    assert.deepEqual([a.sackCount, [...a.sack.subarray(0, 6)], a.tsVal, a.tsEcr], [3, three.flat(), 7, 8]);

    const four: [number, number][] = [[1, 2], [3, 4], [5, 6], [7, 8]];
    const b = decodeTcp(tcpHeader({ srcPort: 1, dstPort: 2, options: { sack: four } })).seg;
    assert.deepEqual([b.options, b.sackCount, [...b.sack]], [TcpOpt.SACK, 4, four.flat()]);
  });

  it('resets the option summary between packets', () => {
    decodeTcp(tcpHeader({ srcPort: 1, dstPort: 2, options: { ts: [7, 8], sack: [[1, 2]] } }));
    const { seg } = decodeTcp(tcpHeader({ srcPort: 1, dstPort: 2 }));
    assert.deepEqual([seg.options, seg.sackCount], [0, 0]);
  });

  it('parses the options before a snapshot cut and flags the rest TRUNCATED', () => {
    // MSS (4) + SACK-permitted (2) + timestamps (10) + window scale (3): cut inside the timestamps.
    const syn = tcpHeader({ srcPort: 1, dstPort: 2, flags: 'S', options: { mss: 1400, sackPerm: true, ts: [1, 2], wscale: 9 } });
    const { result, seg } = decodeTcp(syn, 20 + 4 + 2 + 5);
    assert.equal(result, DecodeResult.Tcp);
    assert.equal(seg.options, TcpOpt.MSS | TcpOpt.SACK_PERM | TcpOpt.TRUNCATED);
    assert.equal(seg.mss, 1400);
    assert.equal(seg.headerLen, 40);
    // Cut between options: still truncated, since the header promised more.
    assert.equal(decodeTcp(syn, 20 + 4).seg.options, TcpOpt.MSS | TcpOpt.TRUNCATED);
  });

  it('a cut inside the fixed 20-byte header is truncated', () => {
    assert.equal(decodeTcp(tcp(), 19).result, DecodeResult.Truncated);
  });

  it('flags a data offset below 5 words MALFORMED, with no payload', () => {
    for (const dataOffset of [0, 4]) {
      const { result, seg } = decodeTcp(tcp({ len: 30 }).map((b, i) => (i === 12 ? (dataOffset << 4) | (b & 0x0f) : b)));
      assert.equal(result, DecodeResult.Tcp);
      assert.equal(seg.options & TcpOpt.MALFORMED, TcpOpt.MALFORMED);
      assert.equal(seg.payloadLen, 0);
      assert.equal(seg.seq, V4.seq);
    }
  });

  it('flags an option length below 2 MALFORMED', () => {
    const { seg } = decodeTcp(tcpHeader({ srcPort: 1, dstPort: 2, options: Uint8Array.of(2, 4, 0x05, 0xb4, 8, 1, 0, 0) }));
    assert.equal(seg.options, TcpOpt.MSS | TcpOpt.MALFORMED);
  });

  it('flags a data offset beyond the IP length MALFORMED', () => {
    const header = tcpHeader({ srcPort: 1, dstPort: 2, dataOffset: 15 });
    const { seg } = decodeTcp(header);
    assert.equal(seg.options & TcpOpt.MALFORMED, TcpOpt.MALFORMED);
    assert.equal(seg.payloadLen, 0);
  });
});
