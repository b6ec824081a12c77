import { TcpFlag, TcpOpt } from '../decode/segment';
import type { Flow } from '../flows/flow';
import { AnalysisColumns, BIF_UNSET } from './columns';
import { DirectionState, SCALE_NOT_USED, SCALE_UNKNOWN } from './direction';
import { Flag } from './flags';
import { MAX_UNACKED } from './unacked';

const SYN = TcpFlag.SYN;
const FIN = TcpFlag.FIN;
const RST = TcpFlag.RST;
const ACK = TcpFlag.ACK;
const MAX_SHIFT = 14; // RFC 7323 §2.3
/** 2^shift for every valid shift, looked up instead of computed per packet. */
const SCALE_FACTOR = Float64Array.from({ length: MAX_SHIFT + 1 }, (_, k) => 2 ** k);
/** Wireshark's fast-retransmission window after the last duplicate ACK: 20 ms. */
const FAST_RETRANS_WINDOW_NS = 20_000_000;
/** Out-of-order threshold when no initial RTT is known (Wireshark: 3 ms). */
const DEFAULT_OOO_THRESHOLD_NS = 3_000_000;
/** Before any reference packet Wireshark measures from time 0, the epoch: longer than any threshold. */
const LONG_AGO = Number.MAX_SAFE_INTEGER;
/** An unacknowledged segment's packet index once that packet left the history: its ACK gets no RTT. */
const GONE = 0xffffffff;
/** Wireshark stores -1 in its unsigned dup-ACK counter after an "ACKed unseen segment"; it then counts as ≥ 2. */
const DUPACK_AFTER_UNSEEN = -1;

/** Sequence-space comparisons modulo 2^32 (RFC 9293 §3.4), written as Wireshark's LT_SEQ/GT_SEQ/LE_SEQ so the 2^31 tie breaks alike. */
const lt = (a: number, b: number) => ((a - b) | 0) < 0;
const gt = (a: number, b: number) => lt(b, a);
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
  /** The same in whole nanoseconds, for threshold comparisons exact like Wireshark's (0 = unknown). */
  private initialRttNs = 0;
  private lastSyn = -1;
  private processed = 0;
  /** Over every packet analysed, also those that left a bounded history: packets per flag bit, largest bytes in flight and smallest window per direction. */
  readonly totals = { flagCounts: new Uint32Array(16), maxBytesInFlight: [-1, -1], minWindow: [Infinity, Infinity] };

  constructor(private readonly flow: Flow) {
    this.out = new AnalysisColumns(Math.max(flow.packets.length, 16), flow.packets);
  }

  run(): void {
    const n = this.flow.packets.length;
    this.out.ensure(n);
    for (let i = this.processed; i < n; i++) this.step(i);
    this.out.length = n;
    this.tally(this.processed, n);
    this.processed = n;
  }

  /** Count what packets `from..to` showed (a packet's results never change once analysed): the totals cost nothing per refresh. */
  private tally(from: number, to: number): void {
    const out = this.out;
    const dir = this.flow.packets.dir;
    const { flagCounts, maxBytesInFlight, minWindow } = this.totals;
    for (let i = from; i < to; i++) {
      const f = out.flags[i];
      if (f) for (let bit = 0; bit < 16; bit++) if (f & (1 << bit)) flagCounts[bit]++;
      const d = dir[i];
      if (out.bytesInFlight[i] > maxBytesInFlight[d]) maxBytesInFlight[d] = out.bytesInFlight[i];
      const win = out.window(i);
      if (win < minWindow[d]) minWindow[d] = win;
    }
  }

  /**
   * The flow's first `k` packets left its columns (bounded history, model/history.ts): move this
   * analysis's columns and packet indices with them. A reference to a packet that left counts as
   * "long ago", as before any packet: history is minutes, every threshold here is far below that.
   */
  dropFirst(k: number): void {
    this.out.dropFirst(k);
    this.processed -= k;
    const shift = (i: number) => (i >= k ? i - k : -1);
    this.lastSyn = shift(this.lastSyn);
    for (const d of this.dirs) {
      d.lastackIndex = shift(d.lastackIndex);
      d.nextseqIndex = shift(d.nextseqIndex);
      const u = d.unacked;
      for (let j = 0; j < u.count; j++) u.index[j] = u.index[j] >= k ? u.index[j] - k : GONE;
    }
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
    // Like Wireshark, the analysis itself runs on absolute numbers; `base` only anchors bytes in flight.
    const seq = p.seq[i];
    const ack = p.ack[i];
    if (flags & ACK) rev.validBif = true;

    // The calculated window (out.window(i)) follows from the raw window and this shift.
    out.winShift[i] = flags & SYN ? -3 : fwd.scale;

    let f = 0;
    out.bytesInFlight[i] = BIF_UNSET;
    out.setDupAck(i, 0);
    out.ackedBack[i] = 0;

    // Our persist-probe flag: anything sent into a zero window, incl. Linux's zero-length probe at SND.UNA − 1.
    if (rev.window === 0 && !(flags & (SYN | RST)) && (seglen > 0 || ((seq + 1) >>> 0) === rev.lastack)) f |= Flag.PERSIST_PROBE;

    f |= this.forwardChecks(fwd, rev, seq, ack, seglen, flags, window);
    if (f & Flag.DUPLICATE_ACK) out.setDupAck(i, fwd.dupacknum);
    if (ack !== fwd.lastack) fwd.dupacknum = 0;

    // ACKed segment that wasn't captured: this ACK covers data beyond what the peer was seen to send in order.
    if (rev.maxseqtobeacked !== 0 && gt(ack, rev.maxseqtobeacked) && flags & ACK) {
      if (lt(rev.maxseqtobeacked, rev.nextseq)) {
        rev.maxseqtobeacked = rev.nextseq;
        f |= Flag.ACK_LOST_SEGMENT;
      } else {
        // The peer only sends pure ACKs: report this gap once; -1 also arms its fast-retransmission test.
        if (rev.dupacknum === 0) f |= Flag.ACK_LOST_SEGMENT;
        rev.dupacknum = DUPACK_AFTER_UNSEEN;
      }
    }

    f |= this.retransmissionChecks(fwd, rev, seq, seglen, flags, i, f);

    this.advance(fwd, seq, seglen, flags, i, time, f);
    fwd.window = window;
    // Until this side sends a non-SYN ACK its last window is the unscaled SYN window (Wireshark's is_first_ack).
    if (flags & SYN) fwd.windowFromSyn = true;
    else if (flags & ACK) fwd.windowFromSyn = false;
    fwd.lastack = ack;
    fwd.lastackIndex = i;
    fwd.lastSegmentFlags = f;
    this.acknowledge(rev, ack, i, time);
    if (seglen > 0) this.bytesInFlight(fwd, rev, flags, i);
    fwd.sackedBytes = p.opts[i] & TcpOpt.SACK ? this.sackedBytes(i) : 0;
    out.flags[i] = f & (Flag.FAST_RETRANSMISSION | Flag.SPURIOUS_RETRANSMISSION) ? f | Flag.RETRANSMISSION : f;
    out.seenFlags |= out.flags[i];
    // Options take effect after the packet is analysed, so a window-scale option counts from the next packet on.
    this.windowScaling(i, d, flags);
    // Initial RTT: the last SYN to the first ACK without SYN that follows it (0 counts as not measured).
    if ((flags & (SYN | ACK)) === SYN) this.lastSyn = i;
    else if ((flags & (SYN | ACK)) === ACK && this.initialRttNs === 0 && this.lastSyn >= 0) {
      this.initialRttNs = this.nsBetween(i, this.lastSyn);
      this.initialRtt = this.initialRttNs / 1e9;
    }
  }

  /** Exact nanoseconds from packet `j` to packet `i` (exact while under 2^53 ns, about 104 days). */
  private nsBetween(i: number, j: number): number {
    return this.flow.packets.nsBetween(i, j);
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
  private forwardChecks(fwd: DirectionState, rev: DirectionState, seq: number, ack: number, seglen: number, flags: number, window: number): number {
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
      if (rev.window >= 0 && ((seq + seglen) >>> 0) === ((rev.lastack + rev.window * SCALE_FACTOR[shift]) >>> 0)) f |= Flag.WINDOW_FULL;
    }
    if (sameSeqAck && window !== 0 && window === fwd.window && rev.lastSegmentFlags & Flag.KEEP_ALIVE) return f | Flag.KEEP_ALIVE_ACK;
    if (
      seglen === 0 &&
      window === 0 &&
      fwd.window === 0 &&
      seq === fwd.nextseq &&
      ack === fwd.lastack &&
      rev.lastSegmentFlags & Flag.ZERO_WINDOW_PROBE &&
      noSynFinRst
    ) {
      return f | Flag.ZERO_WINDOW_PROBE_ACK;
    }
    if (sameSeqAck && window !== 0 && window === fwd.window) {
      fwd.dupacknum = fwd.dupacknum === DUPACK_AFTER_UNSEEN ? 1 : fwd.dupacknum + 1;
      f |= Flag.DUPLICATE_ACK;
    }
    return f;
  }

  /** Retransmission, fast retransmission, spurious retransmission or out-of-order, for data/SYN/FIN that does not advance. */
  private retransmissionChecks(fwd: DirectionState, rev: DirectionState, seq: number, seglen: number, flags: number, i: number, f: number): number {
    if (!(seglen > 0 || flags & (SYN | FIN))) return 0;
    if (f & Flag.KEEP_ALIVE) return 0;
    let notAdvanced = fwd.nextseq !== 0 && lt(seq, fwd.nextseq);
    // Data right after a dropped probe byte, at nextseq − 1, is new data, not a retransmission.
    if (seglen > 1 && ((fwd.nextseq - 1) >>> 0) === seq) notAdvanced = false;
    if (seglen > 0 && rev.lastack !== 0 && le((seq + seglen) >>> 0, rev.lastack)) return Flag.SPURIOUS_RETRANSMISSION;
    // Fast retransmission is checked before out-of-order (tshark's tcp.fastrt_supersedes_ooo default).
    // Intervals in whole nanoseconds, as Wireshark computes them; negative ones wrap to huge in its unsigned maths.
    const sinceAck = rev.lastackIndex >= 0 ? this.nsBetween(i, rev.lastackIndex) : LONG_AGO;
    if (notAdvanced && (rev.dupacknum >= 2 || rev.dupacknum === DUPACK_AFTER_UNSEEN) && rev.lastack === seq && sinceAck >= 0 && sinceAck < FAST_RETRANS_WINDOW_NS) {
      return Flag.FAST_RETRANSMISSION;
    }
    const threshold = this.initialRttNs === 0 ? DEFAULT_OOO_THRESHOLD_NS : this.initialRttNs;
    const end = (seq + seglen + (flags & (SYN | FIN) ? 1 : 0)) >>> 0;
    const sinceAdvance = fwd.nextseqIndex >= 0 ? this.nsBetween(i, fwd.nextseqIndex) : LONG_AGO;
    if (notAdvanced && sinceAdvance >= 0 && sinceAdvance < threshold && fwd.nextseq !== end) return Flag.OUT_OF_ORDER;
    return notAdvanced ? Flag.RETRANSMISSION : 0;
  }

  /** Track the segment as unacknowledged and move nextseq / maxseqtobeacked forward. */
  private advance(fwd: DirectionState, seq: number, seglen: number, flags: number, i: number, time: number, f: number): void {
    let nextseq = (seq + seglen) >>> 0;
    // SYN and FIN count one byte, but only for a segment the (bounded) unacked list still tracks.
    if ((seglen > 0 || flags & (SYN | FIN)) && fwd.unacked.count < MAX_UNACKED) {
      if (flags & (SYN | FIN)) nextseq = (nextseq + 1) >>> 0;
      fwd.unacked.add(seq, nextseq, i, time);
    } else if (seglen > 0 || flags & (SYN | FIN)) {
      fwd.unacked.capHits++;
    }
    const probe = (f & Flag.ZERO_WINDOW_PROBE) !== 0;
    if ((gt(nextseq, fwd.nextseq) || fwd.nextseq === 0) && !probe) {
      fwd.nextseq = nextseq;
      fwd.nextseqIndex = i;
    }
    if ((seq === fwd.maxseqtobeacked || fwd.maxseqtobeacked === 0) && !probe) fwd.maxseqtobeacked = fwd.nextseq;
  }

  /** Remove what this ACK covers from the peer's unacked list; an exact match gives the ACK RTT. */
  private acknowledge(rev: DirectionState, ack: number, i: number, time: number): void {
    const u = rev.unacked;
    let kept = 0;
    let rtt = NaN;
    let acked = -1;
    for (let k = 0; k < u.count; k++) {
      if (ack === u.end[k]) {
        // Wireshark walks newest to oldest and keeps the last match: the oldest segment ending here.
        if (Number.isNaN(rtt)) {
          rtt = time - u.time[k];
          acked = u.index[k];
        }
        continue;
      }
      if (gt(ack, u.seq[k]) && le(ack, u.end[k])) u.seq[k] = ack; // partly acknowledged
      if (gt(u.end[k], ack)) {
        u.move(k, kept++);
      }
    }
    u.count = kept;
    // Wireshark hides a zero RTT; the RTT is kept as the way back to that segment (out.ackRtt(i)).
    if (rtt > 0 && acked <= i) this.out.setAckedBack(i, i - acked);
  }

  /** Sum of the SACK blocks of packet `i`; like Wireshark, only the first three blocks count. */
  private sackedBytes(i: number): number {
    const p = this.flow.packets;
    const at = p.sackAt(i);
    const n = Math.min(p.sackCount[i], 3);
    let sum = 0;
    for (let k = 0; k < n; k++) sum += (p.sackEdges[at + 2 * k + 1] - p.sackEdges[at + 2 * k]) >>> 0;
    return sum;
  }

  /**
   * Bytes in flight after this data segment (Wireshark's default, payload-based method): highest end
   * minus lowest start over the unacknowledged segments, less what the peer last SACKed; a SYN or FIN
   * byte is virtual and not counted.
   */
  private bytesInFlight(fwd: DirectionState, rev: DirectionState, flags: number, i: number): void {
    const u = fwd.unacked;
    if (u.count === 0 || !fwd.validBif) return;
    // Relative to the base, compared as plain unsigned numbers like Wireshark.
    let first = (u.seq[0] - fwd.base) >>> 0;
    let last = (u.end[0] - fwd.base) >>> 0;
    for (let k = 1; k < u.count; k++) {
      const s = (u.seq[k] - fwd.base) >>> 0;
      const e = (u.end[k] - fwd.base) >>> 0;
      if (s < first) first = s;
      if (e > last) last = e;
    }
    const inFlight = (last - first - rev.sackedBytes) >>> 0;
    if (inFlight > 0 && inFlight < 2_000_000_000) this.out.bytesInFlight[i] = flags & (SYN | FIN) ? inFlight - 1 : inFlight;
  }
}
