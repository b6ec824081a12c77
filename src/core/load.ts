/**
 * Open any source we read — a capture, a NAT trace, a consomme log — told by its content, optionally
 * with a NAT trace or log of the same run beside a capture, and `ss` samples: one path from a file to
 * analysed flows and their summary, shared by the CLI and the editor's worker.
 */
import { analyzeFlows, type FlowAnalysis } from './analysis/analyze';
import { readCaptureFile } from './capture/file';
import type { CaptureReader } from './capture/reader';
import type { CaptureWarning } from './capture/types';
import { CaptureIngest } from './ingest';
import { summarizeCapture, type CaptureSummary } from './summary';
import type { ConsommeOptions } from './trace/consomme';
import type { EngineFlow } from './trace/engine';
import { mergeOntoCapture } from './trace/merge';
import { readTraceFile, sniffFile, SourceError, type SourceKind, type TraceRead } from './trace/source';
import { engineSourceSummary } from './trace/sourceSummary';
import type { SsSample } from './trace/ss';
import { TraceIngest } from './trace/traceIngest';

export interface LoadOptions {
  /** A NAT trace or log of the same run, read beside a capture. */
  engineFile?: string;
  consomme?: ConsommeOptions;
  samples?: readonly SsSample[];
  /** Warnings from reading the samples, added to the summary. */
  extraWarnings?: CaptureWarning[];
  /** While reading the main file: bytes so far, and the flows so far. */
  onProgress?: (bytesRead: number, fileSize: number, ingest: CaptureIngest) => void;
  progressBytes?: number;
  signal?: AbortSignal;
}

export interface LoadedModel {
  kind: SourceKind;
  ingest: CaptureIngest;
  reader?: CaptureReader;
  analyses: FlowAnalysis[];
  summary: CaptureSummary;
}

/** Reads `path` (and the engine file); throws CaptureError or SourceError when a file is not one we read. */
export async function loadModel(path: string, options: LoadOptions = {}): Promise<LoadedModel> {
  const kind = await sniffFile(path);
  let ingest: CaptureIngest;
  let reader: CaptureReader | undefined;
  let trace: TraceRead;
  let engines: readonly (EngineFlow | undefined)[] | undefined;
  const warnings: CaptureWarning[] = [...(options.extraWarnings ?? [])];
  let merged: ReturnType<typeof mergeOntoCapture> | undefined;
  if (kind === 'capture') {
    ingest = new CaptureIngest();
    reader = await readCaptureFile(path, ingest, { progressBytes: options.progressBytes, signal: options.signal, onProgress: (n, size) => options.onProgress?.(n, size, ingest) });
    if (!options.engineFile) return finish({ kind, ingest, reader });
    const engineKind = await sniffFile(options.engineFile);
    if (engineKind === 'capture') throw new SourceError(`${options.engineFile} is a capture, not a NAT trace or log`);
    trace = await readTraceFile(options.engineFile, engineKind, { consomme: options.consomme, signal: options.signal });
    merged = mergeOntoCapture(ingest, trace);
    engines = merged.engines;
  } else {
    if (options.engineFile) throw new SourceError(`${path} is a NAT trace or log already; give a capture beside ${options.engineFile}`);
    const traceIngest = new TraceIngest();
    ingest = traceIngest.capture;
    trace = await readTraceFile(path, kind, { consomme: options.consomme, signal: options.signal, ingest: traceIngest, onProgress: (n, size) => options.onProgress?.(n, size, ingest) });
    engines = trace.ingest.engines;
  }
  const described = engineSourceSummary(merged ? options.engineFile! : path, trace, merged);
  warnings.push(...described.warnings);
  const model = finish({ kind, ingest, reader, engines });
  if (kind !== 'capture') model.summary.format = trace.kind;
  model.summary.source = described.source;
  return model;

  function finish(m: { kind: SourceKind; ingest: CaptureIngest; reader?: CaptureReader; engines?: readonly (EngineFlow | undefined)[] }): LoadedModel {
    const origin = m.ingest.flows.timeOrigin;
    const analyses = analyzeFlows(m.ingest.flows.flows, { samples: options.samples, captureEpoch: origin.sec + origin.nsec / 1e9, engine: m.engines });
    const summary = summarizeCapture(path, m.reader, m.ingest, analyses, warnings);
    return { kind: m.kind, ingest: m.ingest, reader: m.reader, analyses, summary };
  }
}
