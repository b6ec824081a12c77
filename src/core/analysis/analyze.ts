import type { Flow } from '../flows/flow';
import { SCALE_NOT_USED, SCALE_UNKNOWN } from './direction';
import { FLAG_NAMES } from './flags';
import { inferWindowScale, ScaleScan, type InferredScale } from './scaleInference';
import { SequenceAnalyzer } from './sequence';
import type { SsSample } from '../trace/ss';
import { flowFindings, sortFindings, type Finding } from './findings';
import type { EngineFlow } from '../trace/engine';
import { dropFindings, endReason, engineEvidence, engineRecvQ, replyToDroppedProbe } from './engineView';
import { chargeQueueLag, queueEvidence, windowOnOffer, type QueueEvidence } from './queueOwed';
import { inferRecvQ, measuredRecvQ, type RecvQSeries } from './recvq';
import { findStalls, flowRtt, type StallEpisode } from './stalls';
import { limitedBy, type FlowLimits } from './limitedBy';
import { kernelCounters, type KernelCounters } from './kernelLimits';
import { FlowPasses, windowKey } from './passCache';

/** What else is known about the capture: socket samples taken beside it. */
export interface AnalysisContext {
  /** `ss` samples of the sockets (any flows; matched by 4-tuple). */
  samples?: readonly SsSample[];
  /** Epoch seconds of the capture's first packet, to place samples on the capture's time axis. */
  captureEpoch?: number;
  /** What a NAT engine's trace or log says, by flow id (trace/engine.ts). */
  engine?: readonly (EngineFlow | undefined)[];
}

/** Window scaling of one side as the analysis understands it. */
export interface SideScale {
  /** Shift applied to this side's windows, or null when unknown / not used. */
  shift: number | null;
  /**
   * 'handshake': from the SYN options; 'not-used': the handshake shows no scaling; 'inferred': from
   * the flow's own data; 'assumed': a NAT log that does not say (consomme: 7 unless set); 'unknown': windows are raw.
   */
  source: 'handshake' | 'not-used' | 'inferred' | 'assumed' | 'unknown';
  evidence?: InferredScale;
  /** For 'assumed': the shift is in the analysed windows already (the log's SYNs were given it), not applied on top. */
  fromHandshake?: boolean;
}

/** Per-flow results of the Wireshark-compatible analysis. */
export interface FlowAnalysis {
  analyzer: SequenceAnalyzer;
  /** Packets carrying each flag, by flag name (only flags that occur). */
  flagCounts: Record<string, number>;
  /** Seconds from the last SYN to the first ACK after it; null without a handshake. */
  initialRtt: number | null;
  /** Largest bytes in flight a→b and b→a; null when never measured. */
  maxBytesInFlight: { aToB: number | null; bToA: number | null };
  /** Smallest calculated window each side advertised; null when that side sent nothing. */
  minWindow: { a: number | null; b: number | null };
  windowScale: { a: SideScale; b: SideScale };
  /** Stall episodes of both receivers, in time order; `queue[k]` is what measured samples say about `stalls[k]`. */
  stalls: StallEpisode[];
  queue: (QueueEvidence | null)[];
  /** Recv-Q of side a and side b as receivers: measured where samples match, else inferred (computed on first access). */
  recvQ: [RecvQSeries, RecvQSeries];
  findings: Finding[];
  /** Round-trip estimate used to pair probes with replies (seconds). */
  rtt: number;
  /** Segments not tracked because a direction had 10,000 unacknowledged segments (bytes in flight is then approximate). */
  unackedCapHits: number;
  /** Where each side's Recv-Q comes from, without building the series. */
  recvQSource: [RecvQSeries['source'], RecvQSeries['source']];
  /** The NAT engine's knowledge of this flow, when a trace or log gave it. */
  engine?: EngineFlow;
  /** Per stall (same order): why the engine sent the segment that ended it, when it said. */
  endReasons?: (string | null)[];
  /** Why the data sender was slow: its time split the way the kernel counts it (limitedBy.ts); null when the flow carries no data. */
  limitedBy: FlowLimits | null;
  /** The data sender's own tcp_info counters over time, when `ss` samples of its socket carry them. */
  kernelLimits?: KernelCounters;
}

/** Run (or continue) the sequence analysis of a flow and summarise it. */
export function analyzeFlow(flow: Flow, context: AnalysisContext = {}, analyzer = new SequenceAnalyzer(flow), passes = new FlowPasses()): FlowAnalysis {
  analyzer.run();
  const out = analyzer.out;
  // Counted as the analyzer went (it never revisits a packet): nothing to scan here.
  const { flagCounts: counts, maxBytesInFlight: maxBif, minWindow: minWin } = analyzer.totals;
  const flagCounts: Record<string, number> = {};
  for (const [bit, name] of FLAG_NAMES) if (counts[Math.log2(bit)]) flagCounts[name] = counts[Math.log2(bit)];
  const num = (v: number) => (v < 0 || v === Infinity ? null : v);
  const engine = context.engine?.[flow.id];
  const windowScale = { a: sideScale(flow, analyzer, 0, engine, passes.scale[0]), b: sideScale(flow, analyzer, 1, engine, passes.scale[1]) };
  const initialRtt = analyzer.initialRtt > 0 ? analyzer.initialRtt : null;
  const rtt = flowRtt(out, initialRtt, passes.rtt);
  const scales = [windowScale.a, windowScale.b] as const;
  const bytes: [(i: number) => number, (i: number) => number] = [windowBytes(flow, analyzer, scales[0]), windowBytes(flow, analyzer, scales[1])];
  const keys = [windowKey(readsRaw(scales[0]), scales[0].shift), windowKey(readsRaw(scales[1]), scales[1].shift)] as const;
  passes.windowKeys = [keys[0], keys[1]];
  passes.segment[0].readWindows(keys[0]);
  passes.segment[1].readWindows(keys[1]);
  const stalls = ([0, 1] as const)
    .flatMap((side) => findStalls(flow, out, side, bytes[side], { rtt }, { scan: passes.segment[side], resume: passes.stalls[side], windowKey: keys[side] }))
    .sort((x, y) => x.start - y.start);
  const fromEngine = engine ? engineRecvQ(engine) : undefined;
  const measured = ([0, 1] as const).map((side) =>
    fromEngine?.receiver === side
      ? fromEngine
      : context.samples && context.captureEpoch !== undefined
        ? measuredRecvQ(flow, side, context.samples, context.captureEpoch)
        : undefined,
  );
  if (engine) for (const e of stalls) if (e.receiver === engine.natSide) replyToDroppedProbe(flow, e, engine);
  const queue = stalls.map((e) => {
    const series = measured[e.receiver];
    const shift = scales[e.receiver].shift ?? 0;
    const q =
      engine && e.receiver === engine.natSide
        ? engineEvidence(e, engine, shift)
        : series && series.source !== 'nat-trace'
          ? queueEvidence(e, series, shift, windowOnOffer(flow, e.receiver, bytes[e.receiver]))
          : undefined;
    if (q) chargeQueueLag(e, q, rtt);
    return q ?? null;
  });
  // The inferred series are as long as the flow: built only when a view asks for them.
  let recvQ: [RecvQSeries, RecvQSeries] | undefined;
  const recvQSeries = () => (recvQ ??= [measured[0] ?? inferRecvQ(flow, 0, bytes[0]), measured[1] ?? inferRecvQ(flow, 1, bytes[1])]);
  const known: [boolean, boolean] = [scales[0].source !== 'unknown', scales[1].source !== 'unknown'];
  const limits = limitedBy(flow, { out, windowBytes: bytes, stalls, rtt, passes });
  const findings = flowFindings({ flow, out, stalls, measured, windowBytes: bytes, scaleKnown: known, limits, passes, windowKeys: keys.join() });
  if (engine) findings.push(...dropFindings(flow, engine));
  sortFindings(findings);
  const kernel = limits && context.samples && context.captureEpoch !== undefined ? kernelCounters(flow, limits.dir, context.samples, context.captureEpoch) : null;
  return {
    limitedBy: limits,
    ...(kernel ? { kernelLimits: kernel } : {}),
    analyzer,
    flagCounts,
    initialRtt,
    maxBytesInFlight: { aToB: num(maxBif[0]), bToA: num(maxBif[1]) },
    minWindow: { a: num(minWin[0]), b: num(minWin[1]) },
    windowScale,
    stalls,
    queue,
    get recvQ() {
      return recvQSeries();
    },
    findings,
    recvQSource: [measured[0]?.source ?? 'inferred', measured[1]?.source ?? 'inferred'],
    rtt,
    unackedCapHits: analyzer.dirs[0].unacked.capHits + analyzer.dirs[1].unacked.capHits,
    ...(engine ? { engine, endReasons: stalls.map((e) => endReason(flow, e, engine)) } : {}),
  };
}

/** Window in bytes as the peer reads it: Wireshark's calculated window, or raw << shift when the shift was inferred. */
function windowBytes(flow: Flow, analyzer: SequenceAnalyzer, scale: SideScale): (i: number) => number {
  const out = analyzer.out;
  if (!readsRaw(scale) || scale.shift === null) return (i) => out.window(i);
  const factor = 2 ** scale.shift;
  const p = flow.packets;
  return (i) => p.winRaw[i] * factor;
}

/** An assumed shift applies to raw windows only when the handshake did not set one (a log without SYNs); an inferred one always. */
function readsRaw(scale: SideScale): boolean {
  return scale.source === 'inferred' || (scale.source === 'assumed' && !scale.fromHandshake);
}

function sideScale(flow: Flow, analyzer: SequenceAnalyzer, side: 0 | 1, engine: EngineFlow | undefined, scan: ScaleScan): SideScale {
  const scale = analyzer.dirs[side].scale;
  const assumed = engine?.scaleAssumed ?? null;
  if (assumed !== null) {
    // The log's SYNs carried the assumed option (or there were none): say where the number comes from.
    if (scale >= 0) return { shift: scale, source: 'assumed', fromHandshake: true };
    if (scale === SCALE_UNKNOWN && side === engine!.natSide) return { shift: assumed, source: 'assumed', fromHandshake: false };
  }
  if (scale >= 0) return { shift: scale, source: 'handshake' };
  if (scale === SCALE_NOT_USED) return { shift: null, source: 'not-used' };
  const evidence = inferWindowScale(flow, side, scan);
  return evidence ? { shift: evidence.shift, source: 'inferred', evidence } : { shift: null, source: 'unknown' };
}

/** Analyse every flow of a capture; the result is indexed by flow id. */
export function analyzeFlows(flows: readonly Flow[], context: AnalysisContext = {}): FlowAnalysis[] {
  return flows.map((flow) => analyzeFlow(flow, context));
}
