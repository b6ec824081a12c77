/**
 * Everything a live session received, teed to disk as it arrives so "Save Session" can write it
 * later. Each stream (the first, and every one after a gap: a reconnect, a replaced or truncated
 * file) is its own segment file in a temporary folder. `saveTo` writes one file a reader opens:
 * - one segment: its bytes as received (pcap, pcapng, nat-flow-trace/1 or a consomme log);
 * - text segments (traces, logs): one after the other, each ending in a newline;
 * - captures: one pcapng file with a section per segment (a pcap segment becomes a pcapng section
 *   with the same link type and times; a pcapng segment is copied). A record cut off by the gap
 *   is left out.
 */
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyPcapngBlocks, PcapToPcapng } from './pcapSections';

export type SegmentFormat = 'pcap' | 'pcapng' | 'text';

interface Segment {
  path: string;
  fd: number;
  bytes: number;
  head: Uint8Array;
  /** The last byte received, to tell whether a text segment ends mid-line. */
  last: number;
}

export interface SavedSession {
  path: string;
  format: SegmentFormat;
  segments: number;
  bytes: number;
}

export class SessionRecording {
  private readonly dir: string;
  private readonly segments: Segment[] = [];
  private current: Segment | undefined;
  /** Bytes received in all segments. */
  bytes = 0;

  constructor(parent = tmpdir()) {
    this.dir = mkdtempSync(join(parent, 'tfl-session-'));
  }

  data(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    if (!this.current) {
      const path = join(this.dir, `segment-${this.segments.length + 1}`);
      this.current = { path, fd: openSync(path, 'w'), bytes: 0, head: new Uint8Array(0), last: -1 };
      this.segments.push(this.current);
    }
    const s = this.current;
    if (s.head.length < 4) s.head = concatHead(s.head, chunk);
    writeSync(s.fd, chunk);
    s.bytes += chunk.length;
    s.last = chunk[chunk.length - 1];
    this.bytes += chunk.length;
  }

  /** The stream was cut: what comes next starts a new segment. */
  gap(): void {
    this.closeCurrent();
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  /** Writes the session to `path` (see the file comment); throws when there is nothing, or captures and text are mixed. */
  async saveTo(path: string): Promise<SavedSession> {
    const formats = this.segments.map((s) => formatOf(s.head));
    if (this.segments.length === 0) throw new Error('nothing was received in this session');
    const text = formats.every((f) => f === 'text');
    if (!text && formats.includes('text')) throw new Error('this session received both a capture and a text trace; they cannot be saved as one file');
    const out = await open(path, 'w');
    try {
      if (this.segments.length === 1 || text) {
        for (const s of this.segments) {
          await copyFile(s.path, (b) => out.write(b));
          if (text && s.last !== 0x0a) await out.write('\n'); // a line cut by the gap stays one bad line, not two
        }
        return { path, format: formats[0], segments: this.segments.length, bytes: this.bytes };
      }
      for (let i = 0; i < this.segments.length; i++) {
        const blocks: Uint8Array[] = [];
        const into = formats[i] === 'pcap' ? new PcapToPcapng((b) => blocks.push(b)) : copyPcapngBlocks((b) => blocks.push(b));
        await copyFile(this.segments[i].path, async (chunk) => {
          into.push(chunk);
          for (const b of blocks.splice(0)) await out.write(b);
        });
      }
      return { path, format: 'pcapng', segments: this.segments.length, bytes: this.bytes };
    } finally {
      await out.close();
    }
  }

  /** Removes the temporary files. */
  dispose(): void {
    this.closeCurrent();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private closeCurrent(): void {
    if (!this.current) return;
    closeSync(this.current.fd);
    this.current.fd = -1;
    this.current = undefined;
  }
}

function concatHead(head: Uint8Array, chunk: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.min(4, head.length + chunk.length));
  out.set(head);
  out.set(chunk.subarray(0, out.length - head.length), head.length);
  return out;
}

/** What a segment holds, told by its first bytes like the readers do. */
export function formatOf(head: Uint8Array): SegmentFormat {
  if (head.length < 4) return 'text';
  const view = new DataView(head.buffer, head.byteOffset, 4);
  const be = view.getUint32(0, false);
  if (be === 0x0a0d0d0a) return 'pcapng';
  const le = view.getUint32(0, true);
  if ([0xa1b2c3d4, 0xa1b23c4d].includes(be) || [0xa1b2c3d4, 0xa1b23c4d].includes(le)) return 'pcap';
  return 'text';
}

async function copyFile(path: string, write: (chunk: Uint8Array) => Promise<unknown>): Promise<void> {
  const file = await open(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    let position = 0;
    for (;;) {
      const { bytesRead } = await file.read(buf, 0, buf.length, position);
      if (bytesRead === 0) return;
      position += bytesRead;
      await write(Buffer.from(buf.subarray(0, bytesRead)));
    }
  } finally {
    await file.close();
  }
}
