/**
 * timeline.png and timeline.svg for a report: the webview's timeline drawing (webview/export, built
 * to dist/reportView.js) runs in headless Chromium through playwright-core; the PNG is a screenshot
 * of the drawn page, the SVG the same draw calls recorded by an SVG context. One drawing code for
 * the editor and the report, so the image cannot drift from what the editor shows.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ComparePagePayload, TimelinePagePayload } from '../protocol';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The image's width in CSS px, and the pixel density of the PNG (2: crisp when shown 1000 px wide). */
export const IMAGE_WIDTH = 1000;
export const PNG_SCALE = 2;


/** The folder holding package.json, media/ and dist/, from dist/cli.js or src/cli/*.ts alike. */
export function packageRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'media'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the extension's folder above ${from}`);
    dir = up;
  }
  return dir;
}

/** dist/reportView.js when built; otherwise (tests, a checkout before `npm run build`) built now from webview/export. */
export async function exportBundle(root = packageRoot()): Promise<string> {
  const built = join(root, 'dist/reportView.js');
  if (existsSync(built) && !existsSync(join(root, 'webview/export/main.ts'))) return readFile(built, 'utf8');
  if (existsSync(join(root, 'webview/export/main.ts'))) {
    const esbuild = await import('esbuild');
    const out = await esbuild.build({ entryPoints: [join(root, 'webview/export/main.ts')], bundle: true, write: false, platform: 'browser', format: 'iife', target: 'es2022', logLevel: 'silent' });
    return out.outputFiles[0].text;
  }
  return readFile(built, 'utf8');
}

/** JSON with typed arrays as {"$typed", "data"} (webview/export/typed.ts reads it back). */
export function encodeTyped(value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return { $typed: value.constructor.name, data: Array.from(value as unknown as ArrayLike<number>) };
  if (Array.isArray(value)) return value.map(encodeTyped);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeTyped(v)]));
  return value;
}


/** The page with the lanes drawn (`draw`: a flow's three lanes; `compare`: two Sequence lanes overlaid), ready for a screenshot or `svg()`; the caller closes the browser. */
export async function openTimelinePage(payload: TimelinePagePayload | ComparePagePayload, root = packageRoot(), call: 'draw' | 'compare' = 'draw') {
  if (!existsSync(CHROMIUM)) throw new Error(`the timeline images need Chromium at ${CHROMIUM} (Debian: apt-get install chromium; or set CHROMIUM_PATH)`);
  const playwright = await loadPlaywright();
  const browser = await playwright.chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--font-render-hinting=none'] });
  try {
    const context = await browser.newContext({ viewport: { width: payload.width, height: 800 }, deviceScaleFactor: PNG_SCALE });
    const page = await context.newPage();
    await page.setContent('<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"></head><body></body></html>');
    for (const css of ['media/capture.css', 'media/report.css']) await page.addStyleTag({ content: await readFile(join(root, css), 'utf8') });
    await page.addScriptTag({ content: await exportBundle(root) });
    const json = JSON.stringify(encodeTyped(payload));
    await page.evaluate(([fn, text]) => (window as unknown as { __tflReport: Record<string, (t: string) => void> }).__tflReport[fn](text), [call, json] as const);
    return { browser, page };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

/**
 * playwright-core: dist/playwright.js beside dist/cli.js (the build bundles it there, so that an
 * installed extension, which has no node_modules, draws its report images too), else the package.
 */
async function loadPlaywright(): Promise<typeof import('playwright-core')> {
  const bundled = join(__dirname, 'playwright.js');
  if (existsSync(bundled)) return createRequire(__filename)(bundled) as typeof import('playwright-core');
  try {
    return await import('playwright-core');
  } catch {
    throw new Error('the timeline images need the playwright-core package (npm install playwright-core)');
  }
}

/** Both images of one selection (or of a before/after overlay). */
export async function renderTimeline(payload: TimelinePagePayload | ComparePagePayload, root = packageRoot(), call: 'draw' | 'compare' = 'draw'): Promise<{ png: Buffer; svg: string }> {
  const { browser, page } = await openTimelinePage(payload, root, call);
  try {
    const png = await page.locator('#report').screenshot({ type: 'png' });
    const svg = await page.evaluate(() => (window as unknown as { __tflReport: { svg(): string } }).__tflReport.svg());
    return { png, svg };
  } finally {
    await browser.close();
  }
}
