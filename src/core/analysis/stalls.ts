import { TcpFlag } from '../decode/segment';
import type { Flow } from '../flows/flow';
import type { AnalysisColumns } from './columns';
import { Flag } from './flags';
import { effectiveSegmentSize, reopenThreshold, SegmentScan, type SegmentSize } from './segmentSize';

/** How a stall episode ended. */
export type StallEnd = 'window_update' | 'probe_reply' | 'ack_with_data' | 'rst' | 'fin' | 'capture_end';

/** The receiver owed the sender a window update it never sent by itself. */
export interface OwedUpdate {
  /** Seconds charged as owed. */
  seconds: number;
  confidence: 'high' | 'medium' | 'low';
  /** One sentence, and the frames that show it. */
  evidence: string;
  frames: number[];
}

/** An interval during which a receiver advertised less than one segment of the sender's while the sender had data waiting. */
export interface StallEpisode {
  /** Side whose window closed (0 = a, 1 = b). */
  receiver: 0 | 1;
  start: number;
  end: number;
  startFrame: number;
  endFrame: number;
  duration: number;
  /** Window (bytes) of the advertisement that started it: 0, or a sub-segment window. */
  startWindow: number;
  /** Persist probes the sender sent during the episode (any style), with their frames. */
  probes: number;
  probeFrames: number[];
  endedBy: StallEnd;
  /** Window (bytes) advertised by the packet that ended the episode; null when it did not reopen. */
  reopenedWindow: number | null;
  /** Bytes the sender had sent but the receiver not yet acknowledged when the window closed. */
  outstanding: number;
  /** What the sender can put in one segment towards this receiver (segmentSize.ts): not "the MSS" of either side. */
  segment: SegmentSize;
  /** The window that counts as open: min(segment size, half the largest window this receiver advertised). */
  threshold: number;
  owed: OwedUpdate | null;
}

/** Timing of replies: what counts as "the receiver answered that probe". */
export interface ReplyTiming {
  /** Round-trip time estimate of the flow in seconds. */
  rtt: number;
}

const DEFAULT_RTT = 0.01;

/** A flow's RTT: the initial RTT, else the smallest ACK RTT seen, else 10 ms. `scan` keeps the smallest so far for a growing flow. */
export function flowRtt(out: AnalysisColumns, initialRtt: number | null, scan = new RttScan()): number {
  if (initialRtt && initialRtt > 0) return initialRtt;
  let best = scan.seen <= out.length ? scan.best : Infinity;
  for (let i = scan.seen <= out.length ? scan.seen : 0; i < out.length; i++) {
    if (out.ackedBack[i] === 0) continue;
    const rtt = out.ackRtt(i);
    if (rtt > 0 && rtt < best) best = rtt;
  }
  scan.seen = out.length;
  scan.best = best;
  return best === Infinity ? DEFAULT_RTT : best;
}

/** The smallest ACK RTT over the first `seen` packets (passCache.ts). */
export class RttScan {
  seen = 0;
  best = Infinity;
}

interface Open {
  startIndex: number;
  startWindow: number;
  probes: number[];
  outstanding: number;
  lastAck: number;
  /** The right edge (ack + window) of the latest advertisement. */
  edge: number;
  /** The sender is known to have had data waiting; until then the episode is only a candidate. */
  blocked: boolean;
}

/**
 * Where a receiver's stall scan can go on from at the next refresh (passCache.ts): the last packet
 * before which no episode was open and nothing after it had been decided by looking ahead (an
 * episode that the sender's next packet may end, one closed by the end of the capture), with the
 * sender's state there and the episodes finished before it. Valid for the `key` it was found with.
 */
export class StallResume {
  key = '';
  at = 0;
  senderNext = 0;
  haveSender = false;
  episodes: StallEpisode[] = [];
}

/** What a resumable scan is given: the receiver's running aggregates and checkpoint, and how its windows are read. */
export interface StallPasses {
  scan: SegmentScan;
  resume: StallResume;
  windowKey: string;
}

/** A sender that had data waiting answers a reopened window at once; allow for a loaded host beyond four RTTs. */
const WAITING_SENDER_FLOOR = 0.005;

/**
 * Stall episodes of one receiver (RFC 1122 4.2.3.3 / 4.2.2.17): an episode starts at the first
 * advertisement below one segment (see `reopenThreshold`), zero or not, while the sender has data
 * waiting, and ends at the first advertisement of at least that, or at RST, FIN or the end of the
 * capture. Data waiting shows as: the sender already sent up to that right edge (a zero window always
 * qualifies); or, with room left that is smaller than a segment, it sends nothing until a persist
 * probe or a segment ending exactly at the edge (Linux sends one window-sized segment when its
 * persist timer fires), or until new data right after the window reopens. Persist probes of any style are counted.
 * `windowBytes(i)` is the window packet `i` advertises, in bytes.
 */
export function findStalls(
  flow: Flow,
  out: AnalysisColumns,
  receiver: 0 | 1,
  windowBytes: (i: number) => number,
  timing: ReplyTiming,
  passes: StallPasses = { scan: new SegmentScan(), resume: new StallResume(), windowKey: '' },
): StallEpisode[] {
  const p = flow.packets;
  const segment = effectiveSegmentSize(flow, receiver, windowBytes, passes.scan);
  const threshold = reopenThreshold(flow, receiver, segment.bytes, windowBytes, passes.scan);
  // Everything the scan's decisions depend on besides the packets: the checkpoint holds only while they stay.
  const key = `${JSON.stringify(segment)} ${threshold} ${timing.rtt} ${passes.windowKey}`;
  const resume = passes.resume;
  const goOn = resume.key === key && resume.at <= p.length;
  const episodes: StallEpisode[] = goOn ? resume.episodes.slice() : [];
  let open: Open | undefined;
  let senderNext = goOn ? resume.senderNext : 0;
  let haveSender = goOn ? resume.haveSender : false;
  let lookedPastEnd = false; // a decision waits for packets not yet here: no checkpoint after it
  let ckAt = goOn ? resume.at : 0;
  let ckNext = senderNext;
  let ckHave = haveSender;
  let ckCount = episodes.length;
  for (let i = goOn ? resume.at : 0; i < p.length; i++) {
    if (!open && !lookedPastEnd) {
      ckAt = i;
      ckNext = senderNext;
      ckHave = haveSender;
      ckCount = episodes.length;
    }
    const flags = p.tcpFlags[i];
    if (p.dir[i] !== receiver) {
      const end = (p.seq[i] + p.len[i]) >>> 0;
      const advances = !haveSender || ((end - senderNext) | 0) > 0;
      if (advances) senderNext = end;
      haveSender = true;
      if (!open) continue;
      const data = p.len[i] > 0 && !(flags & TcpFlag.SYN);
      if (!open.blocked) {
        // Room below one segment: a probe, or data exactly up to the edge (Linux's window-sized probe), shows the sender was
        // waiting; new data that stops short of the edge shows it was not, and data beyond it ignored the window.
        if (out.flags[i] & Flag.PERSIST_PROBE || (data && end === open.edge)) open.blocked = true;
        else if (data && advances) open = undefined;
        if (!open?.blocked) {
          if (flags & (TcpFlag.RST | TcpFlag.FIN)) open = undefined;
          continue;
        }
      }
      // Anything the blocked sender sends now probes the window: Linux's zero-length segment at SND.UNA − 1,
      // a BSD/Windows byte, or a partial segment into a sub-MSS window when its persist timer fires.
      if (out.flags[i] & Flag.PERSIST_PROBE || data) open.probes.push(i);
      if (flags & (TcpFlag.RST | TcpFlag.FIN)) close(i, flags & TcpFlag.RST ? 'rst' : 'fin', null);
      continue;
    }
    if (flags & TcpFlag.SYN) continue; // SYN windows say nothing about a stall
    const win = windowBytes(i);
    if (flags & TcpFlag.RST) {
      if (open?.blocked) close(i, 'rst', null);
      open = undefined;
      continue;
    }
    const edge = (p.ack[i] + win) >>> 0;
    if (!open) {
      if (win < threshold && flags & TcpFlag.ACK && haveSender) {
        open = {
          startIndex: i,
          startWindow: win,
          probes: [],
          outstanding: Math.max(0, (senderNext - p.ack[i]) | 0),
          lastAck: p.ack[i],
          edge,
          blocked: ((senderNext - edge) | 0) >= 0,
        };
      }
      continue;
    }
    if (win >= threshold) {
      if (open.blocked || sentAtOnce(i)) close(i, endedBy(i), win);
      open = undefined;
    } else {
      open.lastAck = p.ack[i];
      open.edge = edge;
      if (((senderNext - edge) | 0) >= 0) open.blocked = true;
      if (flags & TcpFlag.FIN) {
        if (open.blocked) close(i, 'fin', null);
        open = undefined;
      }
    }
  }
  if (!open && !lookedPastEnd) {
    ckAt = p.length;
    ckNext = senderNext;
    ckHave = haveSender;
    ckCount = episodes.length;
  }
  if (open?.blocked) close(p.length - 1, 'capture_end', null);
  resume.key = key;
  resume.at = ckAt;
  resume.senderNext = ckNext;
  resume.haveSender = ckHave;
  resume.episodes = episodes.slice(0, ckCount);
  // Copies: the analysis charges owed time to its episodes (queueOwed.ts, engineView.ts), the checkpoint's stay as found.
  return episodes.map((e) => ({ ...e }));

  /** Whether the sender's next packet after the reopening `i` is new data, before the receiver speaks again and without delay: it was waiting. */
  function sentAtOnce(i: number): boolean {
    for (let j = i + 1; j < p.length; j++) {
      if (p.dir[j] === receiver) return false;
      if (p.len[j] === 0) continue;
      return ((p.seq[j] + p.len[j] - senderNext) | 0) > 0 && p.time[j] - p.time[i] <= Math.max(mediumReply(timing.rtt), WAITING_SENDER_FLOOR);
    }
    lookedPastEnd = true;
    return false;
  }

  function endedBy(i: number): StallEnd {
    if (p.tcpFlags[i] & TcpFlag.FIN) return 'fin';
    if (replyTo(i) >= 0) return 'probe_reply';
    if (p.len[i] > 0 || p.ack[i] !== open!.lastAck) return 'ack_with_data';
    return 'window_update';
  }

  /** The probe this receiver packet answers: the sender's last packet was a persist probe, shortly before. */
  function replyTo(i: number): number {
    const probes = open!.probes;
    if (probes.length === 0) return -1;
    const k = probes[probes.length - 1];
    for (let j = k + 1; j < i; j++) if (p.dir[j] === receiver) return -1; // answered already
    return p.time[i] - p.time[k] <= mediumReply(timing.rtt) ? k : -1;
  }

  function close(i: number, how: StallEnd, reopened: number | null): void {
    const o = open!;
    open = undefined;
    const s = o.startIndex;
    const episode: StallEpisode = {
      receiver,
      start: p.time[s],
      end: p.time[i],
      startFrame: p.frame[s],
      endFrame: p.frame[i],
      duration: nsBetween(p, i, s) / 1e9, // exact: a 200 ms stall is 0.2, not 0.19999999999999998
      startWindow: o.startWindow,
      probes: o.probes.length,
      probeFrames: o.probes.map((k) => p.frame[k]),
      endedBy: how,
      reopenedWindow: reopened,
      outstanding: o.outstanding,
      segment,
      threshold,
      owed: null,
    };
    if (how === 'probe_reply') episode.owed = owedFromProbeReply(episode, o.probes[o.probes.length - 1], i);
    episodes.push(episode);
  }

  function owedFromProbeReply(e: StallEpisode, probe: number, reply: number): OwedUpdate {
    const lag = nsBetween(p, reply, probe) / 1e9;
    const confidence = lag <= tightReply(timing.rtt) ? 'high' : 'medium';
    return {
      seconds: e.duration,
      confidence,
      evidence:
        `the window reopened to ${e.reopenedWindow} bytes only in the reply (frame ${p.frame[reply]}, ${(lag * 1000).toFixed(1)} ms later) ` +
        `to the sender's persist probe (frame ${p.frame[probe]}), ${e.duration.toFixed(3)} s after it closed; the receiver never announced the reopening by itself`,
      frames: [e.startFrame, ...e.probeFrames, e.endFrame],
    };
  }
}

/**
 * A receiver answers a probe at once (RFC 9293 §3.10.7.4: an unacceptable segment gets an ACK), so its
 * reply follows within about one RTT wherever the capture was taken. Within two RTTs it is certainly
 * the answer; within four, probably. Later, the reopening has another cause (the application read),
 * e.g. Linux rate-limits those replies (tcp_invalid_ratelimit) and updates on the read instead.
 */
function tightReply(rtt: number): number {
  return Math.max(2 * rtt, 0.0001);
}
function mediumReply(rtt: number): number {
  return Math.max(4 * rtt, 0.00025);
}

/** Exact nanoseconds from packet `j` to packet `i`. */
function nsBetween(p: Flow['packets'], i: number, j: number): number {
  return p.nsBetween(i, j);
}
