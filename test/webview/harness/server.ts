/**
 * Serves the harness on 127.0.0.1 (a free port): the page, the harness and webview bundles (built
 * here with esbuild, the webview with esbuild.mjs's options, so tests always run today's source and
 * need no build first), media/ and the fixtures.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import * as esbuild from 'esbuild';

const ROOT = join(__dirname, '../../..');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.png': 'image/png', '.map': 'application/json' };

async function bundle(entry: string): Promise<string> {
  const out = await esbuild.build({ entryPoints: [join(ROOT, entry)], bundle: true, write: false, platform: 'browser', format: 'iife', target: 'es2022', logLevel: 'silent' });
  return out.outputFiles[0].text;
}

export interface HarnessServer {
  url: string;
  close(): Promise<void>;
}

/**
 * TFL_WEBVIEW=dist serves the built dist/webview.js (what the extension ships, after `node esbuild.mjs`)
 * instead of bundling webview/main.ts here.
 */
export async function startHarness(): Promise<HarnessServer> {
  const fromDist = process.env.TFL_WEBVIEW === 'dist';
  const [harnessJs, webviewJs] = await Promise.all([bundle('test/webview/harness/harness.ts'), fromDist ? readFile(join(ROOT, 'dist/webview.js'), 'utf8') : bundle('webview/main.ts')]);
  const server: Server = createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const send = (status: number, body: string | Buffer, type = 'text/plain') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    try {
      if (path === '/' || path === '/index.html') return send(200, await readFile(join(ROOT, 'test/webview/harness/index.html')), TYPES['.html']);
      if (path === '/harness.js') return send(200, harnessJs, TYPES['.js']);
      if (path === '/dist/webview.js') return send(200, webviewJs, TYPES['.js']);
      const file = path.startsWith('/media/') ? path.slice(1) : path.startsWith('/fixtures/') ? `test/webview${path}` : null;
      if (!file || normalize(file).includes('..')) return send(404, 'not found');
      const ext = file.slice(file.lastIndexOf('.'));
      return send(200, await readFile(join(ROOT, file)), TYPES[ext] ?? 'application/octet-stream');
    } catch {
      return send(404, 'not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
