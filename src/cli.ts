#!/usr/bin/env node
/** `tcp-flow-lens analyze FILE [--json] [--packets]`: the core analysis without VS Code. */
import { parseArgs } from 'node:util';
import { fileErrorMessage } from './core/capture/file';
import { CaptureError } from './core/capture/types';
import { readFile } from 'node:fs/promises';
import { parseSsSamples, type SsParseResult } from './core/trace/ss';
import { loadModel } from './core/load';
import { SourceError } from './core/trace/source';
import { formatSummaryText } from './cli/text';
import { writePacketLines } from './cli/packets';

const USAGE = `usage: tcp-flow-lens analyze [FILE] [--trace TRACE | --openvmm-log LOG] [--ss SAMPLES] [--json] [--packets]

  analyze FILE        read a pcap/pcapng capture (optionally gzip-compressed), a NAT's nat-flow-trace/1
                      trace (JSON Lines) or an OpenVMM consomme log, told by its content: TCP flows,
                      Wireshark-compatible analysis, stall episodes, owed window updates and findings
    --trace TRACE     the NAT's nat-flow-trace/1 trace of the same run (alone, or beside a capture: its
    --openvmm-log LOG   Recv-Q, reopen instants, reasons and drops go onto the captured packets); either
                      option takes either kind of file
    --ss SAMPLES      socket samples taken beside the capture (ss -tinm, tab-separated): measured Recv-Q
    --window-scale N  the NAT's window-scale shift where a consomme log does not show it (default 7)
    --uptime-epoch S  epoch seconds of a consomme log's uptime 0, to line its times up with a capture
    --json            print one JSON document instead of the human summary
    --packets         print one JSON object per TCP packet (JSON Lines), in file order (for a trace,
                      "frame" is the line number)

exit status: 0 on success (warnings included), 2 when the input cannot be read, 1 on a usage error`;

const OPTIONS = {
  json: { type: 'boolean' },
  packets: { type: 'boolean' },
  ss: { type: 'string' },
  trace: { type: 'string' },
  'openvmm-log': { type: 'string' },
  'window-scale': { type: 'string' },
  'uptime-epoch': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function usageError(message: string): number {
  process.stderr.write(`tcp-flow-lens: ${message}\n${USAGE}\n`);
  return 1;
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (err) {
    return usageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [command, file, ...extra] = positionals;
  const engineFile = values.trace ?? values['openvmm-log'];
  if (command !== 'analyze' || (!file && !engineFile) || extra.length > 0) {
    process.stderr.write(`${USAGE}\n`);
    return 1;
  }
  if (values.trace && values['openvmm-log']) return usageError('give --trace or --openvmm-log, not both');
  const windowScale = values['window-scale'] === undefined ? undefined : Number(values['window-scale']);
  if (windowScale !== undefined && !(Number.isInteger(windowScale) && windowScale >= 0 && windowScale <= 14)) return usageError('--window-scale must be a whole number from 0 to 14');
  const uptimeEpoch = values['uptime-epoch'];
  if (uptimeEpoch !== undefined && !/^\d+(\.\d+)?$/.test(uptimeEpoch)) return usageError('--uptime-epoch must be epoch seconds, e.g. 1796447449.25');
  let samples: SsParseResult | undefined;
  if (values.ss) {
    try {
      samples = parseSsSamples(await readFile(values.ss, 'utf8'));
    } catch (err) {
      process.stderr.write(`tcp-flow-lens: ${values.ss}: ${fileErrorMessage(err)}\n`);
      return 2;
    }
  }
  const sampleWarnings = (samples?.warnings ?? []).map((w) => ({ offset: -1, message: `${values.ss} line ${w.line}: ${w.message} (line skipped)` }));
  const main = file ?? engineFile!;
  let model;
  try {
    model = await loadModel(main, { engineFile: file ? engineFile : undefined, consomme: { windowScale, uptimeEpoch }, samples: samples?.samples, extraWarnings: sampleWarnings });
  } catch (err) {
    const reason = err instanceof CaptureError || err instanceof SourceError ? err.message : fileErrorMessage(err);
    const which = err instanceof SourceError ? err.file : ((err as { path?: string }).path ?? main);
    process.stderr.write(`tcp-flow-lens: ${which ?? main}: ${reason}\n`);
    return 2;
  }
  if (values.packets) {
    await writePacketLines(model.ingest, model.analyses, process.stdout);
    return 0;
  }
  const out = values.json ? `${JSON.stringify(model.summary, null, 2)}\n` : formatSummaryText(model.summary);
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
