/**
 * The limited-by split in the `analyze --json` document: for the direction
 * that carries the data, seconds per state (the sender's two kinds together under `sender`), the
 * timeline in epoch seconds, and the kernel's own totals beside ours when `ss` samples gave them.
 */
import type { FlowAnalysis } from './analysis/analyze';
import { kernelTotals, oursAsBusy, type BusySplit } from './analysis/kernelLimits';
import type { FlowLimits, LimitTimeline, SendBufferEvidence } from './analysis/limitedBy';
import type { Vantage } from './analysis/vantage';
import type { Flow } from './flows/flow';
import type { LimitState } from '../protocol';

/** `limitedBy` of a flow in the `analyze --json` document; seconds, and times in epoch seconds. */
export interface LimitSummary {
  /** The direction that carries the data, and its sender's endpoint. */
  direction: 'a→b' | 'b→a';
  dataSender: string;
  receiverWindow: number;
  network: number;
  sender: { application: number; sendBuffer: number };
  idle: number;
  /** Everything but application and idle: the kernel's busy time. */
  busy: number;
  /** Receiver-window seconds spent waiting for window updates that were owed. */
  owed: number;
  vantage: Vantage;
  sendBufferEvidence: SendBufferEvidence | null;
  /** Serialized as `[{ state, start, end }]` in epoch seconds; built from the analysis when written. */
  timeline: EpochTimeline;
  /** The data sender's tcp_info totals from `ss` samples of its socket, and ours minus the kernel's; absent without matching samples. */
  kernel?: BusySplit & { samples: number; difference: BusySplit };
}

/** The summary of a flow's split; `captureEpoch` turns capture times into epoch seconds. */
export function summarizeLimits(flow: Flow, analysis: FlowAnalysis, captureEpoch: number): LimitSummary | null {
  const l = analysis.limitedBy;
  if (!l) return null;
  const s = l.seconds;
  const summary: LimitSummary = {
    direction: l.dir === 0 ? 'a→b' : 'b→a',
    dataSender: l.dir === 0 ? flow.a : flow.b,
    receiverWindow: s.receiverWindow,
    network: s.network,
    sender: { application: s.application, sendBuffer: s.sendBuffer },
    idle: s.idle,
    busy: l.busy,
    owed: l.owedSeconds,
    vantage: l.vantage,
    sendBufferEvidence: l.sendBuffer,
    timeline: new EpochTimeline(l, captureEpoch),
  };
  const k = analysis.kernelLimits;
  if (k) {
    const theirs = kernelTotals(k);
    const ours = oursAsBusy(s);
    const difference = {
      busy: ours.busy - theirs.busy,
      receiverWindow: ours.receiverWindow - theirs.receiverWindow,
      network: ours.network - theirs.network,
      sendBuffer: ours.sendBuffer - theirs.sendBuffer,
    };
    summary.kernel = { ...theirs, samples: k.time.length, difference };
  }
  return summary;
}

/** One interval of the JSON timeline: epoch seconds. */
export interface EpochInterval {
  state: LimitState;
  start: number;
  end: number;
}

/**
 * A flow's limited-by timeline as the JSON document carries it (`[{ state, start, end }]`, epoch seconds),
 * holding no intervals itself: JSON.stringify gets them from `toJSON`, and `analyze --json` writes them
 * in pieces (`jsonText`), so a million intervals are never one array of objects or one string.
 */
export class EpochTimeline {
  // Private fields: not enumerable, so summaries still compare (and clone) as plain data.
  readonly #limits: FlowLimits;
  readonly #epoch: number;

  constructor(limits: FlowLimits, epoch: number) {
    this.#limits = limits;
    this.#epoch = epoch;
  }

  get length(): number {
    return this.#limits.timeline.length;
  }

  /** Interval `i` in epoch seconds. */
  at(i: number): EpochInterval {
    return epochInterval(this.#limits.timeline, i, this.#epoch);
  }

  toJSON(): EpochInterval[] {
    const t = this.#limits.buildTimeline();
    return Array.from({ length: t.length }, (_, i) => epochInterval(t, i, this.#epoch));
  }

  /**
   * The array as `JSON.stringify(…, null, 2)` writes it with its first line at `indent`: the opening
   * bracket, then pieces of about `pieceChars` characters. The timeline is built for this and let go.
   */
  *jsonText(indent: string, pieceChars = 1 << 20): Generator<string> {
    const t = this.#limits.buildTimeline();
    if (t.length === 0) {
      yield '[]';
      return;
    }
    const open = `\n${indent}  {\n${indent}    "state": "`;
    const inner = `,\n${indent}    `;
    const close = `\n${indent}  }`;
    let piece = '[';
    for (let i = 0; i < t.length; i++) {
      piece += `${i > 0 ? ',' : ''}${open}${t.stateAt(i)}"${inner}"start": ${jsonNumber(this.#epoch + t.startAt(i))}${inner}"end": ${jsonNumber(this.#epoch + t.endAt(i))}${close}`;
      if (piece.length >= pieceChars) {
        yield piece;
        piece = '';
      }
    }
    yield `${piece}\n${indent}]`;
  }
}

function epochInterval(t: LimitTimeline, i: number, epoch: number): EpochInterval {
  return { state: t.stateAt(i), start: epoch + t.startAt(i), end: epoch + t.endAt(i) };
}

/** A number as JSON.stringify writes it (non-finite ones as null). */
function jsonNumber(x: number): string {
  return Number.isFinite(x) ? String(x) : 'null';
}
