/**
 * A live source's stream after a gap (a reconnect, a replaced or truncated file) starts with its own
 * header: the CaptureModel reads it on into the same flows, a record cut by the gap as one warning.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SessionRecording } from '../../src/core/live/recording';
import { CaptureModel } from '../../src/core/model/captureModel';

const FIXTURES = join(__dirname, '../fixtures');

describe('CaptureModel after a gap', () => {
  it('a second pcap header after a gap starts a new stream; frames go on; the cut record is one warning', () => {
    const capture = readFileSync(join(FIXTURES, 'natbug-buggy.pcap'));
    const whole = new CaptureModel({ name: 'whole' });
    whole.push(capture);
    whole.end();
    const n = whole.packets;
    const firstRecord = 16 + capture.readUInt32LE(24 + 8);
    const model = new CaptureModel({ name: 'live' });
    model.push(capture.subarray(0, 24 + firstRecord + 7));
    model.markGap('disconnected', 1);
    model.push(capture);
    model.end();
    assert.equal(model.packets, n + 1);
    const summary = model.summary();
    assert.deepEqual(summary.warnings.map((w) => w.message), ['the stream was cut 7 bytes into a record; that record is lost']);
    // The same connection seen twice: its packets continue the same flow (the 4-tuple and ISNs match).
    assert.equal(summary.flows.reduce((k, f) => k + f.packetsAtoB + f.packetsBtoA, 0), n + 1);
  });

  it('pcapng streams across a gap (a saved session of two sections, sent twice): every packet, one link type', async () => {
    const capture = readFileSync(join(FIXTURES, 'natbug-buggy.pcap'));
    const rec = new SessionRecording();
    rec.data(capture);
    rec.gap();
    rec.data(capture);
    const dir = mkdtempSync(join(tmpdir(), 'tfl-gap-'));
    await rec.saveTo(join(dir, 'two.pcapng'));
    rec.dispose();
    const pcapng = readFileSync(join(dir, 'two.pcapng'));
    rmSync(dir, { recursive: true });
    const model = new CaptureModel({ name: 'live' });
    model.push(pcapng);
    model.markGap('disconnected', 1);
    model.push(pcapng);
    model.end();
    const summary = model.summary();
    assert.equal(summary.format, 'pcapng');
    assert.deepEqual(summary.warnings, []);
    assert.deepEqual(summary.linkTypes.map((l) => [l.linkType, l.packets]), [[101, 4 * 375]]);
  });

  it('a gap with nothing after it (the source cut, then stopped) ends cleanly; the format stays', () => {
    const capture = readFileSync(join(FIXTURES, 'natbug-buggy.pcap'));
    const model = new CaptureModel({ name: 'live' });
    model.push(capture);
    model.markGap('disconnected', 1);
    model.end();
    const summary = model.summary();
    assert.equal(summary.format, 'pcap');
    assert.deepEqual(summary.warnings, []);
  });

  it('a trace line cut by the gap stays one malformed line; the next stream reads on', () => {
    const trace = readFileSync(join(FIXTURES, 'nat-trace/natbug-buggy.jsonl'), 'utf8');
    const lines = trace.split('\n').filter(Boolean);
    const model = new CaptureModel({ name: 'live' });
    model.push(Buffer.from(`${lines.slice(0, 10).join('\n')}\n${lines[10].slice(0, 20)}`));
    model.markGap('disconnected', 1);
    model.push(Buffer.from(lines.slice(10).join('\n') + '\n'));
    model.end();
    const summary = model.summary();
    assert.equal(summary.source?.malformedLines, 1);
  });
});
