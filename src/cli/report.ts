/**
 * `tcp-flow-lens report CAPTURE --flow ID [--from T --to T] --out DIR [--compare OTHER] [--direction ab|ba] [--no-images]`:
 * report.md, timeline.svg, timeline.png and flow.pcapng for one flow and time range.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Flow } from '../core/flows/flow';
import { handshakeOf } from '../core/report/handshake';
import { reportMarkdown, summaryLine } from '../core/report/markdown';
import { flowMetrics, matchFlows } from '../core/report/metrics';
import { emptyDocument, type ShownNote, SidecarError } from '../core/report/notes';
import { shownNotes } from '../core/report/noteFlows';
import { loadNotes } from '../core/report/sidecar';
import { commentsFor, flowFrames, writeTrimmedCapture } from '../core/report/trim';
import { toCaptureView } from '../core/view/captureView';
import { buildSeries } from '../core/view/series';
import type { CaptureView, Direction, NoteRow, TimelinePagePayload } from '../protocol';
import { flowById, type LoadedCapture, loadCapture, parseCommand, print, seconds, TOOL, UsageError, version } from './common';
import { writeCompareImages } from './compareImage';
import { IMAGE_WIDTH, PNG_SCALE, renderTimeline } from './timeline';

export async function reportCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, { flow: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' }, compare: { type: 'string' }, direction: { type: 'string' }, 'no-images': { type: 'boolean' } });
  const [file, ...extra] = positionals;
  if (!file || extra.length > 0) throw new UsageError('report takes one capture file');
  if (!values.out) throw new UsageError('report needs --out DIR');
  const c = await loadCapture(file);
  const flow = flowById(c, values.flow);
  const p = flow.packets;
  const t0 = seconds('from', values.from) ?? p.time[0];
  const t1 = seconds('to', values.to) ?? p.time[p.length - 1];
  if (t1 < t0) throw new UsageError('--to must not be before --from');
  const direction = values.direction;
  if (direction !== undefined && direction !== 'ab' && direction !== 'ba') throw new UsageError('--direction is ab (data from a to b) or ba');
  const other = values.compare ? await loadCapture(values.compare) : undefined;
  await mkdir(values.out, { recursive: true });
  const notes = await reportNotes(c, flow, t0, t1);
  const frames = flowFrames(flow, t0, t1);
  const trimmed = await writeTrimmedCapture(file, join(values.out, 'flow.pcapng'), frames, commentsFor(flow, frames, notes), TOOL);
  const captureSummary = c.summary;
  const view = toCaptureView(captureSummary, basename(file), undefined, (id) => c.analyses[id]?.limitedBy);
  const metrics = flowMetrics(flow, c.analyses[flow.id]);
  const images = values['no-images'] ? false : await images_(c, flow, view, notes, t0, t1, values.out, direction);
  const summary = captureSummary.flows[flow.id];
  const overlaps = (a: number, b: number) => b >= t0 && a <= t1;
  const stalls = summary.stalls.filter((e) => overlaps(e.start, e.end));
  const findings = summary.findings.filter((x) => {
    const stall = summary.stalls.find((e) => e.startFrame === x.frames[0] && (x.kind === 'stall' || x.kind === 'window_update_owed'));
    return stall ? overlaps(stall.start, stall.end) : x.time >= t0 && x.time <= t1;
  });
  const rows = other ? matchFlows([metrics], other.ingest.flows.flows.map((f) => flowMetrics(f, other.analyses[f.id]))) : [];
  const counterpart = other && rows[0]?.after ? other.ingest.flows.flows[rows[0].after.flow] : undefined;
  const compareImage = other && counterpart && !values['no-images'] ? await writeCompareImages(c, flow, other, counterpart, values.out) : false;
  const markdown = reportMarkdown({
    capture: { name: basename(file), format: view.format, packets: view.packets, firstPacketEpoch: captureSummary.firstPacketEpoch },
    flow: summary,
    handshake: handshakeOf(flow),
    metrics,
    range: { t0, t1, whole: values.from === undefined && values.to === undefined },
    stalls,
    findings,
    notes,
    images: { svg: images ? 'timeline.svg' : null, png: images ? 'timeline.png' : null, trimmed: 'flow.pcapng' },
    compare: other ? { before: basename(file), after: basename(other.path), rows, image: compareImage ? 'compare.png' : null } : null,
    version,
  });
  await writeFile(join(values.out, 'report.md'), markdown);
  await print(`${values.out}: report.md, ${images ? 'timeline.svg, timeline.png, ' : ''}${compareImage ? 'compare.svg, compare.png, ' : ''}flow.pcapng (${trimmed.packets} packets, ${trimmed.comments} comments)\n`);
  return 0;
}

/** The notes of the flow that fall in the range (sidecar and capture comments), numbered in time order. */
export async function reportNotes(c: LoadedCapture, flow: Flow, t0: number, t1: number): Promise<ShownNote[]> {
  let doc = emptyDocument();
  try {
    doc = await loadNotes(c.path);
  } catch (err) {
    if (!(err instanceof SidecarError)) throw err;
    process.stderr.write(`tcp-flow-lens: warning: ${err.message} The report leaves its notes out.\n`);
  }
  return shownNotes(doc, c.ingest).filter((n) => n.flowId === flow.id && (n.end ?? n.time) >= t0 && n.time <= t1);
}

/** timeline.svg and timeline.png; a machine without Chromium gets a warning and a report without them. */
async function images_(c: LoadedCapture, flow: Flow, view: CaptureView, notes: ShownNote[], t0: number, t1: number, out: string, direction?: Direction): Promise<boolean> {
  try {
    const { png, svg } = await renderTimeline(timelinePayload(c, flow, view, notes, t0, t1, direction));
    await writeFile(join(out, 'timeline.png'), png);
    await writeFile(join(out, 'timeline.svg'), svg);
    return true;
  } catch (err) {
    process.stderr.write(`tcp-flow-lens: warning: no timeline images: ${(err as Error).message}\n`);
    return false;
  }
}

/** What the timeline page draws: the flow's data direction (or the one given) over [t0, t1], that receiver's stalls, the notes numbered as in report.md. */
export function timelinePayload(c: LoadedCapture, flow: Flow, view: CaptureView, notes: ShownNote[], t0: number, t1: number, shown?: Direction): TimelinePagePayload {
  const metrics = flowMetrics(flow, c.analyses[flow.id]);
  const direction = shown ?? metrics.dataDirection;
  const receiver = direction === 'ab' ? 'b' : 'a';
  const end = Math.max(t1, t0 + 1e-6);
  const series = buildSeries(flow, c.analyses[flow.id], { flowId: flow.id, direction, t0, t1: end, pixelWidth: IMAGE_WIDTH * PNG_SCALE });
  const rows: NoteRow[] = notes.map((n, k) => ({ id: n.id, flowId: flow.id, frame: n.frame, time: n.time, end: n.end, text: n.text, source: n.source, label: k + 1 }));
  const [from, to] = direction === 'ab' ? [flow.a, flow.b] : [flow.b, flow.a];
  return {
    title: `${basename(c.path)} — flow ${flow.id}: data ${from} → ${to}`,
    subtitle: [`${t0.toFixed(6)} – ${end.toFixed(6)} s since the capture's first packet`, summaryLine(metrics)],
    series,
    stalls: view.stalls.filter((s) => s.flowId === flow.id && s.receiver === receiver),
    notes: rows,
    t0,
    t1: end,
    width: IMAGE_WIDTH,
  };
}
