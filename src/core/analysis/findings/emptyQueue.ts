/** `window_closed_empty_queue`: a window closed although the queue held little data. */
import { type Flow, indexOfFrame } from '../../flows/flow';
import { offeredBefore, queueAtClosure } from '../closureQueue';
import type { RecvQSeries } from '../recvq';
import { describeSegmentSize } from '../segmentSize';
import type { StallEpisode } from '../stalls';
import { side } from './common';
import type { Finding } from './index';

/** A run of segments this small (mean payload below 1/8 of the effective segment size) fills buffers with per-segment overhead. */
const SMALL_SEGMENT_RUN = 32;

/** A queue is "nearly empty" below this fraction of both what was on offer and the buffer. */
const SMALL_FRACTION = 1 / 4;

/**
 * A window closed although the queue holds little data — the "read exactly n bytes" deadlock, where
 * per-segment memory accounting exhausts the buffer. With samples: the queue at the closing instant
 * (closureQueue.ts) was under a quarter of both the window advertised before the closure and the
 * buffer, while the memory charged had used the buffer up (where the sampler reports memory); samples
 * too far from the closure say nothing. From a capture alone: right after a run of tiny segments. A
 * receiver whose queue holds the whole (small) window is not this: see smallBuffer.ts.
 */
export function emptyQueueFindings(flow: Flow, stalls: readonly StallEpisode[], measured: readonly (RecvQSeries | undefined)[], windowBytes: readonly ((i: number) => number)[]): Finding[] {
  const p = flow.packets;
  const found: Finding[] = [];
  const previousEnd = [-Infinity, -Infinity];
  for (const e of stalls) {
    const series = measured[e.receiver];
    let reason: string | undefined;
    if (series) {
      const q = queueAtClosure(flow, e, series);
      const offered = offeredBefore(flow, e, previousEnd[e.receiver], windowBytes[e.receiver]);
      // Where the sampler reports memory, the buffer must really be used up (the deadlock's signature);
      // an empty, idle socket closing its window at teardown is not this.
      const exhausted = q && (!Number.isFinite(q.memory) || q.memory >= q.buffer / 2);
      if (q && Number.isFinite(q.buffer) && q.bytes < q.buffer * SMALL_FRACTION && q.bytes < offered * SMALL_FRACTION && exhausted) {
        reason = `Recv-Q held only ${q.bytes} bytes (${q.evidence}) of a ${q.buffer}-byte buffer, after ${offered} bytes of window on offer`;
        if (Number.isFinite(q.memory)) reason += ` while the kernel had charged at least ${q.memory} bytes of buffer memory to them`;
      }
    } else {
      let n = 0;
      let bytes = 0;
      for (let i = indexOfFrame(flow, e.startFrame) - 1; i >= 0 && n < SMALL_SEGMENT_RUN; i--) {
        if (p.dir[i] === e.receiver || p.len[i] === 0) continue;
        n++;
        bytes += p.len[i];
      }
      // Against what the sender can put in one segment, not the receiver's MSS option: a NAT announcing 65535 to a 1460-byte link gets full segments.
      if (n === SMALL_SEGMENT_RUN && bytes / n < e.segment.bytes / 8) {
        reason = `the last ${n} segments before it carried ${(bytes / n).toFixed(0)} bytes on average (the sender's segment size: ${describeSegmentSize(e.segment)})`;
      }
    }
    previousEnd[e.receiver] = e.end;
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
