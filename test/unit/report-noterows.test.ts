/**
 * Notes as the editor gets them (src/core/report/noteRows.ts) and "Copy Finding as Markdown": the
 * sidecar's notes placed on the view's flows by endpoints (a reused 4-tuple by time), numbered per
 * flow in time order with the capture's comments, and new notes' anchors rounded to the nanosecond.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptyDocument, type NotesDocument } from '../../src/core/report/notes';
import { flowRowOf, noteAt, numberNotes, sidecarRows } from '../../src/core/report/noteRows';
import { findingMarkdown } from '../../src/core/view/findingText';
import type { CaptureView, FlowRow, NoteRow } from '../../src/protocol';

const row = (id: number, a: string, b: string, start: number, duration: number): FlowRow => ({
  id, a, b, start, duration, packetsAtoB: 1, packetsBtoA: 1, payloadAtoB: 0, payloadBtoA: 0, windowScale: { a: null, b: null }, mss: { a: null, b: null },
});
const FLOWS = [row(0, '10.0.0.1:1000', '10.0.0.2:80', 0, 5), row(1, '10.0.0.1:1000', '10.0.0.2:80', 10, 5), row(2, '10.0.0.3:2000', '10.0.0.2:80', 1, 1)];

describe('note rows', () => {
  it('place a note on the flow with its endpoints, either way round; a reused 4-tuple by the note\'s time', () => {
    assert.equal(flowRowOf(FLOWS, { flow: { a: '10.0.0.2:80', b: '10.0.0.3:2000' }, time: 1.5 })?.id, 2);
    assert.equal(flowRowOf(FLOWS, { flow: { a: '10.0.0.1:1000', b: '10.0.0.2:80' }, time: 12 })?.id, 1);
    assert.equal(flowRowOf(FLOWS, { flow: { a: '10.0.0.1:1000', b: '10.0.0.2:80' }, time: 2 })?.id, 0);
    assert.equal(flowRowOf(FLOWS, { flow: { a: '10.9.9.9:1', b: '10.0.0.2:80' }, time: 2 }), undefined);
  });

  it('number each flow\'s notes 1, 2, … in time order, sidecar and capture comments together', () => {
    const doc: NotesDocument = {
      ...emptyDocument(),
      notes: [
        { id: 'n1', flow: { a: '10.0.0.1:1000', b: '10.0.0.2:80' }, time: 3, text: 'late', created: '' },
        { id: 'n2', flow: { a: '10.0.0.2:80', b: '10.0.0.1:1000' }, frame: 7, time: 1, end: undefined, text: 'early', created: '' },
        { id: 'n3', flow: { a: '10.0.0.3:2000', b: '10.0.0.2:80' }, time: 1.2, end: 1.4, text: 'other flow', created: '' },
      ],
    };
    const comment: NoteRow = { id: 'capture:4', flowId: 0, frame: 4, time: 2, text: 'in the capture', source: 'capture', label: 0 };
    const rows = numberNotes([...sidecarRows(doc, FLOWS), comment]);
    assert.deepEqual(
      rows.map((r) => [r.id, r.flowId, r.label, r.source]),
      [['n2', 0, 1, 'sidecar'], ['n3', 2, 1, 'sidecar'], ['capture:4', 0, 2, 'capture'], ['n1', 0, 3, 'sidecar']],
    );
  });

  it('anchor a new note on the flow\'s endpoints, times to the nanosecond', () => {
    assert.deepEqual(noteAt(FLOWS, { flowId: 2, frame: 9, time: 1.23224299999999998 }), { flow: { a: '10.0.0.3:2000', b: '10.0.0.2:80' }, frame: 9, time: 1.232243 });
    assert.deepEqual(noteAt(FLOWS, { flowId: 0, time: 0.1, end: 0.30000000000000004 }), { flow: { a: '10.0.0.1:1000', b: '10.0.0.2:80' }, time: 0.1, end: 0.3 });
    assert.equal(noteAt(FLOWS, { flowId: 7, time: 0 }), undefined);
  });
});

describe('Copy Finding as Markdown', () => {
  it('gives the kind, capture, flow, time range, frames, the stall and the sentence as a quote', () => {
    const view = {
      fileName: 'upload.pcap',
      flows: FLOWS,
      stalls: [{ flowId: 0, receiver: 'b', start: 0.018603, end: 0.232243, startFrame: 92, endFrame: 95, endedBy: 'probe_reply', probes: 1, owed: { seconds: 0.21364, confidence: 'high', moment: 0.018603, evidence: '' } }],
    } as unknown as CaptureView;
    const finding = { id: 1, flowId: 0, kind: 'window_update_owed', time: 0.018603, end: 0.232243, frames: [92, 94, 95], severity: 'error' as const, message: 'Window update owed by 10.0.0.2:80.' };
    assert.equal(
      findingMarkdown(view, finding),
      [
        '**window update owed** (error) in `upload.pcap`, flow 0 (10.0.0.1:1000 ↔ 10.0.0.2:80)',
        '',
        '- time: 0.018603 s – 0.232243 s',
        '- frames: 92, 94, 95',
        '- stall: 213.6 ms, ended by probe reply, owed: 0.214 s (high confidence)',
        '',
        '> Window update owed by 10.0.0.2:80.',
        '',
      ].join('\n'),
    );
  });
});
