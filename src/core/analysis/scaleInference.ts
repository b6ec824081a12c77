import { TcpFlag } from '../decode/segment';
import type { Flow } from '../flows/flow';

/** Evidence for a window-scale shift inferred when the handshake was not captured. */
export interface InferredScale {
  shift: number;
  /** Data segments that would have been sent beyond the receiver's window with any smaller shift. */
  segmentsRequiring: number;
  /** Segments that end exactly at the right edge with this shift (a window-limited sender). */
  segmentsAtEdge: number;
  /** First frame that needs this shift. */
  firstFrame: number;
}

const MAX_SHIFT = 14;
/** At least this many segments must require the shift before we call the evidence conclusive. */
const MIN_EVIDENCE = 2;

/**
 * Infer the shift of the window that side `receiver` advertises, from what the other side sent:
 * a sender stays within ack + (window << shift), so the smallest shift that keeps every data segment
 * at or inside that right edge is a lower bound the flow itself proves (RFC 7323 §2.3 caps it at 14).
 * Returns undefined unless at least two segments need a non-zero shift.
 */
export function inferWindowScale(flow: Flow, receiver: 0 | 1): InferredScale | undefined {
  const p = flow.packets;
  let haveWindow = false;
  let ack = 0;
  let win = 0;
  let shift = 0;
  let requiring = 0;
  let firstFrame = 0;
  const needed = new Uint8Array(p.length);
  for (let i = 0; i < p.length; i++) {
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
    needed[i] = k;
    if (k > shift) {
      shift = k;
      firstFrame = p.frame[i];
    }
  }
  if (shift === 0) return undefined;
  for (let i = 0; i < p.length; i++) if (needed[i] === shift) requiring++;
  if (requiring < MIN_EVIDENCE) return undefined;
  return { shift, segmentsRequiring: requiring, segmentsAtEdge: countAtEdge(flow, receiver, shift), firstFrame };
}

function countAtEdge(flow: Flow, receiver: 0 | 1, shift: number): number {
  const p = flow.packets;
  let edge = -1;
  let count = 0;
  for (let i = 0; i < p.length; i++) {
    if (p.dir[i] === receiver) {
      if (!(p.tcpFlags[i] & TcpFlag.SYN) && p.tcpFlags[i] & TcpFlag.ACK) edge = (p.ack[i] + p.winRaw[i] * 2 ** shift) >>> 0;
    } else if (edge >= 0 && p.len[i] > 0 && ((p.seq[i] + p.len[i]) >>> 0) === edge) {
      count++;
    }
  }
  return count;
}
