import type { RecvQSeries } from './recvq';
import { samplingInterval } from './recvq';
import { TcpFlag } from '../decode/segment';
import type { Flow } from '../flows/flow';
import type { StallEpisode } from './stalls';

/** What the receive queue says about an episode: when the window could have reopened, and how late it did. */
export interface QueueEvidence {
  /** First instant (seconds) the free space the peer could be offered reached the threshold. */
  moment: number;
  /** From that instant to the advertisement that reopened the window (seconds, ≥ 0). */
  lag: number;
  /** min(segment size, buffer/2) at that sample. */
  threshold: number;
  /** Free space at that sample as the peer would see it (truncated to the window scale). */
  freeSpace: number;
  /** Median time between samples: the precision of `moment`. */
  interval: number;
  source: RecvQSeries['source'];
}

/**
 * The owed moment from measured queue data: the first sample inside the episode at which the free
 * space beyond the window still on offer — buffer minus what the queue holds minus the window last
 * advertised at that instant (`onOffer`; at most the one that started the episode), truncated to the receiver's window scale as the peer reads it — reached
 * min(segment size, buffer/2) (the sender's effective segment size) while the advertised window was
 * still below that, so the right edge could move by that much (RFC 1122 4.2.3.3); the lag
 * runs from there to the reopening advertisement. Undefined when no sample shows it. NAT traces give
 * exact bytes and are taken as they are. For Linux `ss` samples the queue is the memory charged
 * (skmem r, which the kernel's window is computed from); since the kernel applies factors the samples
 * do not show, the free memory at the start of the episode (when the kernel itself closed the
 * window) is the baseline, and half of what is freed beyond it counts as offerable window.
 */
export function queueEvidence(episode: StallEpisode, series: RecvQSeries, shift: number, onOffer: (t: number) => number = () => episode.startWindow): QueueEvidence | undefined {
  const unit = 2 ** Math.max(0, shift);
  const interval = samplingInterval(series);
  const kernel = series.source === 'ss';
  let baseline = NaN;
  for (let k = 0; k < series.time.length; k++) {
    const t = series.time[k];
    if (t < episode.start - interval) continue;
    if (t > episode.end + interval) break; // a drain right at the reopening shows in the next sample
    const buffer = series.buffer[k];
    if (!Number.isFinite(buffer)) continue;
    const held = Number.isFinite(series.memory[k]) ? Math.max(series.memory[k], series.recvQ[k]) : series.recvQ[k];
    const free = Math.max(0, buffer - held);
    // A kernel computes its window from free memory through factors the samples do not show
    // (per-segment overhead, scaling_ratio, rcv_ssthresh): its own closing point is the calibration.
    // There the window must have grown by the threshold, counting half the memory freed as window.
    if (Number.isNaN(baseline)) baseline = free;
    // RFC 1122 4.2.3.3: the right edge may move once it can move by the threshold, so a sub-segment
    // window still on offer counts against the free space (a closed window offers nothing).
    const offerable = kernel ? (free - baseline) / 2 : free - Math.min(episode.startWindow, onOffer(t));
    const seen = Math.floor(Math.max(0, offerable) / unit) * unit;
    const threshold = Math.min(episode.segment.bytes, Math.floor((kernel ? buffer / 2 : buffer) / 2));
    if (seen >= threshold && t >= episode.start - interval) {
      const moment = Math.max(t, episode.start);
      return { moment, lag: Math.max(0, episode.end - moment), threshold, freeSpace: seen, interval, source: series.source };
    }
  }
  return undefined;
}

/** A user-space engine that writes exact traces may be descheduled for a few milliseconds between noting room and sending the update. */
const ENGINE_DELAY = 0.01;

/**
 * Charge the lag as owed when it is longer than the samples and the path can explain. Kernel samples
 * (`ss`) only approximate the window the kernel would offer, so they get a coarse tolerance: five
 * sampling intervals and at least 50 ms. Exact traces: two intervals between their events and at
 * least 10 ms, the scheduling delay of a loaded user-space engine (the missed update it looks for
 * costs a persist timer, 200 ms and more).
 */
export function chargeQueueLag(episode: StallEpisode, q: QueueEvidence, rtt: number): void {
  const slack = (q.source === 'ss' ? Math.max(5 * q.interval, 0.05) : Math.max(2 * q.interval, ENGINE_DELAY)) + 2 * rtt;
  if (episode.endedBy === 'capture_end' || q.lag <= slack) return;
  const previous = episode.owed;
  episode.owed = {
    seconds: q.lag,
    confidence: q.lag > 10 * q.interval ? 'high' : 'medium',
    evidence:
      `the receive queue had room for ${q.freeSpace} bytes (threshold ${q.threshold}) at ${q.moment.toFixed(3)} s, ` +
      `but the window was reopened only ${q.lag.toFixed(3)} s later` +
      (previous ? `; ${previous.evidence}` : ''),
    frames: previous?.frames ?? [episode.startFrame, episode.endFrame],
  };
}

/** The window `receiver` last advertised at or before time `t` (bytes; 0 before any): what it still had on offer then. */
export function windowOnOffer(flow: Flow, receiver: 0 | 1, windowBytes: (i: number) => number): (t: number) => number {
  const p = flow.packets;
  return (t) => {
    let lo = 0;
    let hi = p.length; // first index with time > t
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (p.time[mid] <= t) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo - 1; i >= 0; i--) if (p.dir[i] === receiver && !(p.tcpFlags[i] & TcpFlag.SYN)) return windowBytes(i);
    return 0;
  };
}
