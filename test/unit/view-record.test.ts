/**
 * The webview fixture recorder (test/webview/record.ts) and its typed-array JSON: what it records
 * for the demo capture, and that the harness's reader gets the same typed arrays back.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { decodeTyped as harnessDecode, type Fixture } from '../webview/harness/fixture';
import { PIXEL_WIDTH, record } from '../webview/record';
import { decodeTyped, encodeTyped, parseTyped, stringifyTyped } from '../webview/typed-json';

describe('typed JSON', () => {
  it('round-trips typed arrays of every kind inside plain data', () => {
    const value = { a: new Float64Array([0.5, -1]), b: [new Uint8Array([1, 255]), { c: new Int32Array([-7]) }], n: 3, s: 's', z: null };
    const back = parseTyped<typeof value>(stringifyTyped(value));
    assert.deepEqual(back, value);
    assert.ok(back.a instanceof Float64Array && back.b[0] instanceof Uint8Array);
    assert.deepEqual(encodeTyped(new Uint32Array([1, 2])), { $typed: 'Uint32Array', data: [1, 2] });
    assert.deepEqual(decodeTyped({ $typed: 'Uint16Array', data: [3] }), new Uint16Array([3]));
  });
});

describe('record', () => {
  it('records the demo capture: the summary, both directions at 1200 px plus a stall zoom, every packet', async () => {
    const fixture = await record('test/fixtures/demo.pcap');
    assert.equal(fixture.name, 'demo');
    assert.equal(fixture.messages[0].capture, fixture.summary);
    const queries = fixture.series.map((s) => s.query);
    assert.deepEqual(
      queries.map((q) => [q.flowId, q.direction, q.pixelWidth]),
      [
        [0, 'ab', PIXEL_WIDTH],
        [0, 'ba', PIXEL_WIDTH],
        [0, 'ab', PIXEL_WIDTH],
      ],
    );
    const stall = fixture.summary.stalls[0];
    assert.ok(queries[2].t0 < stall.start && queries[2].t1 > stall.end && queries[2].t1 - queries[2].t0 < queries[0].t1 - queries[0].t0);
    assert.equal(fixture.packets.length, fixture.summary.flows[0].packetsAtoB + fixture.summary.flows[0].packetsBtoA);
  });

  it('the committed fixtures read back through the harness with typed arrays', () => {
    for (const name of ['zw02', 'natbug-buggy']) {
      const fixture = harnessDecode<Fixture>(JSON.parse(readFileSync(`test/webview/fixtures/${name}.json`, 'utf8')));
      assert.ok(fixture.series.length >= 3, name);
      for (const s of fixture.series) assert.ok(s.result.segments.seq instanceof Float64Array && s.result.markers.kind instanceof Uint8Array, name);
      assert.ok(fixture.packets.some((p) => p.details.flags.includes('zero_window')), `${name} records a zero-window packet`);
    }
  });
});
