/** A live session's state for `CaptureView.live`: the source's status, its gaps and the event rate. */
import type { LiveState } from '../../protocol';
import type { LiveStatus } from '../live/types';

/** The event rate is averaged over this window. */
const RATE_WINDOW_MS = 5000;

export class LiveTracker {
  source = '';
  status: LiveStatus = 'connecting';
  message: string | undefined;
  /** Gaps in epoch seconds; `end` null while the source is still cut off. */
  private readonly gaps: { start: number; end: number | null; reason: string }[] = [];
  /** (time ms, events so far) at each count, oldest first, within the rate window. */
  private readonly marks: [number, number][] = [];

  constructor(private readonly now: () => number) {}

  set(source: string, status: LiveStatus, message?: string): void {
    this.source = source;
    this.status = status;
    this.message = message;
  }

  gap(reason: string, epoch: number): void {
    const open = this.gaps[this.gaps.length - 1];
    if (open && open.end === null) return; // still cut off: the first reason stands
    this.gaps.push({ start: epoch, end: null, reason });
  }

  /** Data arrived: a gap still open ends now (the source's reconnect, on the wall clock like `gap`'s epoch). */
  dataArrived(): void {
    const open = this.gaps[this.gaps.length - 1];
    if (open && open.end === null) open.end = this.now() / 1000;
  }

  /** The count of events (packets, trace lines) received so far. */
  count(events: number): void {
    const t = this.now();
    const last = this.marks[this.marks.length - 1];
    if (last && t - last[0] < 100) {
      last[1] = events; // one mark per 100 ms is enough for a rate
      return;
    }
    this.marks.push([t, events]);
    while (this.marks.length > 2 && t - this.marks[0][0] > RATE_WINDOW_MS) this.marks.shift();
  }

  eventsPerSecond(): number {
    if (this.marks.length < 2) return 0;
    const [t0, n0] = this.marks[0];
    const [t1, n1] = this.marks[this.marks.length - 1];
    return t1 > t0 ? ((n1 - n0) * 1000) / (t1 - t0) : 0;
  }

  /** The view's LiveState, times on the capture's axis (`epoch0`: epoch seconds of its time 0). */
  state(epoch0: number, dropped: LiveState['dropped']): LiveState {
    return {
      source: this.source,
      state: this.status,
      ...(this.message !== undefined ? { message: this.message } : {}),
      gaps: this.gaps.map((g) => ({ start: g.start - epoch0, end: g.end === null ? null : g.end - epoch0, reason: g.reason })),
      dropped,
      eventsPerSecond: Math.round(this.eventsPerSecond()),
    };
  }
}
