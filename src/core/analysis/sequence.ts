import { TcpFlag, TcpOpt } from '../decode/segment';
import type { Flow } from '../flows/flow';
import { AnalysisColumns, BIF_UNSET } from './columns';
import { DirectionState, SCALE_NOT_USED, SCALE_UNKNOWN } from './direction';
import { Flag } from './flags';

const SYN = TcpFlag.SYN;
const FIN = TcpFlag.FIN;
const RST = TcpFlag.RST;
const ACK = TcpFlag.ACK;
const MAX_SHIFT = 14; // RFC 7323 §2.3
/** Wireshark's fast-retransmission window after the last duplicate ACK. */
const FAST_RETRANS_WINDOW = 0.02;
/** Out-of-order threshold when no initial RTT is known (Wireshark: 3 ms). */
const DEFAULT_OOO_THRESHOLD = 0.003;

/** Sequence-space comparisons modulo 2^32 (RFC 9293 §3.4). */
const gt = (a: number, b: number) => ((a - b) | 0) > 0;
const lt = (a: number, b: number) => ((a - b) | 0) < 0;
const le = (a: number, b: number) => ((a - b) | 0) <= 0;

/**
 * Wireshark's first-pass TCP sequence analysis (`tcp_analyze_sequence_number` in packet-tcp.c,
 * reimplemented), run over a flow's columns in capture order. Incremental: `run()` analyses the
 * packets added since the last call, so a live flow can be followed as it grows.
 */
export class SequenceAnalyzer {
  readonly dirs: [DirectionState, DirectionState] = [new DirectionState(), new DirectionState()];
  readonly out: AnalysisColumns;
  /** Time from the last SYN to the first ACK that follows it (Wireshark's iRTT), NaN until known. */
  initialRtt = NaN;
  private lastSynTime = NaN;
  private processed = 0;

  constructor(private readonly flow: Flow) {
    this.out = new AnalysisColumns(Math.max(flow.packets.length, 16));
  }

  run(): void {
    const n = this.flow.packets.length;
    this.out.ensure(n);
    for (let i = this.processed; i < n; i++) this.step(i);
    this.processed = n;
    this.out.length = n;
  }

  private step(i: number): void {
    const p = this.flow.packets;
    const out = this.out;
    const d = p.dir[i];
    const fwd = this.dirs[d];
    const rev = this.dirs[1 - d];
    const flags = p.tcpFlags[i];
    const time = p.time[i];
    const window = p.winRaw[i];
    const seglen = p.len[i];

    // Relative sequence numbers: the SYN's seq, else one before the first seq seen; the peer's base from its first ACK.
    if (!fwd.baseSet) {
      fwd.base = flags & SYN ? p.seq[i] : (p.seq[i] - 1) >>> 0;
      fwd.baseSet = true;
    }
    if (flags & ACK && !rev.baseSet) {
      rev.base = (p.ack[i] - 1) >>> 0;
      rev.baseSet = true;
    }
    const seq = (p.seq[i] - fwd.base) >>> 0;
    const ack = flags & ACK ? (p.ack[i] - rev.base) >>> 0 : 0;

    this.windowScaling(i, d, flags);
    if (flags & SYN) {
      out.win[i] = window;
      out.winShift[i] = -3;
    } else {
      out.winShift[i] = fwd.scale;
      out.win[i] = fwd.scale >= 0 ? window * 2 ** fwd.scale : window;
    }

    // Initial RTT: the last SYN to the first ACK without SYN that follows it.
    if (flags & SYN && !(flags & ACK)) this.lastSynTime = time;
    else if ((flags & (SYN | ACK)) === ACK && Number.isNaN(this.initialRtt) && !Number.isNaN(this.lastSynTime)) {
      this.initialRtt = time - this.lastSynTime;
    }

    let f = 0;
    out.bytesInFlight[i] = BIF_UNSET;
    out.dupAckNum[i] = 0;
    out.ackRtt[i] = NaN;

    // Our persist-probe flag: anything sent into a zero window, incl. Linux's zero-length probe at SND.UNA − 1.
    if (rev.window === 0 && !(flags & (SYN | RST)) && (seglen > 0 || ((seq + 1) | 0) === (rev.lastack | 0))) f |= Flag.PERSIST_PROBE;

    f |= this.forwardChecks(fwd, rev, seq, ack, seglen, flags, window, i);
    if (ack !== fwd.lastack) {
      fwd.dupacknum = 0;
    }
    if (f & Flag.DUPLICATE_ACK) out.dupAckNum[i] = fwd.dupacknum;

    // ACKed segment that wasn't captured: this ACK covers data beyond what the peer was seen to send in order.
    if (rev.maxseqtobeacked !== 0 && gt(ack, rev.maxseqtobeacked) && flags & ACK) {
      f |= Flag.ACK_LOST_SEGMENT;
      rev.maxseqtobeacked = rev.nextseq;
    }

    f |= this.retransmissionChecks(fwd, rev, seq, seglen, flags, time, f);

    this.advance(fwd, seq, seglen, flags, i, time, f);
    fwd.window = window;
    fwd.windowFromSyn = (flags & SYN) !== 0;
    fwd.lastack = ack;
    fwd.lastackTime = time;
    fwd.lastSegmentFlags = f;
    this.acknowledge(rev, ack, i, time);
    if (seglen > 0) this.bytesInFlight(fwd, i);
    out.flags[i] = f;
  }

  /** Window scale from the options (any segment) and the SYN rules of Wireshark's verify_tcp_window_scaling. */
  private windowScaling(i: number, d: number, flags: number): void {
    const fwd = this.dirs[d];
    const rev = this.dirs[1 - d];
    const p = this.flow.packets;
    if (p.opts[i] & TcpOpt.WSCALE) {
      const shift = this.flow.optionShift(i);
      if (shift !== undefined) fwd.scale = Math.min(shift, MAX_SHIFT);
    }
    if (!(flags & SYN)) return;
    if (fwd.scale === SCALE_UNKNOWN) {
      // A SYN without the option: neither side scales (also set for the peer in case its SYN-ACK is missed).
      fwd.scale = SCALE_NOT_USED;
      rev.scale = SCALE_NOT_USED;
    } else if (flags & ACK && rev.scale === SCALE_NOT_USED) {
      fwd.scale = SCALE_NOT_USED;
    }
  }

  /** The forward checks, in Wireshark's order; returns the flags they set. */
  private forwardChecks(fwd: DirectionState, rev: DirectionState, seq: number, ack: number, seglen: number, flags: number, window: number, i: number): number {
    let f = 0;
    if (seglen === 1 && seq === fwd.nextseq && rev.window === 0) return Flag.ZERO_WINDOW_PROBE;
    const noSynFinRst = (flags & (SYN | FIN | RST)) === 0;
    if (window === 0 && noSynFinRst) f |= Flag.ZERO_WINDOW;
    if (fwd.nextseq !== 0 && gt(seq, fwd.nextseq) && !(flags & RST)) {
      f |= Flag.LOST_SEGMENT;
      fwd.validBif = false;
    }
    if ((seglen === 0 || seglen === 1) && seq === ((fwd.nextseq - 1) >>> 0) && noSynFinRst) f |= Flag.KEEP_ALIVE;
    const sameSeqAck = seglen === 0 && seq === fwd.nextseq && ack === fwd.lastack && noSynFinRst;
    if (sameSeqAck && window !== 0 && window !== fwd.window) f |= Flag.WINDOW_UPDATE;
    if (seglen > 0 && rev.scale !== SCALE_UNKNOWN && noSynFinRst) {
      const shift = rev.windowFromSyn || rev.scale === SCALE_NOT_USED ? 0 : rev.scale;
      if (rev.window >= 0 && ((seq + seglen) >>> 0) === ((rev.lastack + rev.window * 2 ** shift) >>> 0)) f |= Flag.WINDOW_FULL;
    }
    if (sameSeqAck && window !== 0 && window === fwd.window && rev.lastSegmentFlags & Flag.KEEP_ALIVE) return f | Flag.KEEP_ALIVE_ACK;
    if (
      seglen === 0 &&
      window === 0 &&
      fwd.window === 0 &&
      seq === fwd.nextseq &&
      (ack === fwd.lastack || ack === ((fwd.lastack + 1) >>> 0)) &&
      rev.lastSegmentFlags & Flag.ZERO_WINDOW_PROBE &&
      noSynFinRst
    ) {
      return f | Flag.ZERO_WINDOW_PROBE_ACK;
    }
    if (sameSeqAck && window !== 0 && window === fwd.window) {
      fwd.dupacknum++;
      f |= Flag.DUPLICATE_ACK;
    }
    void i;
    return f;
  }

  /** Retransmission, fast retransmission, spurious retransmission or out-of-order, for data/SYN/FIN that does not advance. */
  private retransmissionChecks(fwd: DirectionState, rev: DirectionState, seq: number, seglen: number, flags: number, time: number, f: number): number {
    if (!(seglen > 0 || flags & (SYN | FIN))) return 0;
    if (f & Flag.KEEP_ALIVE) return 0;
    let notAdvanced = fwd.nextseq !== 0 && lt(seq, fwd.nextseq);
    // Data right after a dropped probe byte, at nextseq − 1, is new data, not a retransmission.
    if (seglen > 1 && ((fwd.nextseq - 1) >>> 0) === seq) notAdvanced = false;
    if (notAdvanced && rev.dupacknum >= 2 && rev.lastack === seq && time - rev.lastackTime < FAST_RETRANS_WINDOW) {
      return Flag.FAST_RETRANSMISSION;
    }
    const threshold = Number.isNaN(this.initialRtt) || this.initialRtt === 0 ? DEFAULT_OOO_THRESHOLD : this.initialRtt;
    if (notAdvanced && time - fwd.nextseqTime < threshold && fwd.nextseq !== ((seq + seglen) >>> 0) && !this.alreadySeen(fwd, seq)) {
      return Flag.OUT_OF_ORDER;
    }
    if (seglen > 0 && rev.lastack !== 0 && le((seq + seglen) >>> 0, rev.lastack)) return Flag.SPURIOUS_RETRANSMISSION;
    return notAdvanced ? Flag.RETRANSMISSION : 0;
  }

  private alreadySeen(fwd: DirectionState, seq: number): boolean {
    const u = fwd.unacked;
    for (let k = 0; k < u.count; k++) if (u.seq[k] === seq) return true;
    return false;
  }

  /** Track the segment as unacknowledged and move nextseq / maxseqtobeacked forward. */
  private advance(fwd: DirectionState, seq: number, seglen: number, flags: number, i: number, time: number, f: number): void {
    let nextseq = (seq + seglen) >>> 0;
    if (seglen > 0 || flags & (SYN | FIN)) {
      if (flags & (SYN | FIN)) nextseq = (nextseq + 1) >>> 0;
      fwd.unacked.add(seq, nextseq, i, time);
    }
    const probe = (f & Flag.ZERO_WINDOW_PROBE) !== 0;
    if ((gt(nextseq, fwd.nextseq) || fwd.nextseq === 0) && !probe) {
      fwd.nextseq = nextseq;
      fwd.nextseqTime = time;
    }
    if ((seq === fwd.maxseqtobeacked || fwd.maxseqtobeacked === 0) && !probe) fwd.maxseqtobeacked = fwd.nextseq;
  }

  /** Remove what this ACK covers from the peer's unacked list; an exact match gives the ACK RTT. */
  private acknowledge(rev: DirectionState, ack: number, i: number, time: number): void {
    const u = rev.unacked;
    let kept = 0;
    let rtt = NaN;
    for (let k = 0; k < u.count; k++) {
      if (ack === u.end[k]) {
        rtt = time - u.time[k];
        continue;
      }
      if (gt(ack, u.seq[k]) && le(ack, u.end[k])) u.seq[k] = ack; // partly acknowledged
      if (gt(u.end[k], ack)) {
        u.move(k, kept++);
      }
    }
    u.count = kept;
    if (!Number.isNaN(rtt)) this.out.ackRtt[i] = rtt;
  }

  /** Highest end minus lowest start over the unacknowledged segments (Wireshark's default method). */
  private bytesInFlight(fwd: DirectionState, i: number): void {
    const u = fwd.unacked;
    if (u.count === 0 || !fwd.validBif) return;
    let first = (u.seq[0] - 0) >>> 0;
    let last = u.end[0];
    for (let k = 1; k < u.count; k++) {
      if (lt(u.seq[k], first)) first = u.seq[k];
      if (gt(u.end[k], last)) last = u.end[k];
    }
    const inFlight = (last - first) >>> 0;
    if (inFlight > 0 && inFlight < 2_000_000_000) this.out.bytesInFlight[i] = inFlight;
  }
}
