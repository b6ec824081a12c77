/**
 * A synthetic live capture for the live-ingest bench: a pcap byte stream (µs, Ethernet, headers only)
 * handed out in chunks as a live source would, with simulated timestamps spanning a chosen time.
 * Like a NAT's traffic: `concurrent` bulk connections at a time, each closed after `flowPackets`
 * packets and replaced by a new one (new port), a delayed ACK for every second segment, and every
 * `stallEvery` packets of a flow a zero-window episode the receiver ends only by answering a Linux
 * persist probe (an owed window update, story 1). Deterministic; no checksums (the decoder does not
 * check them).
 */

const ETH_IP_TCP = 14 + 20 + 20;
const SYN_OPTIONS = [2, 4, 0x05, 0xb4, 4, 2, 1, 3, 3, 7]; // MSS 1460, SACK permitted, NOP, wscale 7
const MSS = 1448;
const SCALE = 7;

export interface StreamOptions {
  packets: number;
  /** Simulated seconds the stream spans (timestamps spread evenly). */
  seconds: number;
  concurrent?: number;
  flowPackets?: number;
  stallEvery?: number;
  chunkBytes?: number;
}

interface Conn {
  port: number;
  sent: number;
  clientSeq: number;
  serverSeq: number;
  acked: number;
  /** Packets to go in its current phase: -1 handshake not yet sent. */
  packets: number;
  unackedSegments: number;
}

export class SyntheticStream {
  /** Packets written so far, and what they carry. */
  written = 0;
  stalls = 0;
  connections = 0;
  private readonly conns: Conn[] = [];
  private nextPort = 20000;
  private readonly dtUs: number;
  private tUs = 1_796_000_000 * 1e6;
  private readonly buf: Uint8Array;
  private readonly view: DataView;
  private off = 0;
  private headerDone = false;
  /** Packets queued by a phase (a stall is several packets in a row). */
  private readonly queue: (() => void)[] = [];

  constructor(private readonly o: StreamOptions) {
    this.dtUs = (o.seconds * 1e6) / o.packets;
    this.buf = new Uint8Array((o.chunkBytes ?? 65536) + 256);
    this.view = new DataView(this.buf.buffer);
    for (let k = 0; k < (o.concurrent ?? 32); k++) this.conns.push(this.newConn());
  }

  /** The next chunk of about chunkBytes (the first starts with the pcap header), or undefined at the end. */
  next(): Uint8Array | undefined {
    if (this.written >= this.o.packets) return undefined;
    this.off = 0;
    if (!this.headerDone) this.header();
    const limit = this.o.chunkBytes ?? 65536;
    while (this.off < limit && this.written < this.o.packets) this.packet();
    return this.buf.slice(0, this.off);
  }

  private header(): void {
    const v = this.view;
    v.setUint32(0, 0xa1b2c3d4, true);
    v.setUint16(4, 2, true);
    v.setUint16(6, 4, true);
    v.setUint32(16, 96, true);
    v.setUint32(20, 1, true);
    this.off = 24;
    this.headerDone = true;
  }

  private newConn(): Conn {
    this.connections++;
    return { port: this.nextPort++ & 0xffff || 1024, sent: 0, clientSeq: 1000, serverSeq: 5000, acked: 1000, packets: -1, unackedSegments: 0 };
  }

  private packet(): void {
    const queued = this.queue.shift();
    if (queued) return queued();
    const k = this.written % this.conns.length;
    let c = this.conns[k];
    const flowPackets = this.o.flowPackets ?? 20000;
    if (c.sent >= flowPackets) {
      this.segment(c, 0, 0x11, c.clientSeq, c.serverSeq + 1, 1024, 0); // FIN-ACK: the connection ends
      this.conns[k] = this.newConn();
      return;
    }
    c = this.conns[k];
    if (c.packets === -1) {
      c.packets = 0;
      this.segment(c, 0, 0x02, c.clientSeq - 1, 0, 64240, 0, SYN_OPTIONS);
      this.queue.push(() => this.segment(c, 1, 0x12, c.serverSeq, c.clientSeq, 65160, 0, SYN_OPTIONS));
      this.queue.push(() => this.segment(c, 0, 0x10, c.clientSeq, c.serverSeq + 1, 502, 0));
      return;
    }
    const stallEvery = this.o.stallEvery ?? 5000;
    if (c.sent > 0 && c.sent % stallEvery === 0) return this.stall(c);
    // Data a→b, and a delayed ACK b→a for every second segment.
    this.segment(c, 0, 0x18, c.clientSeq, c.serverSeq + 1, 502, MSS);
    c.clientSeq = (c.clientSeq + MSS) >>> 0;
    if (++c.unackedSegments === 2) {
      c.unackedSegments = 0;
      this.queue.push(() => this.segment(c, 1, 0x10, c.serverSeq + 1, c.clientSeq, 2000, 0));
    }
  }

  /** The receiver closes its window; 200 ms later the sender probes (seq = SND.UNA − 1) and only the reply reopens it. */
  private stall(c: Conn): void {
    this.stalls++;
    c.unackedSegments = 0;
    this.segment(c, 1, 0x10, c.serverSeq + 1, c.clientSeq, 0, 0);
    this.queue.push(() => this.segment(c, 0, 0x10, (c.clientSeq - 1) >>> 0, c.serverSeq + 1, 502, 0, undefined, 200_000));
    this.queue.push(() => this.segment(c, 1, 0x10, c.serverSeq + 1, c.clientSeq, 2000, 0));
  }

  private segment(c: Conn, dir: 0 | 1, flags: number, seq: number, ack: number, win: number, len: number, options: number[] = [], extraUs = 0): void {
    c.sent++;
    this.written++;
    this.tUs += this.dtUs + extraUs;
    const optLen = (options.length + 3) & ~3;
    const headers = ETH_IP_TCP + optLen;
    const v = this.view;
    const b = this.buf;
    let o = this.off;
    const ts = Math.floor(this.tUs);
    v.setUint32(o, Math.floor(ts / 1e6), true);
    v.setUint32(o + 4, ts % 1e6, true);
    v.setUint32(o + 8, headers, true);
    v.setUint32(o + 12, headers + len, true);
    o += 16;
    b.fill(0, o, o + headers);
    b[o + 12] = 0x08; // IPv4
    const ip = o + 14;
    b[ip] = 0x45;
    v.setUint16(ip + 2, 20 + 20 + optLen + len);
    b[ip + 8] = 64;
    b[ip + 9] = 6;
    const [src, dst] = dir === 0 ? [1, 2] : [2, 1];
    b.set([10, 0, 0, src], ip + 12);
    b.set([10, 0, 0, dst], ip + 16);
    const t = ip + 20;
    v.setUint16(t, dir === 0 ? c.port : 5001);
    v.setUint16(t + 2, dir === 0 ? 5001 : c.port);
    v.setUint32(t + 4, seq >>> 0);
    v.setUint32(t + 8, ack >>> 0);
    b[t + 12] = ((20 + optLen) / 4) << 4;
    b[t + 13] = flags;
    v.setUint16(t + 14, flags & 0x02 ? win : Math.min(win, 0xffff));
    b.set(options, t + 20);
    this.off = o + headers;
  }
}

export { SCALE };
