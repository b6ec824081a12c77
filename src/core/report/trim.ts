/**
 * A trimmed, annotated copy of a capture: the packets chosen by frame number, in file order, with
 * their comments (the capture's own, then the notes) as pcapng packet comments. The input is read
 * again with the streaming reader; the output is written to a temporary file and renamed into place.
 */
import { closeSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { readCaptureFile } from '../capture/file';
import type { PacketRecord } from '../capture/types';
import { type Flow, packetIndexOfFrame } from '../flows/flow';
import type { ShownNote } from './notes';
import { PcapngWriter } from './pcapngWriter';

export interface TrimResult {
  packets: number;
  comments: number;
}

/** Frames of `flow` whose time lies in [t0, t1]. */
export function flowFrames(flow: Flow, t0 = -Infinity, t1 = Infinity): Set<number> {
  const p = flow.packets;
  const frames = new Set<number>();
  for (let i = 0; i < p.length; i++) if (p.time[i] >= t0 && p.time[i] <= t1) frames.add(p.frame[i]);
  return frames;
}

/**
 * Which packet carries each note as a comment: a packet note its own frame; an instant or range note
 * the flow's first kept packet at or after its time (else the last kept one before it). Notes of
 * other flows, and capture comments (they travel with their packet anyway), are left out.
 */
export function commentsFor(flow: Flow, frames: Set<number>, notes: readonly ShownNote[]): Map<number, string[]> {
  const p = flow.packets;
  const kept: number[] = [];
  for (let i = 0; i < p.length; i++) if (frames.has(p.frame[i])) kept.push(i);
  const out = new Map<number, string[]>();
  const add = (frame: number, text: string) => out.set(frame, [...(out.get(frame) ?? []), text]);
  for (const n of notes) {
    if (n.source !== 'sidecar' || n.flowId !== flow.id || kept.length === 0) continue;
    if (n.frame !== undefined) {
      if (frames.has(n.frame) && packetIndexOfFrame(flow, n.frame) >= 0) add(n.frame, n.text);
      continue;
    }
    // Compared in whole nanoseconds: a time typed as 0.241206 must find the packet captured at 0.241206.
    const ns = Math.round(n.time * 1e9);
    const at = kept.find((i) => Math.round(p.time[i] * 1e9) >= ns) ?? kept[kept.length - 1];
    if (n.end !== undefined ? n.end < p.time[kept[0]] || n.time > p.time[kept[kept.length - 1]] : false) continue;
    add(p.frame[at], n.text);
  }
  return out;
}

/** Writes the frames of `inPath` in `frames` to `outPath` as pcapng, with `comments` added per frame. */
export async function writeTrimmedCapture(inPath: string, outPath: string, frames: Set<number>, comments: Map<number, string[]>, application: string): Promise<TrimResult> {
  const tmp = `${outPath}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    const writer = new PcapngWriter((bytes) => writeSync(fd, bytes), application);
    await readCaptureFile(inPath, {
      packet(rec: PacketRecord) {
        if (!frames.has(rec.frame)) return;
        const own = rec.comment !== undefined ? [rec.comment] : [];
        writer.packet({
          linkType: rec.linkType,
          fcsLen: rec.fcsLen,
          tsSec: rec.tsSec,
          tsNsec: rec.tsNsec,
          data: rec.data.subarray(rec.offset, rec.offset + rec.capLen),
          origLen: rec.origLen,
          comments: [...own, ...(comments.get(rec.frame) ?? [])],
        });
      },
    });
    closeSync(fd);
    renameSync(tmp, outPath);
    return { packets: writer.packets, comments: writer.comments };
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    try {
      unlinkSync(tmp);
    } catch {
      // never created or already gone
    }
    throw err;
  }
}
