/** What the summary says about a NAT trace or log: what was read, what was skipped, what was assumed. */
import type { CaptureWarning } from '../capture/types';
import type { MergeResult } from './merge';
import type { TraceRead } from './source';

/** The `source` of an `analyze --json` document read from (or with) a NAT trace or log. */
export interface EngineSourceSummary {
  kind: TraceRead['kind'];
  file: string;
  lines: number;
  events: Record<string, number>;
  engine: string | null;
  /** What the times count: 'realtime' (epoch), 'monotonic', 'uptime' (seconds since boot, no epoch given), or 'unknown'. */
  clock: string;
  /** Shift assumed for the NAT's windows because the log does not say (consomme), else null. */
  windowScaleAssumed: number | null;
  malformedLines: number;
  /** The first ten malformed lines: number and reason. */
  firstMalformed: { line: number; reason: string }[];
  unknownEvents: Record<string, number>;
  unknownFields: Record<string, number>;
  /** Lines of a log that are not about TCP segments (ignored). */
  otherLines: number;
  /** With a capture: how the engine's segments matched the captured packets. */
  merged?: {
    segments: number;
    matched: number;
    unmatchedFlows: number;
    /** Capture time − engine time, median over the NAT's matched segments (the guest's: `clockSkewGuest`); seconds. */
    clockSkew: number | null;
    clockSkewGuest: number | null;
    /** Whether the engine's times were moved by `clockSkew` (its clock is not the capture's, or disagrees by more than 50 ms). */
    skewApplied: boolean;
  };
}

export function engineSourceSummary(file: string, trace: TraceRead, merge?: MergeResult): { source: EngineSourceSummary; warnings: CaptureWarning[] } {
  const p = trace.ingest.problems;
  // Beside a capture, the capture's handshake replaces the assumption where it has one.
  const engines = merge ? merge.engines : trace.ingest.engines;
  const assumed = engines.some((e) => e !== undefined && e.scaleAssumed !== null) ? trace.ingest.scaleAssumed : null;
  const clock = trace.kind === 'consomme-log' ? (trace.uptime ? 'uptime' : 'realtime') : (trace.header?.clock ?? 'unknown');
  const source: EngineSourceSummary = {
    kind: trace.kind,
    file,
    lines: trace.lines,
    events: trace.events,
    engine: trace.header?.engine ?? (trace.kind === 'consomme-log' ? 'consomme' : null),
    clock,
    windowScaleAssumed: assumed,
    malformedLines: p.malformed,
    firstMalformed: p.firstMalformed,
    unknownEvents: Object.fromEntries(p.unknownEvents),
    unknownFields: Object.fromEntries(p.unknownFields),
    otherLines: p.otherLines,
  };
  if (merge) source.merged = { segments: merge.segments, matched: merge.matched, unmatchedFlows: merge.unmatchedFlows, clockSkew: merge.skew, clockSkewGuest: merge.skewIn, skewApplied: merge.skewApplied };
  const w = (message: string): CaptureWarning => ({ offset: -1, message: `${file}: ${message}` });
  const warnings: CaptureWarning[] = [];
  for (const m of p.firstMalformed) warnings.push(w(`line ${m.line}: ${m.reason} (line skipped)`));
  if (p.malformed > p.firstMalformed.length) warnings.push(w(`${p.malformed} malformed lines in all, skipped (the first ${p.firstMalformed.length} are listed)`));
  const unknown = [...p.unknownEvents].map(([k, n]) => `${k} ×${n}`);
  if (unknown.length) warnings.push(w(`unknown events ignored: ${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? ', …' : ''}`));
  const fields = [...p.unknownFields].map(([k, n]) => `${k} ×${n}`);
  if (fields.length) warnings.push(w(`unknown fields ignored: ${fields.slice(0, 10).join(', ')}${fields.length > 10 ? ', …' : ''}`));
  if (assumed !== null) {
    warnings.push(w(`the log does not give the NAT's window scale: shift ${assumed} assumed (consomme's usual); set it with --window-scale or the setting tcpFlowLens.natLog.windowScale`));
  }
  // Beside a capture the log's times are put on the capture's clock (merge.ts), so uptime does not show.
  if (clock === 'uptime' && !merge) warnings.push(w('times are seconds of uptime (the log has no wall-clock time); give the epoch of uptime 0 with --uptime-epoch or the setting tcpFlowLens.natLog.uptimeEpoch'));
  if (trace.ingest.flows.length === 0) warnings.push(w(`no TCP segments in ${trace.lines} lines`));
  if (merge && merge.matched === 0 && merge.segments > 0) warnings.push(w('none of its segments matched a packet of the capture (another run, or another vantage point?)'));
  if (merge?.skewApplied && merge.skew !== null) warnings.push(w(`its clock differs from the capture's by ${merge.skew.toFixed(6)} s (median over the NAT's segments matched in the capture); its times were moved by that`));
  return { source, warnings };
}
