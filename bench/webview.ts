/**
 * `npm run bench`, webview part: the capture editor's webview in headless Chromium (Debian's, driven by
 * playwright-core), fed live by the real core instead of recorded fixtures.
 *
 *   npx tsx bench/webview.ts [--capture FILE] [--one-flow FILE] [--steps N] [--out FILE]
 *
 * In this process the capture is parsed and analysed as the parse worker does (read into a
 * CaptureModel, refreshed, its view); a small server serves the webview
 * harness page (test/webview/harness/index.html, the webview bundle) with its own `harness.js`: a fake
 * `acquireVsCodeApi` that hands every message to this process (page.exposeBinding), which answers Ready
 * with the Summary message and Series requests with buildSeries, live (typed arrays sent as base64).
 * The page's requestAnimationFrame is wrapped to time every callback and to tell the timeline's draws
 * (the ones that rewrite the lanes element's data attributes) from the rest.
 *
 * Measured (performance.now() in the page):
 *   1. open → first drawn timeline, big capture: from posting the Summary message to the end of the first
 *      draw with series data (lanes data-state=ready; non-background pixels checked in the sequence lane),
 *      so it includes the Series request, buildSeries in this process and the reply; parse time apart;
 *   2. redraw of all open lanes at full range with a 1-flow capture of ~1 M data segments (forced by a
 *      theme-change mutation, as VS Code's theme switch does), median of 10; also with only the sequence
 *      lane open;
 *   3. pan/zoom: 30 wheel steps and 30 drag steps on the 1 M-segment flow, each step's draw duration
 *      (p95 against 16 ms) and its input-to-drawn latency.
 * Misses are reported, never fatal. Results: bench/out/webview.json.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { chromium, type Page } from 'playwright-core';
import type { Flow } from '../src/core/flows/flow';
import { packetDetails } from '../src/core/view/packet';
import type { FlowAnalysis } from '../src/core/analysis/analyze';
import { readIntoModel } from '../src/core/load';
import { CaptureModel } from '../src/core/model/captureModel';
import { buildSeries } from '../src/core/view/series';
import type { CaptureView } from '../src/protocol';

const ROOT = join(__dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CACHE = process.env.TFL_BENCH_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tcp-flow-lens');
const TARGET = { firstDrawMs: 2000, redrawMs: 50, frameP95Ms: 16 };
const VIEWPORT = { width: 1400, height: 900 };

const { values: args } = parseArgs({
  options: {
    capture: { type: 'string', default: join(CACHE, 'big.pcap') },
    'one-flow': { type: 'string', default: join(CACHE, 'oneflow-1m.pcap') },
    steps: { type: 'string', default: '30' },
    out: { type: 'string', default: join(ROOT, 'bench/out/webview.json') },
  },
});

interface Model {
  file: string;
  view: CaptureView;
  flows: readonly Flow[];
  analyses: readonly FlowAnalysis[];
  parseMs: number;
  analyseMs: number;
}

async function load(file: string): Promise<Model> {
  const t0 = performance.now();
  // The file read into a CaptureModel, as the worker does; the analysis is timed apart (the first refresh).
  const model = new CaptureModel({ name: file, kind: 'capture' });
  await readIntoModel(file, model);
  const t1 = performance.now();
  model.refresh();
  const analyses = model.allAnalyses();
  const view = model.view(file.split('/').pop()!);
  return { file, view, flows: model.flows, analyses, parseMs: t1 - t0, analyseMs: performance.now() - t1 };
}

/** Typed arrays as {$b64: ctor, data: base64}, for the trip through exposeBinding's JSON. */
function encode(value: unknown): unknown {
  if (ArrayBuffer.isView(value)) {
    const v = value as Uint8Array;
    return { $b64: v.constructor.name, data: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') };
  }
  if (Array.isArray(value)) return value.map(encode);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
  return value;
}

/** The page side: fake VS Code API bridged to this process, rAF timing, theme from the harness's themes. */
const BRIDGE = `
import { THEMES } from './themes';
const theme = THEMES.dark;
document.body.className = theme.bodyClass;
for (const [k, v] of Object.entries(theme.vars)) document.documentElement.style.setProperty('--vscode-' + k, v);

const CTORS = { Float64Array, Float32Array, Uint32Array, Int32Array, Uint16Array, Int16Array, Uint8Array, Int8Array };
function decode(v) {
  if (Array.isArray(v)) return v.map(decode);
  if (v && typeof v === 'object') {
    if (typeof v.$b64 === 'string') {
      const bin = atob(v.data);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      return new CTORS[v.$b64](bytes.buffer);
    }
    const o = {};
    for (const k in v) o[k] = decode(v[k]);
    return o;
  }
  return v;
}

const bench = { summaryAt: 0, frames: [], inputs: [], errors: [], replies: [] };
window.addEventListener('error', (e) => bench.errors.push(String(e.message)));
for (const type of ['wheel', 'pointerdown', 'pointermove']) window.addEventListener(type, () => bench.inputs.push({ type, t: performance.now() }), { capture: true });

// Every animation-frame callback timed; a draw is one that rewrote the lanes' data-plot-left.
const raf = window.requestAnimationFrame.bind(window);
window.requestAnimationFrame = (cb) => raf((ts) => {
  const lanes = document.querySelector('.lanes');
  const before = lanes ? lanes.dataset.plotLeft : undefined;
  if (lanes) lanes.dataset.plotLeft = '?';
  const s = performance.now();
  try { cb(ts); } finally {
    const d = performance.now() - s;
    const drew = !!lanes && lanes.dataset.plotLeft !== '?';
    if (lanes && !drew) { if (before === undefined) delete lanes.dataset.plotLeft; else lanes.dataset.plotLeft = before; }
    const query = drew && lanes.dataset.query ? JSON.parse(lanes.dataset.query) : undefined;
    bench.frames.push({ s, d, ts, drew, state: drew ? lanes.dataset.state : undefined, flow: query ? query.flowId : undefined });
  }
});

function deliver(messages) {
  for (const m of messages) {
    const data = decode(m);
    if (data.type === 'summary') bench.summaryAt = performance.now();
    window.dispatchEvent(new MessageEvent('message', { data }));
  }
}
const STATE = 'tcp-flow-lens-bench-state';
const api = {
  postMessage(msg) {
    const at = performance.now();
    window.__tflHost(msg).then((answer) => {
      if (msg.type === 'series') bench.replies.push({ asked: at, answered: performance.now() });
      deliver(answer);
    });
  },
  getState() { const raw = sessionStorage.getItem(STATE); return raw ? JSON.parse(raw) : undefined; },
  setState(s) { sessionStorage.setItem(STATE, JSON.stringify(s)); },
};
window.acquireVsCodeApi = () => api;
window.__bench = bench;
`;

async function startServer(): Promise<{ url: string; close(): Promise<void> }> {
  const harness = (await esbuild.build({ stdin: { contents: BRIDGE, resolveDir: join(ROOT, 'test/webview/harness'), loader: 'js' }, bundle: true, write: false, format: 'iife', target: 'es2022', logLevel: 'silent' })).outputFiles[0].text;
  const dist = join(ROOT, 'dist/webview.js');
  const webview = existsSync(dist)
    ? await readFile(dist, 'utf8')
    : (await esbuild.build({ entryPoints: [join(ROOT, 'webview/main.ts')], bundle: true, write: false, platform: 'browser', format: 'iife', target: 'es2022', minify: true, logLevel: 'silent' })).outputFiles[0].text;
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const send = (status: number, body: string | Buffer, type: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    try {
      if (path === '/' || path === '/index.html') return send(200, await readFile(join(ROOT, 'test/webview/harness/index.html')), 'text/html');
      if (path === '/harness.js') return send(200, harness, 'text/javascript');
      if (path === '/dist/webview.js') return send(200, webview, 'text/javascript');
      if (path.startsWith('/media/') && !normalize(path).includes('..')) return send(200, await readFile(join(ROOT, path.slice(1))), path.endsWith('.css') ? 'text/css' : 'application/octet-stream');
      send(404, 'not found', 'text/plain');
    } catch {
      send(404, 'not found', 'text/plain');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The host: Ready → Summary; Series → buildSeries; PacketDetails → packetDetails. Returns messages to deliver. */
function host(model: Model, seriesMs: number[], msg: { type: string; requestId?: number; query?: { flowId: number }; flowId?: number; frame?: number }): unknown[] {
  if (msg.type === 'ready') return [{ type: 'summary', capture: model.view }];
  if (msg.type === 'series' || msg.type === 'packetDetails') {
    try {
      const flowId = msg.type === 'series' ? msg.query!.flowId : msg.flowId!;
      const t = performance.now();
      const result = msg.type === 'series' ? buildSeries(model.flows[flowId], model.analyses[flowId], msg.query as never) : packetDetails(model.flows[flowId], model.analyses[flowId], msg.frame!);
      if (msg.type === 'series') seriesMs.push(performance.now() - t);
      return [encode({ type: 'reply', inReplyTo: msg.requestId, ok: true, result })];
    } catch (err) {
      return [{ type: 'reply', inReplyTo: msg.requestId, error: String((err as Error).message ?? err) }];
    }
  }
  if (msg.requestId !== undefined) return [{ type: 'reply', inReplyTo: msg.requestId, ok: true }];
  return [];
}

interface Frame {
  s: number;
  d: number;
  ts: number;
  drew: boolean;
  state?: string;
  flow?: number;
}

const median = (xs: number[]) => quantile(xs, 0.5);
function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (i - lo);
}
const frames = (page: Page): Promise<Frame[]> => page.evaluate(() => (window as unknown as { __bench: { frames: Frame[] } }).__bench.frames);
/** Waits `n` animation frames in the page (a string: tsx would wrap named functions in __name, unknown there). */
const nextFrames = (page: Page, n = 2) => page.evaluate(`new Promise((resolve) => { let i = ${n}; const step = () => (i-- === 0 ? resolve() : requestAnimationFrame(step)); step(); })`);
/** Waits until no draw happened for `quietMs` (series replies settled). */
async function settle(page: Page, quietMs = 400, maxMs = 20000): Promise<void> {
  const end = Date.now() + maxMs;
  let last = -1;
  let since = Date.now();
  while (Date.now() < end) {
    const n = (await frames(page)).filter((f) => f.drew).length;
    if (n !== last) [last, since] = [n, Date.now()];
    else if (Date.now() - since >= quietMs) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Non-background pixels in the sequence lane's canvas (data drawn, not just grid and axes). */
function sequenceInk(page: Page): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.querySelector<HTMLCanvasElement>('.lane[data-lane="sequence"] canvas')!;
    const ctx = canvas.getContext('2d')!;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const [r0, g0, b0] = [data[0], data[1], data[2]];
    let ink = 0;
    for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i] - r0) + Math.abs(data[i + 1] - g0) + Math.abs(data[i + 2] - b0) > 60) ink++;
    return ink;
  });
}

async function openPage(browser: import('playwright-core').Browser, url: string, model: Model, seriesMs: number[]): Promise<Page> {
  const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1, reducedMotion: 'reduce' });
  const page = await context.newPage();
  await page.exposeBinding('__tflHost', (_source, msg) => host(model, seriesMs, msg));
  await page.goto(url);
  await page.waitForFunction(() => document.querySelector('.lanes')?.getAttribute('data-state') === 'ready', undefined, { timeout: 60000 });
  return page;
}

/** Forces a redraw the way a theme switch does (a class mutation on <html>); returns the draw's duration. */
async function forcedRedraw(page: Page): Promise<number> {
  const before = (await frames(page)).length;
  await page.evaluate(() => document.documentElement.classList.toggle('bench-redraw'));
  await nextFrames(page, 3);
  const draws = (await frames(page)).slice(before).filter((f) => f.drew);
  return draws.length ? Math.max(...draws.map((f) => f.d)) : NaN;
}

async function redraws(page: Page, n = 10): Promise<number[]> {
  await forcedRedraw(page); // warm-up
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(await forcedRedraw(page));
  return out;
}

/** Data segments (payload > 0) sent in one direction (dir 0: a → b). */
function dataSegments(flow: Flow, dir: number): number {
  const p = flow.packets;
  let n = 0;
  for (let i = 0; i < p.length; i++) if (p.len[i] > 0 && p.dir[i] === dir) n++;
  return n;
}

async function main(): Promise<void> {
  const steps = Number(args.steps);
  const bigFile = args.capture!;
  const oneFile = args['one-flow']!;
  if (!existsSync(bigFile)) throw new Error(`${bigFile} is missing: run node bench/run.mjs first (it makes the big capture)`);
  if (!existsSync(oneFile)) {
    const { writeSyntheticPcap } = (await import(join(ROOT, 'bench/synth.mjs'))) as { writeSyntheticPcap: (p: string, o: { packets: number; flows: number }) => unknown };
    process.stdout.write(`making ${oneFile} (bench/synth.mjs, 1 flow, 1.52 M packets ≈ 1 M data segments)…\n`);
    mkdirSync(dirname(oneFile), { recursive: true });
    writeSyntheticPcap(oneFile, { packets: 1_520_000, flows: 1 });
  }

  const server = await startServer();
  const home = await mkdtemp(join(tmpdir(), 'tfl-bench-chromium-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--font-render-hinting=none'],
    env: { ...process.env, XDG_CONFIG_HOME: home, XDG_CACHE_HOME: home, HOME: home },
  });
  const result: Record<string, unknown> = { when: new Date().toISOString(), chromium: browser.version(), viewport: VIEWPORT, targets: TARGET };
  try {
    // ---- 1. open → first drawn timeline, big capture
    process.stdout.write(`parsing ${bigFile}…\n`);
    const big = await load(bigFile);
    const bigSeries: number[] = [];
    const page1 = await openPageWith(browser, server.url, big, bigSeries);
    const f1 = await frames(page1);
    const summaryAt = await page1.evaluate(() => (window as unknown as { __bench: { summaryAt: number } }).__bench.summaryAt);
    const first = f1.find((f) => f.drew && f.state === 'ready' && f.s >= summaryAt)!;
    const firstDrawMs = first.s + first.d - summaryAt;
    const ink1 = await sequenceInk(page1);
    const shownFlow = await page1.evaluate(() => JSON.parse(document.querySelector<HTMLElement>('.lanes')!.dataset.query ?? 'null'));
    result.open = {
      capture: bigFile,
      packets: big.flows.reduce((n, f) => n + f.packets.length, 0),
      flows: big.flows.length,
      parseMs: Math.round(big.parseMs),
      analyseMs: Math.round(big.analyseMs),
      firstDrawMs: round(firstDrawMs),
      firstSeriesBuildMs: round(bigSeries[0] ?? NaN),
      shownQuery: shownFlow,
      shownFlowPackets: big.flows[shownFlow?.flowId ?? 0]?.packets.length,
      sequenceInkPixels: ink1,
    };
    // Then a click on the capture's largest flow (~280 k packets): click → its first drawn timeline.
    await settle(page1);
    const largest = big.flows.reduce((a, f) => (f.packets.length > a.packets.length ? f : a));
    const before = (await frames(page1)).length;
    const clickedAt = await page1.evaluate((id) => {
      const t = performance.now();
      document.querySelector<HTMLElement>(`.flow-spacer [data-flow-id="${id}"]`)!.click();
      return t;
    }, largest.id);
    await page1.waitForFunction((id) => JSON.parse(document.querySelector<HTMLElement>('.lanes')?.dataset.query ?? '{}').flowId === id && document.querySelector('.lanes')?.getAttribute('data-state') === 'ready', largest.id, { timeout: 60000 });
    await nextFrames(page1, 2);
    const drawn = (await frames(page1)).slice(before).find((f) => f.drew && f.state === 'ready' && f.flow === largest.id);
    result.openLargest = {
      flowId: largest.id,
      flowPackets: largest.packets.length,
      dataSegments: dataSegments(largest, 0),
      clickToDrawnMs: drawn ? round(drawn.s + drawn.d - clickedAt) : null,
      buildSeriesMs: round(bigSeries[bigSeries.length - 1] ?? NaN),
      sequenceInkPixels: await sequenceInk(page1),
    };
    await page1.context().close();

    // ---- 2. redraw with a 1 M-segment flow, 3. pan/zoom
    process.stdout.write(`parsing ${oneFile}…\n`);
    const one = await load(oneFile);
    const oneSeries: number[] = [];
    const page = await openPageWith(browser, server.url, one, oneSeries);
    await settle(page);
    const flow = one.flows[0];
    const segs = dataSegments(flow, 0);
    const q = await page.evaluate(() => JSON.parse(document.querySelector<HTMLElement>('.lanes')!.dataset.query ?? 'null'));
    const bars = await page.evaluate(() => document.querySelector('.lane[data-lane="sequence"] canvas')?.getAttribute('aria-label'));
    const all = await redraws(page);
    // Only the sequence lane open: collapse the other two through their headers.
    for (const id of ['window', 'recvq']) await page.click(`.lane[data-lane="${id}"] .lane-toggle`);
    await settle(page);
    const seqOnly = await redraws(page);
    for (const id of ['window', 'recvq']) await page.click(`.lane[data-lane="${id}"] .lane-toggle`);
    await settle(page);
    result.redraw = {
      capture: oneFile,
      flowPackets: flow.packets.length,
      dataSegments: segs,
      query: q,
      sequenceLaneLabel: bars,
      allLanesMs: all.map(round),
      allLanesMedianMs: round(median(all)),
      sequenceOnlyMs: seqOnly.map(round),
      sequenceOnlyMedianMs: round(median(seqOnly)),
    };

    // 3. pan/zoom: wheel steps in, then drag steps, each step followed by two frames.
    const box = (await page.locator('.lane[data-lane="sequence"] .lane-body').boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    await page.mouse.move(cx, cy);
    await settle(page);
    const stepStats: { kind: string; drawMs: number; latencyMs: number; draws: number }[] = [];
    const runStep = async (kind: string, act: () => Promise<void>) => {
      const before = (await frames(page)).length;
      const t = await page.evaluate(() => performance.now());
      await act();
      await nextFrames(page, 2);
      const fr = (await frames(page)).slice(before).filter((f) => f.drew);
      if (fr.length === 0) return;
      const end = fr[0].s + fr[0].d;
      stepStats.push({ kind, drawMs: Math.max(...fr.map((f) => f.d)), latencyMs: end - t, draws: fr.length });
    };
    for (let i = 0; i < steps; i++) await runStep('wheel', () => page.mouse.wheel(0, i < steps * 0.6 ? -120 : 120));
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    for (let i = 0; i < steps; i++) {
      const x = cx + (i < steps / 2 ? -(i + 1) * 12 : -(steps - i - 1) * 12);
      await runStep('drag', () => page.mouse.move(x, cy));
    }
    await page.mouse.up();
    await settle(page);
    const fAll = (await frames(page)).filter((f) => f.drew);
    const draws = stepStats.map((s) => s.drawMs);
    const lat = stepStats.map((s) => s.latencyMs);
    const rafIntervals = fAll.slice(1).map((f, i) => f.ts - fAll[i].ts).filter((d) => d > 0 && d < 200);
    result.panZoom = {
      steps: stepStats.length,
      drawP50Ms: round(median(draws)),
      drawP95Ms: round(quantile(draws, 0.95)),
      drawMaxMs: round(Math.max(...draws)),
      inputToDrawnP50Ms: round(median(lat)),
      inputToDrawnP95Ms: round(quantile(lat, 0.95)),
      seriesRequests: oneSeries.length,
      buildSeriesMedianMs: round(median(oneSeries)),
      rafIntervalP50Ms: round(median(rafIntervals)),
      perStepDrawMs: stepStats.map((x) => `${x.kind[0]}${round(x.drawMs)}`).join(' '),
      errors: await page.evaluate(() => (window as unknown as { __bench: { errors: string[] } }).__bench.errors),
    };
    result.oneFlowParse = { parseMs: Math.round(one.parseMs), analyseMs: Math.round(one.analyseMs) };
    await page.context().close();
  } finally {
    await browser.close();
    await server.close();
    await rm(home, { recursive: true, force: true });
  }

  const o = result.open as Record<string, number>;
  const r = result.redraw as Record<string, number>;
  const p = result.panZoom as Record<string, number>;
  const l = result.openLargest as Record<string, number>;
  const verdict = (v: number, t: number) => (Number.isFinite(v) ? (v < t ? 'PASS' : 'MISS') : 'n/a');
  const rows = [
    ['open → first drawn timeline (big capture, after parse)', o.firstDrawMs, TARGET.firstDrawMs],
    [`select its largest flow (${l.flowPackets} packets) → drawn`, l.clickToDrawnMs, TARGET.firstDrawMs],
    [`redraw, ${(r.dataSegments / 1e6).toFixed(2)} M-segment flow, full range, all lanes (median of 10)`, r.allLanesMedianMs, TARGET.redrawMs],
    ['redraw, same, sequence lane only (median of 10)', r.sequenceOnlyMedianMs, TARGET.redrawMs],
    [`pan/zoom draw per frame p95 (${p.steps} steps)`, p.drawP95Ms, TARGET.frameP95Ms],
  ] as const;
  result.verdicts = Object.fromEntries(rows.map(([name, v, t]) => [name, verdict(v, t)]));
  const w = Math.max(...rows.map((x) => x[0].length));
  process.stdout.write(`\nWebview (headless Chromium ${result.chromium}, ${VIEWPORT.width}×${VIEWPORT.height})\n`);
  process.stdout.write(`  parse + analyse: big ${o.parseMs} + ${o.analyseMs} ms (${o.packets} packets), 1-flow ${(result.oneFlowParse as Record<string, number>).parseMs} + ${(result.oneFlowParse as Record<string, number>).analyseMs} ms\n`);
  for (const [name, v, t] of rows) process.stdout.write(`  ${name.padEnd(w)}  ${String(v).padStart(8)} ms  target < ${t} ms  ${verdict(v, t)}\n`);
  process.stdout.write(`  (pan/zoom input → drawn p50 ${p.inputToDrawnP50Ms} ms, p95 ${p.inputToDrawnP95Ms} ms; buildSeries median ${p.buildSeriesMedianMs} ms over ${p.seriesRequests} requests)\n`);
  mkdirSync(dirname(args.out!), { recursive: true });
  writeFileSync(args.out!, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`results: ${args.out}\n`);
}

function openPageWith(browser: import('playwright-core').Browser, url: string, model: Model, seriesMs: number[]): Promise<Page> {
  return openPage(browser, url, model, seriesMs);
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

main().catch((err: unknown) => {
  process.stderr.write(`bench/webview: ${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
