/**
 * Writes pcap and pcapng captures from frames, for tests: tiny captures that show one behaviour,
 * damaged ones, and odd-but-valid ones (both byte orders, nanosecond and power-of-two clocks).
 * Frame and packet builders live in frames.ts and packets.ts and are re-exported here.
 */
import { ByteWriter, concat } from './bytes';
import type { Frame } from './frames';

export * from './bytes';
export * from './frames';
export * from './packets';

export const PCAP_FILE_HEADER_BYTES = 24;
export const PCAP_RECORD_HEADER_BYTES = 16;

export interface PcapOptions {
  /** Nanosecond magic 0xa1b23c4d instead of microseconds. */
  nanos?: boolean;
  bigEndian?: boolean;
  /** Default 1 (Ethernet). */
  linkType?: number;
  /** Frames longer than this are cut, keeping their original length. Default 262144. */
  snaplen?: number;
  /** Default [2, 4]. */
  version?: [number, number];
  /** FCS length in bytes, written to bits 26-31 of the link-type field (must be even). */
  fcsLen?: number;
  /** Raw value for the reserved bits 16-25 of the link-type field (damage tests). */
  reservedBits?: number;
}

/** A classic libpcap file. Microsecond files keep each frame's time truncated to the microsecond. */
export function writePcap(frames: readonly Frame[], options: PcapOptions = {}): Uint8Array {
  const w = new ByteWriter(!options.bigEndian);
  const snaplen = options.snaplen ?? 262144;
  const [major, minor] = options.version ?? [2, 4];
  const fcsBits = options.fcsLen ? 0x04000000 | ((options.fcsLen / 2) << 28) : 0;
  const linkField = (options.linkType ?? 1) | ((options.reservedBits ?? 0) << 16) | fcsBits;
  w.u32(options.nanos ? 0xa1b23c4d : 0xa1b2c3d4).u16(major).u16(minor).u32(0).u32(0).u32(snaplen).u32(linkField);
  for (const f of frames) {
    const capLen = Math.min(f.data.length, snaplen);
    w.u32(f.sec)
      .u32(options.nanos ? f.nsec : Math.floor(f.nsec / 1000))
      .u32(capLen)
      .u32(f.origLen)
      .bytes(f.data.subarray(0, capLen));
  }
  return w.finish();
}

export interface PcapngInterface {
  linkType: number;
  /** 0 (the default) means no limit. */
  snaplen?: number;
  /** Raw `if_tsresol` byte: 9 = ns, 3 = ms, 0x80 | 20 = 2^-20 s. Omitted means µs (6). */
  tsresol?: number;
  /** `if_tsoffset` in seconds. */
  tsoffset?: number;
  fcsLen?: number;
  name?: string;
}

interface Commented {
  /** One `opt_comment` per string. */
  comment?: string | string[];
}

interface PacketFields extends Commented {
  interfaceId?: number;
  frame: Frame;
  /** Raw timestamp in interface units; otherwise the frame's time less the interface's `if_tsoffset`. */
  timestamp?: bigint;
}

export type PcapngBlock =
  | ({ type: 'epb' } & PacketFields)
  | ({ type: 'obsoletePB' } & PacketFields)
  | { type: 'spb'; frame: Frame }
  | ({ type: 'nrb'; records?: { ip: string; name: string }[] } & Commented)
  | ({ type: 'isb'; interfaceId?: number } & Commented)
  | ({ type: 'dsb'; secrets?: Uint8Array } & Commented)
  | ({ type: 'custom'; pen?: number; data?: Uint8Array } & Commented)
  | ({ type: 'unknown'; code: number; body?: Uint8Array } & Commented)
  /** Bytes written verbatim: a damaged block, or half of one. */
  | { type: 'raw'; bytes: Uint8Array };

export interface PcapngSection {
  bigEndian?: boolean;
  /** Default [1, 0]. */
  version?: [number, number];
  comment?: string;
  /** Written as IDBs right after the section header, ids 0, 1, … in order. */
  interfaces: PcapngInterface[];
  blocks: PcapngBlock[];
}

export const BLOCK = { SHB: 0x0a0d0d0a, IDB: 1, PB: 2, SPB: 3, NRB: 4, ISB: 5, EPB: 6, DSB: 0x0a, CUSTOM: 0xbad } as const;
const OPT = { END: 0, COMMENT: 1, IF_NAME: 2, IF_TSRESOL: 9, IF_FCSLEN: 13, IF_TSOFFSET: 14 } as const;

/** A pcapng file: one or more sections, each with its own byte order and interfaces. */
export function writePcapng(sections: readonly PcapngSection[]): Uint8Array {
  return concat(...sections.flatMap((s) => writeSection(s)));
}

function writeSection(section: PcapngSection): Uint8Array[] {
  const le = !section.bigEndian;
  const [major, minor] = section.version ?? [1, 0];
  const out = [
    block(le, BLOCK.SHB, (w) => w.u32(0x1a2b3c4d).u16(major).u16(minor).u64(-1n), commentOptions(section.comment)),
  ];
  for (const iface of section.interfaces) out.push(interfaceBlock(le, iface));
  for (const b of section.blocks) out.push(dataBlock(le, b, section.interfaces));
  return out;
}

function interfaceBlock(le: boolean, iface: PcapngInterface): Uint8Array {
  const options: [number, Uint8Array][] = [];
  if (iface.name !== undefined) options.push([OPT.IF_NAME, new TextEncoder().encode(iface.name)]);
  if (iface.tsresol !== undefined) options.push([OPT.IF_TSRESOL, Uint8Array.of(iface.tsresol)]);
  if (iface.tsoffset !== undefined) options.push([OPT.IF_TSOFFSET, new ByteWriter(le).u64(BigInt(iface.tsoffset)).finish()]);
  if (iface.fcsLen !== undefined) options.push([OPT.IF_FCSLEN, Uint8Array.of(iface.fcsLen)]);
  return block(le, BLOCK.IDB, (w) => w.u16(iface.linkType).u16(0).u32(iface.snaplen ?? 0), options);
}

function dataBlock(le: boolean, b: PcapngBlock, interfaces: readonly PcapngInterface[]): Uint8Array {
  switch (b.type) {
    case 'raw':
      return b.bytes;
    case 'epb':
    case 'obsoletePB': {
      const id = b.interfaceId ?? 0;
      const iface = interfaces[id] ?? { linkType: 1 };
      const units = b.timestamp ?? timestampUnits(b.frame.sec - (iface.tsoffset ?? 0), b.frame.nsec, iface.tsresol ?? 6);
      const data = b.frame.data.subarray(0, iface.snaplen || undefined);
      const head = (w: ByteWriter) => (b.type === 'epb' ? w.u32(id) : w.u16(id).u16(0));
      return block(le, b.type === 'epb' ? BLOCK.EPB : BLOCK.PB, (w) => {
        head(w).u32(Number(units >> 32n)).u32(Number(units & 0xffffffffn)).u32(data.length).u32(b.frame.origLen).bytes(data).pad4();
      }, commentOptions(b.comment));
    }
    case 'spb': {
      // An SPB has no captured length: the reader takes min(original length, snaplen).
      const data = b.frame.data.subarray(0, interfaces[0]?.snaplen || undefined);
      return block(le, BLOCK.SPB, (w) => w.u32(b.frame.origLen).bytes(data).pad4(), []);
    }
    case 'nrb':
      return block(le, BLOCK.NRB, (w) => {
        for (const r of b.records ?? [{ ip: '10.0.0.1', name: 'host.example' }]) {
          const name = new TextEncoder().encode(`${r.name}\0`);
          w.u16(1).u16(4 + name.length).bytes(new Uint8Array(r.ip.split('.').map(Number))).bytes(name).pad4();
        }
        w.u16(0).u16(0);
      }, commentOptions(b.comment));
    case 'isb':
      return block(le, BLOCK.ISB, (w) => w.u32(b.interfaceId ?? 0).u32(0).u32(0), commentOptions(b.comment));
    case 'dsb': {
      const secrets = b.secrets ?? new TextEncoder().encode('CLIENT_RANDOM 00 00\n');
      return block(le, BLOCK.DSB, (w) => w.u32(0x544c534b).u32(secrets.length).bytes(secrets).pad4(), commentOptions(b.comment));
    }
    case 'custom':
      return block(le, BLOCK.CUSTOM, (w) => w.u32(b.pen ?? 32473).bytes(b.data ?? Uint8Array.of(1, 2, 3)).pad4(), commentOptions(b.comment));
    case 'unknown':
      return block(le, b.code, (w) => w.bytes(b.body ?? Uint8Array.of(0xaa, 0xbb, 0xcc, 0xdd)).pad4(), commentOptions(b.comment));
  }
}

function commentOptions(comment: string | string[] | undefined): [number, Uint8Array][] {
  if (comment === undefined) return [];
  const texts = typeof comment === 'string' ? [comment] : comment;
  return texts.map((t) => [OPT.COMMENT, new TextEncoder().encode(t)]);
}

/** `type, total length, body, options, total length`, in the section's byte order. */
function block(le: boolean, type: number, body: (w: ByteWriter) => void, options: [number, Uint8Array][]): Uint8Array {
  const w = new ByteWriter(le).u32(type).u32(0);
  body(w);
  w.pad4();
  if (options.length > 0) {
    for (const [code, value] of options) w.u16(code).u16(value.length).bytes(value).pad4();
    w.u16(OPT.END).u16(0);
  }
  const total = w.length + 4;
  w.u32(total).setU32(4, total);
  return w.finish();
}

/**
 * A time as a count of `if_tsresol` units, truncated: 10^-n s when the byte's top bit is clear,
 * 2^-n s when it is set.
 */
export function timestampUnits(sec: number, nsec: number, tsresol: number): bigint {
  if (sec < 0) throw new Error('pcapng timestamps before the interface offset cannot be written');
  const exponent = BigInt(tsresol & 0x7f);
  if (tsresol & 0x80) return (BigInt(sec) << exponent) + ((BigInt(nsec) << exponent) / 1_000_000_000n);
  const perSecond = 10n ** exponent;
  return BigInt(sec) * perSecond + (BigInt(nsec) * perSecond) / 1_000_000_000n;
}
