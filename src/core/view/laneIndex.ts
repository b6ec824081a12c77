/**
 * Per flow and data direction, built once and reused by every query while the flow does not grow:
 * the packet indices of each lane (so a query walks only the packets a lane draws, with no
 * per-packet direction tests), every marker of the whole flow, the stall threshold and the extent.
 */
import type { FlowAnalysis } from '../analysis/analyze';
import { BIF_UNSET } from '../analysis/columns';
import { TcpFlag, TcpOpt } from '../decode/segment';
import type { Flow } from '../flows/flow';
import { AnalysisFlag, MarkerKind, type SeriesResult } from '../../protocol';
import { ColumnSet, Growable } from '../typed';
import type { PacketLane } from './decimate';
import { relativeSeq, sequenceBase, stallThreshold, windowReading, type WindowReading } from './flowValues';

const SYN = TcpFlag.SYN;
const ACK = TcpFlag.ACK;
const RST = TcpFlag.RST;
const SYN_FIN = TcpFlag.SYN | TcpFlag.FIN;
const SYN_RST = TcpFlag.SYN | TcpFlag.RST;
const SACK = TcpOpt.SACK;
const rel = relativeSeq;
/** Segments sent into a closed window on purpose: probes, not out-of-window data (as findings.ts). */
const PROBES = AnalysisFlag.PERSIST_PROBE | AnalysisFlag.ZERO_WINDOW_PROBE | AnalysisFlag.KEEP_ALIVE;

export interface Markers {
  /** Packet index of each marker (non-decreasing), to cut a packet range out. */
  index: Int32Array;
  time: Float64Array;
  value: Float64Array;
  kind: Uint8Array;
  frame: Uint32Array;
}

export interface LaneIndex {
  /** Packets covered: a flow that grew since gets a new index. */
  length: number;
  sender: 0 | 1;
  /** The data sender's sequence base (relative seq 0). */
  base: number;
  /** How the receiver's windows read in bytes. */
  reading: WindowReading;
  /** Sender packets that occupy sequence space (payload, SYN or FIN): relative seq and end (SYN and FIN count one). */
  segments: PacketLane;
  /** Receiver packets with ACK (not RST): relative ACK and right edge (ACK + window). */
  acks: PacketLane;
  /** Receiver packets (not RST): window in bytes as the sender reads it. */
  windows: PacketLane;
  /** Sender packets with bytes in flight. */
  inFlight: PacketLane;
  /** Receiver ACKs that carry SACK blocks. */
  sacks: Int32Array;
  markers: Markers;
  threshold: number;
  extent: SeriesResult['extent'];
}

const cache = new WeakMap<FlowAnalysis, [LaneIndex | undefined, LaneIndex | undefined]>();

/** The lane index of `flow` for data sent by `sender`, from the cache when the flow has not grown. */
export function laneIndex(flow: Flow, analysis: FlowAnalysis, sender: 0 | 1): LaneIndex {
  let entry = cache.get(analysis);
  if (!entry) cache.set(analysis, (entry = [undefined, undefined]));
  const n = Math.min(flow.packets.length, analysis.analyzer.out.length);
  const hit = entry[sender];
  if (hit && hit.length === n) return hit;
  const built = buildIndex(flow, analysis, sender, n);
  entry[sender] = built;
  return built;
}

function buildIndex(flow: Flow, analysis: FlowAnalysis, sender: 0 | 1, n: number): LaneIndex {
  const { time, dir, tcpFlags, len: lens, seq: seqs, ack: acksRaw, winRaw, frame, opts, sackCount } = flow.packets;
  const out = analysis.analyzer.out;
  const { flags: aflags, bytesInFlight } = out;
  const receiver = (1 - sender) as 0 | 1;
  const base = sequenceBase(analysis, sender);
  const reading = windowReading(analysis, receiver);
  const factor = reading.inferredShift >= 0 ? 2 ** reading.inferredShift : 0;
  const scaleKnown = reading.source !== 'unknown';
  const count = countLanes(flow, analysis, sender, n);
  // Segments the NAT's own trace says it dropped are out of window whatever the arithmetic says.
  const dropped = new Set(analysis.engine && analysis.engine.natSide === receiver ? analysis.engine.drops.map((d) => d.index) : []);
  const segments = lane(count.segments, true);
  const acks = lane(count.acks, true);
  const windows = lane(count.windows, false);
  const inFlight = lane(count.inFlight, false);
  const sacks = new Growable(Int32Array);
  const markers = new MarkerList();
  // Probes into a window below one segment are data (Linux sends what fits when its persist timer
  // fires) and carry no analysis flag: the episodes name them.
  const stallProbes = new Set(analysis.stalls.filter((e) => e.receiver === receiver).flatMap((e) => e.probeFrames));
  let nSeg = 0;
  let nAck = 0;
  let nWin = 0;
  let nBif = 0;
  let edge = -1; // the receiver's right edge (absolute ack + window), -1 before its first ACK
  let seqMax = 0;
  let windowMax = 0;
  for (let i = 0; i < n; i++) {
    const flags = tcpFlags[i];
    const af = aflags[i];
    if (dir[i] === sender) {
      const len = lens[i];
      const seq = rel(seqs[i], base);
      if (len > 0 || flags & SYN_FIN) {
        const end = seq + len + (flags & SYN_FIN ? 1 : 0);
        segments.index[nSeg] = i;
        segments.v0[nSeg] = seq;
        segments.v1[nSeg++] = end;
        if (end > seqMax) seqMax = end;
      }
      if (bytesInFlight[i] !== BIF_UNSET) {
        inFlight.index[nBif] = i;
        inFlight.v0[nBif++] = bytesInFlight[i];
      }
      // Data beyond the receiver's right edge (ack + window) that is not a probe: it must be dropped (findings.ts).
      const outOfWindow = (len > 0 && edge >= 0 && scaleKnown && !(flags & SYN_RST) && !(af & PROBES) && ((((seqs[i] + len) >>> 0) - edge) | 0) > 0) || dropped.has(i);
      const probe = af & AnalysisFlag.PERSIST_PROBE || (stallProbes.size > 0 && stallProbes.has(frame[i])) ? AnalysisFlag.PERSIST_PROBE : 0;
      if (af || outOfWindow || probe) markers.sender(i, time[i], seq, frame[i], af | probe, outOfWindow);
      continue;
    }
    const win = factor && !(flags & SYN) ? winRaw[i] * factor : out.window(i);
    if (!(flags & SYN) && flags & ACK) edge = (acksRaw[i] + win) >>> 0;
    if (flags & RST) continue; // a reset's window and ACK say nothing about flow control
    windows.index[nWin] = i;
    windows.v0[nWin++] = win;
    if (win > windowMax) windowMax = win;
    if (!(flags & ACK)) continue;
    const ack = rel(acksRaw[i], base);
    acks.index[nAck] = i;
    acks.v0[nAck] = ack;
    acks.v1[nAck++] = ack + win;
    if (ack + win > seqMax) seqMax = ack + win;
    if (opts[i] & SACK && sackCount[i] > 0) sacks.push(i);
    if (af) markers.receiver(i, time[i], ack, win, frame[i], af);
  }
  let recvQMax = 0;
  for (const q of analysis.recvQ[receiver].recvQ) if (q > recvQMax) recvQMax = q;
  return {
    length: n,
    sender,
    base,
    reading,
    segments,
    acks,
    windows,
    inFlight,
    sacks: sacks.done(),
    markers: markers.done(),
    threshold: stallThreshold(flow, analysis, receiver),
    extent: { t0: n > 0 ? time[0] : 0, t1: n > 0 ? time[n - 1] : 0, seqMax, windowMax, recvQMax },
  };
}

/** How many packets each lane takes (a first pass, so the lanes are allocated once, at their size). */
function countLanes(flow: Flow, analysis: FlowAnalysis, sender: 0 | 1, n: number): { segments: number; acks: number; windows: number; inFlight: number } {
  const { dir, tcpFlags, len } = flow.packets;
  const bytesInFlight = analysis.analyzer.out.bytesInFlight;
  let segments = 0;
  let acks = 0;
  let windows = 0;
  let inFlight = 0;
  for (let i = 0; i < n; i++) {
    const flags = tcpFlags[i];
    if (dir[i] === sender) {
      if (len[i] > 0 || flags & SYN_FIN) segments++;
      if (bytesInFlight[i] !== BIF_UNSET) inFlight++;
    } else if (!(flags & RST)) {
      windows++;
      if (flags & ACK) acks++;
    }
  }
  return { segments, acks, windows, inFlight };
}

function lane(size: number, twoValued: boolean): PacketLane {
  const v0 = new Float64Array(size);
  return { index: new Int32Array(size), v0, v1: twoValued ? new Float64Array(size) : v0 };
}

/** Marker rows: the columns of `Markers`. */
const MARKER_COLUMNS = { index: Int32Array, time: Float64Array, value: Float64Array, kind: Uint8Array, frame: Uint32Array };

/** Markers in packet order; a packet with several marks gets one marker per kind. */
class MarkerList extends ColumnSet<typeof MARKER_COLUMNS> {
  constructor() {
    super(MARKER_COLUMNS);
  }

  /** Sequence-lane marks of a data sender's packet, at its relative seq. */
  sender(i: number, t: number, seq: number, frame: number, flags: number, outOfWindow: boolean): void {
    if (flags & AnalysisFlag.RETRANSMISSION) this.add(i, t, seq, MarkerKind.Retransmission, frame);
    if (outOfWindow) this.add(i, t, seq, MarkerKind.OutOfWindow, frame);
    if (flags & AnalysisFlag.PERSIST_PROBE) this.add(i, t, seq, MarkerKind.PersistProbe, frame);
    if (flags & AnalysisFlag.WINDOW_FULL) this.add(i, t, seq, MarkerKind.WindowFull, frame);
    if (flags & AnalysisFlag.OUT_OF_ORDER) this.add(i, t, seq, MarkerKind.OutOfOrder, frame);
    if (flags & AnalysisFlag.LOST_SEGMENT) this.add(i, t, seq, MarkerKind.LostSegment, frame);
  }

  /** Marks of a receiver's packet: window marks at its window in bytes, a duplicate ACK at its ACK. */
  receiver(i: number, t: number, ack: number, win: number, frame: number, flags: number): void {
    if (flags & AnalysisFlag.ZERO_WINDOW) this.add(i, t, win, MarkerKind.ZeroWindow, frame);
    if (flags & AnalysisFlag.DUPLICATE_ACK) this.add(i, t, ack, MarkerKind.DuplicateAck, frame);
    if (flags & AnalysisFlag.WINDOW_UPDATE) this.add(i, t, win, MarkerKind.WindowUpdate, frame);
  }

  private add(i: number, t: number, value: number, kind: MarkerKind, frame: number): void {
    this.push({ index: i, time: t, value, kind, frame });
  }
}
