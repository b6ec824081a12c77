import { MAX_RECORD_BYTES, type ReaderContext } from './context';
import { splitTimestamp, ts, unitsPerSecond } from './timestamp';
import { CaptureError, type CaptureInterface, type RecordParser } from './types';

/** pcapng (draft-ietf-opsawg-pcapng): blocks of `type, length, body, length`; each section has its own byte order. */
export const SHB_TYPE = 0x0a0d0d0a;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const IDB = 1;
const PB_OBSOLETE = 2;
const SPB = 3;
const EPB = 6;

const OPT_END = 0;
const OPT_COMMENT = 1;
const IF_NAME = 2;
const IF_TSRESOL = 9;
const IF_FCSLEN = 13;
const IF_TSOFFSET = 14;

const MIN_BLOCK = 12;

interface SectionInterface {
  info: CaptureInterface;
  unitsPerSecond: number;
  /** Index in the reader's list of all interfaces, across sections. */
  globalId: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

export class PcapngParser implements RecordParser {
  readonly format = 'pcapng' as const;
  needed = MIN_BLOCK;
  private le = true;
  private sectionInterfaces: SectionInterface[] = [];
  private sections = 0;
  private comment: string | undefined;

  constructor(private readonly ctx: ReaderContext) {}

  parse(buf: Uint8Array, start: number, end: number, fileOffset: number): number {
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let pos = start;
    while (true) {
      if (end - pos < MIN_BLOCK) {
        this.needed = MIN_BLOCK;
        return pos - start;
      }
      const blockOffset = fileOffset + (pos - start);
      let type = view.getUint32(pos, this.le);
      if (view.getUint32(pos, true) === SHB_TYPE) {
        // A new section: its byte order comes from its own magic, before its length can be read.
        type = SHB_TYPE;
        const magicLe = view.getUint32(pos + 8, true);
        if (magicLe === BYTE_ORDER_MAGIC) this.le = true;
        else if (view.getUint32(pos + 8, false) === BYTE_ORDER_MAGIC) this.le = false;
        else return this.damaged(blockOffset, `pcapng: section header has no byte-order magic (0x${magicLe.toString(16)})`);
      }
      const length = view.getUint32(pos + 4, this.le);
      if (length < MIN_BLOCK || length % 4 !== 0 || length > MAX_RECORD_BYTES) {
        return this.damaged(blockOffset, `pcapng: block of type 0x${type.toString(16)} has an invalid length ${length}`);
      }
      if (end - pos < length) {
        this.needed = length;
        return pos - start;
      }
      if (view.getUint32(pos + length - 4, this.le) !== length) {
        return this.damaged(blockOffset, `pcapng: block of type 0x${type.toString(16)} has mismatched leading and trailing lengths`);
      }
      const ok = this.block(type, view, buf, pos, length, blockOffset);
      if (!ok) return -1;
      pos += length;
    }
  }

  /** Damage before the first packet makes the whole input unreadable; later damage only ends it. */
  private damaged(offset: number, reason: string): number {
    if (this.ctx.packets === 0 && this.sections <= 1 && this.sectionInterfaces.length === 0) throw new CaptureError(offset, reason);
    this.ctx.warn(offset, `${reason}; the rest of the file is unreadable`);
    return -1;
  }

  private stop(offset: number, reason: string): false {
    this.damaged(offset, reason);
    return false;
  }

  private block(type: number, view: DataView, buf: Uint8Array, pos: number, length: number, at: number): boolean {
    const bodyEnd = pos + length - 4;
    switch (type) {
      case SHB_TYPE:
        return this.sectionHeader(view, pos, bodyEnd, at);
      case IDB:
        this.interfaceDescription(view, pos, bodyEnd, at);
        return true;
      case EPB:
      case PB_OBSOLETE:
        this.packetBlock(type, view, buf, pos, bodyEnd, at);
        return true;
      case SPB:
        this.simplePacket(view, buf, pos, bodyEnd, at);
        return true;
      default:
        // NRB, ISB, DSB, custom and unknown blocks: nothing a TCP timeline needs; skipped by length.
        return true;
    }
  }

  private sectionHeader(view: DataView, pos: number, bodyEnd: number, at: number): boolean {
    if (bodyEnd - pos < 24) return this.stop(at, 'pcapng: section header block too short');
    const major = view.getUint16(pos + 12, this.le);
    const minor = view.getUint16(pos + 14, this.le);
    this.sections++;
    if (major !== 1 || (minor !== 0 && minor !== 2)) {
      return this.stop(at, `pcapng: unknown section header version ${major}.${minor}`);
    }
    if (this.scanOptions(view, pos + 24, bodyEnd) < 0) {
      return this.stop(at, 'pcapng: section header option runs past the end of its block');
    }
    this.sectionInterfaces = [];
    return true;
  }

  private interfaceDescription(view: DataView, pos: number, bodyEnd: number, at: number): void {
    if (bodyEnd - pos < 16) {
      this.ctx.warn(at, 'pcapng: interface description block too short; interface ignored');
      return;
    }
    const info: CaptureInterface = {
      linkType: view.getUint16(pos + 8, this.le),
      snapLen: view.getUint32(pos + 12, this.le),
      tsResolution: { base: 10, exponent: 6 },
      tsOffsetSec: 0,
      fcsLen: 0,
      name: undefined,
    };
    let opt = pos + 16;
    while (opt + 4 <= bodyEnd) {
      const code = view.getUint16(opt, this.le);
      const len = view.getUint16(opt + 2, this.le);
      const value = opt + 4;
      if (code === OPT_END) break;
      if (value + len > bodyEnd) {
        this.ctx.warn(at, `pcapng: interface option ${code} runs past the end of its block; remaining options ignored`);
        break;
      }
      if (code === IF_TSRESOL && len >= 1) {
        const r = view.getUint8(value);
        info.tsResolution = { base: r & 0x80 ? 2 : 10, exponent: r & 0x7f };
      } else if (code === IF_TSOFFSET && len >= 8) {
        info.tsOffsetSec = Number(view.getBigInt64(value, this.le));
      } else if (code === IF_FCSLEN && len >= 1) {
        info.fcsLen = view.getUint8(value);
      } else if (code === IF_NAME) {
        info.name = utf8.decode(new Uint8Array(view.buffer, view.byteOffset + value, len));
      }
      opt = value + ((len + 3) & ~3);
    }
    const { base, exponent } = info.tsResolution;
    this.sectionInterfaces.push({ info, unitsPerSecond: unitsPerSecond(base, exponent), globalId: this.ctx.interfaces.length });
    this.ctx.interfaces.push(info);
  }

  private packetBlock(type: number, view: DataView, buf: Uint8Array, pos: number, bodyEnd: number, at: number): void {
    const headerLen = 28; // type, length, interface (+drops), ts high, ts low, captured, original
    if (bodyEnd - pos < headerLen) {
      this.ctx.warn(at, 'pcapng: packet block too short; packet skipped');
      return;
    }
    const ifId = type === EPB ? view.getUint32(pos + 8, this.le) : view.getUint16(pos + 8, this.le);
    const iface = this.sectionInterfaces[ifId];
    if (!iface) {
      this.ctx.warn(at, `pcapng: packet refers to interface ${ifId}, which this section has not described; packet skipped`);
      return;
    }
    const capLen = view.getUint32(pos + 20, this.le);
    const origLen = view.getUint32(pos + 24, this.le);
    const dataStart = pos + headerLen;
    if (dataStart + capLen > bodyEnd) {
      this.ctx.warn(at, `pcapng: packet claims ${capLen} captured bytes but its block holds ${bodyEnd - dataStart}; packet skipped`);
      return;
    }
    splitTimestamp(view.getUint32(pos + 12, this.le), view.getUint32(pos + 16, this.le), iface.unitsPerSecond);
    const optStart = dataStart + ((capLen + 3) & ~3);
    this.comment = undefined;
    if (optStart < bodyEnd && this.scanOptions(view, optStart, bodyEnd) < 0) {
      this.ctx.warnOnce('pcapng-opt', at, 'pcapng: packet option runs past the end of its block; options ignored');
    }
    this.emit(iface, buf, dataStart, capLen, origLen, at);
  }

  private simplePacket(view: DataView, buf: Uint8Array, pos: number, bodyEnd: number, at: number): void {
    const iface = this.sectionInterfaces[0];
    if (!iface) {
      this.ctx.warn(at, 'pcapng: simple packet block before any interface description; packet skipped');
      return;
    }
    const origLen = view.getUint32(pos + 8, this.le);
    const room = bodyEnd - (pos + 12);
    let capLen = Math.min(origLen, room);
    if (iface.info.snapLen > 0) capLen = Math.min(capLen, iface.info.snapLen);
    ts.sec = 0; // SPBs carry no timestamp
    ts.nsec = 0;
    this.comment = undefined;
    this.emit(iface, buf, pos + 12, capLen, origLen, at);
  }

  private emit(iface: SectionInterface, buf: Uint8Array, offset: number, capLen: number, origLen: number, at: number): void {
    const rec = this.ctx.record;
    rec.linkType = iface.info.linkType;
    rec.interfaceId = iface.globalId;
    rec.tsSec = ts.sec + iface.info.tsOffsetSec;
    rec.tsNsec = ts.nsec;
    rec.data = buf;
    rec.offset = offset;
    rec.capLen = capLen;
    rec.origLen = origLen;
    rec.fcsLen = iface.info.fcsLen;
    rec.fileOffset = at;
    rec.comment = this.comment;
    this.ctx.emit();
  }

  /** Walk an option list, keeping `opt_comment`; -1 when an option runs past `end`. */
  private scanOptions(view: DataView, pos: number, end: number): number {
    while (pos + 4 <= end) {
      const code = view.getUint16(pos, this.le);
      const len = view.getUint16(pos + 2, this.le);
      if (code === OPT_END) return 0;
      const value = pos + 4;
      if (value + len > end) return -1;
      if (code === OPT_COMMENT) {
        const text = utf8.decode(new Uint8Array(view.buffer, view.byteOffset + value, len));
        this.comment = this.comment === undefined ? text : `${this.comment}\n${text}`;
      }
      pos = value + ((len + 3) & ~3);
    }
    return 0;
  }
}
