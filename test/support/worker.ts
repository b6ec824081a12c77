/**
 * The capture worker bundled as esbuild.mjs bundles it, into a temporary folder for one test file:
 * call at the top level; `dir` and `path` are set before the file's tests run, removed after.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { build } from 'esbuild';

export function bundledWorker(prefix: string): { dir: string; path: string } {
  const worker = { dir: '', path: '' };
  before(async () => {
    worker.dir = mkdtempSync(join(tmpdir(), prefix));
    worker.path = join(worker.dir, 'parseWorker.js');
    await build({ entryPoints: ['src/host/parseWorker.ts'], outfile: worker.path, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  });
  after(() => rmSync(worker.dir, { recursive: true, force: true }));
  return worker;
}
