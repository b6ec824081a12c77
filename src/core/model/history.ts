/**
 * Bounded history for endless streams (issue 13). Once the oldest packet held is more than
 * `seconds` older than the live edge, or more than `packets` are held, the oldest leave the columns:
 * those more than 0.9 × `seconds` before the edge, and then the oldest until 0.9 × `packets` remain
 * (the tenth of headroom means a trim copies the columns once per tenth of the limit, not per push).
 * A stall still open holds the time cut back to its start, so it is archived whole once it ended; only
 * the packet limit cuts through an open stall (it is then kept as it was at the cut: its end and owed
 * update as seen then). What sums up the whole flow (flag counts and extremes, kept as the analyzer
 * goes) covers every packet; the limited-by split and its finding cover the packets held.
 * Before they go, everything they showed is analysed and reported; their flows, stalls and findings
 * stay in the summary (archived here; flag counts and extremes are the analyzer's running totals), and `dropped()` says how many left and before when.
 */
import type { FlowAnalysis } from '../analysis/analyze';
import type { CaptureWarning } from '../capture/types';
import type { Flow } from '../flows/flow';
import { summarizeFlow, type FindingSummary, type FlowSummary, type StallSummary } from '../summary';
import type { LiveState } from '../../protocol';
import type { CaptureModel } from './captureModel';
import { kthSmallest } from './select';

/** How much a live session keeps: packets newer than `seconds` before the live edge, at most `packets` of them. */
export interface HistoryLimit {
  seconds: number;
  packets: number;
}

/** The default for live sources (host and CLI): 10 minutes or 2,000,000 packets, whichever comes first. */
export const DEFAULT_LIVE_HISTORY: HistoryLimit = { seconds: 600, packets: 2_000_000 };

/** Findings about the whole flow (its limited-by split): always the analysis of what it holds now, never archived. */
const WHOLE_FLOW = new Set<string>(['limited_by']);

/** A trim keeps this share of the limit, so the next one is a tenth of the limit away. */
const KEEP = 0.9;

/** What left a flow's columns but stays in its summary (flag counts and extremes: the analyzer's totals keep them). */
interface Archive {
  stalls: StallSummary[];
  findings: FindingSummary[];
}

export class HistoryTrimmer {
  private droppedPackets = 0;
  private droppedBefore = 0;
  /** Time of the newest packet (the live edge). */
  private edge = 0;
  private readonly archives = new Map<number, Archive>();

  constructor(readonly limit: HistoryLimit) {}

  /** After a push: trim when over the limit. */
  trim(model: CaptureModel): void {
    const last = model.ingest.flows.lastFlow;
    if (last && last.packets.length > 0) this.edge = Math.max(this.edge, last.packets.time[last.packets.length - 1]);
    const held = model.ingest.tcpPackets - this.droppedPackets;
    // Nothing held is older than the last cut (the capture's time 0 before any).
    if (held <= this.limit.packets && this.edge - this.droppedBefore <= this.limit.seconds) return;
    model.analyseGrown(); // everything the leaving packets show is detected, given ids and reported first
    // A stall still open is kept whole while time alone is the limit: it ends, or is owed, later.
    let cut = Math.min(this.edge - KEEP * this.limit.seconds, openStallStart(model));
    const keep = Math.floor(KEEP * this.limit.packets);
    if (held > keep) cut = Math.max(cut, cutForCount(model.flows, held - keep));
    if (cut > this.droppedBefore) this.cut(model, cut);
  }

  /** Packets before `cut` (seconds) leave every flow's columns; what they showed goes to the archive first. */
  private cut(model: CaptureModel, cut: number): void {
    for (const flow of model.flows) {
      const p = flow.packets;
      let k = 0;
      while (k < p.length && p.time[k] < cut) k++;
      if (k === 0) continue;
      const analyzer = model.analyzerOf(flow.id)!;
      this.archive(flow, model.flowSummary(flow.id)!, cut);
      flow.dropFirst(k);
      analyzer.dropFirst(k);
      model.packetsLeft(flow, k, cut);
      model.markTrimmed(flow.id);
      this.droppedPackets += k;
    }
    this.droppedBefore = Math.max(this.droppedBefore, cut);
  }

  private archive(flow: Flow, summary: FlowSummary, cut: number): void {
    let a = this.archives.get(flow.id);
    if (!a) this.archives.set(flow.id, (a = { stalls: [], findings: [] }));
    const archived = new Set(a.stalls);
    for (const s of summary.stalls) if (s.start < cut && !archived.has(s)) a.stalls.push(s);
    const known = new Set(a.findings);
    for (const f of summary.findings) if (f.time < cut && !known.has(f) && !WHOLE_FLOW.has(f.kind)) a.findings.push(f);
  }

  /** A flow's summary: what its columns hold now, after what left them. */
  summarize(flow: Flow, analysis: FlowAnalysis, captureEpoch = 0): FlowSummary {
    const now = summarizeFlow(flow, analysis, captureEpoch);
    const a = this.archives.get(flow.id);
    if (!a) return now;
    // A stall open at the cut is archived as it was; the analysis of what remains would start it again at the cut.
    const restarted = (s: StallSummary) => a.stalls.some((x) => x.receiver === s.receiver && x.end >= s.start);
    const dropped = new Set(now.stalls.filter(restarted).map((s) => `${s.receiver}:${s.startFrame}`));
    const episodeFinding = (f: FindingSummary) => (f.kind === 'stall' || f.kind === 'window_update_owed') && [...dropped].some((key) => key.endsWith(`:${f.frames[0]}`));
    const archivedKeys = new Set(a.findings.map((f) => `${f.kind}:${f.frames[0]}`));
    const findings = [...a.findings, ...now.findings.filter((f) => !episodeFinding(f) && !archivedKeys.has(`${f.kind}:${f.frames[0]}`))];
    findings.sort((x, y) => x.time - y.time);
    return {
      ...now,
      stalls: [...a.stalls, ...now.stalls.filter((s) => !restarted(s))],
      findings,
    };
  }

  dropped(): LiveState['dropped'] {
    return this.droppedPackets > 0 ? { packets: this.droppedPackets, before: this.droppedBefore } : null;
  }

  warnings(): CaptureWarning[] {
    if (this.droppedPackets === 0) return [];
    const { seconds, packets } = this.limit;
    return [{ offset: -1, message: `history bounded to ${seconds} s or ${packets} packets: ${this.droppedPackets} older packets (before ${this.droppedBefore.toFixed(3)} s) left the timelines; their flows, stalls and findings are still listed` }];
  }
}

/** The start of the earliest stall still open at the live edge (Infinity when none). */
function openStallStart(model: CaptureModel): number {
  let start = Infinity;
  for (const flow of model.flows) {
    for (const s of model.flowSummary(flow.id)?.stalls ?? []) if (s.endedBy === 'capture_end' && s.start < start) start = s.start;
  }
  return start;
}

/** The time before which `count` of the packets held lie (the oldest `count` leave). */
function cutForCount(flows: readonly Flow[], count: number): number {
  let n = 0;
  for (const f of flows) n += f.packets.length;
  const times = new Float64Array(n);
  let at = 0;
  for (const f of flows) {
    times.set(f.packets.time.subarray(0, f.packets.length), at);
    at += f.packets.length;
  }
  // Everything strictly before the (count+1)-th oldest time leaves.
  return kthSmallest(times, Math.min(count, n - 1));
}
