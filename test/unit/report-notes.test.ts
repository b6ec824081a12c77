/**
 * Notes and their sidecar (docs/notes.md): the schema's checks, atomic writes with a backup, fields
 * this version does not know kept across a write, and a damaged or hand-broken sidecar refused with
 * a clear message and left byte for byte as it was. Notes find their flow by endpoints, whatever id
 * a re-analysis gives it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readCaptureFile } from '../../src/core/capture/file';
import { CaptureIngest } from '../../src/core/ingest';
import { flowOfNote, shownNotes } from '../../src/core/report/noteFlows';
import { emptyDocument, nextNoteId, NOTES_FORMAT, type NotesDocument, parseNotes, SidecarError } from '../../src/core/report/notes';
import { loadNotes, sidecarPath, updateNotes } from '../../src/core/report/sidecar';

const dir = mkdtempSync(join(tmpdir(), 'tfl-notes-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const FIXTURE = join(__dirname, '../fixtures/natbug-buggy.pcap');
const FLOW = { a: '10.88.0.1:52270', b: '10.88.0.2:5001' };
const note = (id: string, extra: object = {}) => ({ id, flow: FLOW, time: 0.5, text: `note ${id}`, created: '2026-12-05T00:00:00.000Z', ...extra });

describe('parseNotes', () => {
  it('reads a valid document and keeps fields it does not know', () => {
    const doc = parseNotes(JSON.stringify({ format: NOTES_FORMAT, version: 1, notes: [note('n1', { colour: 'red' })], futureTopLevel: { x: 1 } }), 'x.json');
    assert.equal(doc.notes[0].colour, 'red');
    assert.deepEqual(doc.futureTopLevel, { x: 1 });
  });

  const bad: [string, string, RegExp][] = [
    ['broken JSON', '{"format": "tcp-flow-lens-notes",\n  "version": 1,\n  "notes": [,]}', /x\.json: not valid JSON \(line 3, column 13: /],
    ['another format', '{"format": "something-else", "version": 1, "notes": []}', /"format" is "something-else", expected "tcp-flow-lens-notes"/],
    ['a newer version', `{"format": "${NOTES_FORMAT}", "version": 2, "notes": []}`, /written by a newer TCP Flow Lens \(notes version 2; this one reads version 1\)/],
    ['notes not an array', `{"format": "${NOTES_FORMAT}", "version": 1, "notes": {}}`, /"notes" must be an array/],
    ['a note without text', JSON.stringify({ format: NOTES_FORMAT, version: 1, notes: [{ ...note('n1'), text: 3 }] }), /note 1 \(id n1\): "text" must be a string/],
    ['a range ending before it starts', JSON.stringify({ format: NOTES_FORMAT, version: 1, notes: [note('n1', { end: 0.1 })] }), /note 1 \(id n1\): "end" must be a number not before "time"/],
    ['a bad frame', JSON.stringify({ format: NOTES_FORMAT, version: 1, notes: [note('n1'), note('n2', { frame: 0 })] }), /note 2 \(id n2\): "frame" must be a frame number/],
    ['two notes with one id', JSON.stringify({ format: NOTES_FORMAT, version: 1, notes: [note('n1'), note('n1')] }), /two notes have the id "n1"/],
  ];
  for (const [what, text, message] of bad) {
    it(`refuses ${what}`, () => {
      assert.throws(() => parseNotes(text, 'x.json'), (err: unknown) => err instanceof SidecarError && message.test(err.message) && /left as it is and no notes are written to it/.test(err.message));
    });
  }

  it('numbers new notes after the highest nN id', () => {
    const doc: NotesDocument = { ...emptyDocument(), notes: [note('n2'), note('mine'), note('n7')] };
    assert.equal(nextNoteId(doc), 'n8');
    assert.equal(nextNoteId(emptyDocument()), 'n1');
  });
});

describe('the sidecar file', () => {
  it('is beside the capture; no sidecar is an empty document', async () => {
    const capture = join(dir, 'none.pcap');
    assert.equal(sidecarPath(capture), `${capture}.tcpflowlens.json`);
    assert.deepEqual(await loadNotes(capture), { format: NOTES_FORMAT, version: 1, notes: [] });
  });

  it('is written atomically, keeps the previous version as .bak, and keeps unknown fields', async () => {
    const capture = join(dir, 'a.pcap');
    writeFileSync(sidecarPath(capture), JSON.stringify({ format: NOTES_FORMAT, version: 1, notes: [note('n1', { colour: 'red' })], editor: 'kept' }));
    const before = readFileSync(sidecarPath(capture), 'utf8');
    await updateNotes(capture, (d) => d.notes.push(note(nextNoteId(d))));
    const written = JSON.parse(readFileSync(sidecarPath(capture), 'utf8'));
    assert.deepEqual(written.notes.map((n: { id: string }) => n.id), ['n1', 'n2']);
    assert.equal(written.notes[0].colour, 'red');
    assert.equal(written.editor, 'kept');
    assert.equal(readFileSync(`${sidecarPath(capture)}.bak`, 'utf8'), before);
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left behind');
  });

  it('a damaged sidecar is refused with its reason and left exactly as it was, nothing written beside it', async () => {
    const capture = join(dir, 'damaged.pcap');
    const damaged = '{"format": "tcp-flow-lens-notes", "version": 1, "notes": [\n  {"id": "n1", "text": "half a no';
    writeFileSync(sidecarPath(capture), damaged);
    await assert.rejects(loadNotes(capture), (err: unknown) => err instanceof SidecarError && err.path === sidecarPath(capture) && /not valid JSON \(line 2, column/.test(err.message));
    let changed = false;
    await assert.rejects(
      updateNotes(capture, () => {
        changed = true;
      }),
      SidecarError,
    );
    assert.equal(changed, false, 'the change was never applied');
    assert.equal(readFileSync(sidecarPath(capture), 'utf8'), damaged);
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('damaged.pcap')).sort(), ['damaged.pcap.tcpflowlens.json']);
  });
});

describe('notes meet the analysis', () => {
  it('find their flow by endpoints (either way round) and list pcapng comments beside them', async () => {
    const ingest = new CaptureIngest();
    await readCaptureFile(FIXTURE, ingest);
    const flows = ingest.flows.flows;
    assert.equal(flowOfNote(flows, { flow: FLOW, time: 0 })?.id, 0);
    assert.equal(flowOfNote(flows, { flow: { a: FLOW.b, b: FLOW.a }, time: 0 })?.id, 0);
    assert.equal(flowOfNote(flows, { flow: { a: '10.0.0.1:1', b: '10.0.0.2:2' }, time: 0 }), undefined);
    const doc: NotesDocument = { ...emptyDocument(), notes: [note('n1', { time: 0.6 }), note('n2', { frame: 95, time: 0.232243 }), note('lost', { flow: { a: '10.0.0.1:1', b: '10.0.0.2:2' } })] };
    ingest.comments.set(3, 'a comment in the capture');
    const shown = shownNotes(doc, ingest);
    assert.deepEqual(
      shown.map((n) => [n.id, n.source, n.flowId, n.frame ?? null]),
      [['capture:3', 'capture', 0, 3], ['n2', 'sidecar', 0, 95], ['lost', 'sidecar', null, null], ['n1', 'sidecar', 0, null]],
    );
  });
});
