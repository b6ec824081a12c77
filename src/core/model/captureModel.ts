/**
 * The one model of a capture that grows (issue 13): a file read in chunks, a live capture, a NAT trace
 * or a consomme log are all pushed into it as bytes; it tells the format by the first bytes, files
 * packets into flows, keeps each flow's analyzer and on `refresh()` re-analyses only the flows that
 * grew, giving their stalls and findings ids that stay the same from then on (stableIds.ts). The CLI,
 * the editor's worker and the webview fixture recorder all read through it (load.ts for files).
 *
 * A flow's analysis runs over all of its held packets, so a refresh costs what the grown flows hold.
 * A live editor refreshes with a time budget (`refresh(budgetMs)`): new flows and the flows the editor
 * shows (`focus`) are analysed every time, the other grown flows in turn, longest-waiting first, until
 * the budget is spent; the rest wait for the next refresh (their rows show their last analysis). So
 * the flow on screen stays at the live edge however many flows grow at once. Files, the CLI and the
 * end of a stream analyse everything.
 */
import { analyzeFlow, type FlowAnalysis } from '../analysis/analyze';
import { FlowPasses } from '../analysis/passCache';
import { SequenceAnalyzer } from '../analysis/sequence';
import type { CaptureReader } from '../capture/reader';
import type { Flow } from '../flows/flow';
import type { CaptureIngest } from '../ingest';
import type { LiveStatus } from '../live/types';
import { commentRows } from '../report/noteRows';
import { analysisWarnings, formatEpoch, skipWarnings, summarizeFlow, type CaptureSummary, type FlowSummary } from '../summary';
import type { EngineFlow } from '../trace/engine';
import type { SourceKind } from '../trace/source';
import { engineSourceSummary } from '../trace/sourceSummary';
import { sameEndpoint, type SsSample } from '../trace/ss';
import { toCaptureView } from '../view/captureView';
import type { CaptureView } from '../../protocol';
import { HistoryTrimmer } from './history';
import { LiveTracker } from './liveState';
import { ModelInput } from './modelInput';
import type { MergedEngine, ModelOptions, ModelUpdate } from './modelTypes';
import { StableIds, type ModelEvent } from './stableIds';

export type { ModelEvent } from './stableIds';
export type { HistoryLimit } from './history';
export type { MergedEngine, ModelOptions, ModelUpdate } from './modelTypes';
export { DEFAULT_LIVE_HISTORY } from './history';

export class CaptureModel {
  /** Times the per-flow analysis ran (a flow re-analysed counts again): tests check only grown flows are. */
  analysisRuns = 0;
  private readonly input: ModelInput;
  private ended = false;
  private readonly analyzers: (SequenceAnalyzer | undefined)[] = [];
  /** Each flow's resumable whole-flow passes (analysis/passCache.ts): a grown flow's analysis costs about what arrived. */
  private readonly passes: (FlowPasses | undefined)[] = [];
  private readonly analyses: (FlowAnalysis | undefined)[] = [];
  private readonly summaries: (FlowSummary | undefined)[] = [];
  /** What each flow looked like at its last analysis (packets, ICMP errors, engine facts): a change means it grew. */
  private readonly analysedAt: string[] = [];
  /** When each flow was last analysed (ms on `clock`): who waited longest goes first under a budget. */
  private readonly analysedTime: number[] = [];
  /** Flows the editor shows (their timelines, findings): analysed at every refresh, whatever the budget. */
  private focused = new Set<number>();
  private waitingCount = 0;
  /** Milliseconds, for the refresh budget (tests give their own). */
  private readonly clock: () => number;
  private readonly ids = new StableIds();
  /** Flows whose oldest packets left since their last analysis (markTrimmed). */
  private readonly trimmedSinceAnalysis = new Set<number>();
  private pending: ModelEvent[] = [];
  private pendingChanged = new Set<number>();
  private rev = 0;
  private samples: SsSample[];
  private merged: MergedEngine | undefined;
  private readonly live: LiveTracker;
  private liveSet = false;
  private readonly history: HistoryTrimmer | undefined;

  constructor(readonly options: ModelOptions) {
    this.samples = [...(options.samples ?? [])];
    this.live = new LiveTracker(options.now ?? Date.now);
    this.clock = options.now ?? (() => performance.now());
    this.input = new ModelInput(options.kind, options.consomme);
    this.history = options.history ? new HistoryTrimmer(options.history) : undefined;
  }

  /** The flow table and decoder counts (for a trace or log, the one its segments are filed into). */
  get ingest(): CaptureIngest {
    return this.input.ingest;
  }

  /** The capture reader (its format, warnings, interfaces), undefined for a trace or log. */
  get captureReader(): CaptureReader | undefined {
    return this.input.captureReader;
  }

  /** The format, once told (undefined before the first bytes that tell it). */
  get sourceKind(): SourceKind | undefined {
    return this.input.kind;
  }

  /** Packets (or trace segments) read so far, kept or not. */
  get packets(): number {
    return this.ingest.packets;
  }

  /** Flows so far (analysed or not). */
  get flows(): readonly Flow[] {
    return this.ingest.flows.flows;
  }

  get revision(): number {
    return this.rev;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** Next bytes of the stream. Throws CaptureError / SourceError when its start is not one we read. */
  push(chunk: Uint8Array): void {
    if (this.ended) throw new Error(`${this.options.name}: data after the end`);
    this.live.dataArrived();
    this.input.push(chunk);
    this.live.count(this.input.events);
    this.history?.trim(this);
  }

  /** No more input: a record cut short becomes a warning; a stream too short to tell throws like an empty file. */
  end(): void {
    if (this.ended) return;
    this.input.end();
    this.ended = true;
    // Nothing more comes: the columns need no room to grow.
    for (const flow of this.flows) flow.packets.compact();
  }

  /** True once damage made the capture reader stop: later input is ignored, so a file need not be read on. */
  get isStopped(): boolean {
    return this.input.isStopped;
  }

  /** A layer around the data (gzip) was damaged after `what`: the rest is not read; said where the data's own problems are. */
  damaged(what: string, detail: string): void {
    this.input.damaged(what, detail, (this.options.extraWarnings ??= []));
  }

  /** ss samples taken while the data arrives: they feed the measured Recv-Q of the flows they match. */
  addSamples(samples: readonly SsSample[]): void {
    if (samples.length === 0) return;
    this.samples = this.samples.concat(samples);
    for (const flow of this.flows) {
      if (samples.some((s) => (sameEndpoint(flow.a, s.local) && sameEndpoint(flow.b, s.peer)) || (sameEndpoint(flow.b, s.local) && sameEndpoint(flow.a, s.peer)))) {
        this.analysedAt[flow.id] = ''; // analyse again with the new samples
      }
    }
  }

  /** The source was cut off at `epoch` (seconds) for `reason`: shown as a gap in view().live until data comes again. */
  markGap(reason: string, epoch: number): void {
    this.live.gap(reason, epoch);
    this.input.newStream();
  }

  /** What the live source says of itself (LiveSink.status): fills view().live. */
  setLive(source: string, status: LiveStatus, message?: string): void {
    this.live.set(source, status, message);
    this.liveSet = true;
  }

  /** Events per second received (packets or trace lines), over the last few seconds. */
  get eventsPerSecond(): number {
    return this.live.eventsPerSecond();
  }

  /**
   * A NAT trace or log of the same run, merged onto the capture's flows (load.ts): taken before the
   * first refresh, so the analysis sees it from the start.
   */
  setMergedEngine(merged: MergedEngine): void {
    this.merged = merged;
    for (const flow of this.flows) this.analysedAt[flow.id] = '';
  }

  /**
   * Re-analyse the flows that grew since the last call; the events of what they show for the first
   * time. With `budgetMs` (a live editor): new and focused flows always, the other grown ones
   * longest-waiting first while the budget lasts; `waiting` says how many were left for next time.
   */
  refresh(budgetMs?: number): ModelUpdate {
    this.update(budgetMs);
    const changedFlows = [...this.pendingChanged].sort((x, y) => x - y);
    const events = this.pending;
    this.pending = [];
    this.pendingChanged = new Set();
    return { revision: this.rev, changedFlows, events, waiting: this.waitingCount };
  }

  /** The flows the editor shows now (the selected flow): a budgeted refresh never leaves them behind. */
  focus(flowIds: readonly number[]): void {
    this.focused = new Set(flowIds);
  }

  /** The `analyze --json` document as of now, with the flows' stalls and findings in their stable order. */
  summary(): CaptureSummary {
    this.update();
    return this.snapshot();
  }

  /** The summary as analysed so far (flows waiting under a budget as of their last analysis). */
  private snapshot(): CaptureSummary {
    const ingest = this.ingest;
    const origin = ingest.flows.timeOrigin;
    const analyses = this.analyses.filter((a): a is FlowAnalysis => a !== undefined);
    const trace = this.input.traceRead();
    const described = trace ? engineSourceSummary(this.options.name, trace) : this.merged;
    const summary: CaptureSummary = {
      file: this.options.name,
      format: trace ? trace.kind : (this.captureReader?.format ?? null),
      packets: ingest.packets,
      tcpPackets: ingest.tcpPackets,
      firstPacketEpoch: ingest.packets > 0 ? formatEpoch(origin.sec, origin.nsec) : null,
      linkTypes: ingest.linkTypeStats,
      skipped: { ...ingest.skipped },
      warnings: [
        ...(this.captureReader?.warnings ?? []),
        ...(this.options.extraWarnings ?? []),
        ...(described?.warnings ?? []),
        ...(this.history?.warnings() ?? []),
        ...skipWarnings(ingest),
        ...analysisWarnings(analyses),
      ],
      flows: this.flows.map((f) => this.summaries[f.id]!),
    };
    if (described) summary.source = described.source;
    return summary;
  }

  /**
   * The editor's view of the capture now: stable ids, the revision, whether it is complete, the live
   * state. With `budgetMs`, analysed as a budgeted refresh would (flows left waiting show their last
   * analysis; their events come with a later refresh).
   */
  view(fileName: string, budgetMs?: number): CaptureView {
    this.update(budgetMs);
    const summary = this.snapshot();
    const view = toCaptureView(summary, fileName, (flowId) => this.ids.of(flowId), (flowId) => this.analyses[flowId]?.limitedBy);
    view.comments = commentRows(this.ingest);
    view.revision = this.rev;
    view.complete = this.ended;
    if (this.liveSet) view.live = this.live.state(this.epoch0, this.history?.dropped() ?? null);
    return view;
  }

  /** A flow's columns (history trimmed, when bounded). */
  flow(id: number): Flow | undefined {
    return this.flows[id];
  }

  /** A flow's analysis as of now (analysed again first if it grew since). */
  analysis(id: number): FlowAnalysis | undefined {
    const flow = this.flows[id];
    if (!flow) return undefined;
    if (this.trimmedSinceAnalysis.has(id) || !this.analyses[id]) this.forgetAnalysis(id);
    // Only this flow: a query for the flow on screen does not wait for every other grown flow.
    if (this.grew(flow)) this.analyse([flow]);
    return this.analyses[id];
  }

  /** Every flow's analysis as of now, by flow id. */
  allAnalyses(): FlowAnalysis[] {
    for (const id of this.trimmedSinceAnalysis) this.forgetAnalysis(id);
    this.update();
    return this.flows.map((f) => this.analyses[f.id]!);
  }

  /** Bytes held by the packet and analysis columns (capacity, not just what is used): the bench's bytes per packet. */
  retainedBytes(): number {
    let n = 0;
    for (const flow of this.flows) {
      n += flow.packets.byteLength;
      const out = this.analyzers[flow.id]?.out;
      if (out) n += out.byteLength;
    }
    return n;
  }

  /** Packets still held in the columns (fewer than `packets` once history is trimmed). */
  get retainedPackets(): number {
    let n = 0;
    for (const flow of this.flows) n += flow.packets.length;
    return n;
  }

  /** The flow's first `k` packets left its columns (history.ts): what a NAT trace tied to packet indices moves with them. */
  packetsLeft(flow: Flow, k: number, before: number): void {
    this.passes[flow.id] = undefined;
    this.engines?.[flow.id]?.dropFirst(k, before);
    this.input.packetsLeft(flow, k);
  }

  /** The analyzer of a flow (history.ts moves its packet indices when the oldest packets leave). */
  analyzerOf(id: number): SequenceAnalyzer | undefined {
    return this.analyzers[id];
  }

  /** The NAT engine's knowledge of each flow, from a trace read alone or merged beside the capture. */
  get engines(): readonly (EngineFlow | undefined)[] | undefined {
    return this.merged?.engines ?? this.input.engines;
  }

  /** A flow's summary as of its last analysis. */
  flowSummary(id: number): FlowSummary | undefined {
    return this.summaries[id];
  }

  /** Analyse what grew now (history.ts, before packets leave): the events wait for the next refresh(). */
  analyseGrown(): void {
    this.update();
  }

  /** The flow's columns changed under its analysis (its history was trimmed, or its evidence changed): analyse it again at the next refresh. */
  forgetAnalysis(id: number): void {
    this.analysedAt[id] = '';
    this.passes[id] = undefined;
  }

  /**
   * history.ts trimmed the flow's oldest packets: its summary (archive and the rest) still holds, only
   * its analysis's packet indices moved. A flow that grows is analysed again anyway; a quiet one only
   * when a query asks for it (so a trim does not re-analyse every old flow at once).
   */
  markTrimmed(id: number): void {
    this.trimmedSinceAnalysis.add(id);
    this.passes[id] = undefined; // its checkpoints are packet indices, which moved
    // A flow all of whose packets left keeps its summary; its analysis (timelines as long as the flow was) goes.
    if (this.flows[id].packets.length === 0) this.analyses[id] = undefined;
  }

  /** Analyse the flows that grew (under a budget, those it allows: see refresh), give ids, queue events. */
  private update(budgetMs?: number): void {
    const grown = this.flows.filter((f) => this.grew(f));
    this.waitingCount = 0;
    if (grown.length === 0) return;
    if (budgetMs === undefined || this.ended) return this.analyse(grown);
    // New flows (no row yet) and the focused ones first, whatever they cost; then who waited longest.
    const must = grown.filter((f) => this.summaries[f.id] === undefined || this.focused.has(f.id));
    const rest = grown.filter((f) => this.summaries[f.id] !== undefined && !this.focused.has(f.id)).sort((x, y) => (this.analysedTime[x.id] ?? 0) - (this.analysedTime[y.id] ?? 0));
    const deadline = this.clock() + budgetMs;
    let k = 0;
    this.analyse(must, () => (k < rest.length && this.clock() < deadline ? rest[k++] : undefined));
    this.waitingCount = rest.length - k;
  }

  /**
   * Analyse these flows now, then those `more` hands out (one at a time, while a budget lasts), give
   * them ids together and queue their events (refresh() hands them out).
   */
  private analyse(grown: readonly Flow[], more: () => Flow | undefined = () => undefined): void {
    const done: Flow[] = [];
    const origin = this.ingest.flows.timeOrigin;
    const context = { samples: this.samples, captureEpoch: origin.sec + origin.nsec / 1e9, engine: this.engines };
    let i = 0;
    const next = () => (i < grown.length ? grown[i++] : more());
    for (let flow = next(); flow; flow = next()) {
      const analyzer = (this.analyzers[flow.id] ??= new SequenceAnalyzer(flow));
      const analysis = analyzeFlow(flow, context, analyzer, (this.passes[flow.id] ??= new FlowPasses()));
      if (this.ended) analyzer.out.compact();
      this.analysisRuns++;
      this.analyses[flow.id] = analysis;
      this.summaries[flow.id] = this.history ? this.history.summarize(flow, analysis, context.captureEpoch) : summarizeFlow(flow, analysis, context.captureEpoch);
      this.analysedAt[flow.id] = this.signature(flow);
      this.analysedTime[flow.id] = this.clock();
      this.trimmedSinceAnalysis.delete(flow.id);
      this.pendingChanged.add(flow.id);
      done.push(flow);
    }
    if (done.length === 0) return;
    this.pending.push(...this.ids.assign(done.map((f) => this.summaries[f.id]!)));
    this.rev++;
  }

  private grew(flow: Flow): boolean {
    return this.analysedAt[flow.id] !== this.signature(flow);
  }

  /** What changes when a flow grows: its packets, its ICMP errors, what the engine said of it. */
  private signature(flow: Flow): string {
    const e = this.engines?.[flow.id];
    const engine = e ? `${e.length},${e.reopen.length},${e.reopened.length},${e.closed.length},${e.drops.length},${e.hasWinEvents}` : '';
    return `${flow.packets.length + (flow.trimmed ?? 0)},${flow.icmpErrors.length},${engine}`;
  }

  /** Epoch seconds of time 0 (the first packet), or now before any packet. */
  private get epoch0(): number {
    if (this.ingest.packets === 0) return (this.options.now ?? Date.now)() / 1000;
    const o = this.ingest.flows.timeOrigin;
    return o.sec + o.nsec / 1e9;
  }
}
