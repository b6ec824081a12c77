/** `tcp-flow-lens analyze [FILE] [--trace T | --openvmm-log L] [--ss SAMPLES] [--json] [--packets]`. */
import { readFile } from 'node:fs/promises';
import { fileErrorMessage } from '../core/capture/file';
import { CaptureError } from '../core/capture/types';
import { loadModel, type LoadedModel } from '../core/load';
import { SourceError } from '../core/trace/source';
import { parseSsSamples, type SsParseResult } from '../core/trace/ss';
import { InputError, parseCommand, print, UsageError } from './common';
import { writePacketLines } from './packets';
import { summaryJsonPieces, writePieces } from './summaryJson';
import { formatSummaryText } from './text';

const OPTIONS = {
  json: { type: 'boolean' },
  packets: { type: 'boolean' },
  ss: { type: 'string' },
  trace: { type: 'string' },
  'openvmm-log': { type: 'string' },
  'window-scale': { type: 'string' },
  'uptime-epoch': { type: 'string' },
} as const;

export async function analyzeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, OPTIONS);
  const [file, ...extra] = positionals;
  const engineFile = values.trace ?? values['openvmm-log'];
  if ((!file && !engineFile) || extra.length > 0) throw new UsageError('analyze takes one file (a capture, a NAT trace or a consomme log)');
  if (values.trace && values['openvmm-log']) throw new UsageError('give --trace or --openvmm-log, not both');
  const windowScale = values['window-scale'] === undefined ? undefined : Number(values['window-scale']);
  if (windowScale !== undefined && !(Number.isInteger(windowScale) && windowScale >= 0 && windowScale <= 14)) throw new UsageError('--window-scale must be a whole number from 0 to 14');
  const uptimeEpoch = values['uptime-epoch'];
  if (uptimeEpoch !== undefined && !/^\d+(\.\d+)?$/.test(uptimeEpoch)) throw new UsageError('--uptime-epoch must be epoch seconds, e.g. 1796447449.25');
  let samples: SsParseResult | undefined;
  if (values.ss) {
    try {
      samples = parseSsSamples(await readFile(values.ss, 'utf8'));
    } catch (err) {
      throw new InputError(`${values.ss}: ${fileErrorMessage(err)}`);
    }
  }
  const sampleWarnings = (samples?.warnings ?? []).map((w) => ({ offset: -1, message: `${values.ss} line ${w.line}: ${w.message} (line skipped)` }));
  const main = file ?? engineFile!;
  let model: LoadedModel;
  try {
    model = await loadModel(main, { engineFile: file ? engineFile : undefined, consomme: { windowScale, uptimeEpoch }, samples: samples?.samples, extraWarnings: sampleWarnings });
  } catch (err) {
    const reason = err instanceof CaptureError || err instanceof SourceError ? err.message : fileErrorMessage(err);
    const which = err instanceof SourceError ? err.file : ((err as { path?: string }).path ?? main);
    throw new InputError(`${which ?? main}: ${reason}`);
  }
  if (values.packets) {
    await writePacketLines(model.ingest, model.analyses, process.stdout);
    return 0;
  }
  if (values.json) await writePieces(summaryJsonPieces(model.summary), process.stdout);
  else await print(formatSummaryText(model.summary));
  return 0;
}
