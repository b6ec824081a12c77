/**
 * The one model of a capture that grows (issue 13): a file read in chunks, a live capture, a NAT trace
 * or a consomme log are all pushed into it as bytes; it tells the format by the first bytes, files
 * packets into flows, keeps each flow's analyzer and on `refresh()` re-analyses only the flows that
 * grew, giving their stalls and findings ids that stay the same from then on (stableIds.ts). The CLI,
 * the editor's worker and the webview fixture recorder all read through it (load.ts for files).
 */
import { analyzeFlow, type FlowAnalysis } from '../analysis/analyze';
import { SequenceAnalyzer } from '../analysis/sequence';
import type { CaptureReader } from '../capture/reader';
import type { CaptureWarning } from '../capture/types';
import type { Flow } from '../flows/flow';
import type { CaptureIngest } from '../ingest';
import type { LiveStatus } from '../live/types';
import { commentRows } from '../report/noteRows';
import { analysisWarnings, formatEpoch, skipWarnings, summarizeFlow, type CaptureSummary, type FlowSummary } from '../summary';
import type { ConsommeOptions } from '../trace/consomme';
import type { EngineFlow } from '../trace/engine';
import type { SourceKind } from '../trace/source';
import { engineSourceSummary, type EngineSourceSummary } from '../trace/sourceSummary';
import { sameEndpoint, type SsSample } from '../trace/ss';
import { toCaptureView } from '../view/captureView';
import type { CaptureView } from '../../protocol';
import { HistoryTrimmer, type HistoryLimit } from './history';
import { LiveTracker } from './liveState';
import { ModelInput } from './modelInput';
import { StableIds, type ModelEvent } from './stableIds';

export type { ModelEvent } from './stableIds';
export type { HistoryLimit } from './history';
export { DEFAULT_LIVE_HISTORY } from './history';

export interface ModelOptions {
  /** What the data is called in messages: a file path or a live source's label. */
  name: string;
  consomme?: ConsommeOptions;
  /** ss samples known up front (a file with --ss). */
  samples?: readonly SsSample[];
  /** Bounded history for endless streams; undefined = keep everything (files keep their whole history). */
  history?: HistoryLimit;
  /** Warnings found before the data (reading the samples), listed first in the summary. */
  extraWarnings?: CaptureWarning[];
  /** The format when the caller knows it already (a file sniffed whole, see sniffFile); else told by the first bytes. */
  kind?: SourceKind;
  /** Milliseconds clock for the event rate and gap ends (tests give their own). */
  now?: () => number;
}

export interface ModelUpdate {
  revision: number;
  /** Flows re-analysed by this refresh (new or grown), in id order. */
  changedFlows: number[];
  events: ModelEvent[];
}

/** A NAT trace or log read beside a capture of the same run (load.ts), merged before the first refresh. */
export interface MergedEngine {
  engines: readonly (EngineFlow | undefined)[];
  source: EngineSourceSummary;
  warnings: CaptureWarning[];
}

export class CaptureModel {
  /** Times the per-flow analysis ran (a flow re-analysed counts again): tests check only grown flows are. */
  analysisRuns = 0;
  private readonly input: ModelInput;
  private ended = false;
  private readonly analyzers: (SequenceAnalyzer | undefined)[] = [];
  private readonly analyses: (FlowAnalysis | undefined)[] = [];
  private readonly summaries: (FlowSummary | undefined)[] = [];
  /** What each flow looked like at its last analysis (packets, ICMP errors, engine facts): a change means it grew. */
  private readonly analysedAt: string[] = [];
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

  /** Re-analyse only the flows that grew since the last call; the events of what they show for the first time. */
  refresh(): ModelUpdate {
    this.update();
    const changedFlows = [...this.pendingChanged].sort((x, y) => x - y);
    const events = this.pending;
    this.pending = [];
    this.pendingChanged = new Set();
    return { revision: this.rev, changedFlows, events };
  }

  /** The `analyze --json` document as of now, with the flows' stalls and findings in their stable order. */
  summary(): CaptureSummary {
    this.update();
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

  /** The editor's view of the capture now: stable ids, the revision, whether it is complete, the live state. */
  view(fileName: string): CaptureView {
    const summary = this.summary();
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
    if (this.grew(flow)) this.update();
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
  }

  /**
   * history.ts trimmed the flow's oldest packets: its summary (archive and the rest) still holds, only
   * its analysis's packet indices moved. A flow that grows is analysed again anyway; a quiet one only
   * when a query asks for it (so a trim does not re-analyse every old flow at once).
   */
  markTrimmed(id: number): void {
    this.trimmedSinceAnalysis.add(id);
    // A flow all of whose packets left keeps its summary; its analysis (timelines as long as the flow was) goes.
    if (this.flows[id].packets.length === 0) this.analyses[id] = undefined;
  }

  /** Analyse the flows that grew, give ids, queue events (refresh() hands them out). */
  private update(): void {
    const grown = this.flows.filter((f) => this.grew(f));
    if (grown.length === 0) return;
    const origin = this.ingest.flows.timeOrigin;
    const context = { samples: this.samples, captureEpoch: origin.sec + origin.nsec / 1e9, engine: this.engines };
    for (const flow of grown) {
      const analyzer = (this.analyzers[flow.id] ??= new SequenceAnalyzer(flow));
      const analysis = analyzeFlow(flow, context, analyzer);
      if (this.ended) analyzer.out.compact();
      this.analysisRuns++;
      this.analyses[flow.id] = analysis;
      this.summaries[flow.id] = this.history ? this.history.summarize(flow, analysis, context.captureEpoch) : summarizeFlow(flow, analysis, context.captureEpoch);
      this.analysedAt[flow.id] = this.signature(flow);
      this.trimmedSinceAnalysis.delete(flow.id);
      this.pendingChanged.add(flow.id);
    }
    this.pending.push(...this.ids.assign(grown.map((f) => this.summaries[f.id]!)));
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
