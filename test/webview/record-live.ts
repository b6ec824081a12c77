/**
 * Records what the host sends while a capture grows, for the live webview tests:
 *
 *   npx tsx test/webview/record-live.ts CAPTURE.pcap OUT.json --at 0.1,0.35,0.55,0.7,0.85 [--gap START,END,REASON]
 *
 * The capture's records are pushed in order into one CaptureModel, as a live source would, with a
 * clock that follows the capture's own times; at each cut time (seconds since its first packet) the
 * model is refreshed and its view taken as a Summary (rising `revision`, `complete` false, `live`
 * attached), with the series of its flows as the worker would answer then; the last revision is the
 * whole capture, ended. With `--gap` the source is cut off at START (the model's markGap; the records
 * after it come as a new stream with its own header, as after a reconnect) and data resumes at END,
 * which must hold no packets.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parseArgs } from 'node:util';
import { CaptureModel } from '../../src/core/model/captureModel';
import { packetDetails } from '../../src/core/view/packet';
import { buildSeries } from '../../src/core/view/series';
import { type CaptureView, MessageType, type SeriesQuery, type SeriesResult, type SummaryMessage } from '../../src/protocol';
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

interface PcapRecord {
  /** Epoch seconds. */
  time: number;
  bytes: Buffer;
}

/** A classic little-endian pcap's global header and its records. */
export function pcapRecords(bytes: Buffer): { header: Buffer; records: PcapRecord[] } {
  const magic = bytes.readUInt32LE(0);
  if (magic !== 0xa1b2c3d4 && magic !== 0xa1b23c4d) throw new Error('only little-endian classic pcap files can be recorded live');
  const scale = magic === 0xa1b23c4d ? 1e9 : 1e6;
  const records: PcapRecord[] = [];
  for (let o = 24; o + 16 <= bytes.length; ) {
    const end = o + 16 + bytes.readUInt32LE(o + 8);
    records.push({ time: bytes.readUInt32LE(o) + bytes.readUInt32LE(o + 4) / scale, bytes: bytes.subarray(o, end) });
    o = end;
  }
  return { header: bytes.subarray(0, 24), records };
}

function seriesOf(model: CaptureModel): Revision['series'] {
  return model.flows.flatMap((f) => {
    const p = f.packets;
    const [t0, t1] = [p.time[0], p.time[p.length - 1]];
    const analysis = model.analysis(f.id)!;
    return (['ab', 'ba'] as const).map((direction) => {
      const query = { flowId: f.id, direction, t0, t1, pixelWidth: PIXEL_WIDTH };
      return { query, result: buildSeries(f, analysis, query) };
    });
  });
}

export async function recordLive(capture: string, cuts: number[], gap?: { start: number; end: number; reason: string }): Promise<LiveFixture> {
  const fileName = basename(capture);
  const { header, records } = pcapRecords(await readFile(capture));
  const epoch0 = records[0].time;
  let clock = epoch0;
  const model = new CaptureModel({ name: fileName, now: () => clock * 1000 });
  model.setLive(`tcpdump -U -w - (${fileName})`, 'attached');
  const revisions: Revision[] = [];
  const take = () => {
    model.refresh();
    const view: CaptureView = { ...model.view(fileName), filePath: '' };
    revisions.push({ messages: [{ type: MessageType.Summary, capture: view }], series: seriesOf(model) });
  };
  model.push(header);
  let next = 0;
  let gapState: 'before' | 'open' | 'closed' = gap ? 'before' : 'closed';
  for (const cut of [...cuts, Infinity]) {
    for (; next < records.length && records[next].time - epoch0 <= cut; next++) {
      const t = records[next].time - epoch0;
      if (gap && gapState === 'before' && t >= gap.start) throw new Error(`the gap must start before a packet: one at ${t} s`);
      clock = records[next].time;
      if (gapState === 'open') {
        // The reconnect: a new stream, its header first, when the gap ends.
        if (t < gap!.end) throw new Error(`the gap ${gap!.start}–${gap!.end} s holds a packet at ${t} s`);
        clock = epoch0 + gap!.end;
        model.push(header);
        gapState = 'closed';
        clock = records[next].time;
      }
      model.push(records[next].bytes);
      if (gap && gapState === 'before' && next + 1 < records.length && records[next + 1].time - epoch0 > gap.start) {
        clock = epoch0 + gap.start;
        model.markGap(gap.reason, epoch0 + gap.start);
        gapState = 'open';
      }
    }
    if (cut === Infinity) {
      model.setLive(model.view(fileName).live!.source, 'ended', 'the source closed its output');
      model.end();
    } else clock = epoch0 + cut;
    take();
  }
  const flow = model.flows[0];
  const analysis = flow && model.analysis(flow.id)!;
  const frames = flow ? Array.from(flow.packets.frame.subarray(0, Math.min(flow.packets.length, 400))) : [];
  const packets = flow ? frames.map((frame) => ({ flowId: flow.id, frame, details: packetDetails(flow, analysis!, frame) })) : [];
  const [head, ...rest] = revisions;
  return { name: `${basename(capture, extname(capture))}-live`, summary: rest.at(-1)?.messages[0].capture ?? head.messages[0].capture, messages: head.messages, series: head.series, packets, revisions: rest };
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
