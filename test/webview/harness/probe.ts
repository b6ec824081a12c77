/**
 * Test-side helpers: read a fixture in node, ask the page where the timelines are and what time
 * window they show, and read canvas pixels at lane coordinates, so assertions compute expected
 * positions with the same scale (x = plotLeft + (t − t0) / (t1 − t0) · plotWidth).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { CaptureView, SeriesResult, StallRow, SummaryMessage, WebviewState } from '../../../src/protocol';
import { decodeTyped, type Fixture } from './fixture';
import { THEMES } from './themes';

export const FIXTURE_DIR = join(__dirname, '../fixtures');

/** Recorded fixtures of real captures first; the synthetic one always. */
export function availableFixtures(): string[] {
  return ['natbug-buggy', 'zw02', 'synthetic'].filter((name) => existsSync(join(FIXTURE_DIR, `${name}.json`)));
}

export function loadFixture(name: string): Fixture {
  return decodeTyped<Fixture>(JSON.parse(readFileSync(join(FIXTURE_DIR, `${name}.json`), 'utf8')));
}

export function captureOf(fixture: Fixture): CaptureView {
  const summary = fixture.messages.filter((m): m is SummaryMessage => m.type === ('summary' as SummaryMessage['type'])).pop();
  if (!summary) throw new Error(`fixture ${fixture.name} has no summary`);
  return summary.capture;
}

/** The flow the webview must select first: most owed time, then stall time, then packets. */
export function mostOwedFlowId(view: CaptureView): number {
  const key = (i: number) => [view.health[i]?.owedSeconds ?? 0, view.health[i]?.stallSeconds ?? 0, view.flows[i].packetsAtoB + view.flows[i].packetsBtoA];
  let best = 0;
  for (let i = 1; i < view.flows.length; i++) {
    const [a, b] = [key(i), key(best)];
    const j = a.findIndex((v, k) => v !== b[k]);
    if (j >= 0 && a[j] > b[j]) best = i;
  }
  return view.flows[best].id;
}

export function stallsShown(view: CaptureView, flowId: number, direction: string): StallRow[] {
  const receiver = direction === 'ab' ? 'b' : 'a';
  return view.stalls.filter((s) => s.flowId === flowId && s.receiver === receiver);
}

export interface Geometry {
  t0: number;
  t1: number;
  plotLeft: number;
  plotWidth: number;
  direction: string;
  query: SeriesResult['query'] | null;
  /** Lane bodies' boxes relative to the lanes element. */
  lanes: Record<string, { top: number; height: number }>;
}

export async function geometry(page: Page): Promise<Geometry> {
  return page.evaluate(() => {
    const el = document.querySelector<HTMLElement>('.lanes')!;
    const box = el.getBoundingClientRect();
    const lanes: Record<string, { top: number; height: number }> = {};
    for (const lane of Array.from(document.querySelectorAll<HTMLElement>('.lane'))) {
      const body = lane.querySelector<HTMLElement>('.lane-body')!.getBoundingClientRect();
      lanes[lane.dataset.lane!] = { top: body.top - box.top, height: body.height };
    }
    const d = el.dataset;
    return {
      t0: Number(d.t0),
      t1: Number(d.t1),
      plotLeft: Number(d.plotLeft),
      plotWidth: Number(d.plotWidth),
      direction: document.querySelector<HTMLElement>('.timeline-toolbar')?.dataset.direction ?? 'ab',
      query: d.query ? JSON.parse(d.query) : null,
      lanes,
    };
  });
}

export function xOf(g: Geometry, t: number): number {
  return g.plotLeft + ((t - g.t0) / (g.t1 - g.t0)) * g.plotWidth;
}

/** Waits until the timelines show a series answer and two more frames have been drawn. */
export async function settled(page: Page): Promise<void> {
  await page.waitForSelector('.lanes[data-state="ready"]');
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  await page.waitForTimeout(180); // the series debounce, and a reply that may follow it
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** RGBA pixels of a lane's canvas at lane coordinates (x in the lanes element, y in the lane body), in CSS px. */
export async function pixels(page: Page, lane: string, points: [number, number][]): Promise<number[][]> {
  return page.evaluate(
    ({ lane, points }) => {
      const canvas = document.querySelector<HTMLCanvasElement>(`.lane-${lane} canvas`)!;
      const ctx = canvas.getContext('2d')!;
      const dpr = canvas.width / canvas.getBoundingClientRect().width;
      const left = Number(document.querySelector<HTMLElement>('.lanes')!.dataset.plotLeft);
      return points.map(([x, y]) => Array.from(ctx.getImageData(Math.round((x - left) * dpr), Math.round(y * dpr), 1, 1).data));
    },
    { lane, points },
  );
}

export function hex(c: string): number[] {
  const v = c.replace('#', '');
  return [0, 2, 4].map((i) => parseInt(v.slice(i, i + 2), 16));
}

export function themeColour(theme: string, name: string): number[] {
  return hex(THEMES[theme].vars[name]);
}

/** `over` at `alpha` on `under`, as canvas compositing gives it. */
export function blend(under: number[], over: number[], alpha: number): number[] {
  return under.map((u, i) => Math.round(u * (1 - alpha) + over[i] * alpha));
}

export function near(a: number[], b: number[], tolerance: number): boolean {
  return a.slice(0, 3).every((v, i) => Math.abs(v - b[i]) <= tolerance);
}

/** The series answer on screen, from the fixture (the harness answers with recorded results, queries and all). */
export function drawnResult(fixture: Fixture, g: Geometry): SeriesResult | undefined {
  if (!g.query) return undefined;
  return fixture.series.find((s) => JSON.stringify(s.query) === JSON.stringify(g.query))?.result ?? fixture.series.find((s) => JSON.stringify(s.result.query) === JSON.stringify(g.query))?.result;
}

/** Puts a view state where VS Code would keep it and reopens the page, as when a hidden tab comes back. */
export async function reopenWithState(page: Page, state: WebviewState): Promise<void> {
  await page.evaluate((s) => sessionStorage.setItem('tcp-flow-lens-harness-state', JSON.stringify(s)), state);
  await page.reload();
  await page.waitForSelector('.flow-spacer [data-flow-id]');
  await settled(page);
}

/** Single, unmerged segments of a result with the time to their nearest neighbour (segment or marker of another frame). */
export function loneSegments(r: SeriesResult): { index: number; time: number; frame: number; gap: number }[] {
  const seg = r.segments;
  const others = [...Array.from(seg.time, (t, i) => ({ t, frame: seg.frame[i] })), ...Array.from(r.markers.time, (t, i) => ({ t, frame: r.markers.frame[i] }))];
  const out = [];
  for (let i = 0; i < seg.time.length; i++) {
    // Data only: SYN and FIN bars count one sequence number but carry no payload.
    if (seg.count[i] !== 1 || seg.end[i] - seg.seq[i] < 2) continue;
    let gap = Infinity;
    for (const o of others) if (o.frame !== seg.frame[i]) gap = Math.min(gap, Math.abs(o.t - seg.time[i]));
    out.push({ index: i, time: seg.time[i], frame: seg.frame[i], gap });
  }
  return out;
}

/**
 * Reopens the page zoomed around the loneliest single data segment recorded for the flow, and
 * returns that segment as drawn now (index into the drawn answer), apart from its neighbours by more
 * than the hit radius.
 */
export async function zoomToLoneSegment(page: Page, fixture: Fixture, flowId: number, direction: 'ab' | 'ba', frames?: Set<number>) {
  const lone = fixture.series
    .filter((s) => s.query.flowId === flowId && s.query.direction === direction)
    .flatMap((s) => loneSegments(s.result))
    .filter((c) => Number.isFinite(c.gap) && (!frames || frames.has(c.frame)))
    .sort((a, b) => b.gap - a.gap)[0];
  if (!lone) throw new Error('the fixture has no single segment for this flow');
  const half = lone.gap * 8;
  await reopenWithState(page, { selectedFlowId: flowId, direction, view: { t0: lone.time - half, t1: lone.time + half } });
  const g = await geometry(page);
  const data = drawnResult(fixture, g);
  if (!data) throw new Error(`the drawn series ${JSON.stringify(g.query)} is not in the fixture`);
  const inView = (x: number) => x > g.plotLeft + 10 && x < g.plotLeft + g.plotWidth - 10;
  const target = loneSegments(data)
    .filter((c) => inView(xOf(g, c.time)) && (c.gap / (g.t1 - g.t0)) * g.plotWidth > 9 && (!frames || frames.has(c.frame)))
    .sort((a, b) => Math.abs(a.time - lone.time) - Math.abs(b.time - lone.time))[0];
  if (!target) throw new Error(`no isolated single segment in view ${g.t0}..${g.t1}`);
  return { g, data, target };
}
