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
    switch (rec.linkType) {
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
        return this.etherType(this.view.getUint16(start + 14), start + 16, end);
      case LinkType.LINUX_SLL2:
        if (end - start < 20) return DecodeResult.Truncated;
        return this.etherType(this.view.getUint16(start), start + 20, end);
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
