/** Shapes shared by the capture readers (pcap, pcapng) and their consumers. */

export type CaptureFormat = 'pcap' | 'pcapng';

/**
 * One captured packet. The reader reuses a single instance for every record and `data` points into
 * its own buffer: read it inside the callback, never keep a reference.
 */
export interface PacketRecord {
  /** 1-based over all packets in file order, as tshark numbers frames. */
  frame: number;
  linkType: number;
  interfaceId: number;
  /** Absolute time: whole seconds since the epoch and the nanoseconds within that second. */
  tsSec: number;
  tsNsec: number;
  /** Buffer holding the packet bytes at `offset .. offset + capLen` (not a copy). */
  data: Uint8Array;
  offset: number;
  capLen: number;
  origLen: number;
  /** Trailing frame check sequence bytes included in the captured data (0 when none or unknown). */
  fcsLen: number;
  /** Byte offset of the record (pcap record header or pcapng block) in the file or stream. */
  fileOffset: number;
  /** pcapng `opt_comment` values joined by newlines, when present. */
  comment: string | undefined;
}

/** A capture interface (pcap has exactly one; pcapng one per IDB in each section). */
export interface CaptureInterface {
  linkType: number;
  snapLen: number;
  /** Timestamp unit: `base ** -exponent` seconds, base 10 or 2. */
  tsResolution: { base: 10 | 2; exponent: number };
  /** `if_tsoffset`: seconds added to every timestamp of this interface. */
  tsOffsetSec: number;
  fcsLen: number;
  name: string | undefined;
}

/** A problem that did not stop the reader, with the byte offset where it was found. */
export interface CaptureWarning {
  offset: number;
  message: string;
}

/** The input is not a capture this reader understands, or is damaged before any packet could be read. */
export class CaptureError extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`${reason} (at byte offset ${offset})`);
    this.name = 'CaptureError';
  }
}

/** Receives what a reader finds, in file order. */
export interface CaptureSink {
  packet(record: PacketRecord): void;
}

/** The format-specific half of a reader: consumes whole records from a buffer window. */
export interface RecordParser {
  readonly format: CaptureFormat;
  /**
   * Parse as many complete records as `buf[start, end)` holds; `fileOffset` is the stream offset of
   * `buf[start]`. Returns the number of bytes consumed, or -1 when parsing must stop for good
   * (the reason is in the warnings). Never reads past `end`.
   */
  parse(buf: Uint8Array, start: number, end: number, fileOffset: number): number;
  /** Bytes the next record needs in total (so the caller can grow its buffer), or 0 if unknown. */
  readonly needed: number;
}
