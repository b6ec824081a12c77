/**
 * Records what the host sends while a capture grows, for the live webview tests:
 *
 *   npx tsx test/webview/record-live.ts CAPTURE.pcap OUT.json --at 0.1,0.35,0.56,0.78 [--gap START,END,REASON]
 *
 * The capture is cut after the packets up to each time (seconds since its first packet) and each
 * prefix goes through the real model (loadModel, the worker's path) into a Summary with a rising
 * `revision`, `complete` false and a `live` state; the last revision is the whole capture, complete
 * and ended. Each revision carries the series of its flows as the worker would answer then. A gap
 * (a source interruption the model would mark, `--gap`) goes into the live state from the first
 * revision whose data reaches past it.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadModel } from '../../src/core/load';
import { toCaptureView } from '../../src/core/view/captureView';
import { packetDetails } from '../../src/core/view/packet';
import { buildSeries } from '../../src/core/view/series';
import { type CaptureView, type LiveState, MessageType, type SeriesQuery, type SeriesResult, type SummaryMessage } from '../../src/protocol';
import { PIXEL_WIDTH, type RecordedFixture } from './record';
import { stringifyTyped } from './typed-json';

export interface Revision {
  messages: SummaryMessage[];
  series: { query: SeriesQuery; result: SeriesResult }[];
}

/** A growing fixture: `messages`/`series` are revision 0 (posted after ready); the harness advances through `revisions`. */
export interface LiveFixture extends RecordedFixture {
  revisions: Revision[];
}

/** The pcap prefixes that end at each cut time: the global header and every record whose timestamp is at most the cut. */
export function cutPcap(bytes: Buffer, cuts: number[]): Buffer[] {
  const magic = bytes.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!le && bytes.readUInt32BE(0) !== 0xa1b2c3d4 && bytes.readUInt32BE(0) !== 0xa1b23c4d) throw new Error('only classic pcap files can be cut');
  const nano = (le ? magic : bytes.readUInt32BE(0)) === 0xa1b23c4d;
  const u32 = (o: number) => (le ? bytes.readUInt32LE(o) : bytes.readUInt32BE(o));
  const ends: { time: number; end: number }[] = [];
  let first: number | null = null;
  for (let o = 24; o + 16 <= bytes.length; ) {
    const t = u32(o) + u32(o + 4) / (nano ? 1e9 : 1e6);
    first ??= t;
    o += 16 + u32(o + 8);
    ends.push({ time: t - first, end: o });
  }
  return cuts.map((cut) => bytes.subarray(0, ends.filter((e) => e.time <= cut).pop()?.end ?? 24));
}

async function viewOf(path: string, fileName: string): Promise<{ view: CaptureView; series: Revision['series']; model: Awaited<ReturnType<typeof loadModel>> }> {
  const model = await loadModel(path);
  const view = toCaptureView(model.summary, fileName);
  const flows = model.ingest.flows.flows;
  const series = flows.flatMap((f) => {
    const p = f.packets;
    const [t0, t1] = [p.time[0], p.time[p.length - 1]];
    return (['ab', 'ba'] as const).map((direction) => {
      const query = { flowId: f.id, direction, t0, t1, pixelWidth: PIXEL_WIDTH };
      return { query, result: buildSeries(f, model.analyses[f.id], query) };
    });
  });
  return { view, series, model };
}

export async function recordLive(capture: string, cuts: number[], gap?: LiveState['gaps'][number]): Promise<LiveFixture> {
  const bytes = await readFile(capture);
  const fileName = basename(capture);
  const dir = await mkdtemp(join(tmpdir(), 'tfl-live-'));
  try {
    const revisions: Revision[] = [];
    const prefixes = [...cutPcap(bytes, cuts), bytes];
    let last: Awaited<ReturnType<typeof viewOf>> | undefined;
    for (const [i, prefix] of prefixes.entries()) {
      const path = join(dir, `${i}-${fileName}`);
      await writeFile(path, prefix);
      last = await viewOf(path, fileName);
      const final = i === prefixes.length - 1;
      const end = Math.max(0, ...last.view.flows.map((f) => f.start + f.duration));
      const live: LiveState = {
        source: `tcpdump -U -w - (${fileName})`,
        state: final ? 'ended' : 'attached',
        ...(final ? { message: 'the source closed its output' } : {}),
        gaps: gap && end >= gap.start ? [{ ...gap, end: gap.end !== null && end >= gap.end ? gap.end : null }] : [],
        dropped: null,
        eventsPerSecond: 1000 + i,
      };
      const capture: CaptureView = { ...last.view, filePath: '', revision: i + 1, complete: final, live };
      revisions.push({ messages: [{ type: MessageType.Summary, capture }], series: last.series });
    }
    const whole = last!;
    const flow = whole.model.ingest.flows.flows[0];
    const frames = flow ? Array.from(flow.packets.frame.subarray(0, Math.min(flow.packets.length, 400))) : [];
    const packets = flow ? frames.map((frame) => ({ flowId: flow.id, frame, details: packetDetails(flow, whole.model.analyses[flow.id], frame) })) : [];
    const [head, ...rest] = revisions;
    return { name: `${basename(capture, extname(capture))}-live`, summary: rest.at(-1)?.messages[0].capture ?? head.messages[0].capture, messages: head.messages, series: head.series, packets, revisions: rest };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { at: { type: 'string' }, gap: { type: 'string' } } });
  const [capture, outPath] = positionals;
  if (!capture || !outPath || !values.at) {
    process.stderr.write('usage: npx tsx test/webview/record-live.ts CAPTURE.pcap OUT.json --at T1,T2,… [--gap START,END,REASON]\n');
    process.exitCode = 1;
    return;
  }
  const cuts = values.at.split(',').map(Number);
  const [gs, ge, ...reason] = values.gap?.split(',') ?? [];
  const gap = values.gap ? { start: Number(gs), end: Number(ge), reason: reason.join(',') } : undefined;
  const fixture = await recordLive(capture, cuts, gap);
  const text = `${stringifyTyped(fixture)}\n`;
  await writeFile(outPath, text);
  process.stdout.write(`${outPath}: ${fixture.revisions.length + 1} revisions, ${(text.length / 1024).toFixed(0)} KiB\n`);
}

if (process.argv[1] && /record-live\.[cm]?[jt]s$/.test(process.argv[1])) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`record-live: ${(err as Error).message ?? err}\n`);
    process.exitCode = 2;
  });
}
