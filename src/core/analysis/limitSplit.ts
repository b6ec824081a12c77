/**
 * The limited-by split's per-packet passes (limitedBy.ts says what they mean), written so that a
 * growing flow's split goes on from a checkpoint (LimitResume, kept in passCache.ts) instead of the
 * first packet, with the same results: the per-packet rule (`classify`) and the send-buffer scan
 * (`sendBuffer`) run in one loop as a state machine whose state can be copied; a checkpoint is a
 * packet before which every state is final — no send-buffer interval pending (it would repaint
 * earlier packets) and no later data can make the sender "done" there — and the timeline's sums
 * up to it are kept with the stall episodes that painted them.
 */
import { LIMIT_STATES } from '../../protocol';
import { TcpFlag } from '../decode/segment';
import type { Flow } from '../flows/flow';
import type { AnalysisColumns } from './columns';
import { Flag } from './flags';
import { CoverPainter, TimelineBuilder } from './limitIntervals';
import type { StallEpisode } from './stalls';

/** State codes: indices into LIMIT_STATES (the strip's codes too). */
const RWND = LIMIT_STATES.indexOf('receiverWindow');
const NETWORK = LIMIT_STATES.indexOf('network');
const SNDBUF = LIMIT_STATES.indexOf('sendBuffer');
const APPLICATION = LIMIT_STATES.indexOf('application');
const IDLE = LIMIT_STATES.indexOf('idle');
const RETRANSMITTED = Flag.RETRANSMISSION | Flag.FAST_RETRANSMISSION | Flag.SPURIOUS_RETRANSMISSION;
/** An application blocked on buffer space writes this soon after the ACK that freed it wakes it (a thread's wake-up on a loaded host). */
const APP_WAKE = 0.005;
/** A sender that paced its segments (two sends on its own clock between ACKs) this recently is not waiting for its buffer. */
const PACING_MEMORY = 0.05;
/** Between checkpoints taken far from the end, this many packets (a copy of the scan's state each). */
const CHECKPOINT_EVERY = 1024;
/** Near the end, a checkpoint is taken at every packet that allows one. */
const CHECKPOINT_TAIL = 512;

/** The evidence behind send-buffer time: the sender paused with this much outstanding, below the window, without loss. */
export interface SendBufferEvidence {
  /** Writes of the application, woken by an ACK, after which the sender had nothing left to send. */
  pauses: number;
  /** Bytes outstanding after those writes: the smallest and largest (a flat level is the buffer's size). */
  inFlightMin: number;
  inFlightMax: number;
}

/** What the per-packet rule needs besides the packets. */
export interface SplitRule {
  dir: 0 | 1;
  receiver: 0 | 1;
  winOf: (i: number) => number;
  segment: number;
  prompt: number;
  out: AnalysisColumns;
  /** The receiver's stall episodes, painted into receiver-window time. */
  own: readonly StallEpisode[];
}

/** The split's state machine between packets: the data's extent, the rule's sequence state, the send-buffer scan's. */
class SplitScan {
  // The data's extent (first and last new data of the direction), over the packets seen.
  seen = 0;
  first = -1;
  last = -1;
  lastEnd = 0;
  // The per-packet rule.
  nxt = 0;
  una = 0;
  edge = 0;
  windowKnown = false;
  done = false;
  // The send-buffer scan.
  sNxt = 0;
  started = false;
  lastAck = -1;
  loss = false;
  ownClock = 0; // sends on the sender's own clock since the last ACK
  lastPaced = -Infinity;
  pending = -1; // the woken write that began send-buffer time
  firstFreed = -1; // the first ACK since `pending` that moved snd.una
  refill = 0; // after the ACK that woke the application: the level that fills its buffer again
  pauses = 0;
  inFlightMin = Infinity;
  inFlightMax = 0;

  /** Copies every field into `to` (field by field: taken at many packets of a long flow, it must cost next to nothing). */
  copyTo(to: SplitScan): SplitScan {
    to.seen = this.seen;
    to.first = this.first;
    to.last = this.last;
    to.lastEnd = this.lastEnd;
    to.nxt = this.nxt;
    to.una = this.una;
    to.edge = this.edge;
    to.windowKnown = this.windowKnown;
    to.done = this.done;
    to.sNxt = this.sNxt;
    to.started = this.started;
    to.lastAck = this.lastAck;
    to.loss = this.loss;
    to.ownClock = this.ownClock;
    to.lastPaced = this.lastPaced;
    to.pending = this.pending;
    to.firstFreed = this.firstFreed;
    to.refill = this.refill;
    to.pauses = this.pauses;
    to.inFlightMin = this.inFlightMin;
    to.inFlightMax = this.inFlightMax;
    return to;
  }
}

/**
 * A flow's split as of its last analysis, to go on from: the scan's state before packet `at`, the
 * final state and bytes in flight of packet `at − 1`, and the timeline's builder and painter before
 * that packet's piece (whose end waits for packet `at`'s state). Valid for `key` (direction, segment,
 * prompt, window reading) and while the episodes that painted before it are unchanged (`covers`).
 */
export class LimitResume {
  key: string | undefined;
  /** Payload per direction over the first `payloadSeen` packets (which way the data goes). */
  payload = [0, 0];
  payloadSeen = 0;
  at = 0;
  scan = new SplitScan();
  prevState = 0;
  prevInFlight = 0;
  pieceStart = 0;
  built = new TimelineBuilder();
  coverIndex = 0;
  /** Start and end of each episode that began before `pieceStart`, in order. */
  covers: number[] = [];
}

/** Scratch columns reused by every split (one flow at a time): a live refresh allocates nothing per packet. */
let stateScratch = new Uint8Array(0);
let inFlightScratch = new Float64Array(0);

/**
 * The first `n` packets' states, as intervals into `built` (finished); returns the send-buffer evidence.
 * With `resume`: from its checkpoint when it holds for `key` (its builder then stands in for `built`,
 * whose sums are those of the whole flow), and a new checkpoint is left in it.
 */
export function split(flow: Flow, n: number, rule: SplitRule, built: TimelineBuilder, resume?: LimitResume, key?: string): { built: TimelineBuilder; sendBuffer: SendBufferEvidence | null } {
  const p = flow.packets;
  const goOn = resume !== undefined && resume.key === key && resume.at >= 1 && resume.at <= n && coversHold(resume, rule.own);
  const base = goOn ? resume.at - 1 : 0;
  const scan = goOn ? resume.scan.copyTo(new SplitScan()) : new SplitScan();
  if (goOn) built = resume.built.copy();
  const size = n - base;
  if (stateScratch.length < size) {
    stateScratch = new Uint8Array(size + (size >> 2));
    inFlightScratch = new Float64Array(stateScratch.length);
  }
  // Indexed by packet − base.
  const state = stateScratch.subarray(0, size);
  const inFlight = inFlightScratch.subarray(0, size);
  inFlight.fill(0);
  if (goOn) {
    state[0] = resume.prevState;
    inFlight[0] = resume.prevInFlight;
  }
  extent(flow, n, rule.dir, scan);
  if (!goOn) scan.nxt = scan.una = p.seq[scan.first];
  const { dir, receiver, prompt } = rule;
  const wake = prompt + APP_WAKE;
  const spare = new SplitScan();
  let ck: SplitScan | undefined;
  let ckAt = -1;
  for (let i = goOn ? resume.at : 0; i < n; i++) {
    // Before packet i every state is final when nothing is pending and no later data can change "done".
    if (resume && i >= 1 && scan.pending < 0 && i <= scan.last + 1 && (i >= n - CHECKPOINT_TAIL || i - ckAt >= CHECKPOINT_EVERY)) {
      ck = scan.copyTo(spare);
      ckAt = i;
    }
    classify(flow, i, dir, rule.winOf, rule.segment, scan, state, inFlight, base);
    if (i >= 1) sendBuffer(flow, i, dir, rule.out, prompt, wake, scan, state, inFlight, base);
  }
  if (scan.pending >= 0) settle(scan, scan.firstFreed, state, inFlight, base);
  const prevState = ck ? state[ckAt - 1 - base] : 0;
  const prevInFlight = ck ? inFlight[ckAt - 1 - base] : 0;
  // The kernel decides the state after answering an ACK: the short gap before the reply takes the reply's state.
  for (let i = n - 2; i >= base; i--) {
    if (p.dir[i] === receiver && p.dir[i + 1] === dir && p.time[i + 1] - p.time[i] <= prompt && state[i - base] !== IDLE) state[i - base] = state[i + 1 - base];
  }
  const painted = new CoverPainter(rule.own, RWND, built, goOn ? resume.coverIndex : 0);
  let at = goOn ? resume.pieceStart : p.time[0];
  const pieceAt = ck ? ckAt - 1 : -1;
  let saved: { built: TimelineBuilder; coverIndex: number; pieceStart: number } | undefined;
  for (let i = base; i < n; i++) {
    if (i === pieceAt) saved = { built: built.copy(), coverIndex: painted.index, pieceStart: at };
    const next = i + 1 < n ? Math.max(at, p.time[i + 1]) : at;
    painted.push(state[i - base], at, next);
    at = next;
  }
  built.finish();
  // No new checkpoint (a send-buffer interval pending since the last one): the last one still holds.
  if (resume && !goOn && !(ck && saved)) resume.key = undefined;
  if (resume && ck && saved) {
    {
      resume.key = key;
      resume.at = ckAt;
      resume.scan = ck;
      resume.prevState = prevState;
      resume.prevInFlight = prevInFlight;
      resume.built = saved.built;
      resume.coverIndex = saved.coverIndex;
      resume.pieceStart = saved.pieceStart;
      resume.covers = rule.own.filter((e) => e.start < saved.pieceStart).flatMap((e) => [e.start, e.end]);
    }
  }
  return { built, sendBuffer: scan.pauses > 0 ? { pauses: scan.pauses, inFlightMin: scan.inFlightMin, inFlightMax: scan.inFlightMax } : null };
}

/** The episodes that painted before the checkpoint are the same ones now (an episode near the edge may have changed). */
function coversHold(resume: LimitResume, own: readonly StallEpisode[]): boolean {
  const covers = resume.covers;
  let k = 0;
  for (const e of own) {
    if (!(e.start < resume.pieceStart)) break;
    if (covers[k] !== e.start || covers[k + 1] !== e.end) return false;
    k += 2;
  }
  return k === covers.length;
}

/** The first and last new data of the direction (the first packets' scan goes on where it stopped). */
function extent(flow: Flow, n: number, dir: 0 | 1, scan: SplitScan): void {
  const p = flow.packets;
  for (let i = scan.seen; i < n; i++) {
    if (p.dir[i] !== dir || p.len[i] === 0 || p.tcpFlags[i] & TcpFlag.SYN) continue;
    const end = (p.seq[i] + p.len[i]) >>> 0;
    if (scan.first < 0) {
      scan.first = i;
      scan.lastEnd = end;
    }
    if (((end - scan.lastEnd) | 0) >= 0) {
      scan.lastEnd = end;
      scan.last = i;
    }
  }
  scan.seen = n;
}

/**
 * The per-packet rule: the state from packet `i` until the next packet. Receiver window when the next
 * segment (`segment`: the stall threshold) would pass the right edge (ack + window); network when data is outstanding below it;
 * application when nothing is outstanding; idle before the first data and after the last byte's ACK.
 * `inFlight[i]` is what was outstanding (snd.nxt − snd.una) after packet `i`.
 */
function classify(flow: Flow, i: number, dir: 0 | 1, winOf: (i: number) => number, segment: number, s: SplitScan, state: Uint8Array, inFlight: Float64Array, base: number): void {
  const p = flow.packets;
  const k = i - base;
  if (s.done) {
    state[k] = IDLE;
    return;
  }
  if (p.dir[i] === dir) {
    if (i < s.first) {
      state[k] = IDLE;
      return;
    }
    const end = (p.seq[i] + p.len[i]) >>> 0;
    if (p.len[i] > 0 && ((end - s.nxt) | 0) > 0) s.nxt = end;
  } else if (p.tcpFlags[i] & TcpFlag.ACK) {
    // A SYN-ACK's window (never scaled, RFC 7323 §2.2) is the sender's first right edge, as for the kernel's snd_wnd.
    if (((p.ack[i] - s.una) | 0) > 0) s.una = p.ack[i];
    s.edge = (p.ack[i] + winOf(i)) >>> 0;
    s.windowKnown = true;
    // Everything sent is acknowledged and no more data follows: the sender is done.
    if (i > s.last && ((s.una - s.lastEnd) | 0) >= 0) s.done = true;
    if (s.done || i < s.first) {
      state[k] = IDLE;
      return;
    }
  } else if (i < s.first) {
    state[k] = IDLE;
    return;
  }
  const outstanding = Math.max(0, (s.nxt - s.una) | 0);
  inFlight[k] = outstanding;
  if (s.windowKnown && ((s.edge - s.nxt) | 0) < segment) state[k] = RWND;
  else state[k] = outstanding > 0 ? NETWORK : APPLICATION;
}

/**
 * Network time that was the sender's own buffer, packet `i`'s step (i ≥ 1). The kernel starts sndbuf_limited when, after sending,
 * nothing is left unsent and the application waits for buffer space (tcp_cwnd_validate in
 * tcp_output.c), and stops it only when an ACK frees enough to wake the application: tcp_check_space
 * (tcp_input.c) calls sk_stream_write_space (net/core/stream.c), which clears SOCK_NOSPACE only once
 * the free space is at least half of what is queued (sk_stream_wspace ≥ sk_stream_min_wspace: a third
 * of the buffer free when it was full), and only then tcp_chrono_stop(SNDBUF_LIMITED). An ACK that
 * frees less leaves the chrono running and the application asleep.
 *
 * In a capture: new data that neither the ACK clock sent (it leaves more than `prompt` after the
 * packet before it) nor a pacing timer (the sender sends on its own clock only once between ACKs,
 * and has not paced lately), but the application wrote once an ACK woke it (within `wake` of that
 * ACK), with data still outstanding below the window and no retransmission. The buffer is full just
 * before the first ACK that moves snd.una (the application wrote until it was): the interval runs
 * from that write through the ACKs that leave more than two thirds of that much outstanding, to the
 * first that leaves at most two thirds (payload for memory: equal segments carry equal overhead).
 * New data or a retransmission before that ACK shows something was left to send after all: then it
 * ends at the first ACK, as does a capture that ends first. After the waking ACK the application
 * may write at once (0.1 ms on an idle core: as fast as the ACK clock), so such a write begins the
 * next interval only where the buffer's level is known from the one just ended, at the send that
 * fills it to that level again. An application writing at its own pace writes after everything was
 * acknowledged, or long after the last ACK; a congestion window sends at once.
 */
function sendBuffer(flow: Flow, i: number, dir: 0 | 1, out: AnalysisColumns, prompt: number, wake: number, s: SplitScan, state: Uint8Array, inFlight: Float64Array, base: number): void {
  const p = flow.packets;
  const k = i - base;
  if (p.dir[i] !== dir) {
    if (!(inFlight[k] < inFlight[k - 1])) return;
    s.refill = 0;
    if (s.pending >= 0) {
      if (s.firstFreed < 0) s.firstFreed = i;
      // The buffer was full just before the first ACK freed any: the application wakes once a third is free again.
      const full = inFlight[s.firstFreed - 1 - base];
      if (inFlight[k] * 3 <= full * 2) {
        settle(s, i, state, inFlight, base);
        s.refill = full;
      }
    }
    s.lastAck = i;
    s.loss = false;
    s.ownClock = 0;
    return;
  }
  if (out.flags[i] & RETRANSMITTED) {
    s.loss = true;
    if (s.pending >= 0) settle(s, s.firstFreed, state, inFlight, base);
  }
  if (p.len[i] === 0) return;
  const end = (p.seq[i] + p.len[i]) >>> 0;
  if (s.started && ((end - s.sNxt) | 0) <= 0) return; // not new data
  s.started = true;
  s.sNxt = end;
  // New data before the waking ACK: something was left to send after all; the wait ended at the first ACK.
  if (s.pending >= 0 && s.firstFreed >= 0) settle(s, s.firstFreed, state, inFlight, base);
  const prompted = p.time[i] - p.time[i - 1] <= prompt;
  // Woken, the application wrote at once: the send that fills its buffer to the same level leaves it
  // waiting again with nothing unsent, where tcp_cwnd_validate starts the chrono again.
  if (s.refill > 0 && prompted && s.pending < 0 && !s.loss && inFlight[k] >= s.refill && state[k] === NETWORK) {
    s.pending = i;
    s.firstFreed = -1;
  }
  if (s.pending >= 0 || !prompted) s.refill = 0;
  if (prompted) return; // sent by the ACK clock, or part of the same write
  if (++s.ownClock > 1) {
    s.lastPaced = p.time[i];
    s.pending = -1;
    return;
  }
  const since = s.lastAck >= 0 ? p.time[i] - p.time[s.lastAck] : Infinity;
  if (!s.loss && since <= wake && state[k] === NETWORK && inFlight[k - 1] > 0 && p.time[i] - s.lastPaced > PACING_MEMORY) {
    s.pending = i;
    s.firstFreed = -1;
  }
}

/** Send-buffer time from the pending write until packet `to` (an ACK; none when -1); nothing pending afterwards. */
function settle(s: SplitScan, to: number, state: Uint8Array, inFlight: Float64Array, base: number): void {
  if (to >= 0) {
    for (let k = s.pending; k < to; k++) if (state[k - base] === NETWORK) state[k - base] = SNDBUF;
    s.pauses++;
    const full = inFlight[s.firstFreed - 1 - base];
    s.inFlightMin = Math.min(s.inFlightMin, full);
    s.inFlightMax = Math.max(s.inFlightMax, full);
  }
  s.pending = -1;
  s.firstFreed = -1;
}
