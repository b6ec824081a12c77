/** `window_closed_empty_queue`: a window closed although the queue held little data. */
import type { Flow } from '../../flows/flow';
import type { RecvQSeries } from '../recvq';
import { describeSegmentSize } from '../segmentSize';
import type { StallEpisode } from '../stalls';
import { indexOfFrame, side } from './common';
import type { Finding } from './index';

/** A run of segments this small (mean payload below 1/8 of the effective segment size) fills buffers with per-segment overhead. */
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
      // Against what the sender can put in one segment, not the receiver's MSS option: a NAT announcing 65535 to a 1460-byte link gets full segments.
      if (n === SMALL_SEGMENT_RUN && bytes / n < e.segment.bytes / 8) {
        reason = `the last ${n} segments before it carried ${(bytes / n).toFixed(0)} bytes on average (the sender's segment size: ${describeSegmentSize(e.segment)})`;
      }
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
