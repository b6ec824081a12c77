import { analyzeFlows, type FlowAnalysis, type SideScale } from './analysis/analyze';
import type { Finding } from './analysis/findings';
import type { QueueEvidence } from './analysis/queueOwed';
import type { SegmentSize } from './analysis/segmentSize';
import type { StallEpisode } from './analysis/stalls';
import type { CaptureReader } from './capture/reader';
import type { CaptureFormat, CaptureWarning } from './capture/types';
import { encapsulationName } from './decode/tunnels';
import type { Flow } from './flows/flow';
import type { CaptureIngest, LinkTypeStats, SkipCounts } from './ingest';
import type { EngineSourceSummary } from './trace/sourceSummary';
import { summarizeLimits, type LimitSummary } from './limitSummary';

/** One flow in the `analyze --json` document. */
export interface FlowSummary {
  id: number;
  a: string;
  b: string;
  firstFrame: number;
  lastFrame: number;
  /** Seconds since the capture's first packet. */
  start: number;
  duration: number;
  packetsAtoB: number;
  packetsBtoA: number;
  payloadAtoB: number;
  payloadBtoA: number;
  bytesAtoB: number;
  bytesBtoA: number;
  /** The encapsulations its packets came through, outermost first ('GRE/ERSPAN II', 'PPPoE', '6in4'), or null for plain IP. */
  encapsulation: string | null;
  /**
   * Window scaling. `a`/`b`: the shift each side's SYN announced (null: no option or no SYN seen).
   * `applied`: the shift the analysis applies to each side's windows; `source` says where it comes
   * from; `inferred` is true when a shift was inferred from the data (handshake not captured), with
   * the `evidence`.
   */
  windowScale: {
    a: number | null;
    b: number | null;
    applied: { a: number | null; b: number | null };
    source: { a: SideScale['source']; b: SideScale['source'] };
    inferred: boolean;
    evidence?: { a?: SideScale['evidence']; b?: SideScale['evidence'] };
  };
  mss: { a: number | null; b: number | null };
  /** Packets carrying each analysis flag (Wireshark's names, plus persist_probe). */
  flags: Record<string, number>;
  /** Seconds from the SYN to the first ACK after the handshake; null without one. */
  initialRtt: number | null;
  maxBytesInFlight: { aToB: number | null; bToA: number | null };
  /** Smallest calculated window each side advertised. */
  minWindow: { a: number | null; b: number | null };
  /** Segments beyond the 10,000 unacknowledged ones tracked per direction (bytes in flight approximate when > 0). */
  unackedCapHits: number;
  /** Where each side's Recv-Q comes from: 'ss' samples, the NAT's trace ('nat-trace'), or 'inferred' from the packets. */
  recvQSource: { a: string; b: string };
  stalls: StallSummary[];
  findings: FindingSummary[];
  /** Why the data sender was slow (limitedBy.ts): null when the flow carries no data. */
  limitedBy: LimitSummary | null;
}

/** A stall episode in the `analyze --json` document (times in seconds since the capture's first packet). */
export interface StallSummary {
  receiver: 'a' | 'b';
  receiverEndpoint: string;
  start: number;
  end: number;
  duration: number;
  startFrame: number;
  endFrame: number;
  probes: number;
  probeFrames: number[];
  endedBy: StallEpisode['endedBy'];
  reopenedWindow: number | null;
  outstanding: number;
  /** Window of the advertisement that started it (0 or below one segment). */
  startWindow: number;
  /** What the sender can put in one segment towards the receiver, and how that was found (docs/analysis.md). */
  segmentSize: SegmentSize;
  threshold: number;
  owed: { seconds: number; confidence: string; evidence: string; frames: number[] } | null;
  /** From measured Recv-Q samples or the NAT's trace: when the window could have reopened, and how late it did. */
  queue: QueueEvidence | null;
  /** From a NAT trace: why the engine sent the segment that ended the stall ('reply_unacceptable': only because the guest probed). */
  endReason?: string | null;
}

export type FindingSummary = Omit<Finding, 'flow'>;

/** The `analyze --json` document. */
export interface CaptureSummary {
  file: string;
  /** The capture's format, or 'nat-flow-trace' / 'consomme-log' when the flows come from a NAT's trace or log alone. */
  format: CaptureFormat | EngineSourceSummary['kind'] | null;
  packets: number;
  tcpPackets: number;
  /** Absolute time of the first packet: seconds since the epoch with all nine nanosecond digits. */
  firstPacketEpoch: string | null;
  linkTypes: LinkTypeStats[];
  skipped: SkipCounts;
  warnings: CaptureWarning[];
  flows: FlowSummary[];
  /** The NAT trace or log read (alone, or beside the capture). */
  source?: EngineSourceSummary;
}

/** `sec.nnnnnnnnn` with the nanoseconds exact. */
export function formatEpoch(sec: number, nsec: number): string {
  return `${sec}.${String(nsec).padStart(9, '0')}`;
}

/** What the flow table alone knows of a flow (no analysis): the flow list's row while a capture is read, and the summary's base. */
export function flowBasics(flow: Flow) {
  const p = flow.packets;
  const [ha, hb] = flow.handshake;
  const scale = (w: number | undefined) => (w === undefined || w < 0 ? null : w);
  // Once older packets left the columns (bounded history), the flow still started when it did.
  const start = flow.trimmed > 0 ? flow.firstTime : p.length > 0 ? p.time[0] : 0;
  return {
    id: flow.id,
    a: flow.a,
    b: flow.b,
    start,
    duration: p.length > 0 ? p.time[p.length - 1] - start : 0,
    packetsAtoB: flow.packetCount[0],
    packetsBtoA: flow.packetCount[1],
    payloadAtoB: flow.payloadBytes[0],
    payloadBtoA: flow.payloadBytes[1],
    encapsulation: encapsulationName(flow.encapsulation),
    /** Shift each side's SYN announced; null when absent or not captured. */
    windowScale: { a: scale(ha.windowScale), b: scale(hb.windowScale) },
    mss: { a: ha.mss ?? null, b: hb.mss ?? null },
  };
}

/** `captureEpoch`: epoch seconds of the capture's first packet, for the limited-by timeline's times. */
export function summarizeFlow(flow: Flow, analysis: FlowAnalysis, captureEpoch = 0): FlowSummary {
  const basics = flowBasics(flow);
  return {
    ...basics,
    firstFrame: flow.firstFrame,
    lastFrame: flow.lastFrame,
    bytesAtoB: flow.wireBytes[0],
    bytesBtoA: flow.wireBytes[1],
    windowScale: windowScaleSummary(basics.windowScale.a, basics.windowScale.b, analysis),
    flags: analysis.flagCounts,
    initialRtt: analysis.initialRtt,
    maxBytesInFlight: analysis.maxBytesInFlight,
    minWindow: analysis.minWindow,
    unackedCapHits: analysis.unackedCapHits,
    recvQSource: { a: analysis.recvQSource[0], b: analysis.recvQSource[1] },
    stalls: analysis.stalls.map((e, k) => ({
      receiver: e.receiver === 0 ? 'a' : 'b',
      receiverEndpoint: e.receiver === 0 ? flow.a : flow.b,
      start: e.start,
      end: e.end,
      duration: e.duration,
      startFrame: e.startFrame,
      endFrame: e.endFrame,
      probes: e.probes,
      probeFrames: e.probeFrames,
      endedBy: e.endedBy,
      reopenedWindow: e.reopenedWindow,
      outstanding: e.outstanding,
      startWindow: e.startWindow,
      segmentSize: e.segment,
      threshold: e.threshold,
      owed: e.owed,
      queue: analysis.queue[k],
      ...(analysis.endReasons ? { endReason: analysis.endReasons[k] } : {}),
    })),
    findings: analysis.findings.map(({ flow: _flow, ...rest }) => rest),
    limitedBy: summarizeLimits(flow, analysis, captureEpoch),
  };
}

function windowScaleSummary(a: number | null, b: number | null, analysis: FlowAnalysis): FlowSummary['windowScale'] {
  const { a: sa, b: sb } = analysis.windowScale;
  const inferred = sa.source === 'inferred' || sb.source === 'inferred';
  return {
    a,
    b,
    applied: { a: sa.shift, b: sb.shift },
    source: { a: sa.source, b: sb.source },
    inferred,
    ...(inferred ? { evidence: { a: sa.evidence, b: sb.evidence } } : {}),
  };
}

/** Warnings for what the decoder had to skip, so nothing is dropped silently. */
export function skipWarnings(ingest: CaptureIngest): CaptureWarning[] {
  const out: CaptureWarning[] = [];
  for (const lt of ingest.linkTypeStats) {
    if (!lt.decoded) out.push({ offset: -1, message: `${lt.packets} packets with link type ${lt.name} are not decoded` });
  }
  const s = ingest.skipped;
  if (s.fragments) out.push({ offset: -1, message: `${s.fragments} non-first IP fragments skipped (not reassembled)` });
  if (ingest.fragmentsIncomplete) out.push({ offset: -1, message: `${ingest.fragmentsIncomplete} IP fragments held for reassembly never completed their datagram` });
  if (s.truncated) out.push({ offset: -1, message: `${s.truncated} packets cut by the snapshot length before a complete TCP header` });
  if (s.malformed) out.push({ offset: -1, message: `${s.malformed} packets with malformed IP headers` });
  if (ingest.tcpTruncated) out.push({ offset: -1, message: `${ingest.tcpTruncated} TCP headers with options cut by the snapshot length (decoded as far as they go)` });
  return out;
}

export function analysisWarnings(analyses: readonly FlowAnalysis[]): CaptureWarning[] {
  const capped = analyses.filter((a) => a.unackedCapHits > 0).length;
  if (!capped) return [];
  return [{ offset: -1, message: `${capped} flows had more than 10000 unacknowledged segments in one direction; their bytes in flight is approximate (segments beyond the cap are not tracked)` }];
}

export function summarizeCapture(
  file: string,
  reader: CaptureReader | undefined,
  ingest: CaptureIngest,
  analyses: readonly FlowAnalysis[] = analyzeFlows(ingest.flows.flows),
  extraWarnings: CaptureWarning[] = [],
): CaptureSummary {
  const origin = ingest.flows.timeOrigin;
  return {
    file,
    format: reader?.format ?? null,
    packets: ingest.packets,
    tcpPackets: ingest.tcpPackets,
    firstPacketEpoch: ingest.packets > 0 ? formatEpoch(origin.sec, origin.nsec) : null,
    linkTypes: ingest.linkTypeStats,
    skipped: { ...ingest.skipped },
    warnings: [...(reader?.warnings ?? []), ...extraWarnings, ...skipWarnings(ingest), ...analysisWarnings(analyses)],
    flows: ingest.flows.flows.map((flow) => summarizeFlow(flow, analyses[flow.id], origin.sec + origin.nsec / 1e9)),
  };
}
