import type { CaptureInterface, CaptureSink, CaptureWarning, PacketRecord } from './types';

/** Largest record we accept; a larger length field means damage, not a packet (tshark: 256 KiB packets). */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** State the format parsers share with the reader: the reused record, frame numbering, warnings. */
export class ReaderContext {
  readonly record: PacketRecord = {
    frame: 0,
    linkType: 0,
    interfaceId: 0,
    tsSec: 0,
    tsNsec: 0,
    data: new Uint8Array(0),
    offset: 0,
    capLen: 0,
    origLen: 0,
    fcsLen: 0,
    fileOffset: 0,
    comment: undefined,
  };
  readonly warnings: CaptureWarning[] = [];
  /** Every interface seen, across pcapng sections, in order. */
  readonly interfaces: CaptureInterface[] = [];
  packets = 0;
  private readonly warnedOnce = new Set<string>();

  constructor(private readonly sink: CaptureSink) {}

  warn(offset: number, message: string): void {
    this.warnings.push({ offset, message });
  }

  /** Warn about a recurring condition once, at its first offset. */
  warnOnce(key: string, offset: number, message: string): void {
    if (this.warnedOnce.has(key)) return;
    this.warnedOnce.add(key);
    this.warn(offset, message);
  }

  /** Hand the filled-in record to the sink under the next frame number. */
  emit(): void {
    this.record.frame = ++this.packets;
    this.sink.packet(this.record);
  }
}
