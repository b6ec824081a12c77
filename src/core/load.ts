/**
 * Open any source we read — a capture, a NAT trace, a consomme log — told by its content, optionally
 * with a NAT trace or log of the same run beside a capture, and `ss` samples: the file is read in
 * chunks into a CaptureModel (model/captureModel.ts), the one path shared by the CLI, the editor's
 * worker and the webview fixture recorder.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { FlowAnalysis } from './analysis/analyze';
import type { CaptureReader } from './capture/reader';
import type { CaptureWarning } from './capture/types';
import type { CaptureIngest } from './ingest';
import { CaptureModel } from './model/captureModel';
import type { CaptureSummary } from './summary';
import type { ConsommeOptions } from './trace/consomme';
import { mergeOntoCapture } from './trace/merge';
import { isGzip, readTraceFile, sniffFile, SourceError, type SourceKind } from './trace/source';
import { engineSourceSummary } from './trace/sourceSummary';
import type { SsSample } from './trace/ss';

export interface LoadOptions {
  /** A NAT trace or log of the same run, read beside a capture. */
  engineFile?: string;
  consomme?: ConsommeOptions;
  samples?: readonly SsSample[];
  /** Warnings from reading the samples, added to the summary. */
  extraWarnings?: CaptureWarning[];
  /** While reading the main file, about every `progressBytes`: bytes so far, and the model so far (refresh it to show it). */
  onProgress?: (bytesRead: number, fileSize: number, model: CaptureModel) => void;
  progressBytes?: number;
  chunkSize?: number;
  signal?: AbortSignal;
  /** Read the file as this kind without telling it by its content ('capture': a trace gets the capture reader's error). */
  kind?: SourceKind;
}

export interface LoadedModel {
  kind: SourceKind;
  model: CaptureModel;
  ingest: CaptureIngest;
  reader?: CaptureReader;
  analyses: FlowAnalysis[];
  summary: CaptureSummary;
}

/** Reads `path` (and the engine file); throws CaptureError or SourceError when a file is not one we read. */
export async function loadModel(path: string, options: LoadOptions = {}): Promise<LoadedModel> {
  const kind = options.kind ?? (await sniffFile(path));
  if (kind !== 'capture' && options.engineFile) throw new SourceError(`${path} is a NAT trace or log already; give a capture beside ${options.engineFile}`);
  const model = new CaptureModel({ name: path, kind, consomme: options.consomme, samples: options.samples, extraWarnings: options.extraWarnings });
  await readIntoModel(path, model, options);
  if (options.engineFile) await mergeEngineFile(model, options.engineFile, options);
  model.refresh();
  return { kind, model, ingest: model.ingest, reader: model.captureReader, analyses: model.allAnalyses(), summary: model.summary() };
}

/** A NAT trace or log of the same run as the capture in `model`: read whole, its knowledge carried onto the capture's flows. */
async function mergeEngineFile(model: CaptureModel, engineFile: string, options: LoadOptions): Promise<void> {
  const engineKind = await sniffFile(engineFile);
  if (engineKind === 'capture') throw new SourceError(`${engineFile} is a capture, not a NAT trace or log`);
  const trace = await readTraceFile(engineFile, engineKind, { consomme: options.consomme, signal: options.signal });
  const merged = mergeOntoCapture(model.ingest, trace);
  const described = engineSourceSummary(engineFile, trace, merged);
  model.setMergedEngine({ engines: merged.engines, source: described.source, warnings: described.warnings });
}

/**
 * Stream a file into the model in fixed-size chunks (never the whole file in memory), decompressing
 * gzip on the fly; ends the model. Rejects with an AbortError when cancelled.
 */
export async function readIntoModel(path: string, model: CaptureModel, options: LoadOptions = {}): Promise<void> {
  const fh = await open(path, 'r');
  let size: number;
  try {
    size = (await fh.stat()).size;
    const magic = Buffer.alloc(2);
    await fh.read(magic, 0, 2, 0);
    if (!isGzip(magic)) {
      await readPlain(fh, size, model, options);
      model.end();
      return;
    }
  } finally {
    await fh.close().catch(() => undefined);
  }
  await readGzip(path, size, model, options);
  model.end();
}

async function readPlain(fh: Awaited<ReturnType<typeof open>>, size: number, model: CaptureModel, options: LoadOptions): Promise<void> {
  const buf = Buffer.allocUnsafe(options.chunkSize ?? 1 << 20);
  const progressEvery = options.progressBytes ?? 16 << 20;
  let position = 0;
  let nextProgress = progressEvery;
  while (!model.isStopped) {
    options.signal?.throwIfAborted();
    const { bytesRead } = await fh.read(buf, 0, buf.length, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    model.push(buf.subarray(0, bytesRead));
    if (options.onProgress && position >= nextProgress) {
      options.onProgress(position, size, model);
      nextProgress = position + progressEvery;
    }
  }
  options.onProgress?.(position, size, model);
}

async function readGzip(path: string, size: number, model: CaptureModel, options: LoadOptions): Promise<void> {
  const input = createReadStream(path);
  let compressed = 0;
  input.on('data', (c) => (compressed += c.length));
  try {
    for await (const chunk of input.pipe(createGunzip()) as AsyncIterable<Buffer>) {
      options.signal?.throwIfAborted();
      if (model.isStopped) break;
      model.push(chunk);
      options.onProgress?.(compressed, size, model);
    }
  } catch (err) {
    if (!(err as NodeJS.ErrnoException).code?.startsWith('Z_')) throw err;
    // A cut-short or damaged gzip stream: keep what was decompressed, like a truncated file.
    model.damaged(`gzip stream damaged after ${compressed} compressed bytes`, (err as Error).message);
  } finally {
    input.destroy();
  }
}
