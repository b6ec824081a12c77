/** Builders for IPv4, IPv6 and TCP headers (network byte order), for test captures. */
import { ByteWriter } from './bytes';

export const IPPROTO = { HOPOPTS: 0, TCP: 6, UDP: 17, ROUTING: 43, FRAGMENT: 44, AH: 51, NONE: 59, DSTOPTS: 60 } as const;

/** Parse a dotted quad or an IPv6 address (with `::`) into its bytes. */
export function parseIp(text: string): Uint8Array {
  if (!text.includes(':')) {
    const parts = text.split('.').map(Number);
    if (parts.length !== 4 || parts.some((p) => !(p >= 0 && p <= 255))) throw new Error(`bad IPv4 address ${text}`);
    return Uint8Array.from(parts);
  }
  const [head, tail] = text.split('::');
  const words = (s: string | undefined) => (s ? s.split(':').map((w) => parseInt(w, 16)) : []);
  const left = words(head);
  const right = words(tail);
  const fill = tail === undefined ? 0 : 8 - left.length - right.length;
  const all = [...left, ...new Array<number>(fill).fill(0), ...right];
  if (all.length !== 8 || all.some((w) => !(w >= 0 && w <= 0xffff))) throw new Error(`bad IPv6 address ${text}`);
  const out = new Uint8Array(16);
  all.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

export interface Endpoint {
  /** The address as written, without brackets. */
  host: string;
  address: Uint8Array;
  port: number;
  ipVersion: 4 | 6;
}

/** `10.0.0.1:1234` or `[fd00::1]:80`. */
export function parseEndpoint(text: string): Endpoint {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([0-9.]+)):(\d+)$/.exec(text);
  if (!m) throw new Error(`bad endpoint ${text} (want 10.0.0.1:80 or [fd00::1]:80)`);
  const host = m[1] ?? m[2];
  const address = parseIp(host);
  return { host, address, port: Number(m[3]), ipVersion: address.length === 4 ? 4 : 6 };
}

const FLAG_BITS: Record<string, number> = { F: 0x01, S: 0x02, R: 0x04, P: 0x08, A: 0x10, U: 0x20, E: 0x40, C: 0x80, N: 0x100 };

/** TCP flag bits from letters, tcpdump style: `SA` = SYN+ACK, `PA`, `FA`, `R`; `E`CE, `C`WR, `N`S. */
export function tcpFlags(letters: string): number {
  let bits = 0;
  for (const c of letters) {
    const bit = FLAG_BITS[c];
    if (bit === undefined) throw new Error(`unknown TCP flag letter ${c} in ${letters}`);
    bits |= bit;
  }
  return bits;
}

export interface TcpOptionSpec {
  mss?: number;
  wscale?: number;
  sackPerm?: boolean;
  /** SACK blocks as [left, right) edges. */
  sack?: [number, number][];
  /** [TSval, TSecr]. */
  ts?: [number, number];
}

/** Encode options in the order MSS, SACK-permitted, timestamps, window scale, SACK; EOL-padded to 4 bytes. */
export function tcpOptions(spec: TcpOptionSpec): Uint8Array {
  const w = new ByteWriter();
  if (spec.mss !== undefined) w.u8(2).u8(4).u16(spec.mss);
  if (spec.sackPerm) w.u8(4).u8(2);
  if (spec.ts) w.u8(8).u8(10).u32(spec.ts[0]).u32(spec.ts[1]);
  if (spec.wscale !== undefined) w.u8(3).u8(3).u8(spec.wscale);
  if (spec.sack) {
    w.u8(5).u8(2 + 8 * spec.sack.length);
    for (const [left, right] of spec.sack) w.u32(left).u32(right);
  }
  return w.pad4().finish();
}

export interface TcpHeaderSpec {
  srcPort: number;
  dstPort: number;
  seq?: number;
  ack?: number;
  /** Letters as in `tcpFlags`, or the raw 12 bits. Default `A`. */
  flags?: string | number;
  win?: number;
  /** Option spec, or raw option bytes (padded to 4 bytes with EOL when needed). */
  options?: TcpOptionSpec | Uint8Array;
  /** Payload bytes; `len` instead makes a patterned payload of that length. */
  payload?: Uint8Array;
  len?: number;
  /** Override the data offset field (in 32-bit words), e.g. to write a bogus one. */
  dataOffset?: number;
  urgentPointer?: number;
}

/** A TCP header with its options and payload (checksum left zero: nothing here verifies it). */
export function tcpHeader(spec: TcpHeaderSpec): Uint8Array {
  const options = spec.options instanceof Uint8Array ? padOptions(spec.options) : tcpOptions(spec.options ?? {});
  const payload = spec.payload ?? patterned(spec.len ?? 0);
  const flags = typeof spec.flags === 'number' ? spec.flags : tcpFlags(spec.flags ?? 'A');
  const dataOffset = spec.dataOffset ?? (20 + options.length) / 4;
  return new ByteWriter()
    .u16(spec.srcPort)
    .u16(spec.dstPort)
    .u32(spec.seq ?? 0)
    .u32(spec.ack ?? 0)
    .u16(((dataOffset & 0xf) << 12) | (flags & 0xfff))
    .u16(spec.win ?? 65535)
    .u16(0)
    .u16(spec.urgentPointer ?? 0)
    .bytes(options)
    .bytes(payload)
    .finish();
}

function padOptions(raw: Uint8Array): Uint8Array {
  if (raw.length % 4 === 0) return raw;
  const out = new Uint8Array(raw.length + 4 - (raw.length % 4));
  out.set(raw);
  return out;
}

/** `length` bytes counting up from 0 (mod 256): recognisable in a hex dump. */
export function patterned(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = i & 0xff;
  return out;
}

export interface Ipv4Spec {
  src: string;
  dst: string;
  payload: Uint8Array;
  protocol?: number;
  /** Option bytes, zero-padded to 4 bytes. */
  options?: Uint8Array;
  /** Override the total length field (0 = left unset, as with TSO). */
  totalLength?: number;
  id?: number;
  ttl?: number;
  dontFragment?: boolean;
  moreFragments?: boolean;
  /** Fragment offset in bytes (a multiple of 8). */
  fragmentOffset?: number;
}

export function ipv4Packet(spec: Ipv4Spec): Uint8Array {
  const options = padOptions(spec.options ?? new Uint8Array(0));
  const headerLen = 20 + options.length;
  const fragmentOffset = spec.fragmentOffset ?? 0;
  if (fragmentOffset % 8 !== 0) throw new Error('fragment offsets count 8-byte units');
  const fragmentField = (spec.dontFragment ? 0x4000 : 0) | (spec.moreFragments ? 0x2000 : 0) | (fragmentOffset / 8);
  const w = new ByteWriter()
    .u8(0x40 | (headerLen / 4))
    .u8(0)
    .u16(spec.totalLength ?? headerLen + spec.payload.length)
    .u16(spec.id ?? 1)
    .u16(fragmentField)
    .u8(spec.ttl ?? 64)
    .u8(spec.protocol ?? IPPROTO.TCP)
    .u16(0)
    .bytes(parseIp(spec.src))
    .bytes(parseIp(spec.dst))
    .bytes(options);
  w.setU16(10, internetChecksum(w.finish()));
  return w.bytes(spec.payload).finish();
}

/** RFC 1071 one's-complement sum. */
function internetChecksum(header: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < header.length; i += 2) sum += (header[i] << 8) | (header[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

export type Ipv6Extension =
  | { type: 'hopByHop' | 'destOpts'; /** Option TLVs; padded with Pad1/PadN. */ options?: Uint8Array }
  | { type: 'routing'; addresses?: string[] }
  | { type: 'fragment'; /** In bytes, a multiple of 8. */ offset?: number; more?: boolean; id?: number }
  | { type: 'ah'; icvLength?: number };

const EXTENSION_PROTOCOL: Record<Ipv6Extension['type'], number> = {
  hopByHop: IPPROTO.HOPOPTS,
  destOpts: IPPROTO.DSTOPTS,
  routing: IPPROTO.ROUTING,
  fragment: IPPROTO.FRAGMENT,
  ah: IPPROTO.AH,
};

export interface Ipv6Spec {
  src: string;
  dst: string;
  payload: Uint8Array;
  /** Upper-layer protocol after the extension headers. */
  protocol?: number;
  extensions?: Ipv6Extension[];
  /** Override the payload length field (0 for jumbograms and TSO). */
  payloadLength?: number;
}

export function ipv6Packet(spec: Ipv6Spec): Uint8Array {
  const extensions = spec.extensions ?? [];
  const nextOf = (i: number) => (i < extensions.length ? EXTENSION_PROTOCOL[extensions[i].type] : (spec.protocol ?? IPPROTO.TCP));
  const body = new ByteWriter();
  extensions.forEach((ext, i) => body.bytes(extensionHeader(ext, nextOf(i + 1))));
  body.bytes(spec.payload);
  return new ByteWriter()
    .u32(0x60000000)
    .u16(spec.payloadLength ?? body.length)
    .u8(nextOf(0))
    .u8(64)
    .bytes(parseIp(spec.src))
    .bytes(parseIp(spec.dst))
    .bytes(body.finish())
    .finish();
}

function extensionHeader(ext: Ipv6Extension, next: number): Uint8Array {
  const w = new ByteWriter();
  switch (ext.type) {
    case 'hopByHop':
    case 'destOpts': {
      const options = ext.options ?? new Uint8Array(0);
      const pad = (8 - ((2 + options.length) % 8)) % 8;
      w.u8(next).u8((2 + options.length + pad) / 8 - 1).bytes(options);
      if (pad === 1) w.u8(0);
      else if (pad > 1) w.u8(1).u8(pad - 2).zeros(pad - 2);
      break;
    }
    case 'routing': {
      const addresses = ext.addresses ?? ['fd00::99'];
      w.u8(next).u8(2 * addresses.length).u8(0).u8(addresses.length).u32(0);
      for (const a of addresses) w.bytes(parseIp(a));
      break;
    }
    case 'fragment': {
      const offset = ext.offset ?? 0;
      if (offset % 8 !== 0) throw new Error('fragment offsets count 8-byte units');
      w.u8(next).u8(0).u16(offset | (ext.more ? 1 : 0)).u32(ext.id ?? 0x1234);
      break;
    }
    case 'ah': {
      const icv = ext.icvLength ?? 12; // HMAC-SHA1-96
      w.u8(next).u8((12 + icv) / 4 - 2).u16(0).u32(0x100).u32(1).zeros(icv);
      break;
    }
  }
  return w.finish();
}

/** RFC 2675 Jumbo Payload option (type 0xC2) for a hop-by-hop header. */
export function jumboOption(payloadLength: number): Uint8Array {
  return new ByteWriter().u8(0xc2).u8(4).u32(payloadLength).finish();
}

export interface TcpPacketSpec extends Omit<TcpHeaderSpec, 'srcPort' | 'dstPort'> {
  /** `10.0.0.1:1234` or `[fd00::1]:80`; the address family picks IPv4 or IPv6. */
  src: string;
  dst: string;
}

/** An IPv4 or IPv6 packet carrying one TCP segment. */
export function tcpPacket(spec: TcpPacketSpec): Uint8Array {
  const src = parseEndpoint(spec.src);
  const dst = parseEndpoint(spec.dst);
  if (src.ipVersion !== dst.ipVersion) throw new Error(`${spec.src} and ${spec.dst} are different address families`);
  const tcp = tcpHeader({ ...spec, srcPort: src.port, dstPort: dst.port });
  const ip = { src: src.host, dst: dst.host, payload: tcp };
  return src.ipVersion === 4 ? ipv4Packet(ip) : ipv6Packet(ip);
}
