/**
 * The flow model of a NAT trace or log: every segment the engine reports becomes a packet of the same
 * flow table a capture fills (so the same analysis, stalls, findings and views work on it), and what
 * only the engine knows goes beside it per flow (engine.ts). Frame numbers are the source's line
 * numbers, so a finding's "frame 812" is line 812 of the trace.
 */
import type { PacketRecord } from '../capture/types';
import { TcpFlag, TcpOpt, TcpSegment } from '../decode/segment';
import type { Flow } from '../flows/flow';
import { CaptureIngest } from '../ingest';
import { EngineFlow, TraceProblems } from './engine';
import type { Endpoint } from './tcpText';

/** A segment as a trace or log line describes it. */
export interface DescribedSegment {
  /** Which connection (the trace's `conn`, or the log's 4-tuple), and its endpoints. */
  conn: string;
  guest: Endpoint;
  remote: Endpoint;
  /** True for guest → NAT (`seg_in`, `recv`), false for NAT → guest. */
  fromGuest: boolean;
  seq: number;
  ack: number;
  /** TcpFlag bits. */
  flags: number;
  len: number;
  winRaw: number;
  /** SYN options when the source gives them. */
  mss?: number;
  wscale?: number;
  sackPerm?: boolean;
  line: number;
  sec: number;
  nsec: number;
}

/** `conn_open`'s fields (nat-flow-trace/1), as far as the model uses them. */
export interface ConnOpen {
  irs: number | null;
  guestMss: number | null;
  guestWscale: number | null;
  guestSackPerm: boolean;
  rxWscale: number | null;
  rxCap: number | null;
  /** MSS the NAT offered the guest (optional `rx_mss`). */
  rxMss: number | null;
}

interface Conn {
  flow?: Flow;
  engine?: EngineFlow;
  open?: ConnOpen;
  cap: number;
  pendingSyn?: DescribedSegment;
  sawGuestSyn: boolean;
  /** Packet index of this connection's latest guest segment (for drops). */
  lastIn: number;
}

export class TraceIngest {
  readonly capture = new CaptureIngest();
  readonly problems = new TraceProblems();
  /** Engine knowledge by flow id (undefined for a flow the engine said nothing extra about). */
  readonly engines: (EngineFlow | undefined)[] = [];
  /** Shift assumed for the NAT's windows when the source does not log it (consomme), else null. */
  scaleAssumed: number | null = null;
  /** The source describes connections (nat-flow-trace/1 `conn_open`): a guest SYN waits for it, for its options. */
  describesConnections = false;
  private readonly conns = new Map<string, Conn>();
  private readonly reasonNames = [''];
  private readonly seg = new TcpSegment();
  private readonly rec: PacketRecord = { frame: 0, linkType: -1, interfaceId: 0, tsSec: 0, tsNsec: 0, data: new Uint8Array(0), offset: 0, capLen: 0, origLen: 0, fcsLen: 0, fileOffset: -1, comment: undefined };
  /** The latest guest segment of any connection: a log's drop line belongs to it. */
  private lastGuest: Conn | undefined;

  get flows(): readonly Flow[] {
    return this.capture.flows.flows;
  }

  connOpen(key: string, guest: Endpoint, remote: Endpoint, open: ConnOpen, line: number, sec: number, nsec: number): void {
    const c = this.conn(key);
    c.open = open;
    if (open.rxCap !== null) c.cap = open.rxCap;
    if (c.pendingSyn) return this.flush(c);
    // Engines log the connection once the guest's SYN was accepted: that SYN is what conn_open describes.
    if (!c.sawGuestSyn && open.irs !== null) {
      const syn: DescribedSegment = { conn: key, guest, remote, fromGuest: true, seq: open.irs, ack: 0, flags: TcpFlag.SYN, len: 0, winRaw: 0xffff, line, sec, nsec };
      this.file(c, syn);
    }
  }

  /** File one segment; `recvq` (after it) and `reason` (why the NAT sent it) when the source says. */
  segment(s: DescribedSegment, recvq?: number, reason?: string): void {
    const c = this.conn(s.conn);
    this.flush(c);
    if (this.describesConnections && s.fromGuest && (s.flags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN && !c.open) {
      c.pendingSyn = { ...s }; // its options come with conn_open, usually the next line
      return;
    }
    const index = this.file(c, s);
    if (recvq !== undefined) this.sample(s.conn, s.sec, s.nsec, recvq);
    if (reason !== undefined && !s.fromGuest) c.engine?.setReason(index, reason);
  }

  /** A Recv-Q report (after a segment, a host read or write, a window change). */
  sample(key: string, sec: number, nsec: number, recvq: number, cap?: number): void {
    const c = this.conn(key);
    this.flush(c);
    if (cap !== undefined) c.cap = cap;
    c.engine?.addSample(this.relative(sec, nsec), recvq, c.cap);
  }

  reopenPossible(key: string, sec: number, nsec: number, threshold: number, free: number): void {
    const c = this.conn(key);
    this.flush(c);
    c.engine?.reopen.push({ time: this.relative(sec, nsec), threshold, free });
  }

  /** The engine re-advertised its window (`win reopened`). */
  reopenedAt(key: string, sec: number, nsec: number): void {
    this.conn(key).engine?.reopened.push(this.relative(sec, nsec));
  }

  /** The engine decided to advertise a window below its threshold (`win closed`). */
  closedAt(key: string, sec: number, nsec: number): void {
    this.conn(key).engine?.closed.push(this.relative(sec, nsec));
  }

  /** The engine emits `win` events for this connection: they alone say when the window could reopen. */
  winEvents(key: string): void {
    const engine = this.conn(key).engine;
    if (engine) engine.hasWinEvents = true;
  }

  /**
   * A dropped guest segment, tied to the connection's latest guest segment (a log's drop line, which
   * names no connection, to the latest guest segment of any). A second report of the same drop (a
   * `seg_in` verdict and then its `drop` event) keeps the later, fuller reason.
   */
  drop(key: string | undefined, sec: number, nsec: number, reason: string, line: number): void {
    const c = key === undefined ? this.lastGuest : this.conn(key);
    if (!c?.engine) return;
    if (key !== undefined) this.flush(c);
    const drops = c.engine.drops;
    const last = drops[drops.length - 1];
    if (last && last.index === c.lastIn && c.lastIn >= 0) {
      last.reason = reason;
      return;
    }
    drops.push({ index: c.lastIn, time: this.relative(sec, nsec), reason, line });
  }

  /** The flow's first `k` packets left its columns (bounded history): the packet indices kept here move with them. */
  packetsLeft(flow: Flow, k: number): void {
    for (const c of this.conns.values()) if (c.flow === flow) c.lastIn = c.lastIn >= k ? c.lastIn - k : -1;
  }

  /** No more input: file what waits for a conn_open that never came. */
  finish(): void {
    for (const c of this.conns.values()) this.flush(c);
  }

  /** Seconds on the model's time axis (the first segment's time is 0). */
  relative(sec: number, nsec: number): number {
    const o = this.capture.flows.timeOrigin;
    return sec - o.sec + (nsec - o.nsec) * 1e-9;
  }

  private conn(key: string): Conn {
    let c = this.conns.get(key);
    if (!c) {
      c = { cap: NaN, sawGuestSyn: false, lastIn: -1 };
      this.conns.set(key, c);
    }
    return c;
  }

  private flush(c: Conn): void {
    const s = c.pendingSyn;
    if (!s) return;
    c.pendingSyn = undefined;
    this.file(c, s);
  }

  private file(c: Conn, s: DescribedSegment): number {
    const seg = this.seg;
    const [from, to] = s.fromGuest ? [s.guest, s.remote] : [s.remote, s.guest];
    seg.ipVersion = from.version;
    seg.src.set(from.addr);
    seg.dst.set(to.addr);
    seg.srcPort = from.port;
    seg.dstPort = to.port;
    seg.seq = s.seq >>> 0;
    seg.ack = s.ack >>> 0;
    seg.flags = s.flags;
    seg.window = s.winRaw & 0xffff;
    seg.payloadLen = s.len;
    seg.headerLen = 20;
    this.setOptions(c, s);
    const rec = this.rec;
    rec.frame = s.line;
    rec.tsSec = s.sec;
    rec.tsNsec = s.nsec;
    rec.origLen = (from.version === 4 ? 40 : 60) + s.len;
    const flow = this.capture.described(rec, seg);
    const index = flow.packets.length - 1;
    const natSide = (s.fromGuest ? 1 - flow.packets.dir[index] : flow.packets.dir[index]) as 0 | 1;
    if (flow !== c.flow) {
      // A new flow (or a new instance of the 4-tuple): the engine's knowledge starts afresh with it.
      c.flow = flow;
      c.engine = this.engines[flow.id] ??= new EngineFlow(natSide, this.reasonNames);
      c.engine.scaleAssumed = this.scaleAssumed;
      c.lastIn = -1;
    }
    // A SYN whose MSS the source does not give: unknown, which is not the same as a SYN without the option.
    if (s.flags & TcpFlag.SYN && !(seg.options & TcpOpt.MSS)) {
      const side = flow.handshake[flow.packets.dir[index]];
      if (side.synFrame === s.line) side.mssNotLogged = true;
    }
    // A SYN-ACK that logs the NAT's shift: nothing is assumed for this flow.
    if (s.flags & TcpFlag.SYN && !s.fromGuest && s.wscale !== undefined) c.engine!.scaleAssumed = null;
    if (s.fromGuest) {
      if (s.flags & TcpFlag.SYN && !(s.flags & TcpFlag.ACK)) c.sawGuestSyn = true;
      c.lastIn = index;
      this.lastGuest = c;
    }
    return index;
  }

  /** SYN options: from the line when it has them, else from conn_open, else (a log) the assumed scale. */
  private setOptions(c: Conn, s: DescribedSegment): void {
    const seg = this.seg;
    seg.options = 0;
    if (!(s.flags & TcpFlag.SYN)) return;
    const open = c.open;
    const guestSyn = s.fromGuest;
    const mss = s.mss ?? (guestSyn ? open?.guestMss : open?.rxMss) ?? undefined;
    let wscale = s.wscale ?? (open ? (guestSyn ? open.guestWscale : open.guestWscale === null ? null : open.rxWscale) : undefined) ?? undefined;
    if (wscale === undefined && !open && this.scaleAssumed !== null) wscale = this.scaleAssumed;
    const sack = s.sackPerm ?? (guestSyn ? open?.guestSackPerm : undefined);
    if (mss !== undefined) {
      seg.options |= TcpOpt.MSS;
      seg.mss = mss;
    }
    if (wscale !== undefined) {
      seg.options |= TcpOpt.WSCALE;
      seg.windowScale = wscale;
    }
    if (sack) seg.options |= TcpOpt.SACK_PERM;
  }
}
