import { DecodeResult, MAX_SACK_BLOCKS, TcpOpt, type TcpSegment } from './segment';

const OPT_EOL = 0;
const OPT_NOP = 1;
const OPT_MSS = 2;
const OPT_WSCALE = 3;
const OPT_SACK_PERM = 4;
const OPT_SACK = 5;
const OPT_TIMESTAMP = 8;


/**
 * Decode the TCP header at `pos` (RFC 9293 §3.1) and its options. `segmentLen` is the TCP length the
 * IP header reports; `end` is where the captured bytes stop. A header or options cut by the
 * snapshot length are decoded as far as they go and flagged TRUNCATED.
 */
export function decodeTcp(v: DataView, pos: number, end: number, segmentLen: number, seg: TcpSegment): DecodeResult {
  if (end - pos < 20) return DecodeResult.Truncated;
  seg.tcpOffset = pos;
  seg.srcPort = v.getUint16(pos);
  seg.dstPort = v.getUint16(pos + 2);
  seg.seq = v.getUint32(pos + 4);
  seg.ack = v.getUint32(pos + 8);
  const offsetByte = v.getUint8(pos + 12);
  seg.flags = v.getUint8(pos + 13) | ((offsetByte & 0x0f) << 8); // 12 bits: AE/NS and reserved too
  seg.window = v.getUint16(pos + 14);
  seg.options = 0;
  seg.sackCount = 0;
  const headerLen = (offsetByte >> 4) * 4;
  seg.headerLen = headerLen;
  if (headerLen < 20) {
    // Bogus data offset: the fixed header is still meaningful, the length of the payload is not.
    seg.options = TcpOpt.MALFORMED;
    seg.payloadLen = 0;
    return DecodeResult.Tcp;
  }
  seg.payloadLen = Math.max(0, segmentLen - headerLen);
  if (segmentLen < headerLen) seg.options |= TcpOpt.MALFORMED;
  const optEnd = pos + headerLen;
  if (optEnd > end) seg.options |= TcpOpt.TRUNCATED;
  parseOptions(v, pos + 20, Math.min(optEnd, end), seg);
  return DecodeResult.Tcp;
}

function parseOptions(v: DataView, p: number, end: number, seg: TcpSegment): void {
  while (p < end) {
    const kind = v.getUint8(p);
    if (kind === OPT_EOL) return;
    if (kind === OPT_NOP) {
      p++;
      continue;
    }
    if (p + 2 > end) {
      seg.options |= TcpOpt.TRUNCATED;
      return;
    }
    const len = v.getUint8(p + 1);
    if (len < 2) {
      seg.options |= TcpOpt.MALFORMED;
      return;
    }
    if (p + len > end) {
      seg.options |= TcpOpt.TRUNCATED;
      return;
    }
    switch (kind) {
      case OPT_MSS:
        if (len === 4) {
          seg.mss = v.getUint16(p + 2);
          seg.options |= TcpOpt.MSS;
        }
        break;
      case OPT_WSCALE:
        if (len === 3) {
          seg.windowScale = v.getUint8(p + 2); // raw shift; RFC 7323 §2.3 caps its use at 14
          seg.options |= TcpOpt.WSCALE;
        }
        break;
      case OPT_SACK_PERM:
        seg.options |= TcpOpt.SACK_PERM;
        break;
      case OPT_SACK: {
        const blocks = Math.min((len - 2) >> 3, MAX_SACK_BLOCKS);
        for (let i = 0; i < blocks; i++) {
          seg.sack[2 * i] = v.getUint32(p + 2 + 8 * i);
          seg.sack[2 * i + 1] = v.getUint32(p + 6 + 8 * i);
        }
        seg.sackCount = blocks;
        if (blocks > 0) seg.options |= TcpOpt.SACK;
        break;
      }
      case OPT_TIMESTAMP:
        if (len === 10) {
          seg.tsVal = v.getUint32(p + 2);
          seg.tsEcr = v.getUint32(p + 6);
          seg.options |= TcpOpt.TIMESTAMP;
        }
        break;
      default:
        break;
    }
    p += len;
  }
}
