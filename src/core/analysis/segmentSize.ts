/**
 * The effective segment size of one direction: how many bytes the data sender can put in one
 * segment towards the receiver. This, not "the MSS", is what a window must hold for the sender to
 * send (RFC 1122 §4.2.3.4's Eff.snd.MSS), so it is the stall threshold, the silly-window reopen
 * threshold and the yardstick of "tiny" segments. docs/analysis.md, "Effective segment size".
 */
import { TcpFlag, TcpOpt } from '../decode/segment';
import type { Flow } from '../flows/flow';

/** What the sender can put in one segment, and how that was found. */
export interface SegmentSize {
  /** Bytes of payload in one full segment. */
  bytes: number;
  /**
   * 'mss-options': the smaller of the two MSS options, less TCP options in use; 'refined': smaller
   * still, because the sender kept sending segments of exactly this size with window to spare (a
   * path MTU below the MSS); 'observed': no MSS option seen (no handshake), the largest segment sent.
   */
  source: 'mss-options' | 'refined' | 'observed';
  /** MSS option of the receiver (it limits what it is sent) and of the sender (it mirrors the sender's own link); null when not seen. */
  receiverMss: number | null;
  senderMss: number | null;
  /** Bytes of TCP options in every data segment that the MSS does not cover (timestamps: 12, RFC 6691). */
  optionBytes: number;
  /** Largest payload the sender sent. */
  largestSeen: number;
  /** Segments larger than `bytes`: super-segments of TSO/GSO or GRO (the capture was taken on an end host). */
  superSegments: number;
  /** A SYN came from a NAT's trace or log that does not say which MSS it carried: the missing option is unknown, not absent. */
  mssNotLogged?: boolean;
}

/** RFC 9293 §3.7.1: without an MSS option a sender may send 536 bytes (RFC 879's default). */
export const DEFAULT_MSS = 536;
/** Bytes the timestamps option takes in every segment (RFC 7323 §3.2, padded), which the MSS does not cover (RFC 6691). */
const TIMESTAMP_OPTION_BYTES = 12;
/** Segments of one size, each sent with window to spare and followed at once by the next, that prove the sender's limit. */
const FULL_SEGMENT_RUN = 8;

/**
 * The effective segment size of the data flowing towards `receiver`. With the handshake: the smaller
 * of the two MSS options — the receiver's limits what it may be sent; the sender's is computed from
 * its own link MTU, which bounds what it sends too (a user-mode NAT announces 65535 towards a guest
 * whose link carries 1460) — less 12 bytes when the sender's segments carry timestamps. A receiver's
 * SYN without the option means 536, unless larger segments were seen. Refined down to the largest
 * segment sent when the sender sent at least 8 segments of exactly that size back to back with window
 * to spare (a path MTU below the MSS). Larger segments than the options allow are super-segments of
 * TSO/GRO on the capturing host: counted, not believed. Without any MSS option: the largest segment
 * seen, at least 536.
 */
export function effectiveSegmentSize(flow: Flow, receiver: 0 | 1, windowBytes?: (i: number) => number, scan = new SegmentScan()): SegmentSize {
  scan.scanSegments(flow, receiver);
  const { largest, timestamps } = scan;
  const rx = flow.handshake[receiver];
  const tx = flow.handshake[1 - receiver];
  const receiverMss = rx.mss ?? null;
  const senderMss = tx.mss ?? null;
  const optionBytes = timestamps ? TIMESTAMP_OPTION_BYTES : 0;
  const notLogged = rx.mssNotLogged === true || tx.mssNotLogged === true;
  const base = { receiverMss, senderMss, optionBytes, largestSeen: largest, ...(notLogged ? { mssNotLogged: true } : {}) };
  // The receiver's SYN seen without the option: 536 (RFC 9293 §3.7.1), unless the sender proved otherwise.
  if (receiverMss === null && senderMss === null) return { ...base, bytes: Math.max(largest, DEFAULT_MSS), source: 'observed', superSegments: 0 };
  // Not logged (a NAT trace without rx_mss): unknown, so only the sender's own MSS bounds the segment.
  const rxLimit = receiverMss ?? (rx.synFrame > 0 && !rx.mssNotLogged ? Math.max(DEFAULT_MSS, largest + optionBytes) : null);
  const limits = [rxLimit, senderMss].filter((m): m is number => m !== null);
  const bytes = Math.min(...limits) - optionBytes;
  const superSegments = scan.superSegments(flow, receiver, bytes);
  if (largest >= DEFAULT_MSS && largest < bytes && windowBytes && scan.fullRuns(flow, receiver, largest, windowBytes) >= FULL_SEGMENT_RUN) {
    return { ...base, bytes: largest, source: 'refined', superSegments: 0 };
  }
  return { ...base, bytes, source: 'mss-options', superSegments };
}

/**
 * The window below which the sender is stalled: one segment (the effective segment size, not either
 * side's MSS option), or half the receiver's buffer (estimated by the largest window it advertised)
 * when that is smaller — RFC 1122 4.2.3.3's min(Fr·RCV.BUFF, Eff.snd.MSS) with Fr = 1/2. A loopback
 * flow with a 64 KiB MSS and a 16 KiB buffer is not stalled by a 16 KiB window.
 */
export function reopenThreshold(flow: Flow, receiver: 0 | 1, segmentBytes: number, windowBytes: (i: number) => number, scan = new SegmentScan()): number {
  const largest = scan.largestWindow(flow, receiver, windowBytes);
  return largest > 0 ? Math.min(segmentBytes, Math.floor(largest / 2)) : segmentBytes;
}

/**
 * The running aggregates behind one receiver's segment size and reopen threshold, kept between
 * refreshes of a growing flow (passCache.ts) so each scan goes on from the packet it stopped at: the
 * same numbers a scan from the first packet gives. A fresh one (the default) scans the whole flow.
 * What depends on the windows is keyed by how they are read (`readWindows`); what depends on a size,
 * by that size: another one starts that scan again.
 */
export class SegmentScan {
  /** Largest payload the sender sent, and whether its data segments carry timestamps (after scanSegments). */
  largest = 0;
  timestamps = false;
  private seen = 0;
  private superBytes = -1;
  private superSeen = 0;
  private superCount = 0;
  private windowKey: string | undefined;
  private runSize = -1;
  private runSeen = 0;
  private runEdge = -1;
  private runPending = -1; // end seq of the last full segment sent with room to spare, waiting for its follower
  private runs = 0;
  private windowSeen = 0;
  private windowLargest = 0;

  /** The windows are read as `key` says (the calculated window, raw << a shift): another key starts the window scans again. */
  readWindows(key: string): void {
    if (key === this.windowKey) return;
    this.windowKey = key;
    this.runSize = -1;
    this.windowSeen = 0;
    this.windowLargest = 0;
  }

  scanSegments(flow: Flow, receiver: 0 | 1): void {
    const p = flow.packets;
    let largest = this.largest;
    let timestamps = this.timestamps;
    for (let i = this.seen; i < p.length; i++) {
      if (p.dir[i] === receiver) continue;
      if (p.len[i] > largest) largest = p.len[i];
      if (p.len[i] > 0 && p.opts[i] & TcpOpt.TIMESTAMP) timestamps = true;
    }
    this.largest = largest;
    this.timestamps = timestamps;
    this.seen = p.length;
  }

  /** Segments larger than `bytes` (TSO/GRO super-segments). */
  superSegments(flow: Flow, receiver: 0 | 1, bytes: number): number {
    const p = flow.packets;
    if (bytes !== this.superBytes) {
      this.superBytes = bytes;
      this.superSeen = 0;
      this.superCount = 0;
    }
    let n = this.superCount;
    for (let i = this.superSeen; i < p.length; i++) if (p.dir[i] !== receiver && p.len[i] > bytes) n++;
    this.superCount = n;
    this.superSeen = p.length;
    return n;
  }

  /** Segments of exactly `size` that the window did not cut short (room was left after them) and that the next data segment directly follows. */
  fullRuns(flow: Flow, receiver: 0 | 1, size: number, windowBytes: (i: number) => number): number {
    const p = flow.packets;
    if (size !== this.runSize) {
      this.runSize = size;
      this.runSeen = 0;
      this.runEdge = -1;
      this.runPending = -1;
      this.runs = 0;
    }
    let edge = this.runEdge;
    let pending = this.runPending;
    let runs = this.runs;
    for (let i = this.runSeen; i < p.length; i++) {
      if (p.dir[i] === receiver) {
        if (p.tcpFlags[i] & TcpFlag.ACK) edge = (p.ack[i] + windowBytes(i)) >>> 0; // a SYN-ACK's window is unscaled, as windowBytes reads it
        continue;
      }
      if (p.len[i] === 0) continue;
      if (pending >= 0 && p.seq[i] === pending) runs++;
      const end = (p.seq[i] + p.len[i]) >>> 0;
      pending = p.len[i] === size && edge >= 0 && ((edge - end) | 0) > 0 ? end : -1;
    }
    this.runEdge = edge;
    this.runPending = pending;
    this.runs = runs;
    this.runSeen = p.length;
    return runs;
  }

  /** Largest window the receiver advertised. */
  largestWindow(flow: Flow, receiver: 0 | 1, windowBytes: (i: number) => number): number {
    const p = flow.packets;
    let largest = this.windowLargest;
    for (let i = this.windowSeen; i < p.length; i++) {
      if (p.dir[i] !== receiver) continue;
      const w = windowBytes(i);
      if (w > largest) largest = w;
    }
    this.windowLargest = largest;
    this.windowSeen = p.length;
    return largest;
  }
}

/** "1460 bytes: the sender's MSS 1460; the receiver announced 65535": the size and where it came from, for finding texts. */
export function describeSegmentSize(s: SegmentSize): string {
  const less = s.optionBytes ? ` less ${s.optionBytes} for timestamps` : '';
  if (s.source === 'observed') return `${s.bytes} bytes: the largest segment seen; ${s.mssNotLogged ? "the NAT's trace or log does not give the MSS options" : 'no MSS option captured'}`;
  if (s.source === 'refined') return `${s.bytes} bytes: the size the sender kept sending, below its MSS bound`;
  const { senderMss: tx, receiverMss: rx } = s;
  if (tx !== null && rx !== null && tx !== rx) {
    return tx < rx
      ? `${s.bytes} bytes: the sender's MSS ${tx}${less}; the receiver announced ${rx}`
      : `${s.bytes} bytes: the receiver's MSS ${rx}${less}; the sender's is ${tx}`;
  }
  if (rx === null && s.mssNotLogged) return `${s.bytes} bytes: the sender's MSS ${tx}${less}; the NAT's trace does not say which MSS it announced`;
  if (rx === null) return `${s.bytes} bytes: the receiver's SYN had no MSS option, so ${DEFAULT_MSS} or the largest segment seen${less}`;
  return `${s.bytes} bytes: MSS ${rx}${less}`;
}
