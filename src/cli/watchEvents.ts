/** How `watch` prints what the model detects: one line per event, as text or as a JSON object. */
import type { ModelEvent } from '../core/model/captureModel';
/** The flow's two endpoints, as `analyze` prints them. */
export type FlowEnds = { a: string; b: string };

/** One event as `watch --json` prints it: the flow's endpoints, times in epoch seconds (`null` before the first packet). */
export interface WatchEventJson {
  event: ModelEvent['kind'];
  flowId: number;
  a: string;
  b: string;
  /** Wall-clock time the event was detected (epoch seconds). */
  detectedAt: number;
  stallId?: number;
  findingId?: number;
  /** Start (stall, owed) or time (finding), epoch seconds. */
  start: number;
  /** End of the stall (epoch seconds); for a 'stall' event that is still open, the live edge so far. */
  end?: number;
  startFrame?: number;
  endFrame?: number;
  receiver?: string;
  owedSeconds?: number;
  confidence?: string;
  evidence?: string;
  severity?: string;
  message?: string;
  /** The stall or finding as `analyze --json` has it (times in seconds since the first packet). */
  detail: unknown;
}

const round = (t: number) => Math.round(t * 1e6) / 1e6;

export function eventJson(e: ModelEvent, flow: FlowEnds | undefined, epoch0: number, detectedAt: number): WatchEventJson {
  const base = { event: e.kind, flowId: e.flowId, a: flow?.a ?? '?', b: flow?.b ?? '?', detectedAt: round(detectedAt) };
  if (e.kind === 'finding') {
    const f = e.finding;
    return { ...base, findingId: e.findingId, start: round(epoch0 + f.time), severity: f.severity, message: f.message, detail: f };
  }
  const s = e.stall;
  return {
    ...base,
    stallId: e.stallId,
    start: round(epoch0 + s.start),
    end: round(epoch0 + s.end),
    startFrame: s.startFrame,
    endFrame: s.endFrame,
    receiver: s.receiverEndpoint,
    ...(e.kind === 'owed' && s.owed ? { owedSeconds: s.owed.seconds, confidence: s.owed.confidence, evidence: s.owed.evidence } : {}),
    detail: s,
  };
}

/** The text line: like `analyze`'s finding lines, times in seconds since the first packet. */
export function eventText(e: ModelEvent, flow: FlowEnds | undefined): string {
  const head = `flow ${e.flowId}${flow ? ` (${flow.a} → ${flow.b})` : ''}:`;
  if (e.kind === 'finding') return `${head} ${e.finding.severity} ${e.finding.time.toFixed(6)} s  ${e.finding.message}`;
  const s = e.stall;
  if (e.kind === 'stall') return `${head} stall #${e.stallId} at ${s.start.toFixed(6)} s (frame ${s.startFrame}): ${s.receiverEndpoint} advertised ${s.startWindow} bytes`;
  const owed = s.owed ? `${s.owed.seconds.toFixed(3)} s owed (${s.owed.confidence}): ${s.owed.evidence}` : 'owed';
  return `${head} window update owed: stall #${e.stallId} ${s.start.toFixed(6)}–${s.end.toFixed(6)} s (frames ${s.startFrame}–${s.endFrame}), ${owed}`;
}
