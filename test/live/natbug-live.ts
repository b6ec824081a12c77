/**
 * The reference NAT (test/fixtures/natbug/run.py) running while tests attach to it: started with
 * --progress and --hold, so a test learns the namespace when the receiver listens, attaches its
 * sources, then lets the sender start; `senderDone` is the wall time run.py saw the sender finish.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NatBugEpisode } from './natbug-capture.mjs';

const RUNNER = join(__dirname, '..', 'fixtures', 'natbug', 'run.py');

export interface NatBugRunFiles {
  capture: string;
  trace: string;
  consommeLog: string;
  traceSocket: string;
  hold: string;
}

export interface NatBugRunSummary {
  ok: boolean;
  error?: string;
  problems?: string[];
  seconds: number;
  episodes: NatBugEpisode[];
  receiver: { window_closures: number; reopened_by_probe_reply: number; updates_sent: number; uptime_epoch: number };
}

export interface NatBugLiveRun {
  /** The receiver listens: its network namespace (tun0 inside). */
  ready: Promise<{ ns: string }>;
  /** Lets the sender start (creates the --hold file). */
  release(): void;
  /** Epoch seconds when the sender had sent everything and seen the receiver's FIN. */
  senderDone: Promise<number>;
  /** run.py's summary line, once it has exited. */
  finished: Promise<NatBugRunSummary>;
}

export function startNatBugRun(mode: 'buggy' | 'fixed', files: NatBugRunFiles, bytes: number, timeoutSeconds = 90): NatBugLiveRun {
  const args = [RUNNER, '--mode', mode, '--out', files.capture, '--trace', files.trace, '--consomme-log', files.consommeLog, '--trace-socket', files.traceSocket];
  args.push('--bytes', String(bytes), '--progress', '--hold', files.hold, '--timeout', String(timeoutSeconds));
  const child = spawn('python3', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: { event: string; resolve: (line: Record<string, unknown>) => void }[] = [];
  const seen: Record<string, unknown>[] = [];
  let partial = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
    const lines = (partial + s).split('\n');
    partial = lines.pop()!;
    for (const line of lines.filter(Boolean)) {
      const obj = JSON.parse(line) as Record<string, unknown>;
      seen.push(obj);
      for (const w of waiters.filter((x) => x.event === obj.event)) w.resolve(obj);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const wait = (event: string) =>
    Promise.race([
      new Promise<Record<string, unknown>>((resolve) => {
        const already = seen.find((o) => o.event === event);
        if (already) resolve(already);
        else waiters.push({ event, resolve });
      }),
      exited.then((code) => {
        throw new Error(`run.py exited (${code}) before "${event}": ${stdout.trim().split('\n').pop()} ${stderr.trim()}`);
      }),
    ]);
  const finished = exited.then((code) => {
    const summary = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as NatBugRunSummary;
    if (!summary.ok) throw new Error(`run.py (${mode}) exited with ${code}: ${summary.error ?? summary.problems?.join('; ')} ${stderr.trim()}`);
    return summary;
  });
  return {
    ready: wait('ready').then((o) => ({ ns: String(o.ns) })),
    release: () => writeFileSync(files.hold, ''),
    senderDone: wait('sender_done').then((o) => Number(o.epoch)),
    finished,
  };
}
