/**
 * Stall and finding ids that stay the same while a capture grows: each is given at first detection,
 * keyed by what identifies the thing (its flow, the receiver or the finding's kind, its first frame),
 * and every first sighting becomes one event. When everything is seen at once (a file read in one go)
 * the finding ids are the indices of the time-sorted list, as `toCaptureView` numbers them.
 */
import type { FindingSummary, FlowSummary, StallSummary } from '../summary';

export type ModelEvent =
  /** A stall episode first seen (it may still be open at the live edge). */
  | { kind: 'stall'; flowId: number; stallId: number; stall: StallSummary }
  /** Its owed window update became known (reported once, after its 'stall'). */
  | { kind: 'owed'; flowId: number; stallId: number; stall: StallSummary }
  | { kind: 'finding'; flowId: number; findingId: number; finding: FindingSummary };

/** The ids of one flow's stalls and findings, parallel to its summary's lists. */
export interface FlowIds {
  stalls: number[];
  findings: number[];
}

interface FlowKeys {
  stalls: Map<string, number>;
  findings: Map<string, number>;
  /** Stall ids whose owed update was reported. */
  owedSent: Set<number>;
}

const stallKey = (s: StallSummary) => `${s.receiver}:${s.startFrame}`;
/** Findings a flow has at most one of, about all of it: the same finding while its frames move as the flow grows. */
const ONE_PER_FLOW = new Set<string>(['limited_by']);
const findingKey = (f: FindingSummary) => (ONE_PER_FLOW.has(f.kind) ? f.kind : `${f.kind}:${f.frames[0] ?? f.time}`);

export class StableIds {
  private nextStall = 0;
  private nextFinding = 0;
  private readonly keys = new Map<number, FlowKeys>();
  private readonly ids = new Map<number, FlowIds>();

  /** Ids of a flow's stalls and findings as of the last `assign`. */
  of(flowId: number): FlowIds {
    return this.ids.get(flowId) ?? { stalls: [], findings: [] };
  }

  /**
   * Give ids to what these (re-analysed) flows show for the first time, and return the events:
   * stalls in flow order, then new findings in time order (ids follow that order).
   */
  assign(flows: readonly FlowSummary[]): ModelEvent[] {
    const events: ModelEvent[] = [];
    const fresh: { flowId: number; finding: FindingSummary; slot: number[]; k: number }[] = [];
    for (const flow of flows) {
      const keys = this.flowKeys(flow.id);
      const ids: FlowIds = { stalls: [], findings: [] };
      for (const stall of flow.stalls) {
        const key = stallKey(stall);
        let id = keys.stalls.get(key);
        if (id === undefined) {
          id = this.nextStall++;
          keys.stalls.set(key, id);
          events.push({ kind: 'stall', flowId: flow.id, stallId: id, stall });
        }
        if (stall.owed && !keys.owedSent.has(id)) {
          keys.owedSent.add(id);
          events.push({ kind: 'owed', flowId: flow.id, stallId: id, stall });
        }
        ids.stalls.push(id);
      }
      const seen = new Map<string, number>();
      flow.findings.forEach((finding, k) => {
        // Two findings of one kind on one frame (rare) are told apart by their order.
        const base = findingKey(finding);
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        const key = n ? `${base}#${n}` : base;
        const id = keys.findings.get(key);
        if (id !== undefined) ids.findings[k] = id;
        else {
          fresh.push({ flowId: flow.id, finding, slot: ids.findings, k });
          keys.findings.set(key, -1); // given its id below, in time order with the other new ones
        }
      });
      this.ids.set(flow.id, ids);
    }
    // Array.prototype.sort is stable: equal times keep flow order, as toCaptureView's sort does.
    fresh.sort((x, y) => x.finding.time - y.finding.time);
    for (const f of fresh) {
      const id = this.nextFinding++;
      const base = findingKey(f.finding);
      const keys = this.flowKeys(f.flowId);
      for (let n = 0; ; n++) {
        const key = n ? `${base}#${n}` : base;
        if (keys.findings.get(key) === -1) {
          keys.findings.set(key, id);
          break;
        }
      }
      f.slot[f.k] = id;
      events.push({ kind: 'finding', flowId: f.flowId, findingId: id, finding: f.finding });
    }
    return events;
  }

  /** Stalls and findings given ids so far. */
  get counts(): { stalls: number; findings: number } {
    return { stalls: this.nextStall, findings: this.nextFinding };
  }

  private flowKeys(flowId: number): FlowKeys {
    let k = this.keys.get(flowId);
    if (!k) this.keys.set(flowId, (k = { stalls: new Map(), findings: new Map(), owedSent: new Set() }));
    return k;
  }
}
