/**
 * The limited-by split in the `analyze --json` document: for the direction
 * that carries the data, seconds per state (the sender's two kinds together under `sender`), the
 * timeline in epoch seconds, and the kernel's own totals beside ours when `ss` samples gave them.
 */
import type { FlowAnalysis } from './analysis/analyze';
import { kernelTotals, oursAsBusy, type BusySplit } from './analysis/kernelLimits';
import type { SendBufferEvidence } from './analysis/limitedBy';
import type { Vantage } from './analysis/vantage';
import type { Flow } from './flows/flow';
import type { LimitState } from '../protocol';

/** `limitedBy` of a flow in the `analyze --json` document; seconds, and times in epoch seconds. */
export interface LimitSummary {
  /** The direction that carries the data, and its sender's endpoint. */
  direction: 'a→b' | 'b→a';
  dataSender: string;
  receiverWindow: number;
  network: number;
  sender: { application: number; sendBuffer: number };
  idle: number;
  /** Everything but application and idle: the kernel's busy time. */
  busy: number;
  /** Receiver-window seconds spent waiting for window updates that were owed. */
  owed: number;
  vantage: Vantage;
  sendBufferEvidence: SendBufferEvidence | null;
  timeline: { state: LimitState; start: number; end: number }[];
  /** The data sender's tcp_info totals from `ss` samples of its socket, and ours minus the kernel's; absent without matching samples. */
  kernel?: BusySplit & { samples: number; difference: BusySplit };
}

/** The summary of a flow's split; `captureEpoch` turns capture times into epoch seconds. */
export function summarizeLimits(flow: Flow, analysis: FlowAnalysis, captureEpoch: number): LimitSummary | null {
  const l = analysis.limitedBy;
  if (!l) return null;
  const s = l.seconds;
  const summary: LimitSummary = {
    direction: l.dir === 0 ? 'a→b' : 'b→a',
    dataSender: l.dir === 0 ? flow.a : flow.b,
    receiverWindow: s.receiverWindow,
    network: s.network,
    sender: { application: s.application, sendBuffer: s.sendBuffer },
    idle: s.idle,
    busy: l.busy,
    owed: l.owedSeconds,
    vantage: l.vantage,
    sendBufferEvidence: l.sendBuffer,
    timeline: l.timeline.map((iv) => ({ state: iv.state, start: captureEpoch + iv.start, end: captureEpoch + iv.end })),
  };
  const k = analysis.kernelLimits;
  if (k) {
    const theirs = kernelTotals(k);
    const ours = oursAsBusy(s);
    const difference = {
      busy: ours.busy - theirs.busy,
      receiverWindow: ours.receiverWindow - theirs.receiverWindow,
      network: ours.network - theirs.network,
      sendBuffer: ours.sendBuffer - theirs.sendBuffer,
    };
    summary.kernel = { ...theirs, samples: k.time.length, difference };
  }
  return summary;
}
