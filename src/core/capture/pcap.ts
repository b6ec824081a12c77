import { MAX_RECORD_BYTES, type ReaderContext } from './context';
import { CaptureError, type CaptureInterface, type RecordParser } from './types';

/** Classic libpcap format: 24-byte file header, then 16-byte record headers. */
export const PCAP_MAGIC_US = 0xa1b2c3d4;
export const PCAP_MAGIC_NS = 0xa1b23c4d;

const FILE_HEADER = 24;
const RECORD_HEADER = 16;

/** True when the first four bytes are one of the four classic pcap magics. */
export function isPcapMagic(view: DataView, at: number): boolean {
  const be = view.getUint32(at, false);
  const le = view.getUint32(at, true);
  return be === PCAP_MAGIC_US || be === PCAP_MAGIC_NS || le === PCAP_MAGIC_US || le === PCAP_MAGIC_NS;
}

export class PcapParser implements RecordParser {
  readonly format = 'pcap' as const;
  needed = FILE_HEADER;
  private headerDone = false;
  private littleEndian = true;
  private nanoseconds = false;
  private iface: CaptureInterface | undefined;

  constructor(private readonly ctx: ReaderContext) {}

  parse(buf: Uint8Array, start: number, end: number, fileOffset: number): number {
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let pos = start;
    if (!this.headerDone) {
      if (end - pos < FILE_HEADER) return 0;
      this.readFileHeader(view, pos);
      pos += FILE_HEADER;
      this.needed = RECORD_HEADER;
    }
    const iface = this.iface!;
    const rec = this.ctx.record;
    const le = this.littleEndian;
    while (true) {
      if (end - pos < RECORD_HEADER) {
        this.needed = RECORD_HEADER;
        return pos - start;
      }
      const capLen = view.getUint32(pos + 8, le);
      if (capLen > MAX_RECORD_BYTES) {
        this.ctx.warn(
          fileOffset + (pos - start),
          `record claims ${capLen} captured bytes (limit ${MAX_RECORD_BYTES}); the rest of the file is unreadable`,
        );
        return -1;
      }
      if (end - pos < RECORD_HEADER + capLen) {
        this.needed = RECORD_HEADER + capLen;
        return pos - start;
      }
      const recordOffset = fileOffset + (pos - start);
      let sec = view.getUint32(pos, le);
      let frac = view.getUint32(pos + 4, le);
      const unit = this.nanoseconds ? 1e9 : 1e6;
      if (frac >= unit) {
        // Seen in fuzzed files; tshark shows the sum, we carry the excess into the seconds.
        this.ctx.warnOnce('pcap-frac', recordOffset, `timestamp fraction ${frac} is not below ${unit}; carried into the seconds`);
        sec += Math.floor(frac / unit);
        frac %= unit;
      }
      const origLen = view.getUint32(pos + 12, le);
      rec.linkType = iface.linkType;
      rec.interfaceId = 0;
      rec.tsSec = sec;
      rec.tsNsec = this.nanoseconds ? frac : frac * 1000;
      rec.data = buf;
      rec.offset = pos + RECORD_HEADER;
      rec.capLen = capLen;
      rec.origLen = origLen;
      rec.fcsLen = iface.fcsLen;
      rec.fileOffset = recordOffset;
      rec.comment = undefined;
      if (iface.snapLen > 0 && capLen > iface.snapLen && capLen > 262144) {
        this.ctx.warnOnce('pcap-snaplen', recordOffset, `record of ${capLen} bytes exceeds the snapshot length ${iface.snapLen}`);
      }
      this.ctx.emit();
      pos += RECORD_HEADER + capLen;
    }
  }

  private readFileHeader(view: DataView, at: number): void {
    const be = view.getUint32(at, false);
    this.littleEndian = be !== PCAP_MAGIC_US && be !== PCAP_MAGIC_NS;
    const magic = view.getUint32(at, this.littleEndian);
    this.nanoseconds = magic === PCAP_MAGIC_NS;
    const major = view.getUint16(at + 4, this.littleEndian);
    const minor = view.getUint16(at + 6, this.littleEndian);
    if (major !== 2) throw new CaptureError(4, `pcap: major version ${major}.${minor} unsupported (only 2.x exists)`);
    const snapLen = view.getUint32(at + 16, this.littleEndian);
    const linkField = view.getUint32(at + 20, this.littleEndian);
    // Bits 16-25 are reserved and must be zero; bit 26 says bits 28-31 hold the FCS length in 16-bit words.
    const reserved = linkField & 0x03ff0000;
    if (reserved !== 0) {
      throw new CaptureError(20, `pcap: link-type field has reserved bits set (0x${reserved.toString(16).padStart(8, '0')})`);
    }
    const fcsLen = linkField & 0x04000000 ? ((linkField >>> 28) & 0xf) * 2 : 0;
    this.iface = {
      linkType: linkField & 0xffff,
      snapLen,
      tsResolution: { base: 10, exponent: this.nanoseconds ? 9 : 6 },
      tsOffsetSec: 0,
      fcsLen,
      name: undefined,
    };
    this.ctx.interfaces.push(this.iface);
    this.headerDone = true;
  }
}
