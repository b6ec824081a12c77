/** `small_receive_buffer`: the receiver's buffer holds less than one segment of its peer's. */
import type { Flow } from '../../flows/flow';
import { queueAtClosure } from '../closureQueue';
import type { RecvQSeries } from '../recvq';
import { describeSegmentSize } from '../segmentSize';
import type { StallEpisode } from '../stalls';
import { ms, side } from './common';
import type { Finding } from './index';

/** Stalls it takes to call the buffer the flow's limit: one or two are a slow reader, not a buffer that cannot hold a segment. */
const REPEATED_STALLS = 3;

/**
 * A receiver that never advertised a window of one segment of its peer's — its SYN included — has a
 * buffer too small for the flow: every segment fills it, the sender sends partial segments and waits
 * on each (RFC 1122 §4.2.3.4: it may not send more than the window). One finding per receiver that
 * stalled at least three times, at its first stall; with samples, the buffer size they report and the queue at that
 * closure, which holds the whole window — not the "nearly empty queue" of emptyQueue.ts.
 */
export function smallBufferFindings(
  flow: Flow,
  stalls: readonly StallEpisode[],
  measured: readonly (RecvQSeries | undefined)[],
  windowBytes: readonly ((i: number) => number)[],
  largestWindow: (receiver: 0 | 1) => number = (receiver) => largestAdvertised(flow, receiver, windowBytes[receiver]),
): Finding[] {
  const found: Finding[] = [];
  for (const receiver of [0, 1] as const) {
    const mine = stalls.filter((e) => e.receiver === receiver);
    if (mine.length < REPEATED_STALLS) continue;
    const segment = mine[0].segment;
    const largest = largestWindow(receiver);
    if (largest >= segment.bytes) continue;
    const first = mine[0];
    const stalled = mine.reduce((sum, e) => sum + e.duration, 0);
    let measuredText = '';
    const series = measured[receiver];
    const q = series && queueAtClosure(flow, first, series);
    if (q && Number.isFinite(q.buffer)) measuredText = ` Its socket's buffer is ${q.buffer} bytes (skmem rb); at frame ${first.startFrame} it held ${q.bytes} bytes (${q.evidence}).`;
    found.push({
      kind: 'small_receive_buffer',
      flow: flow.id,
      time: first.start,
      frames: [first.startFrame],
      severity: 'warning',
      message:
        `${side(flow, receiver)} never advertised more than ${largest} bytes of window, less than one segment of its peer's (${describeSegmentSize(segment)}): ` +
        `its receive buffer holds less than one segment, so every segment fills it and the sender waits — ${mine.length} stall${mine.length === 1 ? '' : 's'}, ${ms(stalled)} in all, from frame ${first.startFrame}.${measuredText} Give the receiver a larger buffer (SO_RCVBUF).`,
    });
  }
  return found;
}

/** Largest window `receiver` advertised, scanning the whole flow (a growing flow keeps it in passCache.ts). */
function largestAdvertised(flow: Flow, receiver: 0 | 1, windowBytes: (i: number) => number): number {
  const p = flow.packets;
  let largest = 0;
  for (let i = 0; i < p.length; i++) if (p.dir[i] === receiver && windowBytes(i) > largest) largest = windowBytes(i);
  return largest;
}
