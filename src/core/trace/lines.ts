/**
 * Splits a byte or text stream into lines for the trace readers. Chunks may end anywhere (in a line,
 * in a UTF-8 sequence, between \r and \n), so a file read in pieces, a pipe or a socket all give the
 * same lines; live attach (issue 13) feeds it the same way.
 */
import type { TraceIngest } from './traceIngest';

/** Longer lines are cut (and reported by the reader as malformed) so a file without newlines cannot hold memory. */
export const MAX_LINE_CHARS = 64 * 1024;

/** `cut`: longer than MAX_LINE_CHARS (only the start is given); `unterminated`: the input ended inside it. */
export type LineHandler = (text: string, lineNo: number, cut: boolean, unterminated: boolean) => void;

/** What a live source needs from a line-based reader (issue 13 feeds a followed file, a pipe or a socket the same way). */
export interface PushReader {
  push(chunk: Uint8Array | string): void;
  /** No more input: the last line, even without a newline, is read. */
  end(): void;
  readonly lines: number;
}

export class LineSplitter {
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });
  private tail = '';
  private tailCut = false;
  private lineNo = 0;
  /** Characters seen (for progress and messages). */
  chars = 0;

  constructor(private readonly onLine: LineHandler) {}

  /** Lines handed out so far. */
  get lines(): number {
    return this.lineNo;
  }

  push(chunk: Uint8Array | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    this.chars += text.length;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      this.emit(this.tail + text.slice(start, nl), this.tailCut, false);
      this.tail = '';
      this.tailCut = false;
      start = nl + 1;
    }
    if (start < text.length) this.keep(text.slice(start));
  }

  /** No more input: a last line without a newline is still a line (the reader decides if it is complete). */
  end(): void {
    const rest = this.decoder.decode();
    if (rest) this.keep(rest);
    if (this.tail || this.tailCut) this.emit(this.tail, this.tailCut, true);
    this.tail = '';
    this.tailCut = false;
  }

  private keep(text: string): void {
    if (this.tailCut) return;
    this.tail += text;
    if (this.tail.length > MAX_LINE_CHARS) {
      this.tail = this.tail.slice(0, MAX_LINE_CHARS);
      this.tailCut = true;
    }
  }

  private emit(line: string, cut: boolean, unterminated: boolean): void {
    this.lineNo++;
    const long = cut || line.length > MAX_LINE_CHARS;
    this.onLine(line.endsWith('\r') ? line.slice(0, -1) : long ? line.slice(0, MAX_LINE_CHARS) : line, this.lineNo, long, unterminated);
  }
}

/**
 * A PushReader over lines, filed into a TraceIngest: input goes through a LineSplitter to `line`,
 * and the end of input finishes the ingest. The trace readers differ only in how they read a line.
 */
export abstract class TraceLineReader implements PushReader {
  private readonly splitter = new LineSplitter((text, n, cut, last) => this.line(text, n, cut, last));

  constructor(readonly ingest: TraceIngest) {}

  push(chunk: Uint8Array | string): void {
    this.splitter.push(chunk);
  }

  end(): void {
    this.splitter.end();
    this.ingest.finish();
  }

  get lines(): number {
    return this.splitter.lines;
  }

  /** One line, `n` counted from 1 (`cut` and `unterminated` as LineHandler says); public for tests and for sources that deliver whole lines. */
  abstract line(text: string, n: number, cut?: boolean, unterminated?: boolean): void;
}
