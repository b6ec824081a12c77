/**
 * Records what the host would send for a capture into a fixture for the webview tests:
 *
 *   npx tsx test/webview/record.ts CAPTURE OUT.json [--ss SAMPLES]
 *
 * CAPTURE may be a NAT trace or log too: it is read like the editor's worker reads it (loadModel, a CaptureModel).
 * The summary (as the Summary message), the series of flow 0 and of every flow with stalls or
 * findings, both directions, over the whole flow at 1200 pixels plus a zoom around the flow's first
 * stall, and packet details (every packet of those flows when there are few, else the first data
 * segment, the first zero window and the frames of stalls and findings). The same core functions
 * as the worker (CaptureModel.view, buildSeries, packetDetails); typed arrays stored with typed-json.ts.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { parseArgs } from 'node:util';
import type { FlowAnalysis } from '../../src/core/analysis/analyze';
import { TcpFlag } from '../../src/core/decode/segment';
import type { Flow } from '../../src/core/flows/flow';
import { loadModel } from '../../src/core/load';
import { parseSsSamples } from '../../src/core/trace/ss';
import { packetDetails } from '../../src/core/view/packet';
import { buildSeries } from '../../src/core/view/series';
import { type CaptureView, type Direction, MessageType, type PacketDetails, type SeriesQuery, type SeriesResult, type SummaryMessage } from '../../src/protocol';
import { stringifyTyped } from './typed-json';

export const PIXEL_WIDTH = 1200;
/** Record every packet of the recorded flows up to this many; beyond, only the telling ones. */
const ALL_PACKETS_UP_TO = 3000;

export interface RecordedFixture {
  name: string;
  summary: CaptureView;
  messages: SummaryMessage[];
  series: { query: SeriesQuery; result: SeriesResult }[];
  packets: { flowId: number; frame: number; details: PacketDetails }[];
}

export async function record(capture: string, ssPath?: string): Promise<RecordedFixture> {
  const samples = ssPath ? parseSsSamples(await readFile(ssPath, 'utf8')).samples : undefined;
  const model = await loadModel(capture, { samples });
  const flows = model.ingest.flows.flows;
  const analyses = model.analyses;
  const fileName = basename(capture);
  // The view the worker's final update carries (stable ids, revision, the capture's comments).
  const summary = model.model.view(fileName);
  const recorded = flows.filter((f) => f.id === 0 || analyses[f.id].stalls.length > 0 || analyses[f.id].findings.length > 0);
  const series = recorded.flatMap((f) => queriesFor(f, analyses[f.id]).map((query) => ({ query, result: buildSeries(f, analyses[f.id], query) })));
  const total = recorded.reduce((n, f) => n + f.packets.length, 0);
  const packets = recorded.flatMap((f) =>
    framesFor(f, analyses[f.id], total <= ALL_PACKETS_UP_TO).map((frame) => ({ flowId: f.id, frame, details: packetDetails(f, analyses[f.id], frame) })),
  );
  return { name: basename(capture, extname(capture)), summary, messages: [{ type: MessageType.Summary, capture: summary }], series, packets };
}

/** Both directions over the whole flow, and a zoom with some context around its first stall. */
function queriesFor(flow: Flow, analysis: FlowAnalysis): SeriesQuery[] {
  const p = flow.packets;
  const t0 = p.time[0];
  const t1 = p.time[p.length - 1];
  const queries: SeriesQuery[] = (['ab', 'ba'] as const).map((direction) => ({ flowId: flow.id, direction, t0, t1, pixelWidth: PIXEL_WIDTH }));
  const stall = analysis.stalls[0];
  if (stall) {
    const pad = Math.max(0.25 * (stall.end - stall.start), 0.01);
    const direction: Direction = stall.receiver === 1 ? 'ab' : 'ba';
    queries.push({ flowId: flow.id, direction, t0: Math.max(t0, stall.start - pad), t1: Math.min(t1, stall.end + pad), pixelWidth: PIXEL_WIDTH });
  }
  return queries;
}

function framesFor(flow: Flow, analysis: FlowAnalysis, all: boolean): number[] {
  const p = flow.packets;
  if (all) return Array.from(p.frame.subarray(0, p.length));
  const frames = new Set<number>();
  for (let i = 0; i < p.length; i++) {
    if (p.len[i] > 0) {
      frames.add(p.frame[i]);
      break;
    }
  }
  for (let i = 0; i < p.length; i++) {
    if (p.winRaw[i] === 0 && !(p.tcpFlags[i] & (TcpFlag.SYN | TcpFlag.RST))) {
      frames.add(p.frame[i]);
      break;
    }
  }
  for (const e of analysis.stalls) [e.startFrame, e.endFrame, ...e.probeFrames].forEach((f) => frames.add(f));
  for (const f of analysis.findings) f.frames.forEach((x) => frames.add(x));
  return [...frames].sort((x, y) => x - y);
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { ss: { type: 'string' } } });
  const [capture, outPath, ...extra] = positionals;
  if (!capture || !outPath || extra.length > 0) {
    process.stderr.write('usage: npx tsx test/webview/record.ts CAPTURE OUT.json [--ss SAMPLES]\n');
    process.exitCode = 1;
    return;
  }
  const fixture = await record(capture, values.ss);
  const text = `${stringifyTyped(fixture)}\n`;
  await writeFile(outPath, text);
  process.stdout.write(`${outPath}: ${fixture.summary.flows.length} flows, ${fixture.series.length} series, ${fixture.packets.length} packets, ${(text.length / 1024).toFixed(0)} KiB\n`);
}

if (process.argv[1] && /record\.[cm]?[jt]s$/.test(process.argv[1])) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`record: ${(err as Error).message ?? err}\n`);
    process.exitCode = 2;
  });
}
