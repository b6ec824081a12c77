/**
 * Why a flow's data sender was slow: its time split into the states the Linux kernel counts for
 * `tcp_info` (tcp_chrono_start/stop in net/ipv4/tcp_output.c, tcp.c, tcp_input.c), read from the
 * capture alone. docs/analysis.md, "Limited by".
 *
 * - receiver window (kernel: rwnd_limited): the next segment does not fit the advertised window
 *   (tcp_write_xmit's tcp_snd_wnd_test failing); every stall episode is painted into it;
 * - network (busy − rwnd − sndbuf): data outstanding below the window, the sender waits for ACKs;
 * - send buffer (sndbuf_limited): the sender stopped sending with data outstanding below the window
 *   and ACKs arriving, and resumed only when an ACK freed a third of its buffer (tcp_cwnd_validate
 *   starts the chrono when the write queue is empty and the application waits for space;
 *   tcp_check_space stops it once sk_stream_write_space wakes the application);
 * - application (not busy): nothing outstanding and the window open;
 * - idle: before the first data and after the ACK of the last byte.
 */
import { LIMIT_STATES, type LimitState } from '../../protocol';
import type { Flow } from '../flows/flow';
import { TcpFlag } from '../decode/segment';
import type { AnalysisColumns } from './columns';
import { Flag } from './flags';
import { CoverPainter, LimitTimeline, secondsRecord, TimelineBuilder } from './limitIntervals';
import { effectiveSegmentSize, reopenThreshold } from './segmentSize';
import type { StallEpisode } from './stalls';
import { captureVantage, type Vantage } from './vantage';
import type { FlowPasses } from './passCache';

export { LimitTimeline, type LimitInterval } from './limitIntervals';

/** The evidence behind send-buffer time: the sender paused with this much outstanding, below the window, without loss. */
export interface SendBufferEvidence {
  /** Writes of the application, woken by an ACK, after which the sender had nothing left to send. */
  pauses: number;
  /** Bytes outstanding after those writes: the smallest and largest (a flat level is the buffer's size). */
  inFlightMin: number;
  inFlightMax: number;
}

/** A flow's limited-by split for the direction that carries its data. */
export interface FlowLimits {
  /** The direction that carries the data (0 = a→b): the one with more payload. */
  dir: 0 | 1;
  /** Seconds per state; busy = all but application and idle. */
  seconds: Record<LimitState, number>;
  busy: number;
  /** Receiver-window seconds inside owed intervals of stall episodes (the findings sentence). */
  owedSeconds: number;
  /**
   * Intervals in time order covering the flow's span, in seconds since the capture start: built on
   * first read (the flow list and the findings need only `seconds`), then kept. Read it from a current
   * analysis (CaptureModel.analysis); once the flow's oldest packets left the history it covers the
   * packets still held.
   */
  readonly timeline: LimitTimeline;
  /** The same intervals built again and not kept: `analyze --json` writes each flow's and lets it go. */
  buildTimeline(): LimitTimeline;
  /** Where the capture was taken (from the handshake's timing) and how far that may move an instant (≤ one RTT). */
  vantage: Vantage;
  /** Evidence for the send-buffer intervals; null when there are none. */
  sendBuffer: SendBufferEvidence | null;
}

/** What the split needs from the rest of the analysis. */
export interface LimitInputs {
  out: AnalysisColumns;
  /** Window in bytes advertised by packet `i`, as its sender's peer reads it, per side. */
  windowBytes: readonly [(i: number) => number, (i: number) => number];
  stalls: readonly StallEpisode[];
  rtt: number;
  /** A growing flow's resumable passes (passCache.ts); without them the split scans the whole flow. */
  passes?: FlowPasses;
}

/** State codes: indices into LIMIT_STATES (the strip's codes too). */
const RWND = LIMIT_STATES.indexOf('receiverWindow');
const NETWORK = LIMIT_STATES.indexOf('network');
const SNDBUF = LIMIT_STATES.indexOf('sendBuffer');
const APPLICATION = LIMIT_STATES.indexOf('application');
const IDLE = LIMIT_STATES.indexOf('idle');
const RETRANSMITTED = Flag.RETRANSMISSION | Flag.FAST_RETRANSMISSION | Flag.SPURIOUS_RETRANSMISSION;
/** A sender answers an ACK that lets it send within this long when the capture sits next to it (softirq, not a thread: tens of µs, an application wakes in ~1 ms). */
const PROMPT_REPLY = 0.001;
/** An application blocked on buffer space writes this soon after the ACK that freed it wakes it (a thread's wake-up on a loaded host). */
const APP_WAKE = 0.005;
/** A sender that paced its segments (two sends on its own clock between ACKs) this recently is not waiting for its buffer. */
const PACING_MEMORY = 0.05;

/** The limited-by split of a flow, or null when neither direction carries data. */
export function limitedBy(flow: Flow, inputs: LimitInputs): FlowLimits | null {
  const p = flow.packets;
  const n = p.length;
  const payload = [0, 0];
  for (let i = 0; i < n; i++) if (!(p.tcpFlags[i] & TcpFlag.SYN)) payload[p.dir[i]] += p.len[i];
  if (payload[0] === 0 && payload[1] === 0) return null;
  const dir: 0 | 1 = payload[1] > payload[0] ? 1 : 0;
  const receiver: 0 | 1 = dir === 0 ? 1 : 0;
  const winOf = inputs.windowBytes[receiver];
  // The next segment is at most one effective segment, and what counts as a closed window is what
  // counts for stalls: min(segment, half the largest window) — a loopback MSS of 65483 against a
  // 64 KiB window is not a receiver that never lets a segment through.
  const scan = inputs.passes?.segment[receiver];
  const segment = reopenThreshold(flow, receiver, effectiveSegmentSize(flow, receiver, winOf, scan).bytes, winOf, scan);
  const vantage = captureVantage(flow, dir, inputs.rtt);
  // Near the receiver the sender's answer to an ACK shows up a round trip after the ACK does.
  const prompt = vantage.near === 'receiver' ? PROMPT_REPLY + vantage.errorBound : PROMPT_REPLY;
  const own = inputs.stalls.filter((e) => e.receiver === receiver);
  const rule: SplitRule = { dir, receiver, winOf, segment, prompt, out: inputs.out, own };

  const built = new TimelineBuilder();
  const sendBuffer = split(flow, n, rule, built);
  const seconds = secondsRecord(built.seconds);
  const owedSeconds = own.reduce((sum, e) => sum + Math.min(e.owed?.seconds ?? 0, e.duration), 0);
  // What the timeline is built from later: the packets this analysis saw, less those that left the history since.
  const trimmedAt = flow.trimmed ?? 0;
  const buildTimeline = (): LimitTimeline => {
    const held = Math.min(flow.packets.length, n - ((flow.trimmed ?? 0) - trimmedAt));
    const timeline = new LimitTimeline();
    if (held > 0) split(flow, held, rule, new TimelineBuilder(timeline));
    return timeline.compact();
  };
  let kept: LimitTimeline | undefined;
  return {
    dir,
    seconds,
    busy: seconds.receiverWindow + seconds.network + seconds.sendBuffer,
    owedSeconds,
    get timeline() {
      return (kept ??= buildTimeline());
    },
    buildTimeline,
    vantage,
    sendBuffer,
  };
}

/** What the per-packet rule needs besides the packets. */
interface SplitRule {
  dir: 0 | 1;
  receiver: 0 | 1;
  winOf: (i: number) => number;
  segment: number;
  prompt: number;
  out: AnalysisColumns;
  /** The receiver's stall episodes, painted into receiver-window time. */
  own: readonly StallEpisode[];
}

/** Scratch columns reused by every split (one flow at a time): a live refresh allocates nothing per packet. */
let stateScratch = new Uint8Array(0);
let inFlightScratch = new Float64Array(0);

/** The first `n` packets' states, as intervals into `built` (finished); returns the send-buffer evidence. */
function split(flow: Flow, n: number, rule: SplitRule, built: TimelineBuilder): SendBufferEvidence | null {
  const p = flow.packets;
  if (stateScratch.length < n) {
    stateScratch = new Uint8Array(n + (n >> 2));
    inFlightScratch = new Float64Array(stateScratch.length);
  }
  const state = stateScratch.subarray(0, n);
  const inFlight = inFlightScratch.subarray(0, n);
  inFlight.fill(0);
  const { dir, receiver, prompt } = rule;
  classify(flow, n, dir, rule.winOf, rule.segment, state, inFlight);
  const sendBuffer = markSendBuffer(flow, n, dir, rule.out, prompt, prompt + APP_WAKE, state, inFlight);
  // The kernel decides the state after answering an ACK: the short gap before the reply takes the reply's state.
  for (let i = n - 2; i >= 0; i--) {
    if (p.dir[i] === receiver && p.dir[i + 1] === dir && p.time[i + 1] - p.time[i] <= prompt && state[i] !== IDLE) state[i] = state[i + 1];
  }
  const painted = new CoverPainter(rule.own, RWND, built);
  let at = p.time[0];
  for (let i = 0; i < n; i++) {
    const next = i + 1 < n ? Math.max(at, p.time[i + 1]) : at;
    painted.push(state[i], at, next);
    at = next;
  }
  built.finish();
  return sendBuffer;
}

/**
 * The per-packet rule: the state from packet `i` until the next packet. Receiver window when the next
 * segment (`segment`: the stall threshold) would pass the right edge (ack + window); network when data is outstanding below it;
 * application when nothing is outstanding; idle before the first data and after the last byte's ACK.
 * `inFlight[i]` is what was outstanding (snd.nxt − snd.una) after packet `i`.
 */
function classify(flow: Flow, n: number, dir: 0 | 1, winOf: (i: number) => number, segment: number, state: Uint8Array, inFlight: Float64Array): void {
  const p = flow.packets;
  let first = -1;
  let last = -1;
  let lastEnd = 0;
  for (let i = 0; i < n; i++) {
    if (p.dir[i] !== dir || p.len[i] === 0 || p.tcpFlags[i] & TcpFlag.SYN) continue;
    const end = (p.seq[i] + p.len[i]) >>> 0;
    if (first < 0) {
      first = i;
      lastEnd = end;
    }
    if (((end - lastEnd) | 0) >= 0) {
      lastEnd = end;
      last = i;
    }
  }
  let nxt = p.seq[first];
  let una = nxt;
  let edge = 0;
  let windowKnown = false;
  let done = false;
  for (let i = 0; i < n; i++) {
    if (done) {
      state[i] = IDLE;
      continue;
    }
    if (p.dir[i] === dir) {
      if (i < first) {
        state[i] = IDLE;
        continue;
      }
      const end = (p.seq[i] + p.len[i]) >>> 0;
      if (p.len[i] > 0 && ((end - nxt) | 0) > 0) nxt = end;
    } else if (p.tcpFlags[i] & TcpFlag.ACK) {
      // A SYN-ACK's window (never scaled, RFC 7323 §2.2) is the sender's first right edge, as for the kernel's snd_wnd.
      if (((p.ack[i] - una) | 0) > 0) una = p.ack[i];
      edge = (p.ack[i] + winOf(i)) >>> 0;
      windowKnown = true;
      // Everything sent is acknowledged and no more data follows: the sender is done.
      if (i > last && ((una - lastEnd) | 0) >= 0) done = true;
      if (done || i < first) {
        state[i] = IDLE;
        continue;
      }
    } else if (i < first) {
      state[i] = IDLE;
      continue;
    }
    const outstanding = Math.max(0, (nxt - una) | 0);
    inFlight[i] = outstanding;
    if (windowKnown && ((edge - nxt) | 0) < segment) state[i] = RWND;
    else state[i] = outstanding > 0 ? NETWORK : APPLICATION;
  }
}

/**
 * Network time that was the sender's own buffer. The kernel starts sndbuf_limited when, after sending,
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
function markSendBuffer(flow: Flow, n: number, dir: 0 | 1, out: AnalysisColumns, prompt: number, wake: number, state: Uint8Array, inFlight: Float64Array): SendBufferEvidence | null {
  const p = flow.packets;
  let nxt = 0;
  let started = false;
  let lastAck = -1;
  let loss = false;
  let ownClock = 0; // sends on the sender's own clock since the last ACK
  let lastPaced = -Infinity;
  let pending = -1; // the woken write that began send-buffer time
  let firstFreed = -1; // the first ACK since `pending` that moved snd.una
  let refill = 0; // after the ACK that woke the application: the level that fills its buffer again
  let pauses = 0;
  let inFlightMin = Infinity;
  let inFlightMax = 0;
  for (let i = 1; i < n; i++) {
    if (p.dir[i] !== dir) {
      if (!(inFlight[i] < inFlight[i - 1])) continue;
      refill = 0;
      if (pending >= 0) {
        if (firstFreed < 0) firstFreed = i;
        // The buffer was full just before the first ACK freed any: the application wakes once a third is free again.
        const full = inFlight[firstFreed - 1];
        if (inFlight[i] * 3 <= full * 2) {
          settle(i);
          refill = full;
        }
      }
      lastAck = i;
      loss = false;
      ownClock = 0;
      continue;
    }
    if (out.flags[i] & RETRANSMITTED) {
      loss = true;
      if (pending >= 0) settle(firstFreed);
    }
    if (p.len[i] === 0) continue;
    const end = (p.seq[i] + p.len[i]) >>> 0;
    if (started && ((end - nxt) | 0) <= 0) continue; // not new data
    started = true;
    nxt = end;
    // New data before the waking ACK: something was left to send after all; the wait ended at the first ACK.
    if (pending >= 0 && firstFreed >= 0) settle(firstFreed);
    const prompted = p.time[i] - p.time[i - 1] <= prompt;
    // Woken, the application wrote at once: the send that fills its buffer to the same level leaves it
    // waiting again with nothing unsent, where tcp_cwnd_validate starts the chrono again.
    if (refill > 0 && prompted && pending < 0 && !loss && inFlight[i] >= refill && state[i] === NETWORK) {
      pending = i;
      firstFreed = -1;
    }
    if (pending >= 0 || !prompted) refill = 0;
    if (prompted) continue; // sent by the ACK clock, or part of the same write
    if (++ownClock > 1) {
      lastPaced = p.time[i];
      pending = -1;
      continue;
    }
    const since = lastAck >= 0 ? p.time[i] - p.time[lastAck] : Infinity;
    if (!loss && since <= wake && state[i] === NETWORK && inFlight[i - 1] > 0 && p.time[i] - lastPaced > PACING_MEMORY) {
      pending = i;
      firstFreed = -1;
    }
  }
  if (pending >= 0) settle(firstFreed);
  return pauses > 0 ? { pauses, inFlightMin, inFlightMax } : null;

  /** Send-buffer time from the pending write until packet `to` (an ACK; none when -1); nothing pending afterwards. */
  function settle(to: number): void {
    if (to >= 0) {
      for (let k = pending; k < to; k++) if (state[k] === NETWORK) state[k] = SNDBUF;
      pauses++;
      const full = inFlight[firstFreed - 1];
      inFlightMin = Math.min(inFlightMin, full);
      inFlightMax = Math.max(inFlightMax, full);
    }
    pending = -1;
    firstFreed = -1;
  }
}
