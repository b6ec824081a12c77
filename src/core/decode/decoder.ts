import * as minor from './minorLinks';
import type { PacketRecord } from '../capture/types';
import { LinkType } from './linktypes';
import { decodeIcmpError, IcmpQuote } from './icmp';
import { DecodeResult, TcpSegment } from './segment';
import { decodeTcp } from './tcp';
import { Carried, Encap, EtherType, gre, inflateIpcomp, mplsStack, ppp, pppoeSession, Reassembler, udpTunnel, wlanData } from './tunnels';

const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;
const ETH_VLAN = 0x8100;
const ETH_QINQ = 0x88a8;
const ETH_QINQ_OLD = 0x9100;

const IPPROTO_HOPOPTS = 0;
const IPPROTO_ICMP = 1;
const IPPROTO_IPIP = 4;
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;
const IPPROTO_IPV6 = 41;
const IPPROTO_ROUTING = 43;
const IPPROTO_FRAGMENT = 44;
const IPPROTO_GRE = 47;
const IPPROTO_AH = 51;
const IPPROTO_ICMPV6 = 58;
const IPPROTO_DSTOPTS = 60;
const IPPROTO_COMP = 108;
const IPPROTO_MOBILITY = 135;

/** IP protocols the decoder looks into besides TCP: tunnels, IPComp, AH, ICMP errors. */
const FOLLOWED = new Uint8Array(256);
for (const p of [IPPROTO_ICMP, IPPROTO_IPIP, IPPROTO_UDP, IPPROTO_IPV6, IPPROTO_GRE, IPPROTO_AH, IPPROTO_ICMPV6, IPPROTO_COMP]) FOLLOWED[p] = 1;

/** Encapsulations within one packet beyond which it is called malformed (a loop of tunnels in a fuzzed file). */
const MAX_NESTING = 16;

/** BSD address families seen in NULL/LOOP headers: AF_INET is 2 everywhere, AF_INET6 differs per OS. */
const AF_INET = 2;
const AF_INET6 = new Set([10, 24, 28, 30]);

/**
 * Decodes link layer → IP → TCP straight out of the capture buffer into a reused `TcpSegment`,
 * through tunnels (tunnels.ts); ICMP errors quoting a TCP header land in `icmp`. No allocation
 * per packet on the plain path.
 */
export class PacketDecoder {
  readonly segment = new TcpSegment();
  /** Set when `decode` returns IcmpError. */
  readonly icmp = new IcmpQuote();
  private view: DataView = new DataView(new ArrayBuffer(0));
  private bytes: Uint8Array = new Uint8Array(0);
  private wireEnd = 0;
  private readonly carry = new Carried();
  private readonly fragments = new Reassembler();
  private nesting = 0;
  /** True while decoding a reassembled or inflated datagram (no reassembly nested in it). */
  private inDatagram = false;

  decode(rec: PacketRecord): DecodeResult {
    const buf = rec.data;
    if (this.view.buffer !== buf.buffer || this.view.byteOffset !== buf.byteOffset || this.view.byteLength !== buf.byteLength) {
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
      this.bytes = buf;
    }
    const start = rec.offset;
    const end = rec.offset + rec.capLen;
    // Where the packet ends on the wire (tshark's reported length), less a trailing FCS.
    this.wireEnd = rec.offset + Math.max(rec.origLen, rec.capLen) - rec.fcsLen;
    this.segment.encapsulation = 0;
    this.nesting = 0;
    return this.link(rec.linkType, start, end);
  }

  private link(linkType: number, start: number, end: number): DecodeResult {
    const v = this.view;
    switch (linkType) {
      case LinkType.ETHERNET:
        return this.ethernet(start, end);
      case LinkType.NULL:
      case LinkType.LOOP:
        return this.bsdLoopback(start, end);
      case LinkType.RAW:
      case LinkType.RAW_ALIAS_12:
      case LinkType.RAW_ALIAS_14:
        return this.rawIp(start, end);
      case LinkType.IPV4:
        return this.ipv4(start, end);
      case LinkType.IPV6:
        return this.ipv6(start, end);
      case LinkType.LINUX_SLL:
        if (end - start < 16) return DecodeResult.Truncated;
        return this.etherType(v.getUint16(start + 14), start + 16, end);
      case LinkType.LINUX_SLL2:
        if (end - start < 20) return DecodeResult.Truncated;
        return this.etherType(v.getUint16(start), start + 20, end);
      case LinkType.FDDI:
        return minor.fddi(v, start, end) ?? this.etherType(minor.inner.type, minor.inner.pos, minor.inner.end);
      case LinkType.NFLOG:
        return minor.nflog(v, start, end) ?? this.rawIp(minor.inner.pos, minor.inner.end);
      case LinkType.PPI:
        return minor.ppi(v, start, end, LinkType.PPI) ?? this.link(minor.inner.type, minor.inner.pos, minor.inner.end);
      case LinkType.IPOIB:
        // Linux's capture header: 20-byte destination and source hardware addresses, then type + reserved.
        if (end - start < 44) return DecodeResult.Truncated;
        return this.etherType(v.getUint16(start + 40), start + 44, end);
      case LinkType.ARCNET_LINUX:
        return minor.arcnet(v, start, end) ?? this.ipv4(minor.inner.pos, minor.inner.end);
      default:
        return DecodeResult.UnsupportedLink;
    }
  }

  private ethernet(start: number, end: number): DecodeResult {
    if (end - start < 14) return DecodeResult.Truncated;
    return this.etherType(this.view.getUint16(start + 12), start + 14, end);
  }

  /** Dispatch on an EtherType, following 802.1Q / 802.1ad / QinQ tags. */
  private etherType(type: number, pos: number, end: number): DecodeResult {
    while (type === ETH_VLAN || type === ETH_QINQ || type === ETH_QINQ_OLD) {
      if (end - pos < 4) return DecodeResult.Truncated;
      type = this.view.getUint16(pos + 2);
      pos += 4;
    }
    if (type === ETH_IPV4) return this.ipv4(pos, end);
    if (type === ETH_IPV6) return this.ipv6(pos, end);
    return this.carried(type, pos, end);
  }

  /** What an EtherType (or a tunnel's protocol type) carries besides IP: a bridged Ethernet frame, PPPoE, PPP, MPLS, 802.11. */
  private carried(type: number, pos: number, end: number): DecodeResult {
    if (++this.nesting > MAX_NESTING) return DecodeResult.Malformed;
    const v = this.view;
    const c = this.carry;
    c.end = -1;
    let why: DecodeResult | undefined;
    switch (type) {
      case EtherType.TEB:
        return this.ethernet(pos, end);
      case EtherType.PPPOE_SESSION:
        why = pppoeSession(v, pos, end, c);
        break;
      case EtherType.PPP:
        why = ppp(v, pos, end, c);
        break;
      case EtherType.MPLS:
      case EtherType.MPLS_MULTICAST:
        why = mplsStack(v, pos, end, c);
        break;
      case EtherType.WLAN:
        why = wlanData(v, pos, end, c);
        break;
      default:
        return DecodeResult.NotIp;
    }
    return why ?? this.follow(end);
  }

  /** Go into what the header just parsed (`carry`) says follows. */
  private follow(end: number): DecodeResult {
    const c = this.carry;
    this.segment.encapsulation |= c.encap;
    if (c.end >= 0) end = this.narrow(end, c.end);
    return this.etherType(c.etherType, c.pos, end);
  }

  /** Bound what follows to `limit` (a length field of the header around it), as tshark bounds its buffer; returns the new end. */
  private narrow(end: number, limit: number): number {
    if (limit < this.wireEnd) this.wireEnd = limit;
    return Math.min(end, limit);
  }

  private bsdLoopback(start: number, end: number): DecodeResult {
    if (end - start < 4) return DecodeResult.Truncated;
    // The family is in the capturing host's byte order (NULL) or network order (LOOP); accept both.
    let family = this.view.getUint32(start, true);
    if (family > 0xffff) family = this.view.getUint32(start, false);
    if (family === AF_INET) return this.ipv4(start + 4, end);
    if (AF_INET6.has(family)) return this.ipv6(start + 4, end);
    return DecodeResult.NotIp;
  }

  private rawIp(pos: number, end: number): DecodeResult {
    if (end - pos < 1) return DecodeResult.Truncated;
    const version = this.view.getUint8(pos) >> 4;
    if (version === 4) return this.ipv4(pos, end);
    if (version === 6) return this.ipv6(pos, end);
    return DecodeResult.NotIp;
  }

  private ipv4(pos: number, end: number): DecodeResult {
    const v = this.view;
    if (end - pos < 20) return DecodeResult.Truncated;
    const vihl = v.getUint8(pos);
    if (vihl >> 4 !== 4) return DecodeResult.Malformed;
    const ihl = (vihl & 0x0f) * 4;
    if (ihl < 20) return DecodeResult.Malformed;
    let totalLen = v.getUint16(pos + 2);
    const onWire = this.wireEnd - pos;
    if (totalLen === 0) {
      // TSO / BIG TCP: the stack left the length unset; the frame length is the packet's.
      totalLen = onWire;
    } else if (totalLen < ihl) {
      return DecodeResult.Malformed;
    } else if (totalLen > onWire) {
      // A length beyond the frame (damaged or fuzzed): like tshark, trust the frame.
      totalLen = onWire;
    }
    const fragment = v.getUint16(pos + 6);
    const protocol = v.getUint8(pos + 9);
    const seg = this.segment;
    seg.ipVersion = 4;
    for (let i = 0; i < 4; i++) {
      seg.src[i] = v.getUint8(pos + 12 + i);
      seg.dst[i] = v.getUint8(pos + 16 + i);
    }
    if (protocol !== IPPROTO_TCP) return this.ipv4Carried(protocol, pos, ihl, totalLen, fragment, end);
    // A fragmented TCP segment is read from its first fragment, not reassembled.
    if ((fragment & 0x1fff) !== 0) return DecodeResult.Fragment;
    if (end - pos < ihl) return DecodeResult.Truncated;
    return decodeTcp(v, pos + ihl, end, totalLen - ihl, seg);
  }

  /** IPv4 carrying something other than TCP; fragments of what we follow are reassembled like tshark does. */
  private ipv4Carried(protocol: number, pos: number, ihl: number, totalLen: number, fragment: number, end: number): DecodeResult {
    const offset = (fragment & 0x1fff) * 8;
    if (!FOLLOWED[protocol]) return offset ? DecodeResult.Fragment : DecodeResult.NotTcp;
    if ((fragment & 0x3fff) === 0) return this.ipPayload(protocol, 4, pos + ihl, end, pos + totalLen);
    // tshark reassembles only fragments captured whole; a first fragment cut short is read as far as it goes.
    if (end - pos < totalLen || this.inDatagram) return offset ? DecodeResult.Fragment : this.ipPayload(protocol, 4, pos + ihl, end, pos + totalLen);
    this.fragments.keyIpv4(this.view, pos, protocol);
    const length = this.fragments.add(this.bytes, pos + ihl, totalLen - ihl, offset, (fragment & 0x2000) !== 0);
    return this.reassembled(length, protocol, 4);
  }

  /** Decode `length` bytes of another buffer (a reassembled or inflated datagram) as the payload `protocol` of an IP header. */
  private datagram(bytes: Uint8Array, view: DataView, length: number, protocol: number, outer: 4 | 6): DecodeResult {
    const saved = [this.view, this.bytes, this.wireEnd] as const;
    this.view = view;
    this.bytes = bytes;
    this.wireEnd = length;
    this.inDatagram = true;
    try {
      return this.ipPayload(protocol, outer, 0, length, length);
    } finally {
      [this.view, this.bytes, this.wireEnd] = saved;
      this.inDatagram = false;
    }
  }

  /**
   * What an IP header carries other than TCP straight after it: tunnels (IP-in-IP, GRE, UDP), AH,
   * IPComp, IPv6 extension headers after a reassembly, ICMP errors. `payloadEnd`: where the IP payload ends.
   */
  private ipPayload(protocol: number, outer: 4 | 6, pos: number, end: number, payloadEnd: number): DecodeResult {
    if (++this.nesting > MAX_NESTING) return DecodeResult.Malformed;
    const v = this.view;
    const seg = this.segment;
    end = this.narrow(end, payloadEnd);
    switch (protocol) {
      case IPPROTO_TCP:
        return decodeTcp(v, pos, end, payloadEnd - pos, seg);
      case IPPROTO_IPIP:
        seg.encapsulation |= outer === 4 ? Encap.IPV4_IN_IPV4 : Encap.IPV4_IN_IPV6;
        return this.ipv4(pos, end);
      case IPPROTO_IPV6:
        seg.encapsulation |= outer === 4 ? Encap.IPV6_IN_IPV4 : Encap.IPV6_IN_IPV6;
        return this.ipv6(pos, end);
      case IPPROTO_GRE:
        this.carry.end = -1;
        return gre(v, pos, end, this.carry) ?? this.follow(end);
      case IPPROTO_UDP:
        this.carry.end = -1;
        return udpTunnel(v, pos, end, this.carry) ?? this.follow(end);
      case IPPROTO_AH:
        if (end - pos < 8) return DecodeResult.Truncated;
        return this.ipPayload(v.getUint8(pos), outer, pos + (v.getUint8(pos + 1) + 2) * 4, end, payloadEnd);
      case IPPROTO_HOPOPTS:
      case IPPROTO_ROUTING:
      case IPPROTO_DSTOPTS:
        if (outer === 4) return DecodeResult.NotTcp;
        if (end - pos < 8) return DecodeResult.Truncated;
        return this.ipPayload(v.getUint8(pos), outer, pos + (v.getUint8(pos + 1) + 1) * 8, end, payloadEnd);
      case IPPROTO_COMP:
        return this.ipcomp(outer, pos, end, payloadEnd);
      case IPPROTO_ICMP:
      case IPPROTO_ICMPV6:
        if ((protocol === IPPROTO_ICMP) !== (outer === 4)) return DecodeResult.NotTcp;
        this.icmp.reporter.set(seg.src);
        return decodeIcmpError(v, pos, end, outer, this.icmp);
      default:
        return DecodeResult.NotTcp;
    }
  }

  /** IPComp (RFC 3173): next header, flags, CPI, then the compressed rest of the datagram. */
  private ipcomp(outer: 4 | 6, pos: number, end: number, payloadEnd: number): DecodeResult {
    if (end - pos < 4) return DecodeResult.Truncated;
    if (this.inDatagram || payloadEnd > end) return DecodeResult.NotTcp;
    const inflated = inflateIpcomp(this.bytes.subarray(pos + 4, payloadEnd));
    if (!inflated) return DecodeResult.NotTcp;
    this.segment.encapsulation |= Encap.IPCOMP;
    const view = new DataView(inflated.buffer, inflated.byteOffset, inflated.byteLength);
    return this.datagram(inflated, view, inflated.length, this.view.getUint8(pos), outer);
  }

  private ipv6(pos: number, end: number): DecodeResult {
    const v = this.view;
    if (end - pos < 40) return DecodeResult.Truncated;
    if (v.getUint8(pos) >> 4 !== 6) return DecodeResult.Malformed;
    let payloadLen = v.getUint16(pos + 4);
    let next = v.getUint8(pos + 6);
    const seg = this.segment;
    seg.ipVersion = 6;
    for (let i = 0; i < 16; i++) {
      seg.src[i] = v.getUint8(pos + 8 + i);
      seg.dst[i] = v.getUint8(pos + 24 + i);
    }
    let p = pos + 40;
    const payloadStart = p;
    let jumbo = -1;
    while (next !== IPPROTO_TCP) {
      if (next === IPPROTO_HOPOPTS || next === IPPROTO_ROUTING || next === IPPROTO_DSTOPTS || next === IPPROTO_MOBILITY) {
        if (end - p < 8) return DecodeResult.Truncated;
        const len = (v.getUint8(p + 1) + 1) * 8;
        if (end - p < len) return DecodeResult.Truncated;
        if (next === IPPROTO_HOPOPTS) jumbo = minor.jumboLength(v, p + 2, p + len);
        next = v.getUint8(p);
        p += len;
      } else if (next === IPPROTO_FRAGMENT) {
        if (end - p < 8) return DecodeResult.Truncated;
        next = v.getUint8(p);
        if (next !== IPPROTO_TCP) return this.ipv6Fragment(pos, p, end, this.ipv6PayloadEnd(payloadStart, payloadLen, jumbo));
        // A fragmented TCP segment is read from its first fragment, not reassembled.
        if ((v.getUint16(p + 2) & 0xfff8) !== 0) return DecodeResult.Fragment;
        p += 8;
      } else if (next === IPPROTO_AH) {
        if (end - p < 8) return DecodeResult.Truncated;
        const len = (v.getUint8(p + 1) + 2) * 4;
        next = v.getUint8(p);
        p += len;
      } else {
        return this.ipPayload(next, 6, p, end, this.ipv6PayloadEnd(payloadStart, payloadLen, jumbo));
      }
    }
    const onWire = this.wireEnd - payloadStart;
    if (payloadLen === 0) {
      // RFC 2675 jumbogram, or BIG TCP / TSO with the length left unset: fall back to the frame length.
      payloadLen = jumbo >= 0 ? jumbo : onWire;
    }
    if (payloadLen > onWire) payloadLen = onWire;
    const tcpLen = payloadLen - (p - payloadStart);
    if (tcpLen < 0 || p > end) return DecodeResult.Malformed;
    return decodeTcp(v, p, end, tcpLen, seg);
  }

  /** Where an IPv6 payload ends: by its length, a jumbo length, or the frame when it is 0 (TSO), never past the frame. */
  private ipv6PayloadEnd(payloadStart: number, payloadLen: number, jumbo: number): number {
    const onWire = this.wireEnd - payloadStart;
    if (payloadLen === 0) payloadLen = jumbo >= 0 ? jumbo : onWire;
    return payloadStart + Math.min(payloadLen, onWire);
  }

  /** An IPv6 fragment of something other than TCP (RFC 8200 §4.5): reassembled like tshark does. */
  private ipv6Fragment(ip: number, header: number, end: number, payloadEnd: number): DecodeResult {
    const v = this.view;
    const next = v.getUint8(header);
    const field = v.getUint16(header + 2);
    const offset = field & 0xfff8;
    if (!FOLLOWED[next]) return offset ? DecodeResult.Fragment : DecodeResult.NotTcp;
    const data = header + 8;
    if (payloadEnd > end || this.inDatagram) return offset ? DecodeResult.Fragment : this.ipPayload(next, 6, data, end, payloadEnd);
    this.fragments.keyIpv6(v, ip, header);
    const length = this.fragments.add(this.bytes, data, payloadEnd - data, offset, (field & 1) !== 0);
    return this.reassembled(length, next, 6);
  }

  /** After a fragment was added: the completed datagram decoded, or why there is nothing yet. */
  private reassembled(length: number, protocol: number, outer: 4 | 6): DecodeResult {
    if (length === -1) return DecodeResult.FragmentHeld;
    if (length < 0) return DecodeResult.Fragment;
    return this.datagram(this.fragments.datagram, this.fragments.view, length, protocol, outer);
  }

  /** Fragments held for reassembly that have not completed a datagram. */
  get fragmentsIncomplete(): number {
    return this.fragments.incomplete;
  }
}
