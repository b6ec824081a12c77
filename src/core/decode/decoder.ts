import type { PacketRecord } from '../capture/types';
import { IpDecoder, MAX_NESTING } from './ip';
import { LinkType } from './linktypes';
import * as minor from './minorLinks';
import { DecodeResult } from './segment';
import { EtherType, mplsStack, ppp, pppoeSession, wlanData } from './tunnels';

const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;
const ETH_VLAN = 0x8100;
const ETH_QINQ = 0x88a8;
const ETH_QINQ_OLD = 0x9100;

/** BSD address families seen in NULL/LOOP headers: AF_INET is 2 everywhere, AF_INET6 differs per OS. */
const AF_INET = 2;
const AF_INET6 = new Set([10, 24, 28, 30]);

/**
 * Decodes link layer → IP → TCP straight out of the capture buffer into a reused `TcpSegment`,
 * through tunnels (tunnels.ts); ICMP errors quoting a TCP header land in `icmp`. No allocation
 * per packet on the plain path. This file is the link layer; ip.ts the IP layer below it.
 */
export class PacketDecoder extends IpDecoder {
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
  protected follow(end: number): DecodeResult {
    const c = this.carry;
    this.segment.encapsulation |= c.encap;
    if (c.end >= 0) end = this.narrow(end, c.end);
    return this.etherType(c.etherType, c.pos, end);
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

}
