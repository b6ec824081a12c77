/** What every command shares: reading a capture and its analysis, exit statuses and their messages. */
import { readFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { FlowAnalysis } from '../core/analysis/analyze';
import { fileErrorMessage } from '../core/capture/file';
import type { CaptureReader } from '../core/capture/reader';
import { CaptureError } from '../core/capture/types';
import type { Flow } from '../core/flows/flow';
import type { CaptureIngest } from '../core/ingest';
import { loadModel } from '../core/load';
import type { CaptureSummary } from '../core/summary';
import { parseSsSamples, type SsParseResult } from '../core/trace/ss';
import { version } from '../../package.json';

export const TOOL = `TCP Flow Lens ${version}`;
export { version };

/** A usage error (exit 1): bad options or arguments. */
export class UsageError extends Error {}
/** An input that cannot be read (exit 2): not a capture, no such file, a damaged notes file. */
export class InputError extends Error {}

/** node:util's parseArgs for one command; its errors become usage errors. */
export function parseCommand<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options: { ...options, help: { type: 'boolean', short: 'h' } } as O & { help: { type: 'boolean'; short: 'h' } } });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export interface LoadedCapture {
  path: string;
  reader: CaptureReader;
  ingest: CaptureIngest;
  analyses: FlowAnalysis[];
  summary: CaptureSummary;
  samples: SsParseResult | undefined;
}

/** Reads and analyses a capture (with `ss` samples when given) through the CaptureModel; InputError when it cannot be read. */
export async function loadCapture(path: string, ssPath?: string): Promise<LoadedCapture> {
  let samples: SsParseResult | undefined;
  if (ssPath) {
    try {
      samples = parseSsSamples(await readFile(ssPath, 'utf8'));
    } catch (err) {
      throw new InputError(`${ssPath}: ${fileErrorMessage(err)}`);
    }
  }
  try {
    // These commands write or annotate the capture itself: read it as one (a trace gets the capture reader's "not a pcap" answer).
    const m = await loadModel(path, { kind: 'capture', samples: samples?.samples });
    return { path, reader: m.reader!, ingest: m.ingest, analyses: m.analyses, summary: m.summary, samples };
  } catch (err) {
    throw new InputError(`${path}: ${err instanceof CaptureError ? err.message : fileErrorMessage(err)}`);
  }
}

/** Flow `id` of a capture, or a usage error listing the flows there are. */
export function flowById(c: LoadedCapture, id: string | undefined): Flow {
  const flows = c.ingest.flows.flows;
  const n = Number(id);
  if (id === undefined || !Number.isInteger(n) || n < 0) throw new UsageError(`--flow needs a flow id (a number, as \`analyze\` prints it)`);
  if (!flows[n]) throw new UsageError(`${c.path} has no flow ${n} (${flows.length === 0 ? 'it has no TCP flows' : `flows 0–${flows.length - 1}`})`);
  return flows[n];
}

/** A number option (seconds), or a usage error. */
export function seconds(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = Number(value);
  if (value.trim() === '' || !Number.isFinite(t)) throw new UsageError(`--${name} needs a time in seconds since the capture's first packet, not ${JSON.stringify(value)}`);
  return t;
}

/** Writes to stdout and resolves once it is flushed. */
export function print(text: string): Promise<void> {
  return new Promise((resolve) => process.stdout.write(text, () => resolve()));
}
