/**
 * `analyze --json` written in pieces: the document is the one `JSON.stringify(summary, null, 2)` gives,
 * byte for byte, but each flow's limited-by timeline (up to one interval per packet: about 100 bytes of
 * JSON each) is written as it is built, never held as one array of objects or one giant string.
 */
import { randomBytes } from 'node:crypto';
import type { EpochTimeline } from '../core/limitSummary';
import type { CaptureSummary } from '../core/summary';

/** The document's text in order: the small parts as they are, each timeline in pieces. */
export function* summaryJsonPieces(summary: CaptureSummary): Generator<string> {
  // A placeholder no capture can put in the document (a file name, a warning): fresh random bytes.
  const tag = `timeline-${randomBytes(12).toString('hex')}-`;
  const timelines: EpochTimeline[] = [];
  const flows = summary.flows.map((f) => {
    if (!f.limitedBy) return f;
    timelines.push(f.limitedBy.timeline);
    return { ...f, limitedBy: { ...f.limitedBy, timeline: `${tag}${timelines.length - 1}` } };
  });
  const text = `${JSON.stringify({ ...summary, flows }, null, 2)}\n`;
  const marker = new RegExp(`"${tag}(\\d+)"`, 'g');
  let from = 0;
  for (let m = marker.exec(text); m; m = marker.exec(text)) {
    yield text.slice(from, m.index);
    const lineStart = text.lastIndexOf('\n', m.index) + 1;
    const indent = /^ */.exec(text.slice(lineStart, m.index))![0];
    yield* timelines[Number(m[1])].jsonText(indent);
    from = m.index + m[0].length;
  }
  yield text.slice(from);
}

/** Writes the pieces to `out`, waiting for it to drain when its buffer is full, and resolves once all are flushed. */
export async function writePieces(pieces: Iterable<string>, out: NodeJS.WritableStream): Promise<void> {
  for (const piece of pieces) {
    if (!out.write(piece)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve) => out.write('', () => resolve()));
}
