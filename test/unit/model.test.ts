/**
 * The growing CaptureModel (core/model): bytes pushed in any chunking give the same flows, stalls and
 * findings as loadModel of the whole file; ids are stable across refreshes; only grown flows are
 * re-analysed; each stall, owed update and finding is reported once; traces and consomme logs go
 * through the same push.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CaptureError } from '../../src/core/capture/types';
import { loadModel } from '../../src/core/load';
import { CaptureModel, type ModelEvent } from '../../src/core/model/captureModel';
import { UpdatePacer } from '../../src/core/model/updatePacing';
import { SourceError } from '../../src/core/trace/source';
import { SyntheticStream } from '../../bench/liveStream';
import type { CaptureSummary } from '../../src/core/summary';
import { CORPUS_DIR } from '../support/corpus';
import { cutInto } from '../support/bytes';

const MULTI = join(CORPUS_DIR, 'generated/zw05_v6_multi.pcapng');
const FILES = [
  'test/fixtures/natbug-buggy.pcap',
  'test/fixtures/natshape-buggy.pcap',
  'test/fixtures/demo.pcap',
  'test/fixtures/nat-trace/natbug-buggy.jsonl',
  'test/fixtures/nat-trace/natbug-buggy.log',
  MULTI,
];

/** Push `bytes` in chunks of the given sizes (cycled), refreshing every `refreshEvery` chunks; all events, in order. */
function pushAll(name: string, bytes: Uint8Array, sizes: number[], refreshEvery = 1): { model: CaptureModel; events: ModelEvent[]; views: ReturnType<CaptureModel['view']>[] } {
  const model = new CaptureModel({ name });
  const events: ModelEvent[] = [];
  const views: ReturnType<CaptureModel['view']>[] = [];
  for (const [k, piece] of cutInto(bytes, sizes).entries()) {
    model.push(piece);
    if (k % refreshEvery === refreshEvery - 1) {
      const u = model.refresh();
      events.push(...u.events);
      if (u.events.length) views.push(model.view('x'));
    }
  }
  model.end();
  events.push(...model.refresh().events);
  return { model, events, views };
}

/** The summary as plain JSON (what `analyze --json` prints). */
const comparable = (s: CaptureSummary) => JSON.parse(JSON.stringify(s));

describe('CaptureModel fed in chunks', () => {
  for (const file of FILES) {
    it(`${file.replace(CORPUS_DIR, 'corpus')}: 1-byte, odd-sized and 64 kB chunks give loadModel's summary`, async () => {
      const whole = await loadModel(file);
      const bytes = readFileSync(file);
      const chunkings: [number[], number][] = [
        [[65536], 1],
        [[7, 1013, 3, 4099], 5],
        ...(bytes.length <= 160_000 ? ([[[1], 4000]] as [number[], number][]) : []),
      ];
      for (const [sizes, every] of chunkings) {
        const { model } = pushAll(file, bytes, sizes, every);
        assert.deepEqual(comparable(model.summary()), comparable(whole.summary), `chunks of ${sizes.join(',')}`);
      }
    });
  }

  it('a file read in one go numbers its findings by the time sort, as toCaptureView does', async () => {
    const whole = await loadModel(MULTI);
    const view = whole.model.view('multi');
    assert.deepEqual(view.findings.map((f) => f.id), view.findings.map((_, k) => k));
    assert.deepEqual(view.stalls.map((s) => s.id), view.stalls.map((_, k) => k));
    assert.equal(view.complete, true);
    assert.equal(view.revision, 1);
  });
});

describe('CaptureModel ids and events', () => {
  const bytes = readFileSync(MULTI);

  it("keeps each finding's and stall's id from its first revision to the end", () => {
    const { model, views } = pushAll(MULTI, bytes, [20_000]);
    const end = model.view('x');
    assert.ok(views.length >= 3, `several revisions with news (${views.length})`);
    const key = (f: { flowId: number; kind: string; frames: number[] }) => `${f.flowId}/${f.kind}/${f.frames[0]}`;
    const finalIds = new Map(end.findings.map((f) => [key(f), f.id]));
    let checked = 0;
    for (const v of views) {
      for (const f of v.findings) {
        if (!finalIds.has(key(f))) continue; // a finding at the live edge that the later data changed
        assert.equal(f.id, finalIds.get(key(f)), `${key(f)} at revision ${v.revision}`);
        checked++;
      }
    }
    assert.ok(checked > end.findings.length, `compared ${checked} findings`);
    assert.deepEqual(new Set(end.findings.map((f) => f.id)).size, end.findings.length);
  });

  it('reports each stall once, its owed update once and after it, each finding once', () => {
    const { model, events } = pushAll(MULTI, bytes, [7, 1013, 3, 4099], 3);
    const end = model.view('x');
    const stalls = events.filter((e) => e.kind === 'stall');
    const owed = events.filter((e) => e.kind === 'owed');
    const findings = events.filter((e) => e.kind === 'finding');
    assert.equal(new Set(stalls.map((e) => e.stallId)).size, stalls.length);
    assert.equal(new Set(owed.map((e) => e.stallId)).size, owed.length);
    assert.equal(new Set(findings.map((e) => e.findingId)).size, findings.length);
    for (const o of owed) assert.ok(events.indexOf(o) > events.findIndex((e) => e.kind === 'stall' && e.stallId === o.stallId));
    // Everything the end shows was reported, with the id it has at the end.
    for (const s of end.stalls) {
      assert.ok(stalls.some((e) => e.stallId === s.id && e.flowId === s.flowId && e.stall.startFrame === s.startFrame), `stall ${s.id}`);
      if (s.owed) assert.ok(owed.some((e) => e.stallId === s.id), `owed of stall ${s.id}`);
    }
    for (const f of end.findings) assert.ok(findings.some((e) => e.findingId === f.id && e.finding.kind === f.kind), `finding ${f.id}`);
    assert.equal(end.stalls.length, 11);
  });

  it('re-analyses only the flows that grew; a refresh with nothing new changes nothing and reports nothing', () => {
    const model = new CaptureModel({ name: MULTI });
    let before = new Map<number, number>();
    for (let at = 0; at < bytes.length; at += 50_000) {
      model.push(bytes.subarray(at, at + 50_000));
      const grown = model.flows.filter((f) => f.packets.length !== (before.get(f.id) ?? -1)).map((f) => f.id);
      const runs = model.analysisRuns;
      const u = model.refresh();
      assert.deepEqual(u.changedFlows, grown);
      assert.equal(model.analysisRuns - runs, grown.length);
      before = new Map(model.flows.map((f) => [f.id, f.packets.length]));
      const { revision } = u;
      const again = model.refresh();
      assert.deepEqual(again, { revision, changedFlows: [], events: [], waiting: 0 });
      assert.equal(model.analysisRuns - runs, grown.length);
    }
    assert.ok(model.analysisRuns < 4 * Math.ceil(bytes.length / 50_000), 'not every flow every time');
  });

  it('addSamples re-analyses the flows the samples are about, and only those', () => {
    const model = new CaptureModel({ name: MULTI });
    model.push(bytes);
    model.end();
    model.refresh();
    const flow = model.flows[1];
    const o = model.ingest.flows.timeOrigin;
    const epoch = o.sec + o.nsec / 1e9 + flow.packets.time[10];
    // A sample of side b's socket (its Recv-Q: b as the receiver).
    model.addSamples([{ epoch, line: 1, state: 'ESTAB', recvQ: 1234, sendQ: 0, local: flow.b, peer: flow.a }]);
    const u = model.refresh();
    assert.deepEqual(u.changedFlows, [1]);
    assert.equal(model.analysis(1)!.recvQSource[1], 'ss');
  });
});

describe('CaptureModel refresh with a time budget (a live editor)', () => {
  // 32 connections growing at once (the live bench's synthetic NAT traffic); a clock that moves 10 ms a reading.
  const chunks = (stream: SyntheticStream, n: number) => Array.from({ length: n }, () => stream.next()!);
  const setUp = (stallEvery?: number) => {
    let t = 0;
    const model = new CaptureModel({ name: 'synthetic', now: () => (t += 10) });
    const stream = new SyntheticStream({ packets: 1_000_000, seconds: 100, stallEvery });
    return { model, stream };
  };

  it('analyses new and focused flows whatever the budget, the others longest-waiting first while it lasts', () => {
    const { model, stream } = setUp();
    for (const c of chunks(stream, 3)) model.push(c);
    const first = model.refresh(0);
    assert.equal(model.flows.length, 32);
    assert.deepEqual(first.changedFlows, [...Array(32).keys()], 'new flows get their rows at once');
    assert.equal(first.waiting, 0);

    for (const c of chunks(stream, 3)) model.push(c);
    model.focus([5]);
    const focused = model.refresh(0);
    assert.deepEqual(focused.changedFlows, [5]);
    assert.equal(focused.waiting, 31);
    // The rows of the flows left waiting show their last analysis; the focused one is at the edge.
    const view = model.view('synthetic', 0);
    const row = (id: number) => view.flows.find((f) => f.id === id)!;
    assert.equal(row(5).packetsAtoB + row(5).packetsBtoA, model.flows[5].packets.length);
    assert.ok(row(0).packetsAtoB + row(0).packetsBtoA < model.flows[0].packets.length);

    // A 15 ms budget on a clock moving 10 ms a reading: one flow a refresh, in the order they last were analysed.
    assert.deepEqual(model.refresh(15), { revision: model.revision, changedFlows: [0], events: [], waiting: 30 });
    assert.deepEqual(model.refresh(15).changedFlows, [1]);
    const rest = model.refresh();
    assert.equal(rest.changedFlows.length, 29);
    assert.equal(rest.waiting, 0);
    assert.equal(model.refresh(0).changedFlows.length, 0);
  });

  it('reports every stall, owed update and finding, later but once, and ends where an unbudgeted model ends', () => {
    const budgeted = setUp(400);
    const whole = setUp(400);
    const seen = { budgeted: [] as ModelEvent[], whole: [] as ModelEvent[] };
    for (let k = 0; k < 60; k++) {
      const c = budgeted.stream.next()!;
      budgeted.model.push(c);
      whole.model.push(whole.stream.next()!);
      budgeted.model.focus([k % 32]);
      seen.budgeted.push(...budgeted.model.refresh(0).events);
      seen.whole.push(...whole.model.refresh().events);
    }
    budgeted.model.end();
    whole.model.end();
    const last = budgeted.model.refresh(0);
    assert.equal(last.waiting, 0, 'an ended model analyses everything');
    seen.budgeted.push(...last.events);
    const kinds = (events: ModelEvent[]) => ['stall', 'owed', 'finding'].map((k) => events.filter((e) => e.kind === k).length);
    assert.ok(kinds(seen.whole)[1] > 0, 'the stream has owed updates');
    assert.deepEqual(kinds(seen.budgeted), kinds(seen.whole));
    const stripIds = (v: ReturnType<CaptureModel['view']>) => v.flows.map((f) => JSON.stringify(f));
    assert.deepEqual(stripIds(budgeted.model.view('s')), stripIds(whole.model.view('s')));
  });
});

describe('CaptureModel input', () => {
  it('tells a trace and a consomme log by their first line, pushed a byte at a time', () => {
    for (const [file, format] of [
      ['test/fixtures/nat-trace/natbug-buggy.jsonl', 'nat-flow-trace'],
      ['test/fixtures/nat-trace/natbug-buggy.log', 'consomme-log'],
    ] as const) {
      const model = new CaptureModel({ name: file });
      const bytes = readFileSync(file);
      const firstLine = bytes.indexOf(0x0a);
      for (let i = 0; i <= firstLine; i++) model.push(bytes.subarray(i, i + 1));
      assert.equal(model.sourceKind, format, file);
    }
  });

  it('rejects a start that is none we read, with the same reasons as for a file', () => {
    const capture = new CaptureModel({ name: 'x' });
    assert.throws(() => capture.push(new Uint8Array([0xde, 0xad, 0xbe, 0xef, 1, 2])), (e: unknown) => e instanceof SourceError && /not a pcap or pcapng capture \(starts with de ad be ef\)/.test(e.message));
    const empty = new CaptureModel({ name: 'x' });
    assert.throws(() => empty.end(), (e: unknown) => e instanceof SourceError && e.message === 'the file is empty');
    const short = new CaptureModel({ name: 'x', kind: 'capture' });
    short.push(new Uint8Array([0xd4, 0xc3]));
    assert.throws(() => short.end(), CaptureError);
  });

  it('a gap is shown until data comes again; the live state carries the status and the event rate', () => {
    const bytes = readFileSync('test/fixtures/natbug-buggy.pcap');
    const probe = new CaptureModel({ name: 'probe' });
    probe.push(bytes);
    const o = probe.ingest.flows.timeOrigin;
    const epoch0 = o.sec + o.nsec / 1e9;
    let now = (epoch0 + 1) * 1000;
    const model = new CaptureModel({ name: 'live', now: () => now });
    model.setLive('tcpdump -i tun0', 'attached');
    model.push(bytes.subarray(0, 30_000));
    const first = model.packets;
    now += 1000;
    model.markGap('connection reset', epoch0 + 2);
    model.setLive('tcpdump -i tun0', 'reconnecting', 'connection reset');
    let live = model.view('x').live!;
    assert.deepEqual(live.gaps, [{ start: 2, end: null, reason: 'connection reset' }]);
    assert.equal(live.state, 'reconnecting');
    now = (epoch0 + 5) * 1000;
    // After a gap comes a new stream with its own header (a reconnect): the capture again, whole.
    model.push(bytes);
    live = model.view('x').live!;
    assert.ok(Math.abs(live.gaps[0].end! - 5) < 1e-6);
    assert.equal(live.dropped, null);
    // The packets of the second push arrived 4 s after those of the first.
    assert.equal(live.eventsPerSecond, Math.round((model.packets - first) / 4));
  });
});

describe('UpdatePacer', () => {
  it('leaves the 250 ms budget (less 25 ms of slack) after this update and the largest recent one, at most 125 ms, and never updates more than a third of the time', () => {
    const pacer = new UpdatePacer();
    assert.equal(pacer.pauseAfter(20), 125); // 250 - 25 - 20 - 20 = 185: cheap updates come every 125 ms
    assert.equal(pacer.pauseAfter(55), 250 - 25 - 55 - 55);
    assert.equal(pacer.pauseAfter(50), 250 - 25 - 50 - 55); // the next may cost what a recent one did
    assert.equal(pacer.pauseAfter(100), 200); // too slow to keep the edge: 2 × cost, reading goes on
    for (let k = 0; k < 8; k++) pacer.pauseAfter(5);
    assert.equal(pacer.pauseAfter(5), 125); // the slow one is forgotten after eight updates
  });
});
