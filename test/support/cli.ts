/** The built command line (dist/cli.js, made by `npm run build`) as the tests run it. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { CaptureSummary } from '../../src/core/summary';

export const CLI = join(resolve(__dirname, '../..'), 'dist/cli.js');

/** `tcp-flow-lens analyze ARGS…`: exit status and output. */
export function analyzeCli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [CLI, 'analyze', ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** `analyze ARGS… --json`, which must succeed. */
export function analyzeJson(...args: string[]): CaptureSummary {
  const run = analyzeCli(...args, '--json');
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as CaptureSummary;
}
