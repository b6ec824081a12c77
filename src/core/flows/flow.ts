import { formatEndpoint } from './address';
import { PacketColumns } from './packetColumns';

/** Per-side values learnt from the handshake; index 0 = side a, 1 = side b. */
export interface HandshakeSide {
  /** Window-scale shift from this side's SYN option; -1 when its SYN had none, undefined when no SYN was seen. */
  windowScale: number | undefined;
  /** MSS option from this side's SYN, undefined when absent or not seen. */
  mss: number | undefined;
  sackPermitted: boolean;
  synFrame: number;
  /** The SYN came from a NAT's trace or log that does not say which MSS option it carried (not: it carried none). */
  mssNotLogged?: boolean;
}

/** An ICMP or ICMPv6 error that quotes one of the flow's segments (decode/icmp.ts). */
export interface IcmpErrorRecord {
  frame: number;
  /** Seconds since the capture's first packet. */
  time: number;
  version: 4 | 6;
  type: number;
  code: number;
  /** Next-hop MTU the error reports, or null. */
  mtu: number | null;
  /** The router or host that sent the error. */
  reporter: string;
  /** Direction of the quoted segment in the flow (0 = a→b), its sequence number and its datagram's length. */
  dir: 0 | 1;
  seq: number;
  datagramLength: number;
}

/** One TCP connection instance: a 4-tuple plus everything seen on it, as columns. */
export class Flow {
  readonly packets = new PacketColumns();
  /** Per direction (0 = a→b, 1 = b→a): packets, TCP payload bytes, frame bytes. */
  readonly packetCount: [number, number] = [0, 0];
  readonly payloadBytes: [number, number] = [0, 0];
  readonly wireBytes: [number, number] = [0, 0];
  readonly handshake: [HandshakeSide, HandshakeSide] = [
    { windowScale: undefined, mss: undefined, sackPermitted: false, synFrame: 0 },
    { windowScale: undefined, mss: undefined, sackPermitted: false, synFrame: 0 },
  ];
  /** Option values of the few packets that carry MSS or window scale: packet index → mss * 256 + shift (0xffff / 0xff when absent). */
  readonly optionValues = new Map<number, number>();
  firstFrame = 0;
  lastFrame = 0;
  /** Relative sequence base per direction (tshark's base_seq), used to tell a new connection's SYN. */
  readonly baseSeq: [number, number] = [0, 0];
  readonly baseSeqSet: [boolean, boolean] = [false, false];
  /** Encapsulations its packets came through (Encap bits, decode/tunnels.ts); 0 when none. */
  encapsulation = 0;
  /** ICMP errors quoting its segments, in capture order (not counted as its packets). */
  readonly icmpErrors: IcmpErrorRecord[] = [];
  /** Packets that left the columns (bounded history, model/history.ts); the columns hold the rest. */
  trimmed = 0;
  /** Seconds since the capture's first packet of the flow's first packet, kept when older packets leave. */
  firstTime = NaN;

  constructor(
    readonly id: number,
    readonly ipVersion: 4 | 6,
    /** Side a's address in bytes 0..15, side b's in 16..31. */
    readonly addresses: Uint8Array,
    readonly portA: number,
    readonly portB: number,
  ) {}

  /** Forget the first `k` packets (bounded history, model/history.ts): columns, option values and counts of what left. */
  dropFirst(k: number): void {
    if (k <= 0) return;
    if (this.trimmed === 0) this.firstTime = this.packets.time[0];
    this.packets.dropFirst(k);
    this.trimmed += k;
    const moved = [...this.optionValues].filter(([i]) => i >= k);
    this.optionValues.clear();
    for (const [i, v] of moved) this.optionValues.set(i - k, v);
  }

  /** The window-scale shift carried by packet `i`, if it had the option. */
  optionShift(i: number): number | undefined {
    const v = this.optionValues.get(i);
    return v === undefined || (v & 0xff) === 0xff ? undefined : v & 0xff;
  }

  get a(): string {
    return formatEndpoint(this.addresses, 0, this.ipVersion, this.portA);
  }
  get b(): string {
    return formatEndpoint(this.addresses, 16, this.ipVersion, this.portB);
  }
}

/**
 * Index of the first packet of `flow` whose frame number is ≥ `frame` (frame numbers rise with the
 * index); the last packet's when none is, 0 when the flow has none.
 */
export function indexOfFrame(flow: Flow, frame: number): number {
  const f = flow.packets.frame;
  let lo = 0;
  let hi = flow.packets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (f[mid] < frame) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the flow's packet with frame number `frame`, or -1 when it has none. */
export function packetIndexOfFrame(flow: Flow, frame: number): number {
  const i = indexOfFrame(flow, frame);
  return i < flow.packets.length && flow.packets.frame[i] === frame ? i : -1;
}
