/**
 * What the timelines need to read a flow in one data direction: relative sequence numbers, the
 * receiver's windows in bytes as the sender reads them, its stall threshold. Shared by the series
 * and the packet details so both show the same numbers.
 */
import type { FlowAnalysis, SideScale } from '../analysis/analyze';
import { effectiveSegmentSize, reopenThreshold } from '../analysis/segmentSize';
import { TcpFlag } from '../decode/segment';
import type { Flow } from '../flows/flow';
import type { Direction } from '../../protocol';

const TWO32 = 2 ** 32;
/** Offsets down to 1 GiB below the base read as negative (a Linux probe at the ISN, a stray old segment); further ones are data beyond 2 GiB. */
const MOST_NEGATIVE = -(2 ** 30);

/**
 * `x` relative to `base` (RFC 9293 §3.4 arithmetic modulo 2^32), as Wireshark's relative sequence
 * numbers: 0 is the ISN, 1 the first data byte. Up to 1 GiB before the base comes out negative, so
 * the axis wraps only after 3 GiB of data in one direction.
 */
export function relativeSeq(x: number, base: number): number {
  const d = (x - base) | 0; // int32 on the common path: no heap numbers in the hot loops
  return d < MOST_NEGATIVE ? d + TWO32 : d;
}

/** The data sender's side (0 = a, 1 = b) for a direction, and its receiver. */
export function sidesOf(direction: Direction): { sender: 0 | 1; receiver: 0 | 1 } {
  return direction === 'ab' ? { sender: 0, receiver: 1 } : { sender: 1, receiver: 0 };
}

/** The sequence base of side `sender` as the analysis set it: its SYN's seq, else its first seq − 1 (Wireshark's). */
export function sequenceBase(analysis: FlowAnalysis, sender: 0 | 1): number {
  return analysis.analyzer.dirs[sender].base;
}

export function sideScale(analysis: FlowAnalysis, side: 0 | 1): SideScale {
  return side === 0 ? analysis.windowScale.a : analysis.windowScale.b;
}

/**
 * How to read the windows side `side` advertises, in bytes as its peer reads them: Wireshark's
 * calculated window (scaled from the handshake; raw when scaling is not used or unknown), or raw <<
 * the inferred shift. SYN windows are never scaled (RFC 7323 §2.2).
 */
export interface WindowReading {
  /** Shift applied to raw windows by this module (inferred scales only), else -1: use the analysis's calculated window. */
  inferredShift: number;
  source: SideScale['source'];
}

export function windowReading(analysis: FlowAnalysis, side: 0 | 1): WindowReading {
  const scale = sideScale(analysis, side);
  // Raw windows get the shift when it was inferred, or assumed for a NAT log without the handshake.
  const onRaw = scale.source === 'inferred' || (scale.source === 'assumed' && !scale.fromHandshake);
  return { inferredShift: onRaw && scale.shift !== null ? scale.shift : -1, source: scale.source };
}

/** Window of packet `i` in bytes under `reading`. */
export function windowBytes(flow: Flow, analysis: FlowAnalysis, reading: WindowReading, i: number): number {
  const p = flow.packets;
  if (reading.inferredShift < 0 || p.tcpFlags[i] & TcpFlag.SYN) return analysis.analyzer.out.window(i);
  return p.winRaw[i] * 2 ** reading.inferredShift;
}

/** The window below which `receiver` counts as stalled: its episodes' threshold, else min(segment size, largest window / 2) as stalls.ts computes it. */
export function stallThreshold(flow: Flow, analysis: FlowAnalysis, receiver: 0 | 1): number {
  const episode = analysis.stalls.find((e) => e.receiver === receiver);
  if (episode) return episode.threshold;
  const reading = windowReading(analysis, receiver);
  const bytes = (i: number) => windowBytes(flow, analysis, reading, i);
  return reopenThreshold(flow, receiver, effectiveSegmentSize(flow, receiver, bytes).bytes, bytes);
}
