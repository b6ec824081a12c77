/**
 * Tells a pushed stream's format by its first bytes, like `sniffKind` tells a file's: a capture by its
 * magic (4 bytes), a NAT trace or consomme log by its first line that says which. Until then the head
 * is held (at most SNIFF_BYTES), so a stream that arrives one byte at a time is told the same way.
 */
import { isGzip, lineKind, sniffKind, SNIFF_BYTES, SNIFF_LINES, SourceError, type SourceKind } from '../trace/source';

const NEWLINE = 0x0a;

export class StreamSniffer {
  private head = new Uint8Array(4096);
  private length = 0;
  /** Bytes of `head` already looked at for whole lines. */
  private scanned = 0;
  private lines = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  /** The bytes held so far (handed to the reader once the kind is known). */
  get held(): Uint8Array {
    return this.head.subarray(0, this.length);
  }

  /** Add bytes; returns the kind once known. Throws SourceError when the head is none we read. */
  push(chunk: Uint8Array): SourceKind | undefined {
    this.append(chunk);
    const head = this.held;
    if (head.length >= 2 && isGzip(head)) {
      throw new SourceError('a gzip-compressed stream: decompress it before it reaches the model (files are decompressed as they are read)');
    }
    if (head.length >= 4) {
      // Binary input is told at once: a capture's magic, or a clear "not ours".
      try {
        if (sniffKind(head.subarray(0, 4)) === 'capture') return 'capture';
      } catch {
        // not a capture magic: look at the lines below
      }
    }
    const kind = this.scanLines();
    if (kind) return kind;
    if (this.length >= SNIFF_BYTES || this.lines >= SNIFF_LINES) return sniffKind(head.subarray(0, SNIFF_BYTES));
    return undefined;
  }

  /** The stream ended before its kind was clear: the same answer (or error) a file of these bytes gets. */
  end(): SourceKind {
    return sniffKind(this.held);
  }

  private scanLines(): SourceKind | undefined {
    const head = this.held;
    // Binary that is not a capture: sniffKind says so (with the first bytes) rather than waiting for lines.
    if (head.length >= 4 && /[\x00-\x08\x0e-\x1f]/.test(this.decoder.decode(head.subarray(0, 64)))) return sniffKind(head);
    for (;;) {
      const nl = head.indexOf(NEWLINE, this.scanned);
      if (nl < 0) return undefined;
      const line = this.decoder.decode(head.subarray(this.scanned, nl)).trim();
      this.scanned = nl + 1;
      if (line.length === 0) continue;
      this.lines++;
      const kind = lineKind(line);
      if (kind) return kind;
    }
  }

  private append(chunk: Uint8Array): void {
    const need = this.length + chunk.length;
    if (need > this.head.length) {
      const grown = new Uint8Array(Math.max(need, this.head.length * 2));
      grown.set(this.held);
      this.head = grown;
    }
    this.head.set(chunk, this.length);
    this.length = need;
  }
}

export { SourceError };
