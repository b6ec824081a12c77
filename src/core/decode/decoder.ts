import type { PacketRecord } from '../capture/types';
import { LinkType } from './linktypes';
import { DecodeResult, TcpSegment } from './segment';
import { decodeTcp } from './tcp';

const ETH_IPV4 = 0x0800;
const ETH_IPV6 = 0x86dd;
const ETH_VLAN = 0x8100;
const ETH_QINQ = 0x88a8;
const ETH_QINQ_OLD = 0x9100;

const IPPROTO_HOPOPTS = 0;
const IPPROTO_TCP = 6;
const IPPROTO_ROUTING = 43;
const IPPROTO_FRAGMENT = 44;
const IPPROTO_AH = 51;
const IPPROTO_DSTOPTS = 60;
const IPPROTO_MOBILITY = 135;

/** BSD address families seen in NULL/LOOP headers: AF_INET is 2 everywhere, AF_INET6 differs per OS. */
const AF_INET = 2;
const AF_INET6 = new Set([10, 24, 28, 30]);

/**
 * Decodes link layer → IP → TCP straight out of the capture buffer into a reused `TcpSegment`.
 * No allocation per packet.
 */
export class PacketDecoder {
  readonly segment = new TcpSegment();
  private view: DataView = new DataView(new ArrayBuffer(0));
  private wireEnd = 0;

  decode(rec: PacketRecord): DecodeResult {
    const buf = rec.data;
    if (this.view.buffer !== buf.buffer || this.view.byteOffset !== buf.byteOffset || this.view.byteLength !== buf.byteLength) {
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    const start = rec.offset;
    const end = rec.offset + rec.capLen;
    // Where the packet ends on the wire (tshark's reported length), less a trailing FCS.
    this.wireEnd = rec.offset + Math.max(rec.origLen, rec.capLen) - rec.fcsLen;
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
        return this.fddi(start, end);
      case LinkType.NFLOG:
        return this.nflog(start, end);
      case LinkType.PPI:
        return this.ppi(start, end);
      case LinkType.IPOIB:
        // Linux's capture header: 20-byte destination and source hardware addresses, then type + reserved.
        if (end - start < 44) return DecodeResult.Truncated;
        return this.etherType(v.getUint16(start + 40), start + 44, end);
      case LinkType.ARCNET_LINUX:
        return this.arcnet(start, end);
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
    return DecodeResult.NotIp;
  }

  /** FDDI: frame control + two addresses, then 802.2 LLC/SNAP carrying an EtherType. */
  private fddi(start: number, end: number): DecodeResult {
    const v = this.view;
    // Some BSDs pad the FDDI header by 3 bytes; look for the SNAP header at either place.
    for (const llc of [start + 13, start + 16]) {
      if (end - llc < 8) continue;
      if (v.getUint8(llc) === 0xaa && v.getUint8(llc + 1) === 0xaa && v.getUint8(llc + 2) === 0x03) {
        return this.etherType(v.getUint16(llc + 6), llc + 8, end);
      }
    }
    return end - start < 21 ? DecodeResult.Truncated : DecodeResult.NotIp;
  }

  /** Linux NFLOG: a 4-byte header, then TLVs in host byte order; type 9 (NFULA_PAYLOAD) holds the IP packet. */
  private nflog(start: number, end: number): DecodeResult {
    const v = this.view;
    if (end - start < 4) return DecodeResult.Truncated;
    let p = start + 4;
    while (end - p >= 4) {
      // Lengths are host order; a length of 0 or above 0xff in the low byte tells a big-endian writer.
      let len = v.getUint16(p, true);
      let type = v.getUint16(p + 2, true);
      if (len < 4 || p + len > end) {
        len = v.getUint16(p);
        type = v.getUint16(p + 2);
      }
      if (len < 4) return DecodeResult.Malformed;
      if ((type & 0x7fff) === 9) return this.rawIp(p + 4, Math.min(end, p + len));
      p += (len + 3) & ~3;
    }
    return DecodeResult.NotIp;
  }

  /** Per-Packet Information header: its length and the link type of what follows. */
  private ppi(start: number, end: number): DecodeResult {
    if (end - start < 8) return DecodeResult.Truncated;
    const len = this.view.getUint16(start + 2, true);
    const inner = this.view.getUint32(start + 4, true);
    if (len < 8 || start + len > end || inner === LinkType.PPI) return DecodeResult.Malformed;
    return this.link(inner, start + len, end);
  }

  /** Linux ARCNET: source, destination, offset, then the RFC 1201 protocol id, split flag and sequence. */
  private arcnet(start: number, end: number): DecodeResult {
    const v = this.view;
    if (end - start < 8) return DecodeResult.Truncated;
    const protocol = v.getUint8(start + 4);
    if (protocol !== 0xd4) return DecodeResult.NotIp; // 212 = IPv4 over RFC 1201
    // An exception packet (split flag 0xff) repeats the protocol id and flag after 4 filler bytes.
    const ip = v.getUint8(start + 5) === 0xff ? start + 12 : start + 8;
    return this.ipv4(ip, end);
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
    if ((fragment & 0x1fff) !== 0) return DecodeResult.Fragment;
    if (v.getUint8(pos + 9) !== IPPROTO_TCP) return DecodeResult.NotTcp;
    if (end - pos < ihl) return DecodeResult.Truncated;
    const seg = this.segment;
    seg.ipVersion = 4;
    for (let i = 0; i < 4; i++) {
      seg.src[i] = v.getUint8(pos + 12 + i);
      seg.dst[i] = v.getUint8(pos + 16 + i);
    }
    return decodeTcp(v, pos + ihl, end, totalLen - ihl, seg);
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
        if (next === IPPROTO_HOPOPTS) jumbo = this.jumboLength(p + 2, p + len);
        next = v.getUint8(p);
        p += len;
      } else if (next === IPPROTO_FRAGMENT) {
        if (end - p < 8) return DecodeResult.Truncated;
        if ((v.getUint16(p + 2) & 0xfff8) !== 0) return DecodeResult.Fragment;
        next = v.getUint8(p);
        p += 8;
      } else if (next === IPPROTO_AH) {
        if (end - p < 8) return DecodeResult.Truncated;
        const len = (v.getUint8(p + 1) + 2) * 4;
        next = v.getUint8(p);
        p += len;
      } else {
        return DecodeResult.NotTcp;
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

  /** The jumbo payload length (option 0xC2) in a hop-by-hop header's options, or -1. */
  private jumboLength(p: number, end: number): number {
    const v = this.view;
    while (p < end) {
      const type = v.getUint8(p);
      if (type === 0) {
        p += 1;
        continue;
      }
      if (p + 2 > end) break;
      const len = v.getUint8(p + 1);
      if (type === 0xc2 && len === 4 && p + 6 <= end) return v.getUint32(p + 2);
      p += 2 + len;
    }
    return -1;
  }
}
