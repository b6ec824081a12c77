import { TcpFlag, TcpOpt } from '../decode/segment';
import type { Flow, IcmpErrorRecord } from '../flows/flow';
import type { AnalysisColumns } from './columns';
import { Flag } from './flags';
import type { RecvQSeries } from './recvq';
import type { StallEpisode } from './stalls';

export type FindingKind =
  | 'window_update_owed'
  | 'stall'
  | 'out_of_window'
  | 'scaled_syn_window'
  | 'window_closed_empty_queue'
  | 'icmp_error'
  | 'pmtu_black_hole'
  | 'segment_dropped';

/** What an ICMP or ICMPv6 error said, on `icmp_error` findings. */
export interface IcmpDetails {
  version: 4 | 6;
  type: number;
  code: number;
  /** Next-hop MTU ('fragmentation needed', 'packet too big'), or null when the error carries none. */
  mtu: number | null;
  /** The router or host that sent it. */
  from: string;
  /** The frame that sent the quoted segment, or null when it is not in the capture. */
  segmentFrame: number | null;
}

/** Something worth a line in a bug report, with the packets that show it. */
export interface Finding {
  kind: FindingKind;
  flow: number;
  /** Seconds since the capture's first packet. */
  time: number;
  frames: number[];
  severity: 'error' | 'warning' | 'info';
  /** One sentence a user can paste into a bug report. */
  message: string;
  /** On `icmp_error` findings: what the error said. */
  icmp?: IcmpDetails;
}

const side = (flow: Flow, s: 0 | 1) => (s === 0 ? flow.a : flow.b);
const ms = (seconds: number) => `${(seconds * 1000).toFixed(0)} ms`;

function details(e: StallEpisode): string {
  const probes = e.probes === 1 ? '1 persist probe' : `${e.probes} persist probes`;
  return e.outstanding > 0 ? `${e.outstanding} bytes unacknowledged, ${probes}` : probes;
}

/** A stall of at least this long is a warning, shorter ones are information. */
const LONG_STALL = 0.2;

export function stallFindings(flow: Flow, stalls: readonly StallEpisode[]): Finding[] {
  const out: Finding[] = [];
  for (const e of stalls) {
    const who = side(flow, e.receiver);
    const ended = e.endedBy === 'capture_end' ? 'was still closed when the capture ended' : `ended by ${e.endedBy.replace('_', ' ')} at frame ${e.endFrame}`;
    out.push({
      kind: 'stall',
      flow: flow.id,
      time: e.start,
      frames: [e.startFrame, ...e.probeFrames, e.endFrame],
      severity: e.duration >= LONG_STALL ? 'warning' : 'info',
      message: `${who} advertised less than ${e.threshold} bytes of window from frame ${e.startFrame} for ${ms(e.duration)} while its peer had data waiting (${details(e)}); the stall ${ended}.`,
    });
    if (e.owed) {
      out.push({
        kind: 'window_update_owed',
        flow: flow.id,
        time: e.start,
        frames: e.owed.frames,
        severity: 'error',
        message: `Window update owed by ${who}: ${e.owed.evidence} — ${ms(e.owed.seconds)} lost (${e.owed.confidence} confidence).`,
      });
    }
  }
  return out;
}

/**
 * Data a receiver must drop as an unacceptable segment (RFC 9293 §3.10.7.4): beyond the right edge
 * it advertised (ack + window). Persist probes are sent into a closed window on purpose and are
 * reported as probes instead. Needs the receiver's window in bytes (known or inferred scale).
 */
export function outOfWindowFindings(flow: Flow, out: AnalysisColumns, windowBytes: [(i: number) => number, (i: number) => number], scaleKnown: [boolean, boolean]): Finding[] {
  const p = flow.packets;
  const found: Finding[] = [];
  const edge = [-1, -1];
  for (let i = 0; i < p.length; i++) {
    const d = p.dir[i];
    const flags = p.tcpFlags[i];
    if (!(flags & TcpFlag.SYN) && flags & TcpFlag.ACK) edge[d] = (p.ack[i] + windowBytes[d](i)) >>> 0;
    const receiver = 1 - d;
    if (p.len[i] === 0 || edge[receiver] < 0 || !scaleKnown[receiver] || flags & (TcpFlag.SYN | TcpFlag.RST)) continue;
    if (out.flags[i] & (Flag.PERSIST_PROBE | Flag.ZERO_WINDOW_PROBE | Flag.KEEP_ALIVE)) continue;
    const beyond = ((p.seq[i] + p.len[i]) >>> 0) - edge[receiver];
    if ((beyond | 0) <= 0) continue;
    found.push({
      kind: 'out_of_window',
      flow: flow.id,
      time: p.time[i],
      frames: [p.frame[i]],
      severity: 'warning',
      message: `Frame ${p.frame[i]} carries ${beyond | 0} bytes beyond the right edge ${side(flow, receiver as 0 | 1)} advertised (ack + window); a receiver must drop it as an unacceptable segment.`,
    });
  }
  return found;
}

/** Largest SYN window that looks like a scaled value when the option is present. */
const SCALED_LOOKING_WINDOW = 1024;

/**
 * A SYN or SYN-ACK whose window looks already scaled (RFC 7323 §2.2: the window in a SYN is never
 * scaled): tiny beside a window-scale option, or equal to the raw value the same side advertises
 * once scaling applies.
 */
export function scaledSynFindings(flow: Flow): Finding[] {
  const p = flow.packets;
  const found: Finding[] = [];
  for (const s of [0, 1] as const) {
    let syn = -1;
    let firstAfter = -1;
    for (let i = 0; i < p.length && firstAfter < 0; i++) {
      if (p.dir[i] !== s) continue;
      if (p.tcpFlags[i] & TcpFlag.SYN) {
        if (syn < 0) syn = i;
      } else if (syn >= 0 && p.tcpFlags[i] & TcpFlag.ACK) firstAfter = i;
    }
    if (syn < 0 || !(p.opts[syn] & TcpOpt.WSCALE)) continue;
    const shift = flow.optionShift(syn) ?? 0;
    const win = p.winRaw[syn];
    const tiny = shift > 0 && win <= SCALED_LOOKING_WINDOW;
    const sameRaw = shift > 0 && firstAfter >= 0 && p.winRaw[firstAfter] === win && win < 8192;
    if (!tiny && !sameRaw) continue;
    const kind = p.tcpFlags[syn] & TcpFlag.ACK ? 'SYN-ACK' : 'SYN';
    found.push({
      kind: 'scaled_syn_window',
      flow: flow.id,
      time: p.time[syn],
      frames: firstAfter >= 0 ? [p.frame[syn], p.frame[firstAfter]] : [p.frame[syn]],
      severity: 'warning',
      message: `The ${kind} from ${side(flow, s)} (frame ${p.frame[syn]}) advertises ${win} bytes next to a window-scale shift of ${shift}: it looks scaled (${win} << ${shift} = ${win * 2 ** shift}), but RFC 7323 §2.2 says windows in SYN segments are never scaled, so the peer may send only ${win} bytes until the next ACK.`,
    });
  }
  return found;
}

/** A run of segments this small (mean payload below MSS/8) fills buffers with per-segment overhead. */
const SMALL_SEGMENT_RUN = 32;

/**
 * A window closed although the queue holds little data: measured Recv-Q under a quarter of the
 * buffer, or (capture only) right after a run of tiny segments — the "read exactly n bytes"
 * deadlock, where per-segment memory accounting exhausts the buffer.
 */
export function emptyQueueFindings(flow: Flow, stalls: readonly StallEpisode[], measured: readonly (RecvQSeries | undefined)[]): Finding[] {
  const p = flow.packets;
  const found: Finding[] = [];
  for (const e of stalls) {
    const series = measured[e.receiver];
    let reason: string | undefined;
    if (series) {
      const k = nearestSample(series, e.start);
      const buffer = k >= 0 ? series.buffer[k] : NaN;
      const memory = k >= 0 ? series.memory[k] : NaN;
      // Where the sampler reports memory, the buffer must really be used up (the deadlock's signature);
      // an empty, idle socket closing its window at teardown is not this.
      const exhausted = !Number.isFinite(memory) || memory >= buffer / 2;
      if (Number.isFinite(buffer) && series.recvQ[k] < buffer / 4 && exhausted) {
        reason = `Recv-Q held only ${series.recvQ[k]} bytes of a ${buffer}-byte buffer`;
        if (Number.isFinite(memory)) reason += ` while the kernel had charged ${memory} bytes of buffer memory to them`;
      }
    } else {
      let n = 0;
      let bytes = 0;
      for (let i = indexOfFrame(flow, e.startFrame) - 1; i >= 0 && n < SMALL_SEGMENT_RUN; i--) {
        if (p.dir[i] === e.receiver || p.len[i] === 0) continue;
        n++;
        bytes += p.len[i];
      }
      if (n === SMALL_SEGMENT_RUN && bytes / n < e.mss / 8) reason = `the last ${n} segments before it carried ${(bytes / n).toFixed(0)} bytes on average (MSS ${e.mss})`;
    }
    if (!reason) continue;
    found.push({
      kind: 'window_closed_empty_queue',
      flow: flow.id,
      time: e.start,
      frames: [e.startFrame],
      severity: 'warning',
      message: `${side(flow, e.receiver)} closed its window at frame ${e.startFrame} although ${reason}: buffer memory is charged per segment, so tiny segments exhaust it — if the application waits for more bytes than arrived before it reads, the flow deadlocks.`,
    });
  }
  return found;
}

/** The sample taken closest to `t`, or -1 when none lies within 50 ms. */
function nearestSample(series: RecvQSeries, t: number): number {
  let best = -1;
  for (let k = 0; k < series.time.length; k++) {
    if (Math.abs(series.time[k] - t) > 0.05) continue;
    if (best < 0 || Math.abs(series.time[k] - t) < Math.abs(series.time[best] - t)) best = k;
  }
  return best;
}

function indexOfFrame(flow: Flow, frame: number): number {
  const f = flow.packets.frame;
  let lo = 0;
  let hi = flow.packets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (f[mid] < frame) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** RFC 792 / RFC 4443 names of the errors that quote a datagram, by version:type, and of their codes. */
const ICMP_ERRORS: Record<string, [string, string[]]> = {
  '4:3': ['destination unreachable', ['network unreachable', 'host unreachable', 'protocol unreachable', 'port unreachable', 'fragmentation needed', 'source route failed', 'destination network unknown', 'destination host unknown', 'source host isolated', 'network administratively prohibited', 'host administratively prohibited', 'network unreachable for TOS', 'host unreachable for TOS', 'communication administratively prohibited']],
  '4:4': ['source quench', []],
  '4:5': ['redirect', []],
  '4:11': ['time exceeded', ['TTL exceeded in transit', 'fragment reassembly time exceeded']],
  '4:12': ['parameter problem', []],
  '6:1': ['destination unreachable', ['no route to destination', 'communication administratively prohibited', 'beyond scope of source address', 'address unreachable', 'port unreachable', 'source address failed ingress/egress policy', 'reject route to destination']],
  '6:2': ['packet too big', []],
  '6:3': ['time exceeded', ['hop limit exceeded in transit', 'fragment reassembly time exceeded']],
  '6:4': ['parameter problem', []],
};

/** 'ICMP destination unreachable (fragmentation needed)', 'ICMPv6 packet too big'. */
function icmpName(e: IcmpErrorRecord): string {
  const [name, codes] = ICMP_ERRORS[`${e.version}:${e.type}`] ?? [`type ${e.type}`, []];
  const code = codes.length ? ` (${codes[e.code] ?? `code ${e.code}`})` : '';
  return `ICMP${e.version === 6 ? 'v6' : ''} ${name}${code}`;
}

/** 'fragmentation needed' or 'packet too big': the path MTU is smaller than the datagram (RFC 1191, RFC 8201). */
const isPmtuError = (e: IcmpErrorRecord) => (e.version === 4 ? e.type === 3 && e.code === 4 : e.type === 2);

/** The last packet before `frame` in direction `dir` with sequence number `seq`, or -1. */
function quotedSegment(flow: Flow, e: IcmpErrorRecord): number {
  const p = flow.packets;
  for (let i = indexOfFrame(flow, e.frame); i >= 0; i--) if (p.frame[i] < e.frame && p.dir[i] === e.dir && p.seq[i] === e.seq) return i;
  return -1;
}

/** Segment bytes that fit the error's MTU: the MTU less the quoted datagram's headers, or null when unknown. */
function fittingPayload(flow: Flow, e: IcmpErrorRecord, segment: number): number | null {
  if (e.mtu === null || segment < 0 || !isPmtuError(e)) return null;
  return Math.max(0, e.mtu - (e.datagramLength - flow.packets.len[segment]));
}

/** One finding per ICMP error that quotes a segment of the flow (RFC 792, RFC 4443). */
export function icmpFindings(flow: Flow): Finding[] {
  return flow.icmpErrors.map((e) => {
    const segment = quotedSegment(flow, e);
    const sender = side(flow, e.dir);
    const seq = (e.seq - flow.baseSeq[e.dir]) >>> 0;
    const which = segment >= 0 ? `the segment at seq ${seq} (frame ${flow.packets.frame[segment]})` : `a segment at seq ${seq} (not captured)`;
    const pmtu = isPmtuError(e);
    let message = `${icmpName(e)} from ${e.reporter} at frame ${e.frame} about ${which} from ${sender}`;
    if (pmtu) {
      const fits = fittingPayload(flow, e, segment);
      message = `${icmpName(e)} from ${e.reporter} at frame ${e.frame}: the ${e.datagramLength}-byte packet carrying ${which} from ${sender} does not fit the next hop's MTU of ${e.mtu ?? 'unknown size'}`;
      if (fits !== null) message += `; segments from ${sender} must carry at most ${fits} bytes`;
      message += e.version === 4 ? ' (RFC 1191 path MTU discovery).' : ' (RFC 8201 path MTU discovery).';
    } else {
      message += '.';
    }
    const unreachable = (e.version === 4 && e.type === 3) || (e.version === 6 && e.type === 1);
    return {
      kind: 'icmp_error',
      flow: flow.id,
      time: e.time,
      frames: segment >= 0 ? [e.frame, flow.packets.frame[segment]] : [e.frame],
      severity: pmtu ? 'warning' : unreachable ? 'error' : e.type === 11 || e.type === 3 ? 'warning' : 'info',
      message,
      icmp: { version: e.version, type: e.type, code: e.code, mtu: e.mtu, from: e.reporter, segmentFrame: segment >= 0 ? flow.packets.frame[segment] : null },
    };
  });
}

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
