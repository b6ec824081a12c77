import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { createReadStream } from 'node:fs';
import { CaptureReader } from './reader';
import type { CaptureSink } from './types';

export interface ReadFileOptions {
  chunkSize?: number;
  /** Called about every `progressBytes` with the bytes read so far and the file size. */
  onProgress?: (bytesRead: number, fileSize: number) => void;
  progressBytes?: number;
  signal?: AbortSignal;
}

const GZIP_MAGIC_0 = 0x1f;
const GZIP_MAGIC_1 = 0x8b;

/**
 * Stream a capture file through a `CaptureReader` in fixed-size chunks (never the whole file in
 * memory; files above 4 GiB are fine). Gzip-compressed captures are decompressed on the fly, as
 * tshark does. Resolves with the reader once the file is read; rejects with `CaptureError` when
 * it is not a capture, or with an `AbortError` when cancelled.
 */
export async function readCaptureFile(path: string, sink: CaptureSink, options: ReadFileOptions = {}): Promise<CaptureReader> {
  const reader = new CaptureReader(sink);
  const chunkSize = options.chunkSize ?? 1 << 20;
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(2);
    await fh.read(head, 0, 2, 0);
    if (head[0] === GZIP_MAGIC_0 && head[1] === GZIP_MAGIC_1) {
      await fh.close();
      await readGzip(path, reader, size, options);
      return reader;
    }
    const buf = Buffer.allocUnsafe(chunkSize);
    const progressEvery = options.progressBytes ?? 16 << 20;
    let position = 0;
    let nextProgress = progressEvery;
    while (!reader.isStopped) {
      options.signal?.throwIfAborted();
      const { bytesRead } = await fh.read(buf, 0, chunkSize, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      reader.push(buf.subarray(0, bytesRead));
      if (options.onProgress && position >= nextProgress) {
        options.onProgress(position, size);
        nextProgress = position + progressEvery;
      }
    }
    reader.end();
    options.onProgress?.(position, size);
    return reader;
  } finally {
    await fh.close().catch(() => undefined);
  }
}

async function readGzip(path: string, reader: CaptureReader, size: number, options: ReadFileOptions): Promise<void> {
  const input = createReadStream(path);
  const gunzip = input.pipe(createGunzip());
  let compressedRead = 0;
  input.on('data', (c) => (compressedRead += c.length));
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      options.signal?.throwIfAborted();
      if (reader.isStopped) break;
      reader.push(chunk);
      options.onProgress?.(compressedRead, size);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code?.startsWith('Z_')) {
      // A cut-short or damaged gzip stream: keep what was decompressed, like a truncated capture.
      reader.warn(reader.bytesSeen, `gzip stream damaged after ${compressedRead} compressed bytes (${(err as Error).message}); offsets are in the decompressed data`);
    } else {
      throw err;
    }
  } finally {
    input.destroy();
  }
  reader.end();
}

/** Why a file could not be read, in one wording for every front end (CLI, worker): the system's message for anything unusual. */
export function fileErrorMessage(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'the file does not exist';
  if (e.code === 'EISDIR') return 'this is a directory, not a file';
  if (e.code === 'EACCES') return 'permission denied';
  return e.message ?? String(err);
}
