/**
 * The webview's pure parts in plain node: flow sorting, filtering and first choice, and the series
 * cache's level-of-detail decisions (what it asks for, when an answer serves a view).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { FlowHealth, FlowRow, SeriesQuery, SeriesResult } from '../../src/protocol';
import { entries, filterEntries, mostOwedFlow, sortEntries } from '../../webview/flowColumns';
import { isExact, paddedQuery, SeriesCache } from '../../webview/timeline/lod-cache';

const flow = (id: number, a: string, b: string, packets: number): FlowRow => ({ id, a, b, packetsAtoB: packets, packetsBtoA: 1, payloadAtoB: packets * 100, payloadBtoA: 0, start: 0, duration: 1, windowScale: { a: 7, b: 7 }, mss: { a: 1460, b: 1460 } });
const health = (owed: number, stall: number): FlowHealth => ({ owedSeconds: owed, stallSeconds: stall, findings: {} });

describe('flow table', () => {
  const flows = [flow(0, '10.0.0.1:1000', '10.0.0.2:80', 5), flow(1, '10.0.0.1:1001', '10.0.0.3:443', 50), flow(2, '[fe80::1]:2000', '[fe80::2]:443', 20)];
  const all = entries(flows, [health(0, 1), health(0.5, 2), health(0.5, 3)]);

  test('the first flow shown owes the most, then stalls the most, then has the most packets', () => {
    assert.equal(mostOwedFlow(all)?.id, 2);
    assert.equal(mostOwedFlow(entries(flows, [health(0, 0), health(0, 0), health(0, 0)]))?.id, 1);
    assert.equal(mostOwedFlow([]), undefined);
  });

  test('filter: every word must occur in the endpoints', () => {
    assert.deepEqual(filterEntries(all, ':443').map((e) => e.flow.id), [1, 2]);
    assert.deepEqual(filterEntries(all, '10.0.0.1 443').map((e) => e.flow.id), [1]);
    assert.deepEqual(filterEntries(all, '  ').map((e) => e.flow.id), [0, 1, 2]);
    assert.deepEqual(filterEntries(all, 'FE80::2').map((e) => e.flow.id), [2]);
  });

  test('sort by a column, ties in flow order', () => {
    assert.deepEqual(sortEntries(all, 'packets', true).map((e) => e.flow.id), [1, 2, 0]);
    assert.deepEqual(sortEntries(all, 'owed', true).map((e) => e.flow.id), [1, 2, 0]);
    assert.deepEqual(sortEntries(all, 'b', false).map((e) => e.flow.id), [2, 0, 1]); // '[' (IPv6) collates before digits
  });
});

function result(query: SeriesQuery, segments: number, count = 1): SeriesResult {
  const f = (n: number) => new Float64Array(n);
  return {
    query,
    segments: { time: f(segments), seq: f(segments), end: f(segments), count: new Uint32Array(segments).fill(count), frame: new Uint32Array(segments), flags: new Uint32Array(segments) },
    acks: { time: f(0), ack: f(0), rightEdge: f(0) },
    sacks: { time: f(0), left: f(0), right: f(0) },
    window: { time: f(0), bytes: f(0) },
    bytesInFlight: { time: f(0), bytes: f(0) },
    recvQ: { time: f(0), bytes: f(0), source: 'inferred' },
    threshold: 1448,
    windowScale: 'handshake',
    markers: { time: f(0), value: f(0), kind: new Uint8Array(0), frame: new Uint32Array(0) },
    extent: { t0: 0, t1: 10, seqMax: 1, windowMax: 1, recvQMax: 1 },
  };
}

describe('series cache', () => {
  test('a query is the view widened by half a view each side, clamped to the extent, at the same density', () => {
    const q = paddedQuery({ flowId: 3, direction: 'ab', t0: 4, t1: 6, pixelWidth: 1000 }, { t0: 0, t1: 10 });
    assert.deepEqual(q, { flowId: 3, direction: 'ab', t0: 3, t1: 7, pixelWidth: 2000 });
    const edge = paddedQuery({ flowId: 3, direction: 'ab', t0: -0.2, t1: 2, pixelWidth: 1000 }, { t0: 0, t1: 10 });
    assert.equal(edge.t0, 0);
  });

  test('an answer is exact when nothing in it can have been decimated', () => {
    const q = { flowId: 0, direction: 'ab' as const, t0: 0, t1: 10, pixelWidth: 100 };
    assert.equal(isExact(result(q, 50)), true);
    assert.equal(isExact(result(q, 50, 3)), false);
    assert.equal(isExact(result(q, 500)), false);
  });

  test('asks once per view (debounced), serves finer views from an exact answer, asks again for a decimated one', async () => {
    const asked: SeriesQuery[] = [];
    let segments = 50;
    let count = 1;
    const cache = new SeriesCache(
      async (q) => {
        asked.push(q);
        return result(q, segments, count);
      },
      () => {},
      (err) => assert.fail(err),
    );
    const view = { flowId: 0, direction: 'ab' as const, t0: 0, t1: 10, pixelWidth: 100 };
    cache.wantNow(view);
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(asked.length, 1);
    assert.ok(cache.best(view));
    cache.want({ ...view, t0: 4, t1: 5 });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(asked.length, 1, 'an exact answer serves a zoom inside it');
    assert.equal(cache.best({ ...view, direction: 'ba' }), undefined);
    cache.clear();
    [segments, count] = [100, 4];
    cache.wantNow(view);
    await new Promise((r) => setTimeout(r, 10));
    for (const t0 of [4, 4.1, 4.2]) cache.want({ ...view, t0, t1: t0 + 1 });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(asked.length, 3, 'a decimated answer: the zoom is asked for once, after the debounce');
    assert.ok(asked[2].t0 <= 4.2 && asked[2].t1 >= 5.2 && asked[2].pixelWidth === 200);
  });
});
