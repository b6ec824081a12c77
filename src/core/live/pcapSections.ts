/**
 * Turning a recorded capture segment into pcapng blocks, so segments of a session (a pcap stream per
 * reconnect) can share one file: a pcap stream becomes a pcapng section of its own (PcapngWriter:
 * its link type, nanosecond times), a pcapng stream's blocks are copied. A record or block cut off
 * at the end (the stream broke mid-record) is left out.
 */
import { PcapngWriter } from '../report/pcapngWriter';

interface BlockSink {
  push(chunk: Uint8Array): void;
}

/** Buffers chunks and hands whole units (`unitLength` bytes at the front, or undefined: wait for more) to `take`. */
class Framer {
  private pending = Buffer.alloc(0);

  constructor(private readonly take: (buf: Buffer) => number | undefined) {}

  push(chunk: Uint8Array): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : Buffer.from(chunk);
    let at = 0;
    for (;;) {
      const used = this.take(this.pending.subarray(at));
      if (used === undefined || used === 0) break;
      at += used;
    }
    this.pending = this.pending.subarray(at);
  }
}

const PCAP_HEADER = 24;
const PCAP_RECORD = 16;

/** A classic pcap stream (either byte order, µs or ns) as one pcapng section. */
export class PcapToPcapng implements BlockSink {
  private readonly framer: Framer;
  private header: { le: boolean; ns: boolean; linkType: number; fcsLen: number } | undefined;
  private writer: PcapngWriter | undefined;

  constructor(write: (block: Uint8Array) => void) {
    this.framer = new Framer((buf) => {
      if (!this.header) {
        if (buf.length < PCAP_HEADER) return undefined;
        const magicLe = buf.readUInt32LE(0);
        const le = magicLe === 0xa1b2c3d4 || magicLe === 0xa1b23c4d;
        const magic = le ? magicLe : buf.readUInt32BE(0);
        const network = le ? buf.readUInt32LE(20) : buf.readUInt32BE(20);
        // The FCS bits of the link-type field (pcap: bit 26 says the top 4 bits count 16-bit words of FCS).
        const fcsLen = network & 0x04000000 ? (network >>> 28) * 2 : 0;
        this.header = { le, ns: magic === 0xa1b23c4d, linkType: network & 0xffff, fcsLen };
        this.writer = new PcapngWriter(write, 'TCP Flow Lens live session');
        return PCAP_HEADER;
      }
      if (buf.length < PCAP_RECORD) return undefined;
      const h = this.header;
      const u32 = (at: number) => (h.le ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
      const capLen = u32(8);
      if (buf.length < PCAP_RECORD + capLen) return undefined;
      this.writer!.packet({
        linkType: h.linkType,
        fcsLen: h.fcsLen,
        tsSec: u32(0),
        tsNsec: h.ns ? u32(4) : u32(4) * 1000,
        data: buf.subarray(PCAP_RECORD, PCAP_RECORD + capLen),
        origLen: u32(12),
        comments: [],
      });
      return PCAP_RECORD + capLen;
    });
  }

  push(chunk: Uint8Array): void {
    this.framer.push(chunk);
  }
}

/** A pcapng stream's blocks, whole ones only (either byte order, told by each section header). */
export function copyPcapngBlocks(write: (block: Uint8Array) => void): BlockSink {
  let le = true;
  return new Framer((buf) => {
    if (buf.length < 12) return undefined;
    if (buf.readUInt32LE(0) === 0x0a0d0d0a) le = buf.readUInt32LE(8) === 0x1a2b3c4d;
    const length = le ? buf.readUInt32LE(4) : buf.readUInt32BE(4);
    if (length < 12 || length % 4 !== 0) return 0; // damaged: stop copying this segment here
    if (buf.length < length) return undefined;
    write(Buffer.from(buf.subarray(0, length)));
    return length;
  });
}
