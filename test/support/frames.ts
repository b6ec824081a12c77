/** Link-layer framing and timestamped frames, for test captures. */
import { ByteWriter } from './bytes';
import { tcpPacket, type TcpPacketSpec } from './packets';

/** One captured frame: its bytes as captured, when, and its length on the wire. */
export interface Frame {
  data: Uint8Array;
  sec: number;
  nsec: number;
  /** Length on the wire; larger than `data.length` when the capture cut the frame short. */
  origLen: number;
}

/** Seconds (a float, rounded to the nanosecond) or an exact pair. */
export type Timestamp = number | { sec: number; nsec: number };

export function frame(data: Uint8Array, time: Timestamp = 0, origLen = data.length): Frame {
  if (typeof time !== 'number') return { data, sec: time.sec, nsec: time.nsec, origLen };
  let sec = Math.floor(time);
  let nsec = Math.round((time - sec) * 1e9);
  if (nsec === 1e9) {
    sec += 1;
    nsec = 0;
  }
  return { data, sec, nsec, origLen };
}

/** The frame as a capture with this snapshot length would hold it. */
export function snap(f: Frame, snaplen: number): Frame {
  return { ...f, data: f.data.subarray(0, Math.min(snaplen, f.data.length)) };
}

export const ETHERTYPE = { IPV4: 0x0800, ARP: 0x0806, VLAN: 0x8100, IPV6: 0x86dd, QINQ: 0x88a8, QINQ_OLD: 0x9100 } as const;

/** BSD AF_INET6 values by OS: Linux 10, NetBSD/OpenBSD 24, FreeBSD 28, macOS 30. */
export const AF = { INET: 2, INET6_LINUX: 10, INET6_BSD: 24, INET6_FREEBSD: 28, INET6_DARWIN: 30 } as const;

/** The EtherType for an IP packet, from its version nibble. */
export function etherTypeOf(ipPacket: Uint8Array): number {
  return ipPacket[0] >> 4 === 6 ? ETHERTYPE.IPV6 : ETHERTYPE.IPV4;
}

export interface EthernetOptions {
  /** Defaults to the IP version of the payload. */
  etherType?: number;
  /** 802.1Q / 802.1ad tags, outermost first. */
  tags?: { tpid: number; vid: number }[];
  /** Append a 4-byte frame check sequence. */
  fcs?: boolean;
}

export function ethernetFrame(payload: Uint8Array, options: EthernetOptions = {}): Uint8Array {
  const w = new ByteWriter().bytes([0x02, 0, 0, 0, 0, 0x02]).bytes([0x02, 0, 0, 0, 0, 0x01]);
  for (const tag of options.tags ?? []) w.u16(tag.tpid).u16(tag.vid & 0xfff);
  w.u16(options.etherType ?? etherTypeOf(payload)).bytes(payload);
  if (options.fcs) w.u32(0xdeadbeef);
  return w.finish();
}

/** LINKTYPE_NULL: a 4-byte address family in the capturing host's byte order. */
export function nullFrame(payload: Uint8Array, family: number, littleEndian = true): Uint8Array {
  return new ByteWriter(littleEndian).u32(family).bytes(payload).finish();
}

/** LINKTYPE_LOOP (OpenBSD): the address family in network byte order. */
export function loopFrame(payload: Uint8Array, family: number): Uint8Array {
  return nullFrame(payload, family, false);
}

/** LINKTYPE_LINUX_SLL: 16-byte cooked header, protocol last. */
export function sllFrame(payload: Uint8Array, protocol = etherTypeOf(payload)): Uint8Array {
  return new ByteWriter()
    .u16(0) // packet type: to us
    .u16(1) // ARPHRD_ETHER
    .u16(6)
    .bytes([0x02, 0, 0, 0, 0, 0x01, 0, 0])
    .u16(protocol)
    .bytes(payload)
    .finish();
}

/** LINKTYPE_LINUX_SLL2: 20-byte cooked header, protocol first. */
export function sll2Frame(payload: Uint8Array, protocol = etherTypeOf(payload)): Uint8Array {
  return new ByteWriter()
    .u16(protocol)
    .u16(0)
    .u32(3) // interface index
    .u16(1) // ARPHRD_ETHER
    .u8(4) // packet type: outgoing
    .u8(6)
    .bytes([0x02, 0, 0, 0, 0, 0x01, 0, 0])
    .bytes(payload)
    .finish();
}

export interface TcpSegmentSpec extends TcpPacketSpec {
  time?: Timestamp;
}

/** An Ethernet frame carrying one TCP segment over IPv4 or IPv6 (by the address family). */
export function tcpSegment(spec: TcpSegmentSpec): Frame {
  return frame(ethernetFrame(tcpPacket(spec)), spec.time ?? 0);
}
