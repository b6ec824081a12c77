/** The decoder's output for one TCP packet: a reused scratch object, overwritten by every decode. */

/** TCP header flag bits as on the wire: byte 13, and the low nibble of byte 12 above it (AE/NS, reserved). */
export const TcpFlag = {
  FIN: 0x001,
  SYN: 0x002,
  RST: 0x004,
  PSH: 0x008,
  ACK: 0x010,
  URG: 0x020,
  ECE: 0x040,
  CWR: 0x080,
  NS: 0x100,
} as const;

/** Bits of the per-packet option summary. */
export const TcpOpt = {
  MSS: 0x01,
  WSCALE: 0x02,
  SACK_PERM: 0x04,
  SACK: 0x08,
  TIMESTAMP: 0x10,
  /** Header or options cut by the snapshot length: decoded as far as they go. */
  TRUNCATED: 0x20,
  /** Data offset below 5 words, or options that do not parse. */
  MALFORMED: 0x40,
} as const;

/** Why a packet yielded no TCP segment. */
export const enum DecodeResult {
  Tcp = 0,
  UnsupportedLink,
  NotIp,
  NotTcp,
  Fragment,
  Truncated,
  Malformed,
  /** An ICMP or ICMPv6 error quoting a TCP header: the decoder's `icmp` scratch holds what it says. */
  IcmpError,
  /** A fragment of a tunnel (or other followed protocol) held until its datagram is complete. */
  FragmentHeld,
}

export const MAX_SACK_BLOCKS = 4;

/** The two ends of a TCP segment: what identifies its flow (table.ts). */
export class Endpoints {
  /** Addresses as raw bytes (4 used for IPv4, 16 for IPv6); `src` sent the segment. */
  readonly src = new Uint8Array(16);
  readonly dst = new Uint8Array(16);
  srcPort = 0;
  dstPort = 0;
}

export class TcpSegment extends Endpoints {
  ipVersion: 4 | 6 = 4;
  seq = 0;
  ack = 0;
  flags = 0;
  window = 0;
  headerLen = 0;
  /** TCP payload length from the IP length fields (tshark's tcp.len), not the captured bytes. */
  payloadLen = 0;
  /** Offset of the TCP header in the packet buffer (in the reassembled or inflated datagram when it came from one). */
  tcpOffset = 0;
  /** TcpOpt bits. */
  options = 0;
  mss = 0;
  windowScale = 0;
  tsVal = 0;
  tsEcr = 0;
  sackCount = 0;
  /** SACK blocks as left/right edge pairs. */
  readonly sack = new Uint32Array(2 * MAX_SACK_BLOCKS);
  /** Encapsulations the packet came through (Encap bits, tunnels.ts); 0 for plain IP. */
  encapsulation = 0;
}
