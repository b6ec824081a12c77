/**
 * Which kind of file this is, told by its content (never by its name): a capture (pcap, pcapng,
 * gzip), a `nat-flow-trace/1` trace, or a consomme log; and reading a trace or log into a
 * TraceIngest in chunks (never the whole file in memory), with progress and cancel like captures.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { constants, createGunzip, gunzipSync } from 'node:zlib';
import { ConsommeLogReader, type ConsommeOptions } from './consomme';
import { NatTraceReader, type TraceHeader } from './natTrace';
import { TraceIngest } from './traceIngest';

export type SourceKind = 'capture' | 'nat-flow-trace' | 'consomme-log';

/** The file is none of the sources we read. */
export class SourceError extends Error {
  constructor(
    readonly reason: string,
    /** The file it is about, when known. */
    public file?: string,
  ) {
    super(reason);
    this.name = 'SourceError';
  }
}

/** A VM's log may print a lot before its first TCP segment: look that far (and at most that many lines). */
export const SNIFF_BYTES = 1 << 20;
export const SNIFF_LINES = 20_000;

/** Tell a source by its first bytes. Throws SourceError when it is none we read (capture errors are left to the capture reader). */
export function sniffKind(head: Uint8Array): SourceKind {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'capture';
  if (head.length >= 4) {
    const le = (head[0] | (head[1] << 8) | (head[2] << 16) | (head[3] << 24)) >>> 0;
    const be = ((head[0] << 24) | (head[1] << 16) | (head[2] << 8) | head[3]) >>> 0;
    for (const magic of [0xa1b2c3d4, 0xa1b23c4d, 0x0a0d0d0a]) if (le === magic || be === magic) return 'capture';
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0).slice(0, SNIFF_LINES);
  if (lines.length === 0) throw new SourceError(head.length === 0 ? 'the file is empty' : 'the file holds only blank lines');
  if (lines.some((l) => lineKind(l) === 'nat-flow-trace')) return 'nat-flow-trace';
  if (lines.some((l) => lineKind(l) === 'consomme-log')) return 'consomme-log';
  if (head.length >= 4 && lines[0].length > 0 && /[\x00-\x08\x0e-\x1f]/.test(text.slice(0, 64))) {
    const hex = Array.from(head.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new SourceError(`not a pcap or pcapng capture (starts with ${hex}), nor a NAT trace or log`);
  }
  const first = lines[0].length > 60 ? `${lines[0].slice(0, 60)}…` : lines[0];
  throw new SourceError(
    `neither a capture (pcap, pcapng) nor a NAT trace: no nat-flow-trace/1 event ({"v":1,"ev":…}) or consomme "tcp packet" line in the first ${lines.length} lines (the first is "${first}")`,
  );
}

/** The source one trimmed text line says it comes from, if it says (a stream is told by its first line that does). */
export function lineKind(l: string): 'nat-flow-trace' | 'consomme-log' | undefined {
  if (l.startsWith('{') && /"ev"\s*:/.test(l) && /"v"\s*:/.test(l)) return 'nat-flow-trace';
  if (/\btcp packet\b.*\blabel=/.test(l) || /\btx packet ignored\b/.test(l) || /\b(net_)?consomme(::\w+)*:/.test(l)) return 'consomme-log';
  return undefined;
}

export const isGzip = (b: Uint8Array) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** As much as the head of a gzip stream decompresses to, or undefined when it is damaged. */
function gunzipPrefix(head: Uint8Array): Buffer | undefined {
  try {
    return gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH });
  } catch {
    return undefined;
  }
}

export async function sniffFile(path: string): Promise<SourceKind> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await fh.read(buf, 0, SNIFF_BYTES, 0);
    const head = buf.subarray(0, bytesRead);
    if (!isGzip(head)) return sniffKind(head);
    // A gzip-compressed trace or log (or capture): tell it by what it decompresses to.
    const inner = gunzipPrefix(head);
    return inner ? sniffKind(inner.subarray(0, SNIFF_BYTES)) : 'capture';
  } catch (err) {
    if (err instanceof SourceError) err.file ??= path;
    throw err;
  } finally {
    await fh.close();
  }
}

export interface TraceReadOptions {
  consomme?: ConsommeOptions;
  /** The model to fill (so a caller can show it while it grows); a new one by default. */
  ingest?: TraceIngest;
  chunkSize?: number;
  onProgress?: (bytesRead: number, fileSize: number) => void;
  signal?: AbortSignal;
}

/** A trace or log read into its flow model. */
export interface TraceRead {
  kind: 'nat-flow-trace' | 'consomme-log';
  ingest: TraceIngest;
  lines: number;
  /** Events (trace) or `tcp packet` / drop lines (log) read, by kind. */
  events: Record<string, number>;
  header: TraceHeader | null;
  /** Lines timed in seconds of uptime (consomme) without an epoch for uptime 0. */
  uptime: boolean;
}

/** A reader fed in pushes: the same object serves a file here and a live stream later. */
export function traceReader(kind: TraceRead['kind'], ingest: TraceIngest, options: TraceReadOptions = {}): NatTraceReader | ConsommeLogReader {
  // Both are PushReaders: whole lines never assumed, so a live source can feed them as data arrives.
  return kind === 'nat-flow-trace' ? new NatTraceReader(ingest) : new ConsommeLogReader(ingest, options.consomme);
}

export function traceResult(kind: TraceRead['kind'], reader: NatTraceReader | ConsommeLogReader, options: TraceReadOptions = {}): TraceRead {
  if (reader instanceof NatTraceReader) {
    return { kind, ingest: reader.ingest, lines: reader.lines, events: Object.fromEntries(reader.events), header: reader.header, uptime: false };
  }
  return {
    kind,
    ingest: reader.ingest,
    lines: reader.lines,
    events: { tcp_packet: reader.segments, tx_packet_ignored: reader.drops },
    header: null,
    uptime: reader.uptimeLines > 0 && options.consomme?.uptimeEpoch === undefined,
  };
}

export async function readTraceFile(path: string, kind: TraceRead['kind'], options: TraceReadOptions = {}): Promise<TraceRead> {
  const ingest = options.ingest ?? new TraceIngest();
  const reader = traceReader(kind, ingest, options);
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const magic = Buffer.alloc(2);
    await fh.read(magic, 0, 2, 0);
    if (isGzip(magic)) {
      await readGzip(path, reader, size, options);
      return traceResult(kind, reader, options);
    }
    const chunkSize = options.chunkSize ?? 1 << 20;
    const buf = Buffer.allocUnsafe(chunkSize);
    let position = 0;
    for (;;) {
      options.signal?.throwIfAborted();
      const { bytesRead } = await fh.read(buf, 0, chunkSize, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      reader.push(buf.subarray(0, bytesRead));
      options.onProgress?.(position, size);
    }
    reader.end();
  } finally {
    await fh.close().catch(() => undefined);
  }
  return traceResult(kind, reader, options);
}

/** A gzip-compressed trace, decompressed as it is read; a damaged tail ends it like a truncated file. */
async function readGzip(path: string, reader: NatTraceReader | ConsommeLogReader, size: number, options: TraceReadOptions): Promise<void> {
  const input = createReadStream(path);
  let compressed = 0;
  input.on('data', (c) => (compressed += c.length));
  try {
    for await (const chunk of input.pipe(createGunzip()) as AsyncIterable<Buffer>) {
      options.signal?.throwIfAborted();
      reader.push(chunk);
      options.onProgress?.(compressed, size);
    }
  } catch (err) {
    if (!(err as NodeJS.ErrnoException).code?.startsWith('Z_')) throw err;
    reader.ingest.problems.bad(reader.lines + 1, `gzip stream damaged after ${compressed} compressed bytes: the rest is not read`);
  } finally {
    input.destroy();
  }
  reader.end();
}
