import { ReaderContext } from './context';
import { isPcapMagic, PcapParser } from './pcap';
import { PcapngParser, SHB_TYPE } from './pcapng';
import { CaptureError, type CaptureFormat, type CaptureInterface, type CaptureSink, type CaptureWarning, type RecordParser } from './types';

/**
 * Streaming capture reader for pcap and pcapng. Feed it bytes in chunks of any size (a file read in
 * pieces, or `tcpdump -U -w -` on a pipe); it calls `sink.packet` for every record in order.
 * Memory stays bounded: complete records are parsed straight out of each chunk, and only a record
 * split across chunks is copied, into a buffer as large as that one record.
 */
export class CaptureReader {
  private readonly ctx: ReaderContext;
  private parser: RecordParser | undefined;
  private pending = new Uint8Array(64 * 1024);
  private pendingLen = 0;
  /** Stream offset of the first byte not yet consumed. */
  private consumed = 0;
  private stopped = false;
  private ended = false;
  /** The format of the stream before a gap (newStream), while the next one has not shown its header. */
  private formatBeforeGap: CaptureFormat | undefined;

  constructor(sink: CaptureSink) {
    this.ctx = new ReaderContext(sink);
  }

  get format(): CaptureFormat | undefined {
    return this.parser?.format ?? this.formatBeforeGap;
  }
  get packets(): number {
    return this.ctx.packets;
  }
  get warnings(): readonly CaptureWarning[] {
    return this.ctx.warnings;
  }
  get interfaces(): readonly CaptureInterface[] {
    return this.ctx.interfaces;
  }
  /** Bytes accepted so far (consumed plus buffered). */
  get bytesSeen(): number {
    return this.consumed + this.pendingLen;
  }
  /** True once damage made the reader stop; later input is ignored. */
  get isStopped(): boolean {
    return this.stopped;
  }

  /** Record a problem found outside the reader (e.g. in a compression layer around it). */
  warn(offset: number, message: string): void {
    this.ctx.warn(offset, message);
  }

  /** Feed the next bytes. Throws `CaptureError` when the input is not a readable capture at all. */
  push(chunk: Uint8Array): void {
    if (this.ended) throw new Error('CaptureReader.push after end()');
    let pos = 0;
    while (pos < chunk.length && !this.stopped) {
      if (this.pendingLen > 0 || !this.parser) {
        // Complete the split record (or the format magic) from the head of this chunk.
        const want = Math.max(this.parser ? this.parser.needed : 4, this.pendingLen + 1);
        const take = Math.min(want - this.pendingLen, chunk.length - pos);
        this.append(chunk, pos, take);
        pos += take;
        if (this.pendingLen < want) return;
        this.parsePending();
        continue;
      }
      const used = this.run(chunk, pos, chunk.length);
      if (used < 0) return;
      pos += used;
      if (pos < chunk.length) {
        // The tail is an incomplete record: keep just those bytes.
        this.append(chunk, pos, chunk.length - pos);
        return;
      }
    }
  }

  /** No more input. A record cut short by the end (a capture still being written) is a warning. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.stopped) return;
    if (!this.parser && this.formatBeforeGap) {
      // Nothing (or too little to tell) came after the last gap: the streams before it stand.
      if (this.pendingLen > 0) this.ctx.warn(this.consumed, `the stream after the last gap ended after ${this.pendingLen} bytes, too short to read`);
      return;
    }
    if (!this.parser) {
      if (this.pendingLen === 0) throw new CaptureError(0, 'the file is empty');
      throw new CaptureError(0, `only ${this.pendingLen} bytes: too short to be a pcap or pcapng file`);
    }
    if (this.pendingLen > 0) {
      if (this.ctx.packets === 0 && this.ctx.interfaces.length === 0) {
        throw new CaptureError(0, `${this.parser.format} header cut short after ${this.pendingLen} bytes`);
      }
      const needed = this.parser.needed;
      this.ctx.warn(
        this.consumed,
        `the last record is cut short: ${this.pendingLen} of ${needed > this.pendingLen ? needed : 'more'} bytes present (capture still being written, or truncated)`,
      );
    }
  }

  /**
   * The stream was cut (a live source reconnected, a followed file was replaced or truncated) and the
   * next bytes begin a new one with its own header. A record cut off by the gap is a warning; frame
   * numbers, offsets and warnings go on from where they were, so the flows keep growing as one.
   */
  newStream(): void {
    if (this.ended) throw new Error('CaptureReader.newStream after end()');
    if (this.pendingLen > 0 && this.parser) {
      this.ctx.warn(this.consumed, `the stream was cut ${this.pendingLen} bytes into a record; that record is lost`);
    }
    this.consumed += this.pendingLen;
    this.pendingLen = 0;
    this.formatBeforeGap = this.parser?.format ?? this.formatBeforeGap;
    this.parser = undefined;
    this.stopped = false;
  }

  private parsePending(): void {
    if (!this.parser) this.parser = this.detect(this.pending);
    const used = this.run(this.pending, 0, this.pendingLen);
    if (used <= 0) return;
    this.pending.copyWithin(0, used, this.pendingLen);
    this.pendingLen -= used;
  }

  private run(buf: Uint8Array, start: number, end: number): number {
    const used = this.parser!.parse(buf, start, end, this.consumed);
    if (used < 0) {
      this.stopped = true;
      return -1;
    }
    this.consumed += used;
    return used;
  }

  private append(src: Uint8Array, from: number, count: number): void {
    const need = this.pendingLen + count;
    if (need > this.pending.length) {
      const grown = new Uint8Array(Math.max(need, this.pending.length * 2));
      grown.set(this.pending.subarray(0, this.pendingLen));
      this.pending = grown;
    }
    this.pending.set(src.subarray(from, from + count), this.pendingLen);
    this.pendingLen = need;
  }

  private detect(head: Uint8Array): RecordParser {
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    if (isPcapMagic(view, 0)) return new PcapParser(this.ctx);
    if (view.getUint32(0, true) === SHB_TYPE) return new PcapngParser(this.ctx);
    const hex = Array.from(head.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new CaptureError(0, `not a pcap or pcapng file (starts with ${hex})`);
  }
}
