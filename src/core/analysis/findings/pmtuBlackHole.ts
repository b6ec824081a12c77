/** `pmtu_black_hole`: large segments retransmitted again and again (RFC 2923 §2.1). */
import { TcpFlag } from '../../decode/segment';
import { type Flow, indexOfFrame } from '../../flows/flow';
import type { AnalysisColumns } from '../columns';
import { Flag } from '../flags';
import { side } from './common';
import { fittingPayload, quotedSegment } from './icmp';
import type { Finding } from './index';

/** Segments up to this long fit every IPv4 path (576-byte datagrams, RFC 879) and every IPv6 path (1280 bytes, RFC 8200 §5). */
const ALWAYS_FITS = { 4: 536, 6: 1220 } as const;
const RETRANSMITTED = Flag.RETRANSMISSION | Flag.FAST_RETRANSMISSION;
/** Sends of one segment closer than this are one packet captured twice, not a retransmission timer firing. */
const MIN_RESEND_GAP = 0.01;

/**
 * A path-MTU black hole (RFC 2923 §2.1): a large segment sent again and again, never acknowledged,
 * while smaller ones get through; or segments still too large for the MTU an ICMP error reported,
 * retransmitted after it. At most one finding per direction.
 */
export function pmtuBlackHoleFindings(flow: Flow, out: AnalysisColumns): Finding[] {
  const found: Finding[] = [];
  if (!(out.seenFlags & RETRANSMITTED)) return found; // both signs need retransmissions: a clean flow is not scanned
  for (const d of [0, 1] as const) {
    const finding = afterIcmpError(flow, out, d) ?? repeatedLargeSegment(flow, out, d);
    if (finding) found.push(finding);
  }
  return found;
}

/** Retransmissions in direction `d` from packet `from` on, longer than `minLen`, each at least MIN_RESEND_GAP after the previous send kept (`last`: seconds). */
function spacedRetransmissions(flow: Flow, out: AnalysisColumns, d: 0 | 1, from: number, minLen: number, last: number, seq?: number): number[] {
  const p = flow.packets;
  const kept: number[] = [];
  for (let i = from; i < p.length; i++) {
    if (p.dir[i] !== d || p.len[i] <= minLen || !(out.flags[i] & RETRANSMITTED) || (seq !== undefined && p.seq[i] !== seq)) continue;
    if (p.time[i] - last < MIN_RESEND_GAP) continue;
    kept.push(i);
    last = p.time[i];
  }
  return kept;
}

/** Segments retransmitted after a 'fragmentation needed' / 'packet too big' that still do not fit its MTU. */
function afterIcmpError(flow: Flow, out: AnalysisColumns, d: 0 | 1): Finding | undefined {
  const p = flow.packets;
  for (const e of flow.icmpErrors) {
    const fits = e.dir === d ? fittingPayload(flow, e, quotedSegment(flow, e)) : null;
    if (fits === null) continue;
    let from = indexOfFrame(flow, e.frame);
    if (from < p.length && p.frame[from] < e.frame) from++;
    const resent = spacedRetransmissions(flow, out, d, from, fits, -Infinity);
    if (resent.length < 2) continue;
    const frames = resent.map((i) => p.frame[i]);
    return {
      kind: 'pmtu_black_hole',
      flow: flow.id,
      time: p.time[resent[0]],
      frames: [e.frame, ...frames],
      severity: 'error',
      message: `${e.reporter} reported a next-hop MTU of ${e.mtu} at frame ${e.frame}, yet ${side(flow, d)} kept retransmitting segments of more than ${fits} bytes (frames ${frames.join(', ')}): the error does not reach its TCP or is ignored — a path-MTU black hole (RFC 2923 §2.1).`,
    };
  }
  return undefined;
}

/** The first large segment retransmitted twice or more, unacknowledged meanwhile, while every segment that got through (sent once, acknowledged) was smaller. */
function repeatedLargeSegment(flow: Flow, out: AnalysisColumns, d: 0 | 1): Finding | undefined {
  const p = flow.packets;
  const large = ALWAYS_FITS[flow.ipVersion];
  const resentSeqs = new Set<number>();
  let acked = -1;
  for (let i = 0; i < p.length; i++) {
    if (p.dir[i] !== d && p.tcpFlags[i] & TcpFlag.ACK && (acked < 0 || ((p.ack[i] - acked) | 0) > 0)) acked = p.ack[i];
    if (p.dir[i] === d && p.len[i] > 0 && out.flags[i] & RETRANSMITTED) resentSeqs.add(p.seq[i]);
  }
  let through = 0;
  for (let i = 0; i < p.length; i++) {
    if (p.dir[i] !== d || p.len[i] === 0 || resentSeqs.has(p.seq[i])) continue;
    if (acked >= 0 && ((acked - ((p.seq[i] + p.len[i]) >>> 0)) | 0) >= 0) through = Math.max(through, p.len[i]);
  }
  if (through === 0) return undefined;
  // Candidates: the first retransmission of each segment larger than any that got through (few, if any).
  const candidates = new Map<number, number>();
  for (let i = 0; i < p.length && candidates.size < 16; i++) {
    if (p.dir[i] === d && p.len[i] > Math.max(large, through) && out.flags[i] & RETRANSMITTED && !candidates.has(p.seq[i])) candidates.set(p.seq[i], i);
  }
  for (const [seq, retransmission] of candidates) {
    let original = retransmission - 1;
    while (original >= 0 && !(p.dir[original] === d && p.seq[original] === seq && p.len[original] > 0)) original--;
    if (original < 0 || p.len[original] !== p.len[retransmission]) continue;
    const resent = spacedRetransmissions(flow, out, d, original + 1, p.len[original] - 1, p.time[original], seq).filter((i) => p.len[i] === p.len[original]);
    if (resent.length < 2 || ackedBetween(flow, d, (seq + p.len[original]) >>> 0, original, resent[resent.length - 1])) continue;
    const frames = [original, ...resent].map((i) => p.frame[i]);
    return {
      kind: 'pmtu_black_hole',
      flow: flow.id,
      time: p.time[resent[0]],
      frames,
      severity: 'error',
      message: `${side(flow, d)} sent the ${p.len[original]}-byte segment at seq ${(seq - flow.baseSeq[d]) >>> 0} ${frames.length} times (frames ${frames.join(', ')}) while segments of up to ${through} bytes got through: a path-MTU black hole — a link drops packets this large and the ICMP error that should say so never reaches the sender (RFC 2923 §2.1). Clamp the MSS, lower the MTU, or enable packetization-layer PMTU discovery (RFC 4821).`,
    };
  }
  return undefined;
}

/** Whether the peer acknowledged up to `end` between packets `from` and `to`. */
function ackedBetween(flow: Flow, d: 0 | 1, end: number, from: number, to: number): boolean {
  const p = flow.packets;
  for (let i = from; i < to; i++) if (p.dir[i] !== d && p.tcpFlags[i] & TcpFlag.ACK && ((p.ack[i] - end) | 0) >= 0) return true;
  return false;
}
