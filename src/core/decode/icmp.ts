/**
 * ICMP (RFC 792) and ICMPv6 (RFC 4443) errors that quote a TCP segment: destination unreachable
 * (with the next-hop MTU when it is 'fragmentation needed', RFC 1191 §4), packet too big (RFC 8201),
 * time exceeded, parameter problem, redirect, source quench. The quote holds the offending
 * datagram's IP header and at least 8 bytes of its TCP header: ports and sequence number, enough to
 * find the flow. Like tshark's conversation table, such a packet is not one of the flow's segments.
 */
import { IpProto } from './ipProto';
import { DecodeResult, Endpoints } from './segment';

/** What an ICMP error says, and about which segment: a reused scratch, overwritten by every decode. */
export class IcmpQuote extends Endpoints {
  /** 4 for ICMP, 6 for ICMPv6; the quoted datagram has the same IP version. */
  version: 4 | 6 = 4;
  type = 0;
  code = 0;
  /** Next-hop MTU ('fragmentation needed', 'packet too big'), or -1 when the error carries none. */
  mtu = -1;
  /** Who sent the error: the ICMP packet's source address (the decoder fills it). */
  readonly reporter = new Uint8Array(16);
  /** The quoted segment's sequence number (its endpoints are the base class's). */
  seq = 0;
  /** The quoted datagram's length as its own IP header gives it. */
  datagramLength = 0;
}

/** ICMP types that quote the offending datagram. */
function quotesDatagram(version: 4 | 6, type: number): boolean {
  if (version === 6) return type >= 1 && type <= 4;
  return type === 3 || type === 4 || type === 5 || type === 11 || type === 12;
}

/**
 * Decode the ICMP or ICMPv6 message at `pos` (after its IP header). Returns IcmpError with `q` set
 * when it is an error quoting a TCP header, NotTcp for anything else (echo, a quoted UDP datagram,
 * a quote too short to name the segment).
 */
export function decodeIcmpError(v: DataView, pos: number, end: number, version: 4 | 6, q: IcmpQuote): DecodeResult {
  if (end - pos < 8) return DecodeResult.NotTcp;
  const type = v.getUint8(pos);
  const code = v.getUint8(pos + 1);
  if (!quotesDatagram(version, type)) return DecodeResult.NotTcp;
  q.version = version;
  q.type = type;
  q.code = code;
  q.mtu = -1;
  // Routers older than RFC 1191 leave the MTU field zero.
  if (version === 4 && type === 3 && code === 4 && v.getUint16(pos + 6) > 0) q.mtu = v.getUint16(pos + 6);
  if (version === 6 && type === 2) q.mtu = v.getUint32(pos + 4);
  return version === 4 ? quotedIpv4(v, pos + 8, end, q) : quotedIpv6(v, pos + 8, end, q);
}

function quotedIpv4(v: DataView, ip: number, end: number, q: IcmpQuote): DecodeResult {
  if (end - ip < 20) return DecodeResult.NotTcp;
  const vihl = v.getUint8(ip);
  const ihl = (vihl & 0x0f) * 4;
  // A non-first fragment quotes no TCP header.
  if (vihl >> 4 !== 4 || ihl < 20 || v.getUint8(ip + 9) !== IpProto.TCP || v.getUint16(ip + 6) & 0x1fff) return DecodeResult.NotTcp;
  for (let i = 0; i < 4; i++) {
    q.src[i] = v.getUint8(ip + 12 + i);
    q.dst[i] = v.getUint8(ip + 16 + i);
  }
  q.datagramLength = v.getUint16(ip + 2);
  return quotedTcp(v, ip + ihl, end, q);
}

function quotedIpv6(v: DataView, ip: number, end: number, q: IcmpQuote): DecodeResult {
  if (end - ip < 40 || v.getUint8(ip) >> 4 !== 6) return DecodeResult.NotTcp;
  let next = v.getUint8(ip + 6);
  let p = ip + 40;
  // Extension headers: hop-by-hop, routing, destination options, a first fragment, AH.
  while (next !== IpProto.TCP) {
    if (end - p < 8) return DecodeResult.NotTcp;
    const header = next;
    next = v.getUint8(p);
    if (header === 0 || header === 43 || header === 60) {
      p += (v.getUint8(p + 1) + 1) * 8;
    } else if (header === 44) {
      if (v.getUint16(p + 2) & 0xfff8) return DecodeResult.NotTcp;
      p += 8;
    } else if (header === 51) {
      p += (v.getUint8(p + 1) + 2) * 4;
    } else {
      return DecodeResult.NotTcp;
    }
  }
  for (let i = 0; i < 16; i++) {
    q.src[i] = v.getUint8(ip + 8 + i);
    q.dst[i] = v.getUint8(ip + 24 + i);
  }
  q.datagramLength = 40 + v.getUint16(ip + 4);
  return quotedTcp(v, p, end, q);
}

function quotedTcp(v: DataView, tcp: number, end: number, q: IcmpQuote): DecodeResult {
  if (end - tcp < 8) return DecodeResult.NotTcp;
  q.srcPort = v.getUint16(tcp);
  q.dstPort = v.getUint16(tcp + 2);
  q.seq = v.getUint32(tcp + 4);
  return DecodeResult.IcmpError;
}
