/**
 * Less common link layers: where the next layer starts. Each function returns undefined when it
 * found the next layer (then read `inner` at once: it is reused), or why there is none.
 */
import { DecodeResult } from './segment';

/** The next layer: its offset, end, and EtherType (FDDI) or link type (PPI). */
export const inner = { pos: 0, end: 0, type: 0 };

/** Where an FDDI frame's LLC/SNAP header may start: some BSDs pad the 13-byte header by 3 bytes. */
const FDDI_LLC_OFFSETS = [13, 16] as const;

/** FDDI: frame control + two addresses, then 802.2 LLC/SNAP carrying an EtherType. */
export function fddi(v: DataView, start: number, end: number): DecodeResult | undefined {
  for (const offset of FDDI_LLC_OFFSETS) {
    const llc = start + offset;
    if (end - llc < 8) continue;
    if (v.getUint8(llc) === 0xaa && v.getUint8(llc + 1) === 0xaa && v.getUint8(llc + 2) === 0x03) {
      inner.type = v.getUint16(llc + 6);
      inner.pos = llc + 8;
      inner.end = end;
      return undefined;
    }
  }
  return end - start < 21 ? DecodeResult.Truncated : DecodeResult.NotIp;
}

/** Linux NFLOG: a 4-byte header, then TLVs in host byte order; type 9 (NFULA_PAYLOAD) holds the IP packet. */
export function nflog(v: DataView, start: number, end: number): DecodeResult | undefined {
  if (end - start < 4) return DecodeResult.Truncated;
  let p = start + 4;
  while (end - p >= 4) {
    // Host byte order: try little-endian, and big-endian when that makes no sense.
    let len = v.getUint16(p, true);
    let type = v.getUint16(p + 2, true);
    if (len < 4 || p + len > end) {
      len = v.getUint16(p);
      type = v.getUint16(p + 2);
    }
    if (len < 4) return DecodeResult.Malformed;
    if ((type & 0x7fff) === 9) {
      inner.pos = p + 4;
      inner.end = Math.min(end, p + len);
      return undefined;
    }
    p += (len + 3) & ~3;
  }
  return DecodeResult.NotIp;
}

/** Per-Packet Information header: its length and the link type of what follows. */
export function ppi(v: DataView, start: number, end: number, ownLinkType: number): DecodeResult | undefined {
  if (end - start < 8) return DecodeResult.Truncated;
  const len = v.getUint16(start + 2, true);
  const linkType = v.getUint32(start + 4, true);
  if (len < 8 || start + len > end || linkType === ownLinkType) return DecodeResult.Malformed;
  inner.type = linkType;
  inner.pos = start + len;
  inner.end = end;
  return undefined;
}

/** Linux ARCNET: source, destination, offset, then the RFC 1201 protocol id, split flag and sequence. */
export function arcnet(v: DataView, start: number, end: number): DecodeResult | undefined {
  if (end - start < 8) return DecodeResult.Truncated;
  if (v.getUint8(start + 4) !== 0xd4) return DecodeResult.NotIp; // 212 = IPv4 over RFC 1201
  // An exception packet (split flag 0xff) repeats the protocol id and flag after 4 filler bytes.
  inner.pos = v.getUint8(start + 5) === 0xff ? start + 12 : start + 8;
  inner.end = end;
  return undefined;
}

/** The jumbo payload length (RFC 2675 option 0xC2) in a hop-by-hop header's options, or -1. */
export function jumboLength(v: DataView, p: number, end: number): number {
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
