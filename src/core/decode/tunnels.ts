/**
 * Encapsulations that carry TCP inside another packet, one header at a time: PPPoE, PPP, MPLS, GRE
 * (with ERSPAN I/II/III and Aruba's 802.11 mirror), VXLAN, Geneve and IPComp. Each parser says what
 * follows and where in a reused `Carried`; the decoder dispatches on it (decoder.ts, ip.ts), so
 * nothing is allocated per packet except by IPComp. The IP fragments tunnels need are reassembled
 * in reassembly.ts.
 */
import { constants, inflateRawSync, inflateSync } from 'node:zlib';
import { DecodeResult } from './segment';

/** Bits of `TcpSegment.encapsulation`, in the order `encapsulationName` lists them (outermost first as usually nested). */
export const Encap = {
  PPPOE: 1 << 0,
  MPLS: 1 << 1,
  GRE: 1 << 2,
  ERSPAN_I: 1 << 3,
  ERSPAN_II: 1 << 4,
  ERSPAN_III: 1 << 5,
  ARUBA: 1 << 6,
  PPP: 1 << 7,
  VXLAN: 1 << 8,
  GENEVE: 1 << 9,
  IPCOMP: 1 << 10,
  IPV4_IN_IPV4: 1 << 11,
  IPV6_IN_IPV4: 1 << 12,
  IPV4_IN_IPV6: 1 << 13,
  IPV6_IN_IPV6: 1 << 14,
} as const;

const ENCAP_NAMES = ['PPPoE', 'MPLS', 'GRE', 'ERSPAN I', 'ERSPAN II', 'ERSPAN III', 'Aruba', 'PPP', 'VXLAN', 'Geneve', 'IPComp', 'IP-in-IP', '6in4', '4in6', '6in6'];

/** 'GRE/ERSPAN II', 'PPPoE', …: the encapsulations in `bits` joined by '/', or null for none. */
export function encapsulationName(bits: number): string | null {
  if (bits === 0) return null;
  return ENCAP_NAMES.filter((_, i) => bits & (1 << i)).join('/');
}

/** EtherTypes (also GRE and Geneve protocol types) the decoder follows besides IPv4 and IPv6. */
export const EtherType = {
  IPV4: 0x0800,
  IPV6: 0x86dd,
  /** Transparent Ethernet bridging: a whole Ethernet frame follows. */
  TEB: 0x6558,
  PPP: 0x880b,
  PPPOE_SESSION: 0x8864,
  MPLS: 0x8847,
  MPLS_MULTICAST: 0x8848,
  ERSPAN: 0x88be,
  ERSPAN_III: 0x22eb,
  /** Not an EtherType: an 802.11 frame follows (Aruba's GRE mirror). */
  WLAN: 0x10000,
} as const;

/** What a parsed header says follows it: reused, never allocated per packet. */
export class Carried {
  /** Offset of the carried frame or packet. */
  pos = 0;
  /** What it is, as an EtherType (or EtherType.WLAN). */
  etherType = 0;
  /** Encap bits of the header just parsed. */
  encap = 0;
  /** Where the carried data ends by the header's own length field, or -1 (the decoder resets it before each parser). */
  end = -1;
}

/** A parser's answer: why nothing follows, or undefined with `out` set. */
type Parsed = DecodeResult | undefined;

/** PPPoE session stage (RFC 2516 §4): version/type 0x11, code 0, session id, length, then PPP. */
export function pppoeSession(v: DataView, pos: number, end: number, out: Carried): Parsed {
  if (end - pos < 8) return DecodeResult.Truncated;
  if (v.getUint8(pos) !== 0x11 || v.getUint8(pos + 1) !== 0) return DecodeResult.NotIp;
  out.encap = Encap.PPPOE;
  // Like tshark, the length field bounds the payload even where the frame holds more.
  out.end = pos + 6 + v.getUint16(pos + 4);
  return pppProtocol(v, pos + 6, end, out);
}

/** A PPP frame (PPTP's GRE): address/control 0xff 0x03 unless compressed away (RFC 1662 §3.2), then the protocol. */
export function ppp(v: DataView, pos: number, end: number, out: Carried): Parsed {
  if (end - pos < 2) return DecodeResult.Truncated;
  if (v.getUint8(pos) === 0xff && v.getUint8(pos + 1) === 0x03) pos += 2;
  out.encap = Encap.PPP;
  return pppProtocol(v, pos, end, out);
}

function pppProtocol(v: DataView, pos: number, end: number, out: Carried): Parsed {
  if (end - pos < 1) return DecodeResult.Truncated;
  let protocol = v.getUint8(pos);
  if (protocol & 1) {
    pos += 1; // protocol field compressed to one byte (RFC 1661 §6.5)
  } else {
    if (end - pos < 2) return DecodeResult.Truncated;
    protocol = v.getUint16(pos);
    pos += 2;
  }
  out.pos = pos;
  if (protocol === 0x21) out.etherType = EtherType.IPV4;
  else if (protocol === 0x57) out.etherType = EtherType.IPV6;
  else if (protocol === 0x281) out.etherType = EtherType.MPLS;
  else return DecodeResult.NotIp;
  return undefined;
}

/**
 * An MPLS label stack (RFC 3032) down to the bottom-of-stack entry, then IP as tshark guesses it:
 * explicit-null labels name the version, else the first nibble does. Ethernet pseudowires (RFC 4448)
 * are not followed: tshark tells a control word from a MAC address with its OUI database.
 */
export function mplsStack(v: DataView, pos: number, end: number, out: Carried): Parsed {
  let entry = 0;
  do {
    if (end - pos < 4) return DecodeResult.Truncated;
    entry = v.getUint32(pos);
    pos += 4;
  } while (!(entry & 0x100));
  if (end - pos < 1) return DecodeResult.Truncated;
  const label = entry >>> 12;
  const nibble = v.getUint8(pos) >> 4;
  out.encap = Encap.MPLS;
  out.pos = pos;
  if (label === 0 || (label !== 2 && nibble === 4)) {
    out.etherType = EtherType.IPV4;
  } else if (label === 2 || nibble === 6) {
    out.etherType = EtherType.IPV6;
  } else {
    return DecodeResult.NotIp;
  }
  return undefined;
}

/** An 802.11 data frame without FCS: its header (addr4, QoS, HT control when present), then LLC/SNAP with an EtherType. */
export function wlanData(v: DataView, pos: number, end: number, out: Carried): Parsed {
  if (end - pos < 24) return DecodeResult.Truncated;
  const fc0 = v.getUint8(pos);
  const fc1 = v.getUint8(pos + 1);
  const subtype = fc0 >> 4;
  // Not data, protected (encrypted body), or a null-function frame without a body.
  if (((fc0 >> 2) & 3) !== 2 || fc1 & 0x40 || subtype & 0x4) return DecodeResult.NotIp;
  let len = (fc1 & 3) === 3 ? 30 : 24;
  if (subtype & 0x8) len += fc1 & 0x80 ? 6 : 2;
  const llc = pos + len;
  if (end - llc < 8) return DecodeResult.Truncated;
  if (v.getUint8(llc) !== 0xaa || v.getUint8(llc + 1) !== 0xaa || v.getUint8(llc + 2) !== 0x03) return DecodeResult.NotIp;
  out.encap = 0;
  out.pos = llc + 8;
  out.etherType = v.getUint16(llc + 6);
  return undefined;
}

const GRE_CHECKSUM = 0x8000;
const GRE_ROUTING = 0x4000;
const GRE_KEY = 0x2000;
const GRE_SEQUENCE = 0x1000;
const GRE_ACK = 0x0080;

/**
 * GRE (RFC 2784/2890, RFC 1701 routing, PPTP's version 1 of RFC 2637) and what it carries. ERSPAN
 * (draft-foschiano-erspan): type I is 0x88be without a sequence number and has no header, type II
 * 0x88be with one and an 8-byte header, type III 0x22eb with 12 bytes plus 8 when its O bit is set.
 * Aruba mirrors 802.11 frames with protocol types 0x8200-0x8370 (as Wireshark registers them).
 */
export function gre(v: DataView, pos: number, end: number, out: Carried): Parsed {
  if (end - pos < 4) return DecodeResult.Truncated;
  const flags = v.getUint16(pos);
  const type = v.getUint16(pos + 2);
  const version = flags & 7;
  if (version > 1) return DecodeResult.NotIp;
  let p = pos + 4;
  if (flags & (GRE_CHECKSUM | GRE_ROUTING)) p += 4;
  if (flags & GRE_KEY) p += 4;
  if (flags & GRE_SEQUENCE) p += 4;
  if (version === 1 && flags & GRE_ACK) p += 4;
  if (flags & GRE_ROUTING) {
    for (;;) {
      if (end - p < 4) return DecodeResult.Truncated;
      const family = v.getUint16(p);
      const length = v.getUint8(p + 3);
      p += 4 + length;
      if (family === 0 && length === 0) break;
    }
  }
  if (p > end) return DecodeResult.Truncated;
  out.encap = Encap.GRE;
  out.pos = p;
  out.etherType = type;
  if (type === EtherType.ERSPAN) {
    out.etherType = EtherType.TEB;
    if (!(flags & GRE_SEQUENCE)) {
      out.encap |= Encap.ERSPAN_I;
    } else {
      out.encap |= Encap.ERSPAN_II;
      out.pos = p + 8;
    }
  } else if (type === EtherType.ERSPAN_III) {
    if (end - p < 12) return DecodeResult.Truncated;
    out.encap |= Encap.ERSPAN_III;
    out.etherType = EtherType.TEB;
    out.pos = p + 12 + (v.getUint8(p + 11) & 1 ? 8 : 0);
  } else if (type >= 0x8200 && type <= 0x8370 && (type & 0xf) === 0) {
    out.encap |= Encap.ARUBA;
    out.etherType = EtherType.WLAN;
  }
  return undefined;
}

const VXLAN_PORT = 4789;
const GENEVE_PORT = 6081;

/** A UDP tunnel by its IANA port on either side: VXLAN (RFC 7348) carries Ethernet, Geneve (RFC 8926) says what it carries. */
export function udpTunnel(v: DataView, pos: number, end: number, out: Carried): Parsed {
  if (end - pos < 16) return DecodeResult.NotTcp;
  const src = v.getUint16(pos);
  const dst = v.getUint16(pos + 2);
  const p = pos + 8;
  const length = v.getUint16(pos + 4);
  if (length >= 8) out.end = pos + length;
  if (dst === VXLAN_PORT || src === VXLAN_PORT) {
    out.encap = Encap.VXLAN;
    out.pos = p + 8;
    out.etherType = EtherType.TEB;
    return undefined;
  }
  if (dst === GENEVE_PORT || src === GENEVE_PORT) {
    out.encap = Encap.GENEVE;
    out.pos = p + 8 + (v.getUint8(p) & 0x3f) * 4;
    out.etherType = v.getUint16(p + 2);
    return undefined;
  }
  return DecodeResult.NotTcp;
}

/**
 * An IPComp payload (RFC 3173) inflated: DEFLATE (RFC 2394) as tshark tries it whatever the CPI,
 * raw first, then with a zlib header. Undefined when it does not inflate. Allocates: IPComp is rare.
 */
export function inflateIpcomp(compressed: Uint8Array): Uint8Array | undefined {
  for (const inflate of [inflateRawSync, inflateSync]) {
    try {
      // An IP datagram is at most 64 KiB: anything that inflates further is not one (nor a bomb we expand).
      return inflate(compressed, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: 0x10000 });
    } catch {
      // not this format; try the next
    }
  }
  return undefined;
}
