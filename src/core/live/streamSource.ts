/** A stream that ends by itself (stdin): every chunk to the sink, until its end or stop. */
import type { LiveEnd, SourceContext } from './attach';
import { IdleTimer } from './idle';
import type { LiveSink } from './types';

export function runStreamSource(stream: NodeJS.ReadableStream, name: string, sink: LiveSink, ctx: SourceContext): Promise<LiveEnd> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (end: LiveEnd) => {
      if (settled) return;
      settled = true;
      idle.cancel();
      ctx.signal.removeEventListener('abort', onAbort);
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('error', onError);
      stream.pause();
      resolve(end);
    };
    const idle = new IdleTimer(ctx.idleSeconds, () => finish({ reason: `${name}: nothing received for ${ctx.idleSeconds} s`, error: false }));
    const onData = (chunk: Buffer | string) => {
      idle.touch();
      sink.data(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    };
    const onEnd = () => finish({ reason: `${name}: end of stream`, error: false });
    const onError = (err: Error) => finish({ reason: `${name}: ${err.message}`, error: true });
    const onAbort = () => finish({ reason: 'stopped', error: false });
    if (ctx.signal.aborted) return finish({ reason: 'stopped', error: false });
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
    sink.status('attached', name);
    stream.resume();
  });
}
