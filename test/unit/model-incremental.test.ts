/**
 * A grown flow's refresh resumes its whole-flow passes (segment size, stalls, limited-by, findings)
 * from where the last one stopped (analysis/passCache.ts). The results must be exactly those of a
 * fresh analysis: after EVERY refresh of a model fed in chunks, each flow's analysis and the summary
 * are compared with a fresh CaptureModel fed the same bytes in one go.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SyntheticStream, type StreamOptions } from '../../bench/liveStream';
import type { FlowAnalysis } from '../../src/core/analysis/analyze';
import { CaptureModel } from '../../src/core/model/captureModel';
import { writePcap } from '../support/capture-writer';
import { corpusAvailable, CORPUS_DIR } from '../support/corpus';
import { conversation } from '../support/tcp-script';
import { cutInto } from '../support/bytes';

/** What a flow's analysis says, as plain JSON (the analyzer and the lazy series left out, the timeline built). */
function analysisJson(a: FlowAnalysis | undefined): unknown {
  if (!a) return null;
  const limits = a.limitedBy && {
    dir: a.limitedBy.dir,
    seconds: a.limitedBy.seconds,
    busy: a.limitedBy.busy,
    owedSeconds: a.limitedBy.owedSeconds,
    vantage: a.limitedBy.vantage,
    sendBuffer: a.limitedBy.sendBuffer,
    timeline: a.limitedBy.buildTimeline().toArray(),
  };
  const plain = {
    stalls: a.stalls,
    queue: a.queue,
    findings: a.findings,
    rtt: a.rtt,
    windowScale: a.windowScale,
    recvQSource: a.recvQSource,
    flagCounts: a.flagCounts,
    limits,
    endReasons: a.endReasons ?? null,
  };
  return JSON.parse(JSON.stringify(plain));
}

/** Feeds `chunks` one at a time, refreshing after each; after every refresh compares with a fresh model of the bytes so far. */
function checkEveryRefresh(name: string, chunks: Uint8Array[], compareEvery = 1): number {
  const model = new CaptureModel({ name });
  const sofar: Uint8Array[] = [];
  let compared = 0;
  for (let k = 0; k < chunks.length; k++) {
    model.push(chunks[k]);
    sofar.push(chunks[k]);
    model.refresh();
    const last = k === chunks.length - 1;
    if (k % compareEvery !== 0 && !last) continue;
    const fresh = new CaptureModel({ name });
    fresh.push(Buffer.concat(sofar));
    if (last) {
      model.end();
      fresh.end();
    }
    fresh.refresh();
    const at = `${name}, after chunk ${k + 1} of ${chunks.length}`;
    assert.equal(model.flows.length, fresh.flows.length, at);
    for (const flow of fresh.flows) {
      assert.deepEqual(analysisJson(model.analysis(flow.id)), analysisJson(fresh.analysis(flow.id)), `${at}: flow ${flow.id}`);
    }
    assert.deepEqual(JSON.parse(JSON.stringify(model.summary())), JSON.parse(JSON.stringify(fresh.summary())), `${at}: summary`);
    compared++;
  }
  return compared;
}


/** About `count` pieces of uneven sizes (so cuts fall everywhere: mid-record, mid-episode). */
function unevenSizes(length: number, count: number): number[] {
  const base = Math.max(1, Math.floor(length / count));
  return [base, Math.max(1, base >> 3), base * 2 + 7, Math.max(1, base >> 1) + 3];
}

function synthetic(o: StreamOptions): Uint8Array {
  const stream = new SyntheticStream(o);
  const parts: Uint8Array[] = [];
  for (let c = stream.next(); c; c = stream.next()) parts.push(c.slice());
  return Buffer.concat(parts);
}

/** The same pcap (little-endian, as SyntheticStream writes it) without its first `skip` packets: a capture begun mid-connection (no handshake). */
function withoutFirstPackets(bytes: Uint8Array, skip: number): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 24;
  for (let k = 0; k < skip; k++) at += 16 + view.getUint32(at + 8, true);
  return Buffer.concat([bytes.subarray(0, 24), bytes.subarray(at)]);
}

const FIXTURES = [
  'test/fixtures/natbug-buggy.pcap',
  'test/fixtures/natshape-buggy.pcap',
  'test/fixtures/demo.pcap',
  'test/fixtures/nat-trace/natbug-buggy.jsonl',
  'test/fixtures/nat-trace/natbug-buggy.log',
  'test/fixtures/natbug-runs/buggy.pcap',
  'test/fixtures/natbug-runs/fixed.pcap',
  'test/fixtures/limits/runs/application_paced.pcap',
  'test/fixtures/limits/runs/network_tbf.pcap',
  'test/fixtures/limits/runs/phases.pcap',
  'test/fixtures/limits/runs/rwnd_slowreader.pcap',
  'test/fixtures/limits/runs/sndbuf_small.pcap',
];

const CORPUS_SAMPLE = [
  'generated/zw01_slowread_v4.pcap',
  'generated/zw02_fionread_stuck.pcap',
  'generated/zw03_fionread_msgs.pcapng',
  'generated/zw06_noscale_sll.pcap',
  'generated/zw08_loopback_gso_lo.pcap',
  'generated/tinyzw_n4096_giveup.pcap',
  'real/chris__tcp_dupack.pcapng',
  'real/chris__http_espn_fail.pcapng',
];

describe('a grown flow re-analysed from its checkpoints equals a fresh analysis, after every refresh', () => {
  for (const file of FIXTURES) {
    it(file, () => {
      const bytes = readFileSync(file);
      for (const count of [7, 40]) checkEveryRefresh(file, cutInto(bytes, unevenSizes(bytes.length, count)));
    });
  }

  it('the synthetic live stream with a stall every 400 packets (many chunkings)', () => {
    const bytes = synthetic({ packets: 12_000, seconds: 6, concurrent: 2, flowPackets: 1e9, stallEvery: 400, chunkBytes: 4096 });
    for (const sizes of [[4096], [1500, 97, 30_011], [54, 66, 70_000]]) checkEveryRefresh('synthetic', cutInto(bytes, sizes), 3);
  });

  it('one synthetic connection cut at every packet for a while (each checkpoint and look-ahead crossed)', () => {
    const bytes = synthetic({ packets: 1_500, seconds: 1, concurrent: 1, flowPackets: 1e9, stallEvery: 400, chunkBytes: 4096 });
    checkEveryRefresh('synthetic-one', cutInto(bytes, [24 + 70, 70, 66, 66]));
  });

  it('a synthetic connection captured from its middle (scale inference runs, RTT from ACKs: no handshake)', () => {
    const bytes = withoutFirstPackets(synthetic({ packets: 6_000, seconds: 3, concurrent: 1, flowPackets: 1e9, stallEvery: 400, chunkBytes: 4096 }), 150);
    for (const sizes of [[2048], [700, 13, 9000]]) checkEveryRefresh('synthetic-middle', cutInto(bytes, sizes));
    const model = new CaptureModel({ name: 'middle' });
    model.push(bytes);
    const analysis = model.analysis(0)!;
    assert.equal(analysis.initialRtt, null);
    assert.deepEqual([analysis.windowScale.a.source, analysis.windowScale.b.source], ['unknown', 'unknown']);
    assert.ok(analysis.stalls.length > 10);
  });

  it('a window scale inferred without a handshake, its evidence growing with every flight', () => {
    // As analysis-window.test.ts's bulk(): a advertises raw 100 that is really 100 << 7; b fills it exactly, flight after flight.
    const c = conversation({ win: { a: 100 } });
    for (let r = 0; r < 30; r++) {
      c.ack('a', 20 * r);
      for (let k = 1; k <= 10; k++) c.data('b', 1280, 20 * r + k);
    }
    const bytes = writePcap(c.ack('a', 600).frames, { nanos: true });
    for (const sizes of [[300], [1337, 50, 4000]]) checkEveryRefresh('inferred', cutInto(bytes, sizes));
    const model = new CaptureModel({ name: 'inferred' });
    model.push(bytes);
    assert.equal(model.analysis(0)!.windowScale.a.source, 'inferred');
  });

  it('a sample of the corpus', (t) => {
    if (!corpusAvailable()) return t.skip(`no corpus at ${CORPUS_DIR}`);
    for (const rel of CORPUS_SAMPLE) {
      const file = join(CORPUS_DIR, rel);
      assert.ok(existsSync(file), `corpus sample ${rel} is missing`);
      const bytes = readFileSync(file);
      checkEveryRefresh(rel, cutInto(bytes, unevenSizes(bytes.length, 25)));
    }
  });
});
