/**
 * What a NAT engine's own trace adds to a flow's analysis (docs/nat-flow-trace.md, "What it makes
 * exact"): the measured receive queue, the exact instant the window could have reopened (so an owed
 * update's lag is measured, not estimated), the segments it dropped, and why it sent the segment
 * that ended each stall.
 */
import { type Flow, packetIndexOfFrame } from '../flows/flow';
import type { EngineFlow } from '../trace/engine';
import type { Finding } from './findings';
import type { QueueEvidence } from './queueOwed';
import type { RecvQSeries } from './recvq';
import type { StallEpisode } from './stalls';

/** The engine's Recv-Q samples as a measured series of its side. */
export function engineRecvQ(engine: EngineFlow): RecvQSeries | undefined {
  if (engine.length === 0) return undefined;
  const n = engine.length;
  return {
    receiver: engine.natSide,
    source: 'nat-trace',
    time: engine.time.slice(0, n),
    recvQ: engine.recvq.slice(0, n),
    buffer: engine.buffer.slice(0, n),
    memory: new Float64Array(0),
  };
}

/**
 * When the NAT's window could have reopened during a stall of its own: the engine's first
 * `win reopen_possible` inside the stall when it emits `win` events; otherwise the first Recv-Q
 * report inside it after which the free space (buffer − Recv-Q), truncated to the NAT's window scale
 * as the guest reads it, reaches the stall's threshold min(MSS, buffer/2). Exact: no sampling error.
 */
export function engineEvidence(e: StallEpisode, engine: EngineFlow, shift: number): QueueEvidence | undefined {
  const evidence = (moment: number, threshold: number, freeSpace: number, end = e.end): QueueEvidence => ({ moment, lag: Math.max(0, end - moment), threshold, freeSpace, interval: 0, source: 'nat-trace' });
  if (engine.hasWinEvents) {
    const from = closureDecided(e, engine);
    const r = engine.reopen.find((x) => x.time >= from && x.time <= e.end);
    // A `reopened` decision between the closure and this instant: it belongs to an earlier closure the engine did not mark.
    if (!r || engine.reopened.some((t) => t >= from && t < r.time)) return undefined;
    // The engine's own record of the re-advertisement ends the debt: its segment may reach the wire later
    // (queued, or over a slow link), and that delay would be owed by any update, however prompt.
    const decided = engine.reopened.find((t) => t >= r.time && t <= e.end);
    return evidence(r.time, Number.isFinite(r.threshold) ? r.threshold : e.threshold, Number.isFinite(r.free) ? r.free : NaN, decided ?? e.end);
  }
  const unit = 2 ** Math.max(0, shift);
  for (let k = 0; k < engine.length; k++) {
    const t = engine.time[k];
    if (t < e.start) continue;
    if (t > e.end) break;
    const buffer = engine.buffer[k];
    if (!Number.isFinite(buffer)) continue;
    // RFC 1122 4.2.3.3, as queueOwed.ts: a sub-segment window still on offer counts against the free space.
    const seen = Math.floor(Math.max(0, buffer - engine.recvq[k] - e.startWindow) / unit) * unit;
    const threshold = Math.min(e.segment.bytes, Math.floor(buffer / 2));
    if (seen >= threshold) return evidence(t, threshold, seen);
  }
  return undefined;
}

/** A `win closed` logged just after the segment that carried the closing window (same instant, written after it). */
const CLOSED_AFTER_SEGMENT = 0.001;

/**
 * When the engine decided the closure this stall shows: its latest `win closed` up to the stall's
 * start. The closing segment may reach the wire later than the engine decided it (queued, or over a
 * slow link: the reference NAT's 20 ms), and a slow continuous drain can make room again within that
 * time, so the engine's `reopen_possible` may come before the guest even sees the window close; it
 * still belongs to this stall, and the debt runs from it on the engine's clock. Without `closed`
 * events, the stall's start.
 */
function closureDecided(e: StallEpisode, engine: EngineFlow): number {
  let closed = -Infinity;
  for (const t of engine.closed) {
    if (t > e.start + CLOSED_AFTER_SEGMENT) break;
    closed = t;
  }
  return closed === -Infinity ? e.start : Math.min(closed, e.start);
}

/** Why the NAT sent the segment that ended the stall (`reply_unacceptable` is the missed update's signature). */
export function endReason(flow: Flow, e: StallEpisode, engine: EngineFlow): string | null {
  const i = packetIndexOfFrame(flow, e.endFrame);
  return i >= 0 && flow.packets.dir[i] === engine.natSide ? (engine.reason(i) ?? null) : null;
}

/**
 * A stall whose reopening the capture's timing alone cannot tie to a probe (a NAT slow to answer
 * under load looks like one sending its own update): when the engine says it dropped the guest's
 * probe and the segment that reopened the window is the NAT's next one, that segment was the reply to
 * the probe, and the update was owed all along.
 */
export function replyToDroppedProbe(flow: Flow, e: StallEpisode, engine: EngineFlow): void {
  if (e.endedBy !== 'window_update' && e.endedBy !== 'ack_with_data') return;
  const p = flow.packets;
  const end = packetIndexOfFrame(flow, e.endFrame);
  if (end < 0) return;
  let nat = end - 1;
  while (nat >= 0 && p.dir[nat] !== engine.natSide) nat--;
  const probe = engine.drops.find((d) => d.index > nat && d.index < end && p.time[d.index] >= e.start);
  if (!probe) return;
  e.endedBy = 'probe_reply';
  e.owed = {
    seconds: e.duration,
    confidence: 'high',
    evidence:
      `the NAT dropped the sender's probe (frame ${p.frame[probe.index]}: ${probe.reason}) and its next segment (frame ${e.endFrame}) reopened the window to ${e.reopenedWindow} bytes, ` +
      `${e.duration.toFixed(3)} s after it closed: a reply to the probe, not an update of its own`,
    frames: [e.startFrame, ...e.probeFrames, e.endFrame],
  };
}

/** Findings listed per flow at most; the count says how many more. */
const MAX_DROP_FINDINGS = 200;

/** One finding per guest segment the engine dropped, tied to its packet. */
export function dropFindings(flow: Flow, engine: EngineFlow): Finding[] {
  const p = flow.packets;
  const nat = engine.natSide === 0 ? flow.a : flow.b;
  const out: Finding[] = [];
  for (const d of engine.drops.slice(0, MAX_DROP_FINDINGS)) {
    const i = d.index;
    const what = i >= 0 ? `the guest's segment at frame ${p.frame[i]} (${p.len[i]} bytes at seq ${p.seq[i]})` : `a guest segment (line ${d.line} of the engine's log)`;
    out.push({
      kind: 'segment_dropped',
      flow: flow.id,
      time: i >= 0 ? p.time[i] : d.time,
      frames: i >= 0 ? [p.frame[i]] : [],
      severity: 'warning',
      message: `The NAT (${nat}) dropped ${what}: ${d.reason}.`,
    });
  }
  if (engine.drops.length > MAX_DROP_FINDINGS) {
    const last = engine.drops[engine.drops.length - 1];
    out.push({ kind: 'segment_dropped', flow: flow.id, time: last.time, frames: [], severity: 'info', message: `… and ${engine.drops.length - MAX_DROP_FINDINGS} more segments dropped by the NAT (see the engine's log).` });
  }
  return out;
}
