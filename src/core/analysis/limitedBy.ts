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
import type { LimitState } from '../../protocol';
import type { Flow } from '../flows/flow';
import { TcpFlag } from '../decode/segment';
import type { AnalysisColumns } from './columns';
import { LimitTimeline, secondsRecord, TimelineBuilder } from './limitIntervals';
import { split, type SendBufferEvidence, type SplitRule } from './limitSplit';
import { effectiveSegmentSize, reopenThreshold } from './segmentSize';
import type { StallEpisode } from './stalls';
import { captureVantage, type Vantage } from './vantage';
import type { FlowPasses } from './passCache';

export { LimitTimeline, type LimitInterval } from './limitIntervals';

export type { SendBufferEvidence };

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

/** A sender answers an ACK that lets it send within this long when the capture sits next to it (softirq, not a thread: tens of µs, an application wakes in ~1 ms). */
const PROMPT_REPLY = 0.001;
/** The limited-by split of a flow, or null when neither direction carries data. */
export function limitedBy(flow: Flow, inputs: LimitInputs): FlowLimits | null {
  const p = flow.packets;
  const n = p.length;
  const resume = inputs.passes?.limits;
  const payload = resume && resume.payloadSeen <= n ? resume.payload : [0, 0];
  for (let i = resume && resume.payloadSeen <= n ? resume.payloadSeen : 0; i < n; i++) if (!(p.tcpFlags[i] & TcpFlag.SYN)) payload[p.dir[i]] += p.len[i];
  if (resume) {
    resume.payload = payload;
    resume.payloadSeen = n;
  }
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

  // A grown flow's split goes on from its checkpoint while what it was computed with stays the same.
  const key = `${dir} ${segment} ${prompt} ${inputs.passes?.windowKeys[receiver] ?? ''}`;
  const { built, sendBuffer } = split(flow, n, rule, new TimelineBuilder(), resume, key);
  const seconds = secondsRecord(built.seconds);
  const owedSeconds = own.reduce((sum, e) => sum + Math.min(e.owed?.seconds ?? 0, e.duration), 0);
  // What the timeline is built from later: the packets this analysis saw, less those that left the history since.
  const trimmedAt = flow.trimmed ?? 0;
  const buildTimeline = (): LimitTimeline => {
    const held = Math.min(flow.packets.length, n - ((flow.trimmed ?? 0) - trimmedAt));
    const timeline = new LimitTimeline();
    if (held > 0) split(flow, held, rule, new TimelineBuilder(timeline)); // the whole flow: only when a view asks
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

