/**
 * `ss -tinm` sampling: every `intervalMs`, run `ss -n -tinm` (after the spec's prefix: `ssh host`,
 * `ip netns exec ns1`) and hand its sockets to the sink as SsSamples. A sample's epoch is the wall
 * time its output began to arrive, the closest we know to ss's snapshot. Runs never overlap: a slow
 * run delays the next. Failures are warnings; a missing program stops the sampler.
 */
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseSsTinm } from '../trace/ssNative';
import type { LiveSink, SsSamplingSpec } from './types';

export interface SsSamplerOptions {
  signal?: AbortSignal;
  /** A run failed or printed lines we could not read (each distinct message once). */
  onWarning?: (message: string) => void;
}

/** The ss command after the prefix: numeric (ports must match the capture's), TCP, info, memory. */
export const SS_ARGS = ['ss', '-n', '-tinm'];

export function startSsSampler(spec: SsSamplingSpec, sink: Pick<LiveSink, 'samples'>, options: SsSamplerOptions = {}): { done: Promise<void> } {
  const [command, ...args] = [...(spec.prefix ?? []), ...SS_ARGS];
  const said = new Set<string>();
  const warn = (message: string) => {
    if (said.has(message)) return;
    said.add(message);
    options.onWarning?.(message);
  };
  const loop = async () => {
    const signal = options.signal;
    while (!signal?.aborted) {
      const started = Date.now();
      const run = await runOnce(command, args, signal);
      if (run.error) {
        warn(`ss sampling (${[command, ...args].join(' ')}): ${run.error}`);
        if (run.fatal) return;
      } else {
        const { samples, warnings } = parseSsTinm(run.stdout, run.epoch);
        for (const w of warnings) warn(`ss output line ${w.line}: ${w.message}`);
        if (samples.length > 0) sink.samples(samples);
      }
      const wait = spec.intervalMs - (Date.now() - started);
      if (wait > 0) await sleep(wait, undefined, { signal }).catch(() => undefined);
    }
  };
  return { done: loop() };
}

interface Run {
  stdout: string;
  epoch: number;
  error?: string;
  fatal?: boolean;
}

function runOnce(command: string, args: string[], signal: AbortSignal | undefined): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], signal });
    let stdout = '';
    let stderr = '';
    let epoch = 0;
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      if (!epoch) epoch = Date.now() / 1000;
      stdout += s;
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    let failure: NodeJS.ErrnoException | undefined;
    child.once('error', (err) => (failure = err));
    child.once('close', (code) => {
      if (failure?.name === 'AbortError') return resolve({ stdout: '', epoch, error: undefined });
      if (failure) return resolve({ stdout: '', epoch, error: failure.code === 'ENOENT' ? `${command}: no such program` : failure.message, fatal: true });
      if (code !== 0) return resolve({ stdout: '', epoch, error: `exited with code ${code}${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}` });
      resolve({ stdout, epoch: epoch || Date.now() / 1000 });
    });
  });
}
