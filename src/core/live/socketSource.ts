/**
 * A TCP or Unix socket (a named pipe on Windows, through the same `net.connect`) that a NAT or a
 * relay writes its trace or capture to. A disconnect is a gap, never the end: what was received is
 * kept, the source reconnects with exponential backoff (doubling from `initialMs` up to `maxMs`,
 * back to `initialMs` after a connection that delivered data), and the next connection's bytes are a
 * new stream (a new header). It ends only when stopped or, with `idleSeconds`, after that long
 * without data.
 */
import { connect, type NetConnectOpts } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LiveEnd, SourceContext } from './attach';
import { IdleTimer } from './idle';
import type { LiveSink } from './types';

/** `tcp:HOST:PORT` (HOST may be `[v6]`) or `unix:PATH`; a message saying what is wrong otherwise. */
export function parseSocketAddress(address: string): NetConnectOpts | string {
  if (address.startsWith('unix:')) {
    const path = address.slice(5);
    return path ? { path } : 'unix: needs a path (unix:/run/nat.sock)';
  }
  const tcp = /^tcp:(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(address);
  if (!tcp) return `${JSON.stringify(address)} is not tcp:HOST:PORT or unix:PATH`;
  const port = Number(tcp[3]);
  if (port < 1 || port > 65535) return `port ${tcp[3]} is out of range (1–65535)`;
  return { host: tcp[1] ?? tcp[2], port };
}

export async function runSocketSource(address: string, sink: LiveSink, ctx: SourceContext): Promise<LiveEnd> {
  const target = parseSocketAddress(address);
  if (typeof target === 'string') return { reason: target, error: true };
  let delay = ctx.reconnect.initialMs;
  let idled = false;
  const idle = new IdleTimer(ctx.idleSeconds, () => {
    idled = true;
    wake.abort();
  });
  let wake = new AbortController();
  const onAbort = () => wake.abort();
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  try {
    while (!ctx.signal.aborted && !idled) {
      const session = await connectOnce(target, address, sink, ctx.signal, wake.signal, () => idle.touch());
      if (ctx.signal.aborted || idled) break;
      if (session.received > 0) delay = ctx.reconnect.initialMs;
      // A cut after data arrived is a gap in what we saw; failed attempts in a row are not.
      if (session.received > 0) sink.gap(`${address}: ${session.why}`, Date.now() / 1000);
      sink.status('reconnecting', `${address}: ${session.why}; retrying in ${(delay / 1000).toFixed(2)} s`);
      wake = new AbortController();
      await sleep(delay, undefined, { signal: AbortSignal.any([ctx.signal, wake.signal]) }).catch(() => undefined);
      delay = Math.min(delay * 2, ctx.reconnect.maxMs);
    }
  } finally {
    idle.cancel();
    ctx.signal.removeEventListener('abort', onAbort);
  }
  if (idled) return { reason: `${address}: nothing received for ${ctx.idleSeconds} s`, error: false };
  return { reason: 'stopped', error: false };
}

interface Session {
  connected: boolean;
  received: number;
  why: string;
}

/** One connection, from connect to close: every byte to the sink. */
function connectOnce(target: NetConnectOpts, address: string, sink: LiveSink, stop: AbortSignal, wake: AbortSignal, onData: () => void): Promise<Session> {
  return new Promise((resolve) => {
    const session: Session = { connected: false, received: 0, why: 'closed' };
    const socket = connect(target);
    const end = () => socket.destroy();
    stop.addEventListener('abort', end, { once: true });
    wake.addEventListener('abort', end, { once: true });
    socket.once('connect', () => {
      session.connected = true;
      sink.status('attached', address);
    });
    socket.on('data', (chunk: Buffer) => {
      session.received += chunk.length;
      onData();
      sink.data(chunk);
    });
    socket.once('end', () => (session.why = 'the other side closed the connection'));
    socket.once('error', (err: NodeJS.ErrnoException) => (session.why = err.code ? `${err.code} (${err.message})` : err.message));
    socket.once('close', () => {
      stop.removeEventListener('abort', end);
      wake.removeEventListener('abort', end);
      resolve(session);
    });
  });
}
