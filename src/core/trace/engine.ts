/**
 * What a NAT engine knew about one flow that a capture does not show: its receive queue after each
 * event, the instants its window could have reopened, the segments it dropped and why it sent each
 * segment. Times are seconds on the flow's time axis; packet indices are the flow's.
 */
import { grow } from '../typed';

/** A guest segment the engine dropped. `index` is the flow's packet for it, -1 when no packet matched. */
export interface EngineDrop {
  index: number;
  time: number;
  reason: string;
  /** Line of the trace or log that reported it. */
  line: number;
}

/** The engine's own "the window could reopen now" (a `win` event with state `reopen_possible`). */
export interface ReopenMoment {
  time: number;
  threshold: number;
  /** Free space the guest could have been offered then (bytes). */
  free: number;
}

export class EngineFlow {
  /** Receive-queue samples: after each event that reports `recvq`, with the buffer size then. */
  length = 0;
  time = new Float64Array(64);
  recvq = new Float64Array(64);
  buffer = new Float64Array(64);
  readonly reopen: ReopenMoment[] = [];
  /** The engine's own `win reopened` instants: when it decided to re-advertise (its segment may reach the wire later). */
  readonly reopened: number[] = [];
  /** The engine's own `win closed` instants: when it decided to advertise less than its threshold (its segment may reach the wire later). */
  readonly closed: number[] = [];
  /** True when the engine emits `win` events: then only they say when the window could reopen. */
  hasWinEvents = false;
  readonly drops: EngineDrop[] = [];
  /** Reason code per packet index (0: none), names in `reasonNames`. */
  reasonCode = new Uint8Array(64);
  /** Window-scale shift assumed for the NAT's side because the source does not say (consomme logs), else null. */
  scaleAssumed: number | null = null;

  constructor(
    /** The NAT's side of the flow: 0 = a, 1 = b. */
    public natSide: 0 | 1,
    readonly reasonNames: string[] = [''],
  ) {}

  addSample(time: number, recvq: number, buffer: number): void {
    if (this.length === this.time.length) {
      const c = this.length * 2;
      this.time = grow(this.time, c);
      this.recvq = grow(this.recvq, c);
      this.buffer = grow(this.buffer, c);
    }
    this.time[this.length] = time;
    this.recvq[this.length] = recvq;
    this.buffer[this.length++] = buffer;
  }

  /**
   * The flow's first `k` packets left its columns (bounded history): packet indices move with them
   * and what the engine said before `before` (seconds) goes: its findings were kept by the model.
   */
  dropFirst(k: number, before: number): void {
    this.reasonCode.copyWithin(0, Math.min(k, this.reasonCode.length));
    this.reasonCode.fill(0, Math.max(0, this.reasonCode.length - k));
    const keptDrops = this.drops.filter((d) => d.time >= before);
    this.drops.splice(0, this.drops.length, ...keptDrops);
    for (const d of this.drops) d.index = d.index >= k ? d.index - k : -1;
    for (const list of [this.reopened, this.closed]) list.splice(0, list.length, ...list.filter((t) => t >= before));
    this.reopen.splice(0, this.reopen.length, ...this.reopen.filter((r) => r.time >= before));
    // The last sample before the cut stays: it says what the queue held when the kept packets start.
    let gone = 0;
    while (gone + 1 < this.length && this.time[gone + 1] < before) gone++;
    for (const c of [this.time, this.recvq, this.buffer]) c.copyWithin(0, gone, this.length);
    this.length -= gone;
  }

  setReason(index: number, reason: string): void {
    let code = this.reasonNames.indexOf(reason);
    if (code < 0) {
      if (this.reasonNames.length >= 255) return; // a flood of invented reasons: keep the first 254
      code = this.reasonNames.push(reason) - 1;
    }
    if (index >= this.reasonCode.length) this.reasonCode = grow(this.reasonCode, Math.max(index + 1, this.reasonCode.length * 2));
    this.reasonCode[index] = code;
  }

  /** Why the engine sent packet `index`, if it said. */
  reason(index: number): string | undefined {
    const code = index < this.reasonCode.length ? this.reasonCode[index] : 0;
    return code ? this.reasonNames[code] : undefined;
  }
}

/** Problems a trace reader worked around: nothing is dropped silently. */
export class TraceProblems {
  /** Malformed lines: the count, and the first ten with their line number and reason. */
  malformed = 0;
  readonly firstMalformed: { line: number; reason: string }[] = [];
  /** Unknown events by name, and unknown fields of known events by name. */
  readonly unknownEvents = new Map<string, number>();
  readonly unknownFields = new Map<string, number>();
  /** Lines that are not events at all (a log's other lines), ignored. */
  otherLines = 0;

  bad(line: number, reason: string): void {
    if (this.malformed++ < 10) this.firstMalformed.push({ line, reason });
  }

  count(map: Map<string, number>, name: string): void {
    if (map.size < 1000 || map.has(name)) map.set(name, (map.get(name) ?? 0) + 1);
  }
}
