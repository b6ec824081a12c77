/** Builders for encapsulations around IP packets and Ethernet frames, and ICMP errors, for test captures. */
import { deflateRawSync } from 'node:zlib';
import { ByteWriter } from './bytes';
import { etherTypeOf } from './frames';
import { ipv4Packet, ipv6Packet } from './packets';

export const IPPROTO_TUNNEL = { ICMP: 1, IPIP: 4, UDP: 17, IPV6: 41, GRE: 47, ICMPV6: 58, COMP: 108 } as const;
export const ETHERTYPE_TUNNEL = { TEB: 0x6558, PPP: 0x880b, PPPOE_SESSION: 0x8864, MPLS: 0x8847, ERSPAN: 0x88be, ERSPAN_III: 0x22eb } as const;

export interface GreSpec {
  protocol: number;
  checksum?: boolean;
  key?: number;
  sequence?: number;
  /** RFC 1701 source route entries (address family, data). */
  routing?: { family: number; data: Uint8Array }[];
  /** PPTP's enhanced GRE (version 1): key = payload length + call id, optional ack. */
  pptpAck?: number;
}

/** A GRE header (RFC 2784/2890/1701, or PPTP's version 1) and its payload. */
export function gre(spec: GreSpec, payload: Uint8Array): Uint8Array {
  const version = spec.pptpAck !== undefined ? 1 : 0;
  const flags =
    (spec.checksum ? 0x8000 : 0) | (spec.routing ? 0x4000 : 0) | (spec.key !== undefined ? 0x2000 : 0) | (spec.sequence !== undefined ? 0x1000 : 0) | (version === 1 ? 0x0080 : 0) | version;
  const w = new ByteWriter().u16(flags).u16(spec.protocol);
  if (spec.checksum || spec.routing) w.u16(0).u16(0);
  if (spec.key !== undefined) w.u32(spec.key);
  if (spec.sequence !== undefined) w.u32(spec.sequence);
  if (spec.pptpAck !== undefined) w.u32(spec.pptpAck);
  if (spec.routing) {
    for (const sre of spec.routing) w.u16(sre.family).u8(0).u8(sre.data.length).bytes(sre.data);
    w.u32(0);
  }
  return w.bytes(payload).finish();
}

/** ERSPAN over GRE: type I (no header, no GRE sequence), II (8-byte header) or III (12 bytes, +8 with the platform sub-header). */
export function erspan(type: 1 | 2 | 3, frame: Uint8Array, options: { platform?: boolean } = {}): Uint8Array {
  if (type === 1) return gre({ protocol: ETHERTYPE_TUNNEL.ERSPAN }, frame);
  const w = new ByteWriter();
  if (type === 2) {
    w.u16(0x1000 | 42).u16(0x0001).u32(7); // version 1, VLAN 42; COS 0, En 0, T 0, session 1; index 7
    return gre({ protocol: ETHERTYPE_TUNNEL.ERSPAN, sequence: 1 }, w.bytes(frame).finish());
  }
  w.u16(0x2000 | 42).u16(0x0001).u32(0x12345678).u16(0).u16(options.platform ? 1 : 0); // version 2, timestamp, SGT, …, O bit
  if (options.platform) w.u32(0x04000000).u32(0x9abcdef0);
  return gre({ protocol: ETHERTYPE_TUNNEL.ERSPAN_III, sequence: 1 }, w.bytes(frame).finish());
}

/** An 802.11 QoS data frame from the distribution system (no FCS), with LLC/SNAP carrying an IP packet. */
export function wlanQosData(ipPacket: Uint8Array): Uint8Array {
  return new ByteWriter()
    .u8(0x88) // type data, subtype QoS data
    .u8(0x02) // from DS
    .u16(0)
    .bytes([0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x03])
    .u16(0x10) // sequence control
    .u16(0) // QoS control
    .bytes([0xaa, 0xaa, 0x03, 0, 0, 0])
    .u16(etherTypeOf(ipPacket))
    .bytes(ipPacket)
    .finish();
}

/** A UDP header (checksum 0) and its payload. */
export function udp(srcPort: number, dstPort: number, payload: Uint8Array): Uint8Array {
  return new ByteWriter().u16(srcPort).u16(dstPort).u16(8 + payload.length).u16(0).bytes(payload).finish();
}

/** VXLAN (RFC 7348) in UDP to port 4789, carrying an Ethernet frame. */
export function vxlan(frame: Uint8Array, srcPort = 49152): Uint8Array {
  return udp(srcPort, 4789, new ByteWriter().u32(0x08000000).u32(0x00123400).bytes(frame).finish());
}

/** Geneve (RFC 8926) in UDP to port 6081 with `options` (a multiple of 4 bytes) and the payload's protocol type. */
export function geneve(protocol: number, payload: Uint8Array, options = new Uint8Array(0), srcPort = 49153): Uint8Array {
  const header = new ByteWriter().u8(options.length / 4).u8(0).u16(protocol).u32(0x00abcd00).bytes(options).finish();
  return udp(srcPort, 6081, new ByteWriter().bytes(header).bytes(payload).finish());
}

/** A PPPoE session packet (RFC 2516) with PPP carrying an IP packet; `length` overrides the length field. */
export function pppoe(ipPacket: Uint8Array, length = ipPacket.length + 2): Uint8Array {
  return new ByteWriter().u8(0x11).u8(0).u16(0x1234).u16(length).u16(ipPacket[0] >> 4 === 6 ? 0x57 : 0x21).bytes(ipPacket).finish();
}

/** A PPP frame as PPTP sends it in GRE: address/control, protocol, IP packet. */
export function pppFrame(ipPacket: Uint8Array): Uint8Array {
  return new ByteWriter().u8(0xff).u8(0x03).u16(ipPacket[0] >> 4 === 6 ? 0x57 : 0x21).bytes(ipPacket).finish();
}

/** An MPLS label stack (RFC 3032), bottom of stack set on the last label. */
export function mpls(labels: number[], payload: Uint8Array): Uint8Array {
  const w = new ByteWriter();
  labels.forEach((label, i) => w.u32((label << 12) | (i === labels.length - 1 ? 0x100 : 0) | 64));
  return w.bytes(payload).finish();
}

/** IPComp (RFC 3173) with a raw DEFLATE payload (RFC 2394). */
export function ipcomp(nextHeader: number, payload: Uint8Array, cpi = 0xe3de): Uint8Array {
  return new ByteWriter().u8(nextHeader).u8(0).u16(cpi).bytes(deflateRawSync(payload)).finish();
}

/** The IPv4 fragments of `packet` (a whole IPv4 packet with a 20-byte header), each carrying at most `mtu` bytes. */
export function ipv4Fragments(packet: Uint8Array, mtu: number, id = 0x4242): Uint8Array[] {
  const protocol = packet[9];
  const src = [...packet.subarray(12, 16)].join('.');
  const dst = [...packet.subarray(16, 20)].join('.');
  const data = packet.subarray(20);
  const step = Math.floor((mtu - 20) / 8) * 8;
  const out: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += step) {
    const more = at + step < data.length;
    out.push(ipv4Packet({ src, dst, protocol, id, fragmentOffset: at, moreFragments: more, payload: data.subarray(at, at + step) }));
  }
  return out;
}

/** The IPv6 fragments of the payload `protocol`/`data` between `src` and `dst`, each fragment at most `step` bytes of data. */
export function ipv6Fragments(src: string, dst: string, protocol: number, data: Uint8Array, step: number, id = 0x5151): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < data.length; at += step) {
    const more = at + step < data.length;
    out.push(ipv6Packet({ src, dst, protocol, extensions: [{ type: 'fragment', offset: at, more, id }], payload: data.subarray(at, at + step) }));
  }
  return out;
}

export interface IcmpErrorSpec {
  type: number;
  code: number;
  /** Next-hop MTU (ICMP 'fragmentation needed', ICMPv6 'packet too big'). */
  mtu?: number;
  /** Bytes of the offending datagram to quote (default 28 for IPv4 as RFC 792 asks, all for IPv6). */
  quoteLength?: number;
}

/** An ICMP (IPv4 datagram) or ICMPv6 (IPv6 datagram) error message quoting `datagram`. */
export function icmpError(spec: IcmpErrorSpec, datagram: Uint8Array): Uint8Array {
  const v6 = datagram[0] >> 4 === 6;
  const w = new ByteWriter().u8(spec.type).u8(spec.code).u16(0);
  if (v6) w.u32(spec.mtu ?? 0);
  else w.u16(0).u16(spec.mtu ?? 0);
  return w.bytes(datagram.subarray(0, spec.quoteLength ?? (v6 ? datagram.length : 28))).finish();
}
