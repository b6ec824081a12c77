/**
 * A program whose stdout carries a capture or trace (`tcpdump -U -w - -i tun0`, the same through
 * `ssh host` or `wsl.exe -e`): started without a shell, stdout to the sink, the last lines of stderr
 * kept for the message when it exits. Stopping sends SIGTERM (SIGKILL two seconds later).
 */
import { spawn } from 'node:child_process';
import type { LiveEnd, SourceContext } from './attach';
import { IdleTimer } from './idle';
import type { LiveSink, LiveSpec } from './types';

/** stderr lines kept for the exit message. */
const STDERR_LINES = 8;
const KILL_AFTER_MS = 2000;

export function runCommandSource(spec: Extract<LiveSpec, { kind: 'command' }>, sink: LiveSink, ctx: SourceContext): Promise<LiveEnd> {
  const name = spec.label || spec.command;
  return new Promise((resolve) => {
    if (ctx.signal.aborted) return resolve({ reason: 'stopped', error: false });
    const child = spawn(spec.command, spec.args, { stdio: ['ignore', 'pipe', 'pipe'], shell: false });
    const stderr = new StderrTail(STDERR_LINES);
    let stopped = false;
    let idled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const terminate = () => {
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    };
    const idle = new IdleTimer(ctx.idleSeconds, () => {
      idled = true;
      terminate();
    });
    const onAbort = () => {
      stopped = true;
      terminate();
    };
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    child.once('spawn', () => sink.status('attached', name));
    child.stdout.on('data', (chunk: Buffer) => {
      idle.touch();
      sink.data(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => stderr.add(text));
    let spawnError: Error | undefined;
    child.once('error', (err) => (spawnError = err));
    // 'close' comes after stdout and stderr have ended, so every byte was handed on first.
    child.once('close', (code, signal) => {
      idle.cancel();
      clearTimeout(killTimer);
      ctx.signal.removeEventListener('abort', onAbort);
      if (spawnError) return resolve({ reason: `${name}: ${spawnMessage(spec.command, spawnError)}`, error: true });
      if (stopped) return resolve({ reason: 'stopped', error: false });
      if (idled) return resolve({ reason: `${name}: nothing received for ${ctx.idleSeconds} s (stopped it)`, error: false });
      const tail = stderr.text();
      const how = code !== null ? `exited with code ${code}` : `was killed by ${signal}`;
      resolve({ reason: `${name} ${how}${tail ? `: ${tail}` : ''}`, error: code !== 0 });
    });
  });
}

function spawnMessage(command: string, err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `cannot start ${command}: no such program`;
  if (code === 'EACCES') return `cannot start ${command}: permission denied`;
  return `cannot start ${command}: ${err.message}`;
}

/** The last `max` non-empty lines of a stream of text. */
class StderrTail {
  private lines: string[] = [];
  private partial = '';

  constructor(private readonly max: number) {}

  add(text: string): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    for (const p of parts) if (p.trim()) this.lines.push(p.trimEnd());
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
  }

  text(): string {
    const all = this.partial.trim() ? [...this.lines, this.partial.trim()] : this.lines;
    return all.slice(-this.max).join(' | ');
  }
}
