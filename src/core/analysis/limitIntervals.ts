/**
 * The limited-by timeline, stored columnar (issue 19's cost: one object per interval held 60–90 MB of
 * heap per million packets): time-ordered intervals of one state each, as Float64Array starts and ends
 * and Uint8Array state codes (indices into LIMIT_STATES), grown in chunks. Building it merges a piece
 * that continues the last in the same state; the seconds per state can be had from the same builder
 * without storing anything (the flow list needs only those).
 */
import { LIMIT_STATES, type LimitState } from '../../protocol';

/** One interval of the timeline as an object, in seconds since the capture start; `end` is exclusive. */
export interface LimitInterval {
  state: LimitState;
  start: number;
  end: number;
}

/** Room for this many intervals first; then a quarter more each time (as the packet columns grow). */
const FIRST_CHUNK = 64;

/** A timeline's intervals as columns; read through `length`, `startAt`, `endAt`, `codeAt`. */
export class LimitTimeline {
  private starts = new Float64Array(FIRST_CHUNK);
  private ends = new Float64Array(FIRST_CHUNK);
  private codes = new Uint8Array(FIRST_CHUNK);
  private n = 0;

  /** A timeline holding exactly these intervals (no merging): tests and small hand-made timelines. */
  static from(intervals: Iterable<LimitInterval>): LimitTimeline {
    const t = new LimitTimeline();
    for (const iv of intervals) t.append(Math.max(0, LIMIT_STATES.indexOf(iv.state)), iv.start, iv.end);
    return t;
  }

  get length(): number {
    return this.n;
  }

  startAt(i: number): number {
    return this.starts[i];
  }

  endAt(i: number): number {
    return this.ends[i];
  }

  /** The state's index in LIMIT_STATES (the strip's code). */
  codeAt(i: number): number {
    return this.codes[i];
  }

  stateAt(i: number): LimitState {
    return LIMIT_STATES[this.codes[i]];
  }

  /** Interval `i` as an object (for the few places that want one). */
  interval(i: number): LimitInterval {
    return { state: LIMIT_STATES[this.codes[i]], start: this.starts[i], end: this.ends[i] };
  }

  /** Every interval as an object: small timelines, tests. */
  toArray(): LimitInterval[] {
    return Array.from({ length: this.n }, (_, i) => this.interval(i));
  }

  /** Bytes held by the columns (capacity). */
  get byteLength(): number {
    return this.starts.byteLength + this.ends.byteLength + this.codes.byteLength;
  }

  /** Adds an interval after the last, as is. */
  append(code: number, start: number, end: number): void {
    if (this.n === this.codes.length) this.grow();
    this.starts[this.n] = start;
    this.ends[this.n] = end;
    this.codes[this.n] = code;
    this.n++;
  }

  /** Drops the room left to grow (the timeline is complete). */
  compact(): this {
    if (this.n < this.codes.length) {
      this.starts = this.starts.slice(0, this.n);
      this.ends = this.ends.slice(0, this.n);
      this.codes = this.codes.slice(0, this.n);
    }
    return this;
  }

  private grow(): void {
    const size = this.codes.length + Math.max(FIRST_CHUNK, this.codes.length >> 2);
    const starts = new Float64Array(size);
    const ends = new Float64Array(size);
    const codes = new Uint8Array(size);
    starts.set(this.starts);
    ends.set(this.ends);
    codes.set(this.codes);
    this.starts = starts;
    this.ends = ends;
    this.codes = codes;
  }
}

/**
 * Takes pieces in time order, merges one that continues the last in the same state (empty ones are
 * dropped), and adds each finished interval's length to `seconds` (so the sums are those of the merged
 * intervals, in timeline order) and, when given one, to a stored timeline.
 */
export class TimelineBuilder {
  /** Seconds per state code, of the intervals finished so far. */
  readonly seconds = new Float64Array(LIMIT_STATES.length);
  private code = -1;
  private start = 0;
  private end = 0;

  constructor(private readonly store?: LimitTimeline) {}

  /** The same sums and unfinished interval, without a store: a checkpoint to go on from (limitSplit.ts). */
  copy(): TimelineBuilder {
    const c = new TimelineBuilder();
    c.seconds.set(this.seconds);
    c.code = this.code;
    c.start = this.start;
    c.end = this.end;
    return c;
  }

  push(code: number, start: number, end: number): void {
    if (!(end > start)) return;
    if (code === this.code && this.end === start) {
      this.end = end;
      return;
    }
    this.flush();
    this.code = code;
    this.start = start;
    this.end = end;
  }

  /** Finishes the last interval; `seconds` (and the store) are complete after this. */
  finish(): void {
    this.flush();
    this.code = -1;
  }

  private flush(): void {
    if (this.code < 0) return;
    this.seconds[this.code] += this.end - this.start;
    this.store?.append(this.code, this.start, this.end);
  }
}

/**
 * Sets every instant inside one of `cover` (sorted by start, disjoint) to state `code` on its way to
 * `out`: each stall episode lies in receiver-window time whatever the per-packet rule said there.
 * Pieces must come in time order; the cover is walked once.
 */
export class CoverPainter {
  constructor(
    private readonly cover: readonly { start: number; end: number }[],
    private readonly code: number,
    private readonly out: TimelineBuilder,
    /** The first cover that may still matter (a split going on from a checkpoint: `index` there). */
    private k = 0,
  ) {}

  get index(): number {
    return this.k;
  }

  push(code: number, start: number, end: number): void {
    const cover = this.cover;
    let s = start;
    while (s < end) {
      while (this.k < cover.length && cover[this.k].end <= s) this.k++;
      const c = cover[this.k];
      if (!c || c.start >= end) {
        this.out.push(code, s, end);
        return;
      }
      if (c.start > s) {
        this.out.push(code, s, c.start);
        s = c.start;
        continue;
      }
      const e = Math.min(c.end, end);
      this.out.push(this.code, s, e);
      s = e;
    }
  }
}

/** Seconds per state from a builder's per-code sums. */
export function secondsRecord(codes: Float64Array): Record<LimitState, number> {
  return Object.fromEntries(LIMIT_STATES.map((s, i) => [s, codes[i]])) as Record<LimitState, number>;
}
