import { TcpFlag } from '../decode/segment';
import type { Flow } from '../flows/flow';

/** Evidence for a window-scale shift inferred when the handshake was not captured. */
export interface InferredScale {
  shift: number;
  /** Data segments that need at least the lower-bound shift to stay inside the receiver's window. */
  segmentsRequiring: number;
  /** Segments that end exactly at the right edge with this shift (a window-limited sender). */
  segmentsAtEdge: number;
  /** First frame that needs the lower-bound shift. */
  firstFrame: number;
}

const MAX_SHIFT = 14;
/** At least this many segments must require the shift before we call the evidence conclusive. */
const MIN_EVIDENCE = 2;

/**
 * Infer the shift of the window that side `receiver` advertises, from what the other side sent.
 * A sender stays within ack + (window << shift), which bounds the shift from below (the smallest
 * shift that keeps every data segment at or inside that right edge). A lower bound is not an
 * answer, so the shift is taken only where a window-limited sender pins it: segments that end
 * exactly at the right edge for that shift (at least two, and twice as many as for any other
 * candidate). Otherwise the scale stays unknown. RFC 7323 §2.3 caps shifts at 14.
 */
export function inferWindowScale(flow: Flow, receiver: 0 | 1, scan = new ScaleScan()): InferredScale | undefined {
  const minShift = scan.lowerBound(flow, receiver);
  if (minShift.shift === 0) return undefined;
  const hits = new Uint32Array(MAX_SHIFT + 1);
  for (let k = minShift.shift; k <= MAX_SHIFT; k++) hits[k] = scan.countAtEdge(flow, receiver, k);
  let best = minShift.shift;
  for (let k = minShift.shift; k <= MAX_SHIFT; k++) if (hits[k] > hits[best]) best = k;
  let second = 0;
  for (let k = minShift.shift; k <= MAX_SHIFT; k++) if (k !== best && hits[k] > second) second = hits[k];
  if (hits[best] < MIN_EVIDENCE || hits[best] < 2 * second) return undefined;
  return { shift: best, segmentsRequiring: minShift.requiring, segmentsAtEdge: hits[best], firstFrame: minShift.firstFrame };
}

/**
 * The inference's running scans for one receiver, kept between refreshes of a growing flow
 * (passCache.ts): each goes on from the packet it stopped at (a fresh one scans the whole flow).
 */
export class ScaleScan {
  private seen = 0;
  private haveWindow = false;
  private ack = 0;
  private win = 0;
  private shift = 0;
  private requiring = 0;
  private firstFrame = 0;
  /** Per candidate shift: packets scanned, the right edge, segments ending at it. */
  private readonly edgeSeen = new Float64Array(MAX_SHIFT + 1);
  private readonly edge = new Float64Array(MAX_SHIFT + 1).fill(-1);
  private readonly atEdge = new Float64Array(MAX_SHIFT + 1);

  /** The smallest shift that keeps every data segment inside ack + (window << shift), and the segments that need it. */
  lowerBound(flow: Flow, receiver: 0 | 1): { shift: number; requiring: number; firstFrame: number } {
    const p = flow.packets;
    let { haveWindow, ack, win, shift, requiring, firstFrame } = this;
    for (let i = this.seen; i < p.length; i++) {
      const flags = p.tcpFlags[i];
      if (p.dir[i] === receiver) {
        if (flags & TcpFlag.SYN || !(flags & TcpFlag.ACK)) continue; // SYN windows are never scaled
        haveWindow = true;
        ack = p.ack[i];
        win = p.winRaw[i];
        continue;
      }
      if (!haveWindow || win === 0 || p.len[i] <= 1 || flags & (TcpFlag.SYN | TcpFlag.RST)) continue;
      const beyond = (p.seq[i] + p.len[i] - ack) | 0;
      if (beyond <= win) continue;
      let k = 1;
      while (k < MAX_SHIFT && win * 2 ** k < beyond) k++;
      if (k > shift) {
        shift = k;
        requiring = 0;
        firstFrame = p.frame[i];
      }
      if (k === shift) requiring++;
    }
    Object.assign(this, { seen: p.length, haveWindow, ack, win, shift, requiring, firstFrame });
    return { shift, requiring, firstFrame };
  }

  /** Segments that end exactly at the right edge ack + (window << shift). */
  countAtEdge(flow: Flow, receiver: 0 | 1, shift: number): number {
    const p = flow.packets;
    let edge = this.edge[shift];
    let count = this.atEdge[shift];
    for (let i = this.edgeSeen[shift]; i < p.length; i++) {
      if (p.dir[i] === receiver) {
        if (!(p.tcpFlags[i] & TcpFlag.SYN) && p.tcpFlags[i] & TcpFlag.ACK) edge = (p.ack[i] + p.winRaw[i] * 2 ** shift) >>> 0;
      } else if (edge >= 0 && p.len[i] > 0 && ((p.seq[i] + p.len[i]) >>> 0) === edge) {
        count++;
      }
    }
    this.edge[shift] = edge;
    this.atEdge[shift] = count;
    this.edgeSeen[shift] = p.length;
    return count;
  }
}
