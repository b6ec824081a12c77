/**
 * What the bytes pushed into a CaptureModel are, and the reader that files them: a capture through
 * the CaptureReader into a CaptureIngest, a NAT trace or consomme log through its line reader into a
 * TraceIngest (whose capture ingest holds the flows). The format is told by the first bytes
 * (streamSniffer.ts) unless the caller knows it.
 */
import { CaptureReader } from '../capture/reader';
import type { CaptureWarning } from '../capture/types';
import type { Flow } from '../flows/flow';
import { CaptureIngest } from '../ingest';
import type { ConsommeLogReader, ConsommeOptions } from '../trace/consomme';
import type { EngineFlow } from '../trace/engine';
import type { NatTraceReader } from '../trace/natTrace';
import { traceReader, traceResult, type SourceKind, type TraceRead } from '../trace/source';
import { TraceIngest } from '../trace/traceIngest';
import { StreamSniffer } from './streamSniffer';

export class ModelInput {
  private format: SourceKind | undefined;
  private readonly sniffer = new StreamSniffer();
  private captureIngest: CaptureIngest;
  private reader: CaptureReader | undefined;
  private traceIngest: TraceIngest | undefined;
  private lines: NatTraceReader | ConsommeLogReader | undefined;

  constructor(
    kind: SourceKind | undefined,
    private readonly consomme: ConsommeOptions | undefined,
  ) {
    this.captureIngest = new CaptureIngest();
    if (kind) this.begin(kind);
  }

  /** The flow table and decoder counts (for a trace or log, the one its segments are filed into). */
  get ingest(): CaptureIngest {
    return this.captureIngest;
  }

  /** The capture reader (its format, warnings, interfaces), undefined for a trace or log. */
  get captureReader(): CaptureReader | undefined {
    return this.reader;
  }

  /** The format, once told. */
  get kind(): SourceKind | undefined {
    return this.format;
  }

  /** True once damage made the capture reader stop: later input is ignored. */
  get isStopped(): boolean {
    return this.reader?.isStopped ?? false;
  }

  /** Packets or trace lines received (the events of the live rate). */
  get events(): number {
    return this.lines ? this.lines.lines : this.captureIngest.packets;
  }

  /** The NAT engine's knowledge by flow id, for a trace or log. */
  get engines(): readonly (EngineFlow | undefined)[] | undefined {
    return this.traceIngest?.engines;
  }

  /** Next bytes. Throws CaptureError / SourceError when the start is not one we read. */
  push(chunk: Uint8Array): void {
    if (!this.format) {
      const kind = this.sniffer.push(chunk);
      if (!kind) return;
      this.begin(kind);
      chunk = this.sniffer.held;
    }
    this.file(chunk);
  }

  /** No more input; a stream too short to tell throws like an empty file. */
  end(): void {
    if (!this.format) {
      this.begin(this.sniffer.end());
      if (this.sniffer.held.length > 0) this.file(this.sniffer.held);
    }
    if (this.reader) this.reader.end();
    else this.lines!.end();
  }

  /** A layer around the data (gzip) was damaged after `what`: said where the data's own problems are. */
  damaged(what: string, detail: string, elsewhere: CaptureWarning[]): void {
    if (this.traceIngest && this.lines) this.traceIngest.problems.bad(this.lines.lines + 1, `${what}: the rest is not read`);
    else if (this.reader) this.reader.warn(this.reader.bytesSeen, `${what} (${detail}); offsets are in the decompressed data`);
    else elsewhere.push({ offset: -1, message: `${what} (${detail})` });
  }

  /** A gap: what comes after it is a new stream (a reconnect, a replaced file). */
  newStream(): void {
    // A capture starts over at the next header, frames, offsets and warnings going on.
    if (this.reader) this.reader.newStream();
    // A line cut by the gap stays one malformed line instead of swallowing the next stream's first.
    else if (this.lines) this.lines.push('\n');
  }

  /** The flow's first `k` packets left its columns: a trace's per-connection packet indices move with them. */
  packetsLeft(flow: Flow, k: number): void {
    this.traceIngest?.packetsLeft(flow, k);
  }

  /** What was read of a trace or log (for the summary's `source`), undefined for a capture. */
  traceRead(): TraceRead | undefined {
    if (!this.lines || (this.format !== 'nat-flow-trace' && this.format !== 'consomme-log')) return undefined;
    return traceResult(this.format, this.lines, { consomme: this.consomme });
  }

  private file(chunk: Uint8Array): void {
    if (this.reader) this.reader.push(chunk);
    else this.lines!.push(chunk);
  }

  private begin(kind: SourceKind): void {
    this.format = kind;
    if (kind === 'capture') {
      this.reader = new CaptureReader(this.captureIngest);
      return;
    }
    // A trace or log: its own ingest (the model's flows are in the capture ingest inside it).
    this.traceIngest = new TraceIngest();
    this.lines = traceReader(kind, this.traceIngest, { consomme: this.consomme });
    this.captureIngest = this.traceIngest.capture;
  }
}
