/** `tcp-flow-lens analyze FILE [--json] [--packets] [--ss SAMPLES]`. */
import { summarizeCapture } from '../core/summary';
import { loadCapture, parseCommand, print, UsageError } from './common';
import { writePacketLines } from './packets';
import { formatSummaryText } from './text';

export async function analyzeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, { json: { type: 'boolean' }, packets: { type: 'boolean' }, ss: { type: 'string' } });
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError('analyze takes one capture file');
  const c = await loadCapture(file, values.ss);
  if (values.packets) {
    await writePacketLines(c.ingest, c.analyses, process.stdout);
    return 0;
  }
  const sampleWarnings = (c.samples?.warnings ?? []).map((w) => ({ offset: -1, message: `${values.ss} line ${w.line}: ${w.message} (line skipped)` }));
  const summary = summarizeCapture(file, c.reader, c.ingest, c.analyses, sampleWarnings);
  await print(values.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummaryText(summary));
  return 0;
}
