#!/usr/bin/env node
/** `tcp-flow-lens analyze FILE [--json] [--packets]`: the core analysis without VS Code. */
import { parseArgs } from 'node:util';
import { fileErrorMessage, readCaptureFile } from './core/capture/file';
import type { CaptureReader } from './core/capture/reader';
import { CaptureError } from './core/capture/types';
import { readFile } from 'node:fs/promises';
import { analyzeFlows } from './core/analysis/analyze';
import { parseSsSamples, type SsParseResult } from './core/trace/ss';
import { CaptureIngest } from './core/ingest';
import { summarizeCapture } from './core/summary';
import { formatSummaryText } from './cli/text';
import { writePacketLines } from './cli/packets';

const USAGE = `usage: tcp-flow-lens analyze FILE [--json] [--packets] [--ss SAMPLES]

  analyze FILE        read a pcap/pcapng capture (optionally gzip-compressed): TCP flows, Wireshark-compatible
                      analysis, stall episodes, owed window updates and findings
    --json            print one JSON document instead of the human summary
    --packets         print one JSON object per TCP packet (JSON Lines), in file order
    --ss SAMPLES      socket samples taken beside the capture (ss -tinm, tab-separated): measured Recv-Q

exit status: 0 on success (warnings included), 2 when the input cannot be read, 1 on a usage error`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { json: { type: 'boolean' }, packets: { type: 'boolean' }, ss: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    process.stderr.write(`tcp-flow-lens: ${(err as Error).message}\n${USAGE}\n`);
    return 1;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [command, file, ...extra] = positionals;
  if (command !== 'analyze' || !file || extra.length > 0) {
    process.stderr.write(`${USAGE}\n`);
    return 1;
  }
  const ingest = new CaptureIngest();
  let reader: CaptureReader;
  try {
    reader = await readCaptureFile(file, ingest);
  } catch (err) {
    const reason = err instanceof CaptureError ? err.message : fileErrorMessage(err);
    process.stderr.write(`tcp-flow-lens: ${file}: ${reason}\n`);
    return 2;
  }
  let samples: SsParseResult | undefined;
  if (values.ss) {
    try {
      samples = parseSsSamples(await readFile(values.ss, 'utf8'));
    } catch (err) {
      process.stderr.write(`tcp-flow-lens: ${values.ss}: ${fileErrorMessage(err)}\n`);
      return 2;
    }
  }
  const origin = ingest.flows.timeOrigin;
  const analyses = analyzeFlows(ingest.flows.flows, { samples: samples?.samples, captureEpoch: origin.sec + origin.nsec / 1e9 });
  const sampleWarnings = (samples?.warnings ?? []).map((w) => ({ offset: -1, message: `${values.ss} line ${w.line}: ${w.message} (line skipped)` }));
  if (values.packets) {
    await writePacketLines(ingest, analyses, process.stdout);
    return 0;
  }
  const summary = summarizeCapture(file, reader, ingest, analyses, sampleWarnings);
  const out = values.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummaryText(summary);
  await new Promise<void>((resolve) => process.stdout.write(out, () => resolve()));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`tcp-flow-lens: internal error: ${(err as Error).message ?? err}\n`);
    process.exitCode = 3;
  },
);
