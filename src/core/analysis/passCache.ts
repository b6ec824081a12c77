/**
 * What a growing flow's whole-flow passes keep between refreshes (CaptureModel keeps one per flow,
 * beside its SequenceAnalyzer): each pass goes on from its last checkpoint instead of the first
 * packet, as long as what it was computed with (the way windows are read, the segment size, the
 * reopen threshold, the RTT) is unchanged; otherwise it starts again from the first packet. A fresh
 * one (the default of analyzeFlow) makes every pass scan the whole flow, so both ways run the same
 * code and give the same results. The model drops it when the flow's oldest packets leave (indices move).
 */
import { LimitResume } from './limitSplit';
import { SegmentScan } from './segmentSize';
import { ScaleScan } from './scaleInference';
import { RttScan, StallResume } from './stalls';
import { OutOfWindowResume } from './findings/outOfWindow';

export class FlowPasses {
  /** Per receiver side: segment-size and largest-window aggregates. */
  readonly segment: [SegmentScan, SegmentScan] = [new SegmentScan(), new SegmentScan()];
  /** Per receiver side: the stall scan's checkpoint and the episodes before it. */
  readonly stalls: [StallResume, StallResume] = [new StallResume(), new StallResume()];
  readonly outOfWindow = new OutOfWindowResume();
  /** Per side: the window-scale inference's scans (flows whose handshake was not captured). */
  readonly scale: [ScaleScan, ScaleScan] = [new ScaleScan(), new ScaleScan()];
  /** The smallest ACK RTT so far (flows without a handshake RTT). */
  readonly rtt = new RttScan();
  /** The limited-by split's checkpoint (its per-packet states, the timeline's sums so far). */
  readonly limits = new LimitResume();
  /** How each side's windows were read when these were computed (windowKey). */
  windowKeys: [string, string] = ['', ''];
}

/** How a side's windows are read (analyze.ts windowBytes): a cached pass over windows holds only while this stays the same. */
export function windowKey(raw: boolean, shift: number | null): string {
  return raw && shift !== null ? `raw<<${shift}` : 'calculated';
}
