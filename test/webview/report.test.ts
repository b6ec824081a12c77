/**
 * The bug report's timeline images (tcp-flow-lens report): timeline.svg must show what the editor's
 * canvas drawing shows. The page of webview/export draws natbug-buggy.pcap's flow with notes in
 * headless Chromium; its SVG (the same renderFrame recorded by SvgContext) is rasterised by the
 * same browser and compared, lane by lane and pixel by pixel, with the canvases; the owed markers,
 * probes, note badges and the limited-by strip's receiver-window time are counted by colour in both.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { loadCapture } from '../../src/cli/common';
import { timelinePayload } from '../../src/cli/report';
import { CHROMIUM, openTimelinePage } from '../../src/cli/timeline';
import { buildSeries } from '../../src/core/view/series';
import { shiftSeries } from '../../src/core/view/shift';
import type { ShownNote } from '../../src/core/report/notes';
import { summarizeCapture } from '../../src/core/summary';
import { toCaptureView } from '../../src/core/view/captureView';

const CAPTURE = join(__dirname, '../fixtures/natbug-buggy.pcap');
const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}`;
const FLOW = { a: '10.88.0.1:52270', b: '10.88.0.2:5001' };
const NOTES: ShownNote[] = [
  { id: 'n1', flow: FLOW, frame: 95, time: 0.232243, text: 'reopened only in the probe reply', created: '', source: 'sidecar', flowId: 0 },
  { id: 'n2', flow: FLOW, time: 0.3, end: 0.4, text: 'a range', created: '', source: 'sidecar', flowId: 0 },
];

let browser: Browser | undefined;
let page: Page;
let comparePage: { browser: Browser; page: Page } | undefined;
before(async () => {
  if (skip) return;
  const c = await loadCapture(CAPTURE);
  const fixed = await loadCapture(join(__dirname, '../fixtures/natbug-runs/fixed.pcap'));
  const runs = [c, fixed].map((x, k) => {
    const f = x.ingest.flows.flows[0];
    const t0 = f.packets.time[0];
    const t1 = f.packets.time[f.packets.length - 1];
    return { label: k ? 'after' : 'before', series: shiftSeries(buildSeries(f, x.analyses[0], { flowId: 0, direction: 'ab', t0, t1, pixelWidth: 2000 }), t0) };
  });
  comparePage = await openTimelinePage({ title: 'before and after', runs, span: 1, width: 1000 }, undefined, 'compare');
  const view = toCaptureView(summarizeCapture(CAPTURE, c.reader, c.ingest, c.analyses), 'natbug-buggy.pcap');
  const flow = c.ingest.flows.flows[0];
  ({ browser, page } = await openTimelinePage(timelinePayload(c, flow, view, NOTES, 0, flow.packets.time[flow.packets.length - 1])));
});
after(async () => {
  await browser?.close();
  await comparePage?.browser.close();
});

interface LaneDiff {
  lane: string;
  pixels: number;
  differing: number;
  owed: [number, number];
  probe: [number, number];
  note: [number, number];
  /** The limited-by strip's receiver-window colour (Light Modern's warning colour). */
  rwnd: [number, number];
}

/** In the page: rasterise the SVG at the page's scale and compare each lane canvas with the same region of it. */
async function compareSvgWithCanvases(svg: string, on: Page = page): Promise<LaneDiff[]> {
  // tsx names the arrow functions below with a helper the page does not have.
  await on.evaluate('window.__name = (f) => f');
  return on.evaluate(async (text) => {
    const img = new Image();
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
    await img.decode();
    const root = document.getElementById('report')!;
    const box = root.getBoundingClientRect();
    const dpr = window.devicePixelRatio;
    const raster = document.createElement('canvas');
    raster.width = Math.round(box.width * dpr);
    raster.height = Math.round(box.height * dpr);
    const rctx = raster.getContext('2d')!;
    rctx.drawImage(img, 0, 0, raster.width, raster.height);
    const near = (d: Uint8ClampedArray, i: number, rgb: number[]) => Math.abs(d[i] - rgb[0]) + Math.abs(d[i + 1] - rgb[1]) + Math.abs(d[i + 2] - rgb[2]) < 40;
    const OWED = [0xe5, 0x14, 0x00];
    const PROBE = [0xd1, 0x86, 0x16];
    const NOTE = [0x00, 0x5f, 0xb8];
    const RWND = [0xbf, 0x88, 0x03];
    return Array.from(document.querySelectorAll<HTMLCanvasElement>('canvas.plot, canvas.strip-plot')).map((canvas) => {
      const r = canvas.getBoundingClientRect();
      const a = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      const b = rctx.getImageData(Math.round((r.left - box.left) * dpr), Math.round((r.top - box.top) * dpr), canvas.width, canvas.height).data;
      let differing = 0;
      const counts = { owed: [0, 0], probe: [0, 0], note: [0, 0], rwnd: [0, 0] } as Record<string, [number, number]>;
      for (let i = 0; i < a.length; i += 4) {
        if (Math.max(Math.abs(a[i] - b[i]), Math.abs(a[i + 1] - b[i + 1]), Math.abs(a[i + 2] - b[i + 2])) > 64) differing++;
        for (const [name, rgb] of [['owed', OWED], ['probe', PROBE], ['note', NOTE], ['rwnd', RWND]] as const) {
          if (near(a, i, rgb)) counts[name][0]++;
          if (near(b, i, rgb)) counts[name][1]++;
        }
      }
      // The limited-by strip's canvas is the one plot outside a lane.
      const lane = canvas.closest('.lane')?.getAttribute('data-lane') ?? (canvas.closest('.state-strip') ? 'strip' : '?');
      return { lane, pixels: a.length / 4, differing, owed: counts.owed, probe: counts.probe, note: counts.note, rwnd: counts.rwnd };
    });
  }, svg);
}

test('timeline.svg rasterised in Chromium matches the canvas drawing of the same view', { skip }, async (t) => {
  const svg = await page.evaluate(() => (window as unknown as { __tflReport: { svg(): string } }).__tflReport.svg());
  const lanes = await compareSvgWithCanvases(svg);
  t.diagnostic(JSON.stringify(lanes));
  assert.deepEqual(lanes.map((l) => l.lane), ['sequence', 'window', 'recvq', 'strip']);
  for (const l of lanes) {
    assert.ok(l.differing / l.pixels < 0.01, `${l.lane}: ${l.differing} of ${l.pixels} pixels differ`);
    for (const key of ['owed', 'probe', 'note'] as const) {
      const [canvas, svgCount] = l[key];
      assert.ok(Math.abs(canvas - svgCount) <= Math.max(20, canvas * 0.05), `${l.lane}: ${key} pixels ${canvas} on the canvas, ${svgCount} in the SVG`);
    }
  }
  // What the report is for: the four owed markers, the probes and both notes are drawn.
  const seq = lanes[0];
  assert.ok(seq.owed[0] > 400, `owed markers drawn: ${seq.owed[0]} pixels`);
  assert.ok(seq.note[0] > 100, `note badges drawn: ${seq.note[0]} pixels`);
  assert.ok(lanes[1].probe[0] > 50, `probes drawn in the window lane: ${lanes[1].probe[0]} pixels`);
  // The limited-by strip: mostly receiver window (the flow is held by its receiver ~98 % of its busy time), in the SVG as on the canvas.
  const strip = lanes[3];
  assert.ok(strip.rwnd[0] > 0.6 * strip.pixels, `receiver-window pixels in the strip: ${strip.rwnd[0]} of ${strip.pixels}`);
  assert.ok(Math.abs(strip.rwnd[0] - strip.rwnd[1]) <= strip.pixels * 0.01, `strip: ${strip.rwnd[0]} receiver-window pixels on the canvas, ${strip.rwnd[1]} in the SVG`);
});

test('the before/after overlay: its SVG matches its canvas, both runs drawn in their colours', { skip }, async (t) => {
  const p = comparePage!.page;
  const svg = await p.evaluate(() => (window as unknown as { __tflReport: { svg(): string } }).__tflReport.svg());
  const [lane] = await compareSvgWithCanvases(svg, p);
  t.diagnostic(JSON.stringify(lane));
  assert.equal(lane.lane, 'sequence');
  assert.ok(lane.differing / lane.pixels < 0.01, `${lane.differing} of ${lane.pixels} pixels differ`);
  const blue = await p.evaluate(() => {
    const c = document.querySelector<HTMLCanvasElement>('canvas.plot')!;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (Math.abs(d[i] - 0x1a) + Math.abs(d[i + 1] - 0x85) + Math.abs(d[i + 2] - 0xff) < 40) n++;
    return n;
  });
  assert.ok(lane.probe[0] > 1000, `before (orange) drawn: ${lane.probe[0]} pixels`);
  assert.ok(blue > 1000, `after (blue) drawn: ${blue} pixels`);
});
