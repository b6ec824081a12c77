#!/usr/bin/env node
// `npm run bench`, last step: the live-ingest bench (bench/live.ts), bundled with esbuild as the worker is
// and run part by part in fresh processes (so one part's memory does not show in the next one's RSS).
//   node bench/live-run.mjs [--quick]      results: bench/out/live.json
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(HERE, 'out');
mkdirSync(OUT, { recursive: true });
const bundle = path.join(OUT, 'live.cjs');
await build({ entryPoints: [path.join(HERE, 'live.ts')], outfile: bundle, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
const quick = process.argv.includes('--quick') ? ['--quick'] : [];
const results = {};
for (const part of ['bytes', 'ingest', 'paced', 'paced2x', 'one', 'memory', 'first']) {
  const run = spawnSync(process.execPath, ['--expose-gc', bundle, '--part', part, ...quick], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  const lines = run.stdout.trimEnd().split('\n');
  const last = lines.pop();
  process.stdout.write(`${lines.join('\n')}\n`);
  if (run.status !== 0 || !last?.startsWith('{')) {
    process.stdout.write(`live bench part ${part} failed (exit ${run.status})\n${last ?? ''}\n`);
    continue;
  }
  results[part] = JSON.parse(last).result;
}
writeFileSync(path.join(OUT, 'live.json'), `${JSON.stringify(results, null, 2)}\n`);
