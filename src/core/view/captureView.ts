/** Turns the core's capture summary into the plain view data the webview shows (see src/protocol/rows.ts). */
import type { Flow } from '../flows/flow';
import { flowBasics, type CaptureSummary, type FindingSummary, type FlowSummary } from '../summary';
import type { FlowLimits } from '../analysis/limitedBy';
import type { CaptureView, FlowRow } from '../../protocol';
import { limitShareRow } from './limitShare';

/** Stall and finding ids of a flow, parallel to its summary's lists (model/stableIds.ts). */
export type IdsOf = (flowId: number) => { stalls: number[]; findings: number[] };

/** A flow's limited-by split (FlowAnalysis.limitedBy), which the `analyze --json` summary does not carry in the editor's shape. */
export type LimitsOf = (flowId: number) => FlowLimits | null | undefined;

/**
 * The view of a summary. Without `ids` (a file summarised once) a finding's id is its index in the
 * time-sorted list; with them (a CaptureModel) ids are the model's stable ones. With `limitsOf` each
 * flow's health carries its limited-by row for the flow list (without it, `limitedBy` is left out).
 */
export function toCaptureView(summary: CaptureSummary, fileName: string, ids?: IdsOf, limitsOf?: LimitsOf): CaptureView {
  return {
    fileName,
    filePath: summary.file,
    format: summary.format,
    packets: summary.packets,
    tcpPackets: summary.tcpPackets,
    linkTypes: summary.linkTypes.map(({ name, packets, decoded }) => ({ name, packets, decoded })),
    warnings: summary.warnings.map(({ offset, message }) => ({ offset, message })),
    flows: summary.flows.map((f) => ({
      id: f.id,
      a: f.a,
      b: f.b,
      packetsAtoB: f.packetsAtoB,
      packetsBtoA: f.packetsBtoA,
      payloadAtoB: f.payloadAtoB,
      payloadBtoA: f.payloadBtoA,
      start: f.start,
      duration: f.duration,
      windowScale: { a: f.windowScale.a, b: f.windowScale.b },
      mss: { ...f.mss },
      encapsulation: f.encapsulation,
    })),
    health: summary.flows.map((f) => ({
      stallSeconds: f.stalls.reduce((sum, e) => sum + e.duration, 0),
      owedSeconds: f.stalls.reduce((sum, e) => sum + (e.owed?.seconds ?? 0), 0),
      findings: countBy(f.findings.map((x) => x.kind)),
      ...(limitsOf ? { limitedBy: limitShareRow(limitsOf(f.id)) } : {}),
    })),
    stalls: summary.flows.flatMap((f) =>
      f.stalls.map((e, k) => ({
        ...(ids ? { id: ids(f.id).stalls[k] } : {}),
        flowId: f.id,
        receiver: e.receiver,
        start: e.start,
        end: e.end,
        startFrame: e.startFrame,
        endFrame: e.endFrame,
        endedBy: e.endedBy,
        probes: e.probes,
        owed: e.owed ? { seconds: e.owed.seconds, confidence: e.owed.confidence, moment: owedMoment(e), evidence: e.owed.evidence } : null,
      })),
    ),
    findings: summary.flows
      .flatMap((f) => f.findings.map((x, k) => ({ key: ids?.(f.id).findings[k], flowId: f.id, ...x, ...intervalEnd(f, x) })))
      .sort((x, y) => x.time - y.time)
      .map(({ key, ...x }, index) => ({ id: key ?? index, ...x })),
    partial: summary.warnings.some((w) => w.message.includes('unreadable') || w.message.includes('cut short')),
  };
}

/**
 * A flow's row while the capture is still being read (no analysis yet): the same fields
 * `toCaptureView` takes from the summary, straight from the flow table.
 */
export function flowRow(flow: Flow): FlowRow {
  return flowBasics(flow);
}

/** Stall and owed-update findings are about an episode: its end, for zooming to the whole of it. */
function intervalEnd(flow: FlowSummary, finding: FindingSummary): { end?: number } {
  if (finding.kind !== 'stall' && finding.kind !== 'window_update_owed') return {};
  const episode = flow.stalls.find((e) => e.startFrame === finding.frames[0]);
  return episode ? { end: episode.end } : {};
}

function countBy(keys: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
}

/**
 * Where the owed bracket starts on the wire's time axis: the owed time before the end of the stall.
 * That is the queue's moment when the lag runs to the reopening segment, the stall's start when the
 * whole stall is owed, and a NAT engine's reopen instant moved by what its segments take to reach the
 * wire (the lag runs to its own `win reopened` decision; its reopen_possible may even come before the
 * guest sees the window close, docs/nat-flow-trace.md): never before the stall.
 */
function owedMoment(e: { start: number; end: number; owed: { seconds: number } | null }): number {
  return e.owed ? Math.max(e.start, e.end - e.owed.seconds) : e.start;
}
