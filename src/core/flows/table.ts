import type { PacketRecord } from '../capture/types';
import type { IcmpQuote } from '../decode/icmp';
import { type Endpoints, TcpFlag, TcpOpt, type TcpSegment } from '../decode/segment';
import { formatAddress } from './address';
import { Flow } from './flow';


const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Hash of one endpoint (address + port); the flow key is the sum of both, so either direction finds it. */
function endpointHash(addr: Uint8Array, len: number, port: number): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < len; i++) h = Math.imul(h ^ addr[i], FNV_PRIME);
  h = Math.imul(h ^ (port & 0xff), FNV_PRIME);
  return Math.imul(h ^ (port >>> 8), FNV_PRIME);
}

function sameAddress(a: Uint8Array, aOffset: number, b: Uint8Array, len: number): boolean {
  for (let i = 0; i < len; i++) if (a[aOffset + i] !== b[i]) return false;
  return true;
}

/** 0 when `seg` goes a→b in `flow`, 1 when b→a, -1 when it is another 4-tuple. */
function matchDirection(flow: Flow, seg: Endpoints, addrLen: number): number {
  if (flow.portA === seg.srcPort && flow.portB === seg.dstPort && sameAddress(flow.addresses, 0, seg.src, addrLen) && sameAddress(flow.addresses, 16, seg.dst, addrLen)) return 0;
  if (flow.portB === seg.srcPort && flow.portA === seg.dstPort && sameAddress(flow.addresses, 16, seg.src, addrLen) && sameAddress(flow.addresses, 0, seg.dst, addrLen)) return 1;
  return -1;
}

/**
 * TCP flows by 4-tuple and connection instance, numbered like tshark's `tcp.stream`: a SYN (without
 * ACK) whose sequence number differs from the one this direction started with opens a new instance.
 * Side a is the source of the instance's first packet.
 */
export class FlowTable {
  readonly flows: Flow[] = [];
  /** Hash → id of the newest flow with that hash; `older[id]` chains to the next older one. */
  private readonly newest = new Map<number, number>();
  private older = new Int32Array(1024);
  /** The flow the previous packet belonged to: consecutive packets usually share one, so it is tried first. */
  private last: Flow | undefined;
  private t0Sec = 0;
  private t0Nsec = 0;
  private haveT0 = false;

  /** The flow the latest packet was filed with (its last packet is the newest; the live edge). */
  get lastFlow(): Flow | undefined {
    return this.last;
  }

  /** Set the capture's time origin (the first packet's timestamp, TCP or not). */
  setTimeOrigin(sec: number, nsec: number): void {
    this.t0Sec = sec;
    this.t0Nsec = nsec;
    this.haveT0 = true;
  }

  get timeOrigin(): { sec: number; nsec: number } {
    return { sec: this.t0Sec, nsec: this.t0Nsec };
  }

  /** File an IP/TCP packet; returns its flow. */
  add(rec: PacketRecord, seg: TcpSegment): Flow {
    if (!this.haveT0) this.setTimeOrigin(rec.tsSec, rec.tsNsec);
    const addrLen = seg.ipVersion === 4 ? 4 : 16;
    const last = this.last;
    if (last && last.ipVersion === seg.ipVersion && !(seg.flags & TcpFlag.SYN)) {
      // Not a SYN, so no new instance can start; `last` is always the newest instance of its 4-tuple.
      const dir = matchDirection(last, seg, addrLen);
      if (dir >= 0) {
        this.record(last, dir, rec, seg);
        return last;
      }
    }
    const hash = (endpointHash(seg.src, addrLen, seg.srcPort) + endpointHash(seg.dst, addrLen, seg.dstPort)) | 0;
    let flow: Flow | undefined;
    let dir = 0;
    for (let id = this.newest.get(hash) ?? -1; id >= 0; id = this.older[id]) {
      const f = this.flows[id];
      if (f.ipVersion !== seg.ipVersion) continue;
      const d = matchDirection(f, seg, addrLen);
      if (d >= 0) {
        flow = f;
        dir = d;
        break;
      }
    }
    const synOnly = (seg.flags & (TcpFlag.SYN | TcpFlag.ACK)) === TcpFlag.SYN;
    if (flow && synOnly && flow.baseSeqSet[dir] && flow.baseSeq[dir] !== seg.seq) flow = undefined; // port reuse
    if (!flow) {
      flow = this.create(hash, seg, addrLen);
      dir = 0;
    }
    this.record(flow, dir, rec, seg);
    this.last = flow;
    return flow;
  }

  /**
   * File an ICMP error with the newest flow instance of the 4-tuple it quotes; returns that flow,
   * or undefined when no such flow has been seen (the error is then dropped).
   */
  addIcmpError(rec: PacketRecord, quote: IcmpQuote): Flow | undefined {
    if (!this.haveT0) this.setTimeOrigin(rec.tsSec, rec.tsNsec);
    const addrLen = quote.version === 4 ? 4 : 16;
    const hash = (endpointHash(quote.src, addrLen, quote.srcPort) + endpointHash(quote.dst, addrLen, quote.dstPort)) | 0;
    for (let id = this.newest.get(hash) ?? -1; id >= 0; id = this.older[id]) {
      const flow = this.flows[id];
      if (flow.ipVersion !== quote.version) continue;
      const dir = matchDirection(flow, quote, addrLen);
      if (dir < 0) continue;
      flow.icmpErrors.push({
        frame: rec.frame,
        time: rec.tsSec - this.t0Sec + (rec.tsNsec - this.t0Nsec) * 1e-9,
        version: quote.version,
        type: quote.type,
        code: quote.code,
        mtu: quote.mtu >= 0 ? quote.mtu : null,
        reporter: formatAddress(quote.reporter, 0, quote.version),
        dir: dir as 0 | 1,
        seq: quote.seq,
        datagramLength: quote.datagramLength,
      });
      return flow;
    }
    return undefined;
  }

  private create(hash: number, seg: TcpSegment, addrLen: number): Flow {
    const id = this.flows.length;
    const addresses = new Uint8Array(32);
    addresses.set(seg.src.subarray(0, addrLen), 0);
    addresses.set(seg.dst.subarray(0, addrLen), 16);
    const flow = new Flow(id, seg.ipVersion, addresses, seg.srcPort, seg.dstPort);
    flow.packets.originNsec = this.t0Nsec;
    this.flows.push(flow);
    if (id >= this.older.length) {
      const grown = new Int32Array(this.older.length * 2);
      grown.set(this.older);
      this.older = grown;
    }
    this.older[id] = this.newest.get(hash) ?? -1;
    this.newest.set(hash, id);
    return flow;
  }

  private record(flow: Flow, dir: number, rec: PacketRecord, seg: TcpSegment): void {
    const flags = seg.flags;
    if (!flow.baseSeqSet[dir]) {
      // tshark's base_seq: the SYN's seq, else one before the first seq seen (so it shows as 1).
      flow.baseSeq[dir] = flags & TcpFlag.SYN ? seg.seq : (seg.seq - 1) >>> 0;
      flow.baseSeqSet[dir] = true;
    }
    const side = flow.handshake[dir];
    if (flags & TcpFlag.SYN && side.synFrame === 0) {
      side.synFrame = rec.frame;
      side.windowScale = seg.options & TcpOpt.WSCALE ? seg.windowScale : -1;
      side.mss = seg.options & TcpOpt.MSS ? seg.mss : undefined;
      side.sackPermitted = (seg.options & TcpOpt.SACK_PERM) !== 0;
    } else if (side.synFrame === 0 && seg.options & (TcpOpt.WSCALE | TcpOpt.MSS)) {
      // Options outside a SYN (scanners, odd stacks): tshark still takes them as this side's.
      if (seg.options & TcpOpt.WSCALE && side.windowScale === undefined) side.windowScale = seg.windowScale;
      if (seg.options & TcpOpt.MSS && side.mss === undefined) side.mss = seg.mss;
    }
    const p = flow.packets;
    const i = p.next();
    p.frame[i] = rec.frame;
    p.nsec[i] = rec.tsNsec;
    p.time[i] = rec.tsSec - this.t0Sec + (rec.tsNsec - this.t0Nsec) * 1e-9;
    p.dir[i] = dir;
    p.seq[i] = seg.seq;
    p.ack[i] = seg.ack;
    p.len[i] = seg.payloadLen;
    p.winRaw[i] = seg.window;
    p.tcpFlags[i] = flags;
    p.opts[i] = seg.options;
    if (seg.sackCount > 0) p.addSack(i, seg.sack, seg.sackCount);
    if (seg.options & (TcpOpt.WSCALE | TcpOpt.MSS)) {
      const mss = seg.options & TcpOpt.MSS ? seg.mss : 0xffff;
      flow.optionValues.set(i, mss * 256 + (seg.options & TcpOpt.WSCALE ? Math.min(seg.windowScale, 0xfe) : 0xff));
    }
    if (flow.firstFrame === 0) flow.firstFrame = rec.frame;
    flow.lastFrame = rec.frame;
    flow.packetCount[dir]++;
    flow.payloadBytes[dir] += seg.payloadLen;
    flow.wireBytes[dir] += rec.origLen;
    flow.encapsulation |= seg.encapsulation;
  }
}
