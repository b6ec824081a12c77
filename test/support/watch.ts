/** The built CLI's `watch` as tests run it: its JSON lines, each with the wall time (ms) it arrived. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { CLI } from './cli';

export interface WatchLine {
  event: string;
  /** Date.now() when the line arrived. */
  at: number;
  [k: string]: unknown;
}

export interface WatchRun {
  child: ChildProcessWithoutNullStreams;
  lines: WatchLine[];
  exit: Promise<number | null>;
  until(test: () => boolean, ms?: number): Promise<void>;
  stderr(): string;
}

/** Starts `tcp-flow-lens watch ARGS` (use --json). */
export function watch(...args: string[]): WatchRun {
  const child = spawn(process.execPath, [CLI, 'watch', ...args], { stdio: 'pipe' });
  const lines: WatchLine[] = [];
  let partial = '';
  let stderr = '';
  const waiters: (() => void)[] = [];
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    const parts = (partial + s).split('\n');
    partial = parts.pop()!;
    for (const p of parts) lines.push({ ...JSON.parse(p), at: Date.now() });
    for (const w of waiters.splice(0)) w();
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const until = async (test: () => boolean, ms = 15_000) => {
    const deadline = Date.now() + ms;
    while (!test()) {
      if (Date.now() > deadline) throw new Error(`watch ${args.join(' ')}: timed out; lines: ${lines.map((l) => l.event).join(',')}; stderr: ${stderr}`);
      await new Promise<void>((r) => (waiters.push(r), setTimeout(r, 50)));
    }
  };
  return { child, lines, exit, until, stderr: () => stderr };
}
