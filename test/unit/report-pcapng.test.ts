/**
 * flow.pcapng: the trimmed, annotated capture of a report. Written from natbug-buggy.pcap (flow 0,
 * 0.2–0.5 s) with a packet note, an instant note and a range note, then read back by tshark and by
 * our reader: exactly the flow's packets in the range, byte for byte with their nanosecond times,
 * and each note as a packet comment where it belongs (`tshark -Y frame.comment`). Notes survive the
 * round trip: read back, the comments are the same notes on the same packets; comments already in
 * a capture travel with their packets.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readCaptureFile } from '../../src/core/capture/file';
import type { Flow } from '../../src/core/flows/flow';
import { CaptureIngest } from '../../src/core/ingest';
import { captureCommentNotes, noteFlowOf } from '../../src/core/report/noteFlows';
import type { ShownNote } from '../../src/core/report/notes';
import { commentsFor, flowFrames, writeTrimmedCapture } from '../../src/core/report/trim';
import { readBack, type RecordCopy } from '../support/read-back';
import { tsharkSkipReason } from '../support/tshark-check';

const FIXTURE = join(__dirname, '../fixtures/natbug-buggy.pcap');
const dir = mkdtempSync(join(tmpdir(), 'tfl-trim-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const T0 = 0.2;
const T1 = 0.5;

let flow: Flow;
let original: RecordCopy[];
let notes: ShownNote[];
const out = join(dir, 'flow.pcapng');

before(async () => {
  const ingest = new CaptureIngest();
  await readCaptureFile(FIXTURE, ingest);
  flow = ingest.flows.flows[0];
  original = readBack(readFileSync(FIXTURE)).records;
  const key = noteFlowOf(flow);
  const base = { flow: key, created: '', source: 'sidecar' as const, flowId: 0 };
  notes = [
    { ...base, id: 'n1', frame: 187, time: 0.452196, text: 'reopened only in the reply to the probe (frame 186)' },
    { ...base, id: 'n2', time: 0.3, text: 'instant: the receiver has read everything by now' },
    { ...base, id: 'n3', time: 0.241206, end: 0.452196, text: 'range: the whole second stall, ünïcödé ✓' },
    { ...base, id: 'n4', frame: 10, time: flow.packets.time[9], text: 'outside the range: left out' },
    { ...base, id: 'n5', time: 0.3, text: 'another flow', flowId: 1 },
  ];
});

/** Frames of flow 0 in [T0, T1], in order. */
function expectedFrames(): number[] {
  return [...flowFrames(flow, T0, T1)].sort((x, y) => x - y);
}

describe('a trimmed, annotated capture', () => {
  let result: { packets: number; comments: number };
  let comments: Map<number, string[]>;
  before(async () => {
    const frames = flowFrames(flow, T0, T1);
    comments = commentsFor(flow, frames, notes);
    result = await writeTrimmedCapture(FIXTURE, out, frames, comments, 'TCP Flow Lens test');
  });

  it('puts each note on its packet: a packet note on its frame, an instant and a range on the first packet at or after their time (to the nanosecond)', () => {
    const first = (t: number) => expectedFrames().find((f) => Math.round(flow.packets.time[f - 1] * 1e9) >= Math.round(t * 1e9))!; // flow 0 is the whole capture: index = frame - 1
    assert.deepEqual(
      [...comments].sort(([x], [y]) => x - y),
      [
        [first(0.241206), ['range: the whole second stall, ünïcödé ✓']],
        [first(0.3), ['instant: the receiver has read everything by now']],
        [187, ['reopened only in the reply to the probe (frame 186)']],
      ].sort(([x], [y]) => (x as number) - (y as number)),
    );
    assert.deepEqual(result, { packets: expectedFrames().length, comments: 3 });
  });

  it('our reader reads back exactly the selected packets, bytes and nanosecond times, with the comments', () => {
    const back = readBack(readFileSync(out));
    assert.equal(back.format, 'pcapng');
    assert.deepEqual(back.warnings, []);
    const want = expectedFrames().map((f) => original[f - 1]);
    assert.equal(back.records.length, want.length);
    back.records.forEach((r, k) => {
      const o = want[k];
      assert.deepEqual([r.linkType, r.tsSec, r.tsNsec, r.origLen, Buffer.from(r.bytes).toString('hex')], [o.linkType, o.tsSec, o.tsNsec, o.origLen, Buffer.from(o.bytes).toString('hex')], `packet ${k + 1} (frame ${o.frame})`);
      assert.equal(r.comment, comments.get(o.frame)?.join('\n'), `comment of packet ${k + 1} (frame ${o.frame})`);
    });
  });

  it('tshark reads the same packets and shows the notes as frame.comment', { skip: tsharkSkipReason() }, () => {
    const fields = (file: string, filter?: string) =>
      execFileSync('tshark', ['-r', file, ...(filter ? ['-Y', filter] : []), '-T', 'fields', '-E', 'separator=|', '-e', 'frame.time_epoch', '-e', 'tcp.seq_raw', '-e', 'tcp.len', '-e', 'frame.comment'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
        .trim()
        .split('\n');
    const all = fields(out);
    const inOriginal = fields(FIXTURE);
    assert.deepEqual(all.map((l) => l.split('|').slice(0, 3).join('|')), expectedFrames().map((f) => inOriginal[f - 1].split('|').slice(0, 3).join('|')));
    const commented = fields(out, 'frame.comment');
    assert.deepEqual(
      commented.map((l) => l.split('|')[3]),
      expectedFrames().filter((f) => comments.has(f)).map((f) => comments.get(f)!.join(',')),
    );
  });

  it('round trip: the comments read back are the same notes, on the same packets', async () => {
    const ingest = new CaptureIngest();
    await readCaptureFile(out, ingest);
    const back = captureCommentNotes(ingest);
    const frameAt = (k: number) => expectedFrames()[k - 1];
    assert.deepEqual(
      back.map((n) => ({ frame: frameAt(n.frame!), text: n.text, flow: n.flow, flowId: n.flowId })),
      [...comments].sort(([x], [y]) => x - y).map(([frame, texts]) => ({ frame, text: texts.join('\n'), flow: noteFlowOf(flow), flowId: 0 })),
    );
  });

  it('trimming again keeps the comments already in the capture, then adds new notes after them', async () => {
    const again = join(dir, 'again.pcapng');
    const ingest = new CaptureIngest();
    await readCaptureFile(out, ingest);
    const f = ingest.flows.flows[0];
    const frames = flowFrames(f);
    const withNew = new Map([[1, ['new note on the first packet']]]);
    const firstCommented = [...ingest.comments.keys()][0];
    withNew.set(firstCommented, ['second note on a commented packet']);
    await writeTrimmedCapture(out, again, frames, withNew, 'test');
    const back = readBack(readFileSync(again)).records;
    assert.equal(back[0].comment, 'new note on the first packet');
    assert.equal(back[firstCommented - 1].comment, `${ingest.comments.get(firstCommented)}\nsecond note on a commented packet`);
  });
});
