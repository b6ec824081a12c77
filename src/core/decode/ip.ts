/**
 * The IP layer: IPv4 and IPv6 (with its extension headers) out of the capture buffer into the
 * reused `TcpSegment`, and what IP carries besides TCP — IP-in-IP, GRE and UDP tunnels (tunnels.ts),
 * AH, IPComp, ICMP errors — with fragments of those reassembled (reassembly.ts). The link layer
 * (decoder.ts) extends this class and supplies `follow`, which goes back into a tunnel's payload.
 */
import { decodeIcmpError, IcmpQuote } from './icmp';
import * as minor from './minorLinks';
import { Reassembler } from './reassembly';
import { IpProto } from './ipProto';
import { DecodeResult, TcpSegment } from './segment';
import { decodeTcp } from './tcp';
import { Carried, Encap, gre, inflateIpcomp, udpTunnel } from './tunnels';

/** IP protocols the decoder looks into besides TCP: tunnels, IPComp, AH, ICMP errors. */
const FOLLOWED = new Uint8Array(256);
for (const p of [IpProto.ICMP, IpProto.IPIP, IpProto.UDP, IpProto.IPV6, IpProto.GRE, IpProto.AH, IpProto.ICMPV6, IpProto.COMP]) FOLLOWED[p] = 1;

/** Encapsulations within one packet beyond which it is called malformed (a loop of tunnels in a fuzzed file). */
export const MAX_NESTING = 16;

/** The segment's IP version and its source and destination addresses (4 or 16 bytes at `srcAt` and `dstAt`). */
function setAddresses(seg: TcpSegment, v: DataView, version: 4 | 6, srcAt: number, dstAt: number): void {
  seg.ipVersion = version;
  const len = version === 4 ? 4 : 16;
  for (let i = 0; i < len; i++) {
    seg.src[i] = v.getUint8(srcAt + i);
    seg.dst[i] = v.getUint8(dstAt + i);
  }
}

/** State shared by the IP and link layers of one decoder, and the IP layer itself. */
export abstract class IpDecoder {
  readonly segment = new TcpSegment();
  /** Set when `decode` returns IcmpError. */
  readonly icmp = new IcmpQuote();
  protected view: DataView = new DataView(new ArrayBuffer(0));
  protected bytes: Uint8Array = new Uint8Array(0);
  /** Where the packet ends on the wire, less a trailing FCS; narrowed by the length fields of the headers around. */
  protected wireEnd = 0;
  protected readonly carry = new Carried();
  private readonly fragments = new Reassembler();
  protected nesting = 0;
  /** True while decoding a reassembled or inflated datagram (no reassembly nested in it). */
  private inDatagram = false;

  /** Go into what the header just parsed (`carry`) says follows: the link layer's dispatch. */
  protected abstract follow(end: number): DecodeResult;

  /** Bound what follows to `limit` (a length field of the header around it), as tshark bounds its buffer; returns the new end. */
  protected narrow(end: number, limit: number): number {
    if (limit < this.wireEnd) this.wireEnd = limit;
    return Math.min(end, limit);
  }

  protected ipv4(pos: number, end: number): DecodeResult {
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
    setAddresses(seg, v, 4, pos + 12, pos + 16);
    if (protocol !== IpProto.TCP) return this.ipv4Carried(protocol, pos, ihl, totalLen, fragment, end);
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
      case IpProto.TCP:
        return decodeTcp(v, pos, end, payloadEnd - pos, seg);
      case IpProto.IPIP:
        seg.encapsulation |= outer === 4 ? Encap.IPV4_IN_IPV4 : Encap.IPV4_IN_IPV6;
        return this.ipv4(pos, end);
      case IpProto.IPV6:
        seg.encapsulation |= outer === 4 ? Encap.IPV6_IN_IPV4 : Encap.IPV6_IN_IPV6;
        return this.ipv6(pos, end);
      case IpProto.GRE:
        this.carry.end = -1;
        return gre(v, pos, end, this.carry) ?? this.follow(end);
      case IpProto.UDP:
        this.carry.end = -1;
        return udpTunnel(v, pos, end, this.carry) ?? this.follow(end);
      case IpProto.AH:
        if (end - pos < 8) return DecodeResult.Truncated;
        return this.ipPayload(v.getUint8(pos), outer, pos + (v.getUint8(pos + 1) + 2) * 4, end, payloadEnd);
      case IpProto.HOPOPTS:
      case IpProto.ROUTING:
      case IpProto.DSTOPTS:
        if (outer === 4) return DecodeResult.NotTcp;
        if (end - pos < 8) return DecodeResult.Truncated;
        return this.ipPayload(v.getUint8(pos), outer, pos + (v.getUint8(pos + 1) + 1) * 8, end, payloadEnd);
      case IpProto.COMP:
        return this.ipcomp(outer, pos, end, payloadEnd);
      case IpProto.ICMP:
      case IpProto.ICMPV6:
        if ((protocol === IpProto.ICMP) !== (outer === 4)) return DecodeResult.NotTcp;
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

  protected ipv6(pos: number, end: number): DecodeResult {
    const v = this.view;
    if (end - pos < 40) return DecodeResult.Truncated;
    if (v.getUint8(pos) >> 4 !== 6) return DecodeResult.Malformed;
    let payloadLen = v.getUint16(pos + 4);
    let next = v.getUint8(pos + 6);
    const seg = this.segment;
    setAddresses(seg, v, 6, pos + 8, pos + 24);
    let p = pos + 40;
    const payloadStart = p;
    let jumbo = -1;
    while (next !== IpProto.TCP) {
      if (next === IpProto.HOPOPTS || next === IpProto.ROUTING || next === IpProto.DSTOPTS || next === IpProto.MOBILITY) {
        if (end - p < 8) return DecodeResult.Truncated;
        const len = (v.getUint8(p + 1) + 1) * 8;
        if (end - p < len) return DecodeResult.Truncated;
        if (next === IpProto.HOPOPTS) jumbo = minor.jumboLength(v, p + 2, p + len);
        next = v.getUint8(p);
        p += len;
      } else if (next === IpProto.FRAGMENT) {
        if (end - p < 8) return DecodeResult.Truncated;
        next = v.getUint8(p);
        if (next !== IpProto.TCP) return this.ipv6Fragment(pos, p, end, this.ipv6PayloadEnd(payloadStart, payloadLen, jumbo));
        // A fragmented TCP segment is read from its first fragment, not reassembled.
        if ((v.getUint16(p + 2) & 0xfff8) !== 0) return DecodeResult.Fragment;
        p += 8;
      } else if (next === IpProto.AH) {
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
