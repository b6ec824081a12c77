/** A LiveSink that records every call, in order, for the live-source tests. */
import type { LiveSink, LiveStatus } from '../../src/core/live/types';
import type { SsSample } from '../../src/core/trace/ss';

export type SinkCall = { data: Buffer } | { samples: readonly SsSample[] } | { gap: string; epoch: number } | { status: LiveStatus; message?: string };

export class RecordingSink implements LiveSink {
  readonly calls: SinkCall[] = [];
  private waiters: { test: () => boolean; resolve: () => void }[] = [];

  data(chunk: Uint8Array): void {
    this.push({ data: Buffer.from(chunk) });
  }
  samples(samples: readonly SsSample[]): void {
    this.push({ samples });
  }
  gap(reason: string, epoch: number): void {
    this.push({ gap: reason, epoch });
  }
  status(status: LiveStatus, message?: string): void {
    this.push({ status, message });
  }

  /** All data received, in order, as one buffer. */
  bytes(): Buffer {
    return Buffer.concat(this.calls.flatMap((c) => ('data' in c ? [c.data] : [])));
  }
  /** The data between gaps: one buffer per stream. */
  streams(): Buffer[] {
    const out: Buffer[][] = [[]];
    for (const c of this.calls) {
      if ('gap' in c) out.push([]);
      else if ('data' in c) out[out.length - 1].push(c.data);
    }
    return out.map((parts) => Buffer.concat(parts));
  }
  gaps(): string[] {
    return this.calls.flatMap((c) => ('gap' in c ? [c.gap] : []));
  }
  statuses(): string[] {
    return this.calls.flatMap((c) => ('status' in c ? [c.status] : []));
  }

  /** Resolves once `test` holds (checked after every call). */
  until(test: () => boolean, timeoutMs = 10_000): Promise<void> {
    if (test()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`RecordingSink.until timed out; calls: ${JSON.stringify(this.calls.map((c) => ('data' in c ? { data: c.data.length } : c)))}`)), timeoutMs);
      this.waiters.push({ test, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  private push(call: SinkCall): void {
    this.calls.push(call);
    this.waiters = this.waiters.filter((w) => (w.test() ? (w.resolve(), false) : true));
  }
}
