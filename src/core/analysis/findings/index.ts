/**
 * Findings: one rule per file in this folder, the shared types here, and the order they are shown
 * in. A new rule gets its own file and a line in `flowFindings`.
 */
import type { Flow } from '../../flows/flow';
import type { AnalysisColumns } from '../columns';
import type { RecvQSeries } from '../recvq';
import type { StallEpisode } from '../stalls';
import { emptyQueueFindings } from './emptyQueue';
import { icmpFindings } from './icmp';
import { limitedByFindings } from './limitedBy';
import type { FlowLimits } from '../limitedBy';
import type { FlowPasses } from '../passCache';
import { outOfWindowFindings } from './outOfWindow';
import { pmtuBlackHoleFindings } from './pmtuBlackHole';
import { scaledSynFindings } from './scaledSyn';
import { smallBufferFindings } from './smallBuffer';
import { stallFindings } from './stall';

export type FindingKind =
  | 'window_update_owed'
  | 'stall'
  | 'out_of_window'
  | 'scaled_syn_window'
  | 'window_closed_empty_queue'
  | 'small_receive_buffer'
  | 'icmp_error'
  | 'pmtu_black_hole'
  | 'segment_dropped'
  | 'limited_by';

/** What an ICMP or ICMPv6 error said, on `icmp_error` findings. */
export interface IcmpDetails {
  version: 4 | 6;
  type: number;
  code: number;
  /** Next-hop MTU ('fragmentation needed', 'packet too big'), or null when the error carries none. */
  mtu: number | null;
  /** The router or host that sent it. */
  from: string;
  /** The frame that sent the quoted segment, or null when it is not in the capture. */
  segmentFrame: number | null;
}

/** Something worth a line in a bug report, with the packets that show it. */
export interface Finding {
  kind: FindingKind;
  flow: number;
  /** Seconds since the capture's first packet. */
  time: number;
  frames: number[];
  severity: 'error' | 'warning' | 'info';
  /** One sentence a user can paste into a bug report. */
  message: string;
  /** On `icmp_error` findings: what the error said. */
  icmp?: IcmpDetails;
}


/** What the rules read: the flow, its analysis columns, its episodes and what is known of each side. */
export interface FindingInputs {
  flow: Flow;
  out: AnalysisColumns;
  stalls: readonly StallEpisode[];
  /** Measured Recv-Q of side a and side b as receivers, where samples match. */
  measured: readonly (RecvQSeries | undefined)[];
  /** Window of packet i in bytes as each side's peer reads it. */
  windowBytes: [(i: number) => number, (i: number) => number];
  /** Whether each side's window scale is known (handshake, not used, or inferred). */
  scaleKnown: [boolean, boolean];
  /** The data sender's limited-by split, when computed. */
  limits?: FlowLimits | null;
  /** A growing flow's resumable passes (passCache.ts) and how its windows are read; without them the rules scan the whole flow. */
  passes?: FlowPasses;
  windowKeys?: string;
}

/** Every rule's findings for one flow, in time order (stable: rules keep their order at equal times). */
export function flowFindings(x: FindingInputs): Finding[] {
  return sortFindings([
    ...scaledSynFindings(x.flow),
    ...stallFindings(x.flow, x.stalls),
    ...emptyQueueFindings(x.flow, x.stalls, x.measured, x.windowBytes),
    ...smallBufferFindings(x.flow, x.stalls, x.measured, x.windowBytes, x.passes && ((side) => x.passes!.segment[side].largestWindow(x.flow, side, x.windowBytes[side]))),
    ...outOfWindowFindings(x.flow, x.out, x.windowBytes, x.scaleKnown, x.passes?.outOfWindow, x.windowKeys),
    ...icmpFindings(x.flow),
    ...pmtuBlackHoleFindings(x.flow, x.out),
    ...limitedByFindings(x.flow, x.limits),
  ]);
}

/** Findings in time order; Array.prototype.sort is stable, so equal times keep the rules' order. */
export function sortFindings(found: Finding[]): Finding[] {
  return found.sort((x, y) => x.time - y.time);
}

export { emptyQueueFindings, icmpFindings, limitedByFindings, outOfWindowFindings, pmtuBlackHoleFindings, scaledSynFindings, smallBufferFindings, stallFindings };
