/**
 * buildSeries on tiny scripted conversations: relative sequence numbers, the receiver's lines, one
 * point before t0, decimation to the pixel grid (bars with OR'ed flags, first/min/max/last per
 * column), markers kept whatever the width, direction switch, inferred and unknown window scales,
 * the stall threshold. Times in the scripts are milliseconds; below they are compared in ms too.
 * With ~/.cache/tcp-flow-lens/big.pcap present it also times full-range queries (printed, not asserted).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeFlows } from '../../src/core/analysis/analyze';
import { Flag } from '../../src/core/analysis/flags';
import { readCaptureFile } from '../../src/core/capture/file';
import { CaptureIngest } from '../../src/core/ingest';
import { buildSeries } from '../../src/core/view/series';
import { MarkerKind, type Direction, type SeriesResult } from '../../src/protocol';
import { analyze, conversation, type Conversation } from '../support/tcp-script';

const ms = (t: number) => Math.round(t * 1e6) / 1e3;
const list = (a: ArrayLike<number>) => Array.from(a);

/** Run `c` and query it; times in ms. */
function query(c: Conversation, direction: Direction, t0Ms: number, t1Ms: number, pixelWidth: number): SeriesResult {
  const { flow, analysis } = analyze(c);
  return buildSeries(flow, analysis, { flowId: 0, direction, t0: t0Ms / 1000, t1: t1Ms / 1000, pixelWidth });
}

/** Segments as [ms, seq, end, count, frame, flags]. */
const segments = (r: SeriesResult) => list(r.segments.time).map((t, k) => [ms(t), r.segments.seq[k], r.segments.end[k], r.segments.count[k], r.segments.frame[k], r.segments.flags[k]]);
/** ACK line as [ms, ack, right edge]. */
const acks = (r: SeriesResult) => list(r.acks.time).map((t, k) => [ms(t), r.acks.ack[k], r.acks.rightEdge[k]]);
const line = (s: { time: Float64Array; bytes: Float64Array }) => list(s.time).map((t, k) => [ms(t), s.bytes[k]]);
/** Markers as [ms, value, kind, frame]. */
const markers = (r: SeriesResult) => list(r.markers.time).map((t, k) => [ms(t), r.markers.value[k], r.markers.kind[k], r.markers.frame[k]]);

describe('relative sequence numbers and the two directions', () => {
  // Frames 1-3 handshake (SYN 0, SYN-ACK 0.5, ACK 1), 4 and 5 data from a, 6 b's ACK. No window scaling.
  const c = () => conversation().handshake(0, 1).data('a', 100, 10).data('a', 200, 11).ack('b', 12);

  it("'ab': a's segments from its ISN (the SYN is seq 0..1), b's ACKs and windows as steps", () => {
    const r = query(c(), 'ab', 0, 20, 100);
    assert.deepEqual(segments(r), [
      [0, 0, 1, 1, 1, 0],
      [10, 1, 101, 1, 4, 0],
      [11, 101, 301, 1, 5, 0],
    ]);
    assert.deepEqual(acks(r), [
      [0.5, 1, 8193],
      [12, 301, 8493],
    ]);
    assert.deepEqual(line(r.window), [
      [0.5, 8192],
      [12, 8192],
    ]);
    assert.deepEqual(line(r.bytesInFlight), [
      [10, 100],
      [11, 300],
    ]);
    assert.equal(r.windowScale, 'not-used');
    assert.equal(r.recvQ.source, 'inferred');
    assert.deepEqual(r.extent, { t0: 0, t1: 0.012, seqMax: 8493, windowMax: 8192, recvQMax: 0 });
  });

  it("'ba': b's SYN-ACK is its only segment; a's ACKs and windows, its SYN's window included", () => {
    const r = query(c(), 'ba', 0, 20, 100);
    assert.deepEqual(segments(r), [[0.5, 0, 1, 1, 2, 0]]);
    assert.deepEqual(acks(r), [
      [1, 1, 8193],
      [10, 1, 8193],
      [11, 1, 8193],
    ]);
    assert.deepEqual(line(r.window), [
      [0, 8192],
      [1, 8192],
      [10, 8192],
      [11, 8192],
    ]);
    assert.deepEqual(line(r.bytesInFlight), []);
    assert.equal(r.extent.seqMax, 8193);
  });

  it('without a handshake the first byte is 1 (base = first seq − 1, like Wireshark)', () => {
    const r = query(conversation().data('a', 100, 0).ack('b', 1).data('a', 50, 2), 'ab', 0, 5, 100);
    assert.deepEqual(segments(r), [
      [0, 1, 101, 1, 1, 0],
      [2, 101, 151, 1, 3, 0],
    ]);
    assert.deepEqual(acks(r), [[1, 101, 8293]]);
  });

  it('a zoomed range starts every step line with the point before t0', () => {
    const r = query(c(), 'ab', 10.5, 20, 100);
    assert.deepEqual(segments(r), [[11, 101, 301, 1, 5, 0]]);
    assert.deepEqual(acks(r), [
      [0.5, 1, 8193],
      [12, 301, 8493],
    ]);
    assert.deepEqual(line(r.window), [
      [0.5, 8192],
      [12, 8192],
    ]);
    assert.deepEqual(line(r.bytesInFlight), [
      [10, 100],
      [11, 300],
    ]);
  });
});

describe('decimation to the pixel grid', () => {
  /**
   * iRTT 0.1 ms; 20 segments of 100 bytes at 10.5, 11.5, … 29.5 ms (frames 4-11, 13-24) and, at
   * 18 ms (frame 12), a retransmission of the third (seq 201). Four columns of 5 ms over 10..30 ms.
   */
  function bulkWithRetransmission(): Conversation {
    const c = conversation().handshake(0, 0.1);
    for (let k = 0; k < 20; k++) {
      if (k === 8) c.data('a', 100, 18, { seq: c.seq('a', 201) });
      c.data('a', 100, 10.5 + k);
    }
    return c;
  }

  it('more segments than pixels: one bar per column, lowest seq to highest end, count, first frame, OR of the flags', () => {
    const r = query(bulkWithRetransmission(), 'ab', 10, 30, 4);
    assert.deepEqual(segments(r), [
      [10.5, 1, 501, 5, 4, 0],
      [15.5, 201, 1001, 6, 9, Flag.RETRANSMISSION],
      [20.5, 1001, 1501, 5, 15, 0],
      [25.5, 1501, 2001, 5, 20, 0],
    ]);
  });

  it('keeps every marker however narrow the view', () => {
    for (const width of [1, 4, 1000]) {
      const r = query(bulkWithRetransmission(), 'ab', 10, 30, width);
      assert.deepEqual(markers(r), [[18, 201, MarkerKind.Retransmission, 12]], `width ${width}`);
    }
  });

  it('as many segments as pixels: every segment', () => {
    const r = query(bulkWithRetransmission(), 'ab', 10, 30, 21);
    assert.equal(r.segments.time.length, 21);
    assert.deepEqual(list(r.segments.count), new Array(21).fill(1));
  });

  /** b ACKs each of 10 segments half a millisecond later with these windows (no scaling). */
  const windows = [8000, 6000, 9000, 2000, 7000, 7000, 5000, 8500, 3000, 4000];
  function ackedWithWindows(): Conversation {
    const c = conversation().handshake(0, 1);
    windows.forEach((win, k) => c.data('a', 100, 10 + k).ack('b', 10.5 + k, { win }));
    return c;
  }

  it('lines with more than 4 points per pixel: first, min, max and last per column, the point before t0 in front', () => {
    const r = query(ackedWithWindows(), 'ab', 10, 20, 1);
    // ACKs k = 0..9 at 10.5 + k ms: ack 101 + 100k, right edge ack + window. Kept: first (k 0) and
    // last (k 9, also the highest ack), the lowest right edge (k 3: 2401) and the highest (k 2: 9301;
    // k 7 ties and comes later).
    assert.deepEqual(acks(r), [
      [0.5, 1, 8193],
      [10.5, 101, 8101],
      [12.5, 301, 9301],
      [13.5, 401, 2401],
      [19.5, 1001, 5001],
    ]);
    assert.deepEqual(line(r.window), [
      [0.5, 8192],
      [10.5, 8000],
      [12.5, 9000],
      [13.5, 2000],
      [19.5, 4000],
    ]);
    assert.deepEqual(segments(r), [[10, 1, 1001, 10, 4, 0]]);
  });

  it('with enough pixels the same lines keep every point', () => {
    const r = query(ackedWithWindows(), 'ab', 10, 20, 3);
    assert.equal(r.acks.time.length, 11);
    assert.deepEqual(line(r.window).slice(1).map(([, w]) => w), windows);
  });
});

describe('markers, window scale and threshold', () => {
  it('zero window, persist probe and the reply (a window update): window markers at the window, sequence markers at the seq', () => {
    // a fills b's window (frames 4, 5), b closes it (6), a probes Linux-style at SND.UNA − 1 (7), b reopens (8).
    const c = conversation().handshake(0, 1).data('a', 1460, 10).data('a', 1460, 10.1).ack('b', 11, { win: 0 }).keepAlive('a', 211).ack('b', 211.05, { win: 8192 });
    const r = query(c, 'ab', 0, 300, 1000);
    assert.deepEqual(markers(r), [
      [11, 0, MarkerKind.ZeroWindow, 6],
      [211, 2920, MarkerKind.PersistProbe, 7],
      [211.05, 8192, MarkerKind.WindowUpdate, 8],
    ]);
    assert.deepEqual(line(r.window).slice(-2), [
      [11, 0],
      [211.05, 8192],
    ]);
    // The stall's threshold: min(MSS 1460, half the largest window 8192).
    assert.equal(r.threshold, 1460);
  });

  it('a sub-segment stall: the window-sized data probe is marked as a probe, the threshold is the sender\'s segment (1460, not half of the receiver\'s 65535)', () => {
    // A NAT-shaped handshake (MSS 1460 / 65535, window 65535): a fills to 1152 bytes below the edge (4),
    // b acknowledges it all with window 1152 (5), a's persist timer sends exactly 1152 bytes (6), b's reply reopens (7).
    const c = conversation({ win: { a: 65535, b: 65535 } })
      .syn(0, { options: { mss: 1460 } })
      .synAck(0.5, { options: { mss: 65535 } })
      .ack('a', 1)
      .data('a', 1460, 10)
      .ack('b', 11, { win: 1152 })
      .data('a', 1152, 211)
      .ack('b', 211.05, { win: 51200 });
    const r = query(c, 'ab', 0, 300, 1000);
    // Wireshark calls it window_full (it ends exactly at the right edge); the stall names it a probe.
    assert.deepEqual(markers(r), [
      [211, 1461, MarkerKind.PersistProbe, 6],
      [211, 1461, MarkerKind.WindowFull, 6],
    ]);
    assert.equal(r.threshold, 1460);
  });

  it('out-of-window data is marked when the receiver\'s scale is known, not when it is unknown', () => {
    const overrun = (c: Conversation) => c.data('a', 100, 10).ack('b', 11, { win: 40 }).data('a', 60, 12);
    const known = query(overrun(conversation().handshake(0, 1)), 'ab', 0, 20, 100);
    assert.deepEqual(markers(known), [[12, 101, MarkerKind.OutOfWindow, 6]]);
    const unknown = query(overrun(conversation()), 'ab', 0, 20, 100);
    assert.equal(unknown.windowScale, 'unknown');
    assert.deepEqual(markers(unknown), []);
    assert.deepEqual(line(unknown.window), [[1, 40]], 'raw window, unscaled (times from the first packet, at 10 ms)');
  });

  it("an inferred scale: windows in bytes with the inferred shift, windowScale 'inferred'", () => {
    // No handshake: a downloads from b and advertises raw 100, really 100 << 7; b fills each window exactly.
    const c = conversation({ win: { a: 100 } });
    for (let r = 0; r < 3; r++) {
      c.ack('a', 20 * r);
      for (let k = 1; k <= 10; k++) c.data('b', 1280, 20 * r + k);
    }
    c.ack('a', 60);
    const r = query(c, 'ba', 0, 100, 1000);
    assert.equal(r.windowScale, 'inferred');
    assert.deepEqual(
      line(r.window).map(([, w]) => w),
      [12800, 12800, 12800, 12800],
    );
    assert.deepEqual(acks(r)[1], [20, 12801, 25601]);
    // No stall: min(largest segment 1280 (no MSS option), half the largest window 6400).
    assert.equal(r.threshold, 1280);
  });

  it('the threshold without stalls is min(MSS, half the largest window) of the receiver', () => {
    const r = query(conversation({ win: { b: 2000 } }).handshake(0, 1).data('a', 100, 10).ack('b', 11), 'ab', 0, 20, 100);
    assert.equal(r.threshold, 1000);
  });

  it('SACK blocks relative to the sender\'s ISN, at the ACK that reported them', () => {
    const c = conversation().handshake(0, 1).data('a', 100, 10).lose('a', 100).data('a', 100, 11);
    c.ack('b', 12, { ack: c.seq('a', 101), options: { sack: [[c.seq('a', 201), c.seq('a', 301)]] } });
    const r = query(c, 'ab', 0, 20, 100);
    assert.deepEqual(
      list(r.sacks.time).map((t, k) => [ms(t), r.sacks.left[k], r.sacks.right[k]]),
      [[12, 201, 301]],
    );
    assert.deepEqual(markers(r), [[11, 201, MarkerKind.LostSegment, 5]]);
  });

  it('rejects a bad query', () => {
    const { flow, analysis } = analyze(conversation().handshake(0, 1));
    const q = { flowId: 0, direction: 'ab' as const, t0: 0, t1: 1, pixelWidth: 100 };
    assert.throws(() => buildSeries(flow, analysis, { ...q, t1: -1 }), RangeError);
    assert.throws(() => buildSeries(flow, analysis, { ...q, pixelWidth: 0 }), RangeError);
    assert.throws(() => buildSeries(flow, analysis, { ...q, t0: NaN }), RangeError);
    assert.throws(() => buildSeries(flow, analysis, { ...q, direction: 'xy' as Direction }), RangeError);
  });
});

describe('typed arrays', () => {
  it('every array of a result owns its whole buffer (ready to transfer)', () => {
    const r = query(conversation().handshake(0, 1).data('a', 100, 10).ack('b', 11), 'ab', 0, 20, 100);
    const arrays = [r.segments, r.acks, r.sacks, r.window, r.bytesInFlight, r.recvQ, r.markers].flatMap((o) => Object.values(o).filter(ArrayBuffer.isView)) as Uint8Array[];
    assert.equal(arrays.length, 22);
    for (const a of arrays) assert.equal(a.byteLength, a.buffer.byteLength);
    assert.equal(new Set(arrays.map((a) => a.buffer)).size, arrays.length, 'no two arrays share a buffer');
  });
});

const BIG = join(homedir(), '.cache', 'tcp-flow-lens', 'big.pcap');

describe('a large capture', { skip: existsSync(BIG) ? false : `${BIG} not present` }, () => {
  it('answers full-range queries at 2000 pixels on every flow (times printed, not asserted)', async () => {
    const ingest = new CaptureIngest();
    await readCaptureFile(BIG, ingest);
    const flows = ingest.flows.flows;
    const analyses = analyzeFlows(flows);
    for (const flow of flows) {
      const p = flow.packets;
      for (const direction of ['ab', 'ba'] as const) {
        const q = { flowId: flow.id, direction, t0: p.time[0], t1: p.time[p.length - 1], pixelWidth: 2000 };
        const times: number[] = [];
        let r: SeriesResult | undefined;
        for (let k = 0; k < 5; k++) {
          const start = performance.now();
          r = buildSeries(flow, analyses[flow.id], q);
          times.push(performance.now() - start);
        }
        assert.ok(r!.segments.time.length <= 2000);
        const [first, ...warm] = times;
        console.log(`big.pcap flow ${flow.id} (${p.length} packets) ${direction}: first ${first.toFixed(1)} ms (builds the lane index), then ${warm.map((t) => t.toFixed(1)).join(' / ')} ms`);
      }
    }
  });
});
