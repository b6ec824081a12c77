/**
 * `attachSource`: starts one live source (a command's stdout, a followed file, a socket, stdin) and
 * hands what it receives to a LiveSink, in order, until the stream ends, the source gives up, or
 * the caller stops it. docs/live.md describes each source's exact behaviour.
 */
import { runCommandSource } from './commandSource';
import { followFile } from './fileFollow';
import { PauseGate } from './pauseGate';
import { runSocketSource } from './socketSource';
import { runStreamSource } from './streamSource';
import type { LiveSink, LiveSpec } from './types';

/** How a source ended: `error` when it could not do its job (no such file, command failed), else a normal end. */
export interface LiveEnd {
  reason: string;
  error: boolean;
}

export interface LiveHandle {
  /** Settles once the source has ended and `status('ended')` was sent; never rejects. */
  done: Promise<LiveEnd>;
  stop(): void;
  /** Keep receiving but hold the data back from the sink until `resume` (PauseGate). */
  pause(): void;
  resume(): void;
}

export interface ReconnectPolicy {
  initialMs: number;
  maxMs: number;
}

export interface AttachOptions {
  signal?: AbortSignal;
  /** End when nothing arrived for this long (a followed file that stopped growing, a silent socket). */
  idleSeconds?: number;
  reconnect?: ReconnectPolicy;
  /** How often a followed file is checked for growth, replacement and truncation (ms; default 100). */
  pollMs?: number;
  /** For `stdin`: the stream to read instead of process.stdin (tests). */
  stdin?: NodeJS.ReadableStream;
}

/** Exponential backoff from 250 ms up to 5 s between reconnects, unless told otherwise. */
export const DEFAULT_RECONNECT: ReconnectPolicy = { initialMs: 250, maxMs: 5000 };

/** What every source gets: the stop signal and the options. */
export interface SourceContext {
  signal: AbortSignal;
  idleSeconds?: number;
  reconnect: ReconnectPolicy;
  pollMs: number;
}

export function attachSource(spec: LiveSpec, sink: LiveSink, options: AttachOptions = {}): LiveHandle {
  const stopper = new AbortController();
  const onAbort = () => stopper.abort();
  if (options.signal?.aborted) stopper.abort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  const gate = new PauseGate(sink);
  const ctx: SourceContext = { signal: stopper.signal, idleSeconds: options.idleSeconds, reconnect: options.reconnect ?? DEFAULT_RECONNECT, pollMs: options.pollMs ?? 100 };
  gate.status('connecting', describeSpec(spec));
  const done = run(spec, gate, ctx, options)
    .catch((err: unknown): LiveEnd => ({ reason: `${describeSpec(spec)}: ${(err as Error).message ?? String(err)}`, error: true }))
    .then((end) => {
      options.signal?.removeEventListener('abort', onAbort);
      gate.status('ended', end.reason);
      return end;
    });
  return { done, stop: () => stopper.abort(), pause: () => gate.pause(), resume: () => gate.resume() };
}

function run(spec: LiveSpec, sink: LiveSink, ctx: SourceContext, options: AttachOptions): Promise<LiveEnd> {
  switch (spec.kind) {
    case 'command':
      return runCommandSource(spec, sink, ctx);
    case 'file':
      return followFile(spec.path, sink, ctx);
    case 'socket':
      return runSocketSource(spec.address, sink, ctx);
    case 'stdin':
      return runStreamSource(options.stdin ?? process.stdin, 'standard input', sink, ctx);
  }
}

/** A short name for messages: the command line, the path, the address. */
export function describeSpec(spec: LiveSpec): string {
  switch (spec.kind) {
    case 'command':
      return spec.label || [spec.command, ...spec.args].join(' ');
    case 'file':
      return spec.path;
    case 'socket':
      return spec.address;
    case 'stdin':
      return 'standard input';
  }
}
