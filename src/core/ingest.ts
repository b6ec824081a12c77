import type { CaptureSink, PacketRecord } from './capture/types';
import { PacketDecoder } from './decode/decoder';
import { linkTypeName } from './decode/linktypes';
import { DecodeResult, TcpOpt, type TcpSegment } from './decode/segment';
import type { Flow } from './flows/flow';
import { FlowTable } from './flows/table';

/** Per link type: packets seen and how many of them the decoder could read as IP. */
export interface LinkTypeStats {
  linkType: number;
  name: string;
  packets: number;
  decoded: boolean;
}

/** Counts of packets that carried no usable TCP segment, by reason. */
export interface SkipCounts {
  unsupportedLink: number;
  notIp: number;
  notTcp: number;
  fragments: number;
  truncated: number;
  malformed: number;
}

/**
 * The capture pipeline after the reader: decode every packet and file TCP segments into flows.
 * The same sink serves a file, a live stream, the worker and the CLI.
 */
export class CaptureIngest implements CaptureSink {
  readonly flows = new FlowTable();
  readonly skipped: SkipCounts = { unsupportedLink: 0, notIp: 0, notTcp: 0, fragments: 0, truncated: 0, malformed: 0 };
  packets = 0;
  tcpPackets = 0;
  /** TCP packets whose header or options were cut by the snapshot length. */
  tcpTruncated = 0;
  /** IP fragments of tunnels (and other followed protocols) held for reassembly. */
  fragmentsHeld = 0;
  /** ICMP errors quoting a TCP header, and how many of them quoted a flow seen before (filed with it). */
  icmpErrors = 0;
  icmpErrorsFiled = 0;
  /** pcapng packet comments (`opt_comment`) by frame number: rare, so kept beside the columns. */
  readonly comments = new Map<number, string>();
  private readonly decoder = new PacketDecoder();
  private readonly linkTypes = new Map<number, LinkTypeStats>();
  private lastLinkType = -1;
  private lastLinkStats: LinkTypeStats | undefined;

  packet(rec: PacketRecord): void {
    if (this.packets++ === 0) this.flows.setTimeOrigin(rec.tsSec, rec.tsNsec);
    if (rec.comment !== undefined) this.comments.set(rec.frame, rec.comment);
    this.countLinkType(rec.linkType);
    const result = this.decoder.decode(rec);
    if (result === DecodeResult.Tcp) {
      const seg = this.decoder.segment;
      this.tcpPackets++;
      if (seg.options & TcpOpt.TRUNCATED) this.tcpTruncated++;
      this.flows.add(rec, seg);
      return;
    }
    if (result === DecodeResult.FragmentHeld) {
      this.fragmentsHeld++;
      return;
    }
    if (result === DecodeResult.IcmpError) {
      this.icmpErrors++;
      if (this.flows.addIcmpError(rec, this.decoder.icmp)) this.icmpErrorsFiled++;
    }
    this.countSkip(result);
  }

  /** File a segment a NAT trace or log described (no packet bytes): counted and filed like a decoded packet. */
  described(rec: PacketRecord, seg: TcpSegment): Flow {
    if (this.packets++ === 0) this.flows.setTimeOrigin(rec.tsSec, rec.tsNsec);
    this.tcpPackets++;
    return this.flows.add(rec, seg);
  }

  /** Fragments held for reassembly whose datagram never completed (so far). */
  get fragmentsIncomplete(): number {
    return this.decoder.fragmentsIncomplete;
  }

  /** Link types in order of first appearance. */
  get linkTypeStats(): LinkTypeStats[] {
    return [...this.linkTypes.values()];
  }

  private countLinkType(linkType: number): void {
    if (linkType !== this.lastLinkType) {
      let stats = this.linkTypes.get(linkType);
      if (!stats) {
        stats = { linkType, name: linkTypeName(linkType), packets: 0, decoded: true };
        this.linkTypes.set(linkType, stats);
      }
      this.lastLinkType = linkType;
      this.lastLinkStats = stats;
    }
    this.lastLinkStats!.packets++;
  }

  private countSkip(result: DecodeResult): void {
    const s = this.skipped;
    switch (result) {
      case DecodeResult.UnsupportedLink:
        s.unsupportedLink++;
        this.lastLinkStats!.decoded = false;
        break;
      case DecodeResult.NotIp:
        s.notIp++;
        break;
      case DecodeResult.NotTcp:
      case DecodeResult.IcmpError: // about a flow, not one of its segments
        s.notTcp++;
        break;
      case DecodeResult.Fragment:
        s.fragments++;
        break;
      case DecodeResult.Truncated:
        s.truncated++;
        break;
      default:
        s.malformed++;
        break;
    }
  }
}
