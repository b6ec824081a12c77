import { TcpFlag, TcpOpt } from '../decode/segment';
import type { Flow } from '../flows/flow';
import type { AnalysisColumns } from './columns';
import { Flag } from './flags';
import type { RecvQSeries } from './recvq';
import type { StallEpisode } from './stalls';

export type FindingKind = 'window_update_owed' | 'stall' | 'out_of_window' | 'scaled_syn_window' | 'window_closed_empty_queue';

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
