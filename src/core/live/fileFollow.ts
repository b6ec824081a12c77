/**
 * Following a file that is still being written, like `tail -F`: read what is there, then check every
 * `pollMs` for growth. A file that shrinks was truncated (a writer started over): a gap, then it is
 * read again from byte 0 as a new stream. A path that now names another file (a new inode: rotated
 * or replaced) is a gap too, after the old file's last bytes: the new file is read from its start.
 * With `idleSeconds`, the follow ends once the file has not grown for that long.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileErrorMessage } from '../capture/file';
import type { LiveEnd, SourceContext } from './attach';
import type { LiveSink } from './types';

const CHUNK = 1 << 20;

export async function followFile(path: string, sink: LiveSink, ctx: SourceContext): Promise<LiveEnd> {
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (err) {
    return { reason: `${path}: ${fileErrorMessage(err)}`, error: true };
  }
  const scratch = Buffer.allocUnsafe(CHUNK);
  let identity = await file.stat();
  let position = 0;
  let lastGrowth = Date.now();
  sink.status('attached', path);

  /** Reads from `position` to the current end; true when anything was read. */
  const drain = async (): Promise<boolean> => {
    let any = false;
    for (;;) {
      const { bytesRead } = await file.read(scratch, 0, CHUNK, position);
      if (bytesRead === 0) return any;
      position += bytesRead;
      any = true;
      // A copy: the sink (the model, the recording) may keep what it is given.
      sink.data(Buffer.from(scratch.subarray(0, bytesRead)));
    }
  };

  try {
    while (!ctx.signal.aborted) {
      if (await drain()) lastGrowth = Date.now();
      const named = await stat(path).catch(() => undefined);
      if (named && (named.ino !== identity.ino || named.dev !== identity.dev)) {
        await drain(); // what the writer added to the old file before it moved
        const next = await open(path, 'r').catch(() => undefined);
        if (next) {
          await file.close();
          file = next;
          identity = await file.stat();
          sink.gap(`${path} was replaced by a new file`, Date.now() / 1000);
          position = 0;
          lastGrowth = Date.now();
          continue;
        }
      }
      const { size } = await file.stat();
      if (size < position) {
        sink.gap(`${path} was truncated (from ${position} to ${size} bytes)`, Date.now() / 1000);
        position = 0;
        lastGrowth = Date.now();
        continue;
      }
      if (ctx.idleSeconds !== undefined && Date.now() - lastGrowth >= ctx.idleSeconds * 1000) {
        return { reason: `${path}: not grown for ${ctx.idleSeconds} s`, error: false };
      }
      await sleep(ctx.pollMs, undefined, { signal: ctx.signal }).catch(() => undefined);
    }
    return { reason: 'stopped', error: false };
  } catch (err) {
    return { reason: `${path}: ${fileErrorMessage(err)}`, error: true };
  } finally {
    await file.close().catch(() => undefined);
  }
}
