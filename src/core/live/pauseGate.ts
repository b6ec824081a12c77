/**
 * Pause for a live source. Pausing does not stop reading: a capture program or NAT that cannot write
 * blocks or drops packets, so the source keeps draining it and the gate holds what arrives, in
 * order, until resume (or stop) hands it on. What the user sees stands still; nothing is lost.
 */
import type { SsSample } from '../trace/ss';
import type { LiveSink, LiveStatus } from './types';

/** Held data beyond this ends the pause by itself (said in the status message) rather than grow without bound. */
export const MAX_PAUSED_BYTES = 64 << 20;

type Held = { data: Uint8Array } | { samples: readonly SsSample[] } | { gap: string; epoch: number };

export class PauseGate implements LiveSink {
  private held: Held[] = [];
  private heldBytes = 0;
  private paused = false;
  /** The source's own status, given back on resume. */
  private sourceStatus: LiveStatus = 'connecting';
  private sourceMessage: string | undefined;

  constructor(private readonly sink: LiveSink) {}

  get isPaused(): boolean {
    return this.paused;
  }

  pause(): void {
    if (this.paused || this.sourceStatus === 'ended') return;
    this.paused = true;
    this.sink.status('paused', 'receiving, held until resumed');
  }

  resume(message?: string): void {
    if (!this.paused) return;
    this.paused = false;
    this.flush();
    this.sink.status(this.sourceStatus, message ?? this.sourceMessage);
  }

  data(chunk: Uint8Array): void {
    if (!this.paused) return this.sink.data(chunk);
    // The source may reuse its buffer: keep a copy.
    this.held.push({ data: chunk.slice() });
    this.heldBytes += chunk.length;
    if (this.heldBytes > MAX_PAUSED_BYTES) this.resume(`resumed: more than ${MAX_PAUSED_BYTES >> 20} MiB arrived while paused`);
  }

  samples(samples: readonly SsSample[]): void {
    if (this.paused) this.held.push({ samples });
    else this.sink.samples(samples);
  }

  gap(reason: string, epoch: number): void {
    if (this.paused) this.held.push({ gap: reason, epoch });
    else this.sink.gap(reason, epoch);
  }

  status(status: LiveStatus, message?: string): void {
    this.sourceStatus = status;
    this.sourceMessage = message;
    // The end always goes through, after what was held: stopping while paused loses nothing.
    if (status === 'ended' && this.paused) {
      this.paused = false;
      this.flush();
    }
    if (!this.paused) this.sink.status(status, message);
  }

  private flush(): void {
    const held = this.held;
    this.held = [];
    this.heldBytes = 0;
    for (const h of held) {
      if ('data' in h) this.sink.data(h.data);
      else if ('samples' in h) this.sink.samples(h.samples);
      else this.sink.gap(h.gap, h.epoch);
    }
  }
}
