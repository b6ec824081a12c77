/** `stall` and `window_update_owed`: one finding per stall episode, and one more when it owed an update. */
import type { Flow } from '../../flows/flow';
import { describeSegmentSize } from '../segmentSize';
import type { StallEpisode } from '../stalls';
import { ms, side } from './common';
import type { Finding } from './index';

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
    const below =
      e.threshold === e.segment.bytes
        ? `one segment (${describeSegmentSize(e.segment)})`
        : `${e.threshold} bytes, half the largest window it advertised (one segment is ${describeSegmentSize(e.segment)})`;
    const advertised = e.startWindow === 0 ? 'a zero window' : `a window of ${e.startWindow} bytes`;
    out.push({
      kind: 'stall',
      flow: flow.id,
      time: e.start,
      frames: [e.startFrame, ...e.probeFrames, e.endFrame],
      severity: e.duration >= LONG_STALL ? 'warning' : 'info',
      message: `${who} advertised ${advertised} at frame ${e.startFrame} and stayed below ${below} for ${ms(e.duration)} while its peer had data waiting (${details(e)}); the stall ${ended}.`,
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
