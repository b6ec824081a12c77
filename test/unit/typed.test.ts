/** The growable typed-array helpers of the columnar stores (src/core/typed.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { columnFields, ColumnSet, Growable, growColumns } from '../../src/core/typed';

describe('Growable', () => {
  it('grows past its first 64 slots by doubling and hands back exactly what was pushed', () => {
    const g = new Growable(Uint32Array);
    for (let k = 0; k < 200; k++) g.push(k * 3);
    assert.equal(g.length, 200);
    const out = g.done();
    assert.ok(out instanceof Uint32Array);
    assert.deepEqual(Array.from(out), Array.from({ length: 200 }, (_, k) => k * 3));
    assert.equal(out.buffer.byteLength, 200 * 4);
  });

  it('done() of an empty one is empty', () => {
    assert.equal(new Growable(Float64Array).done().length, 0);
  });
});

describe('ColumnSet', () => {
  const SCHEMA = { time: Float64Array, kind: Uint8Array };

  it('fills rows through next(), all columns growing together by doubling, and done() slices each to length', () => {
    const set = new ColumnSet(SCHEMA, 2);
    const columns = set.columns;
    const capacities: number[] = [];
    for (let k = 0; k < 5; k++) {
      const i = set.next();
      assert.equal(i, k);
      set.columns.time[i] = k / 2;
      set.columns.kind[i] = 10 + k;
      capacities.push(set.columns.time.length, set.columns.kind.length);
    }
    assert.deepEqual(capacities, [2, 2, 2, 2, 4, 4, 4, 4, 8, 8]);
    assert.equal(set.columns, columns, 'the columns object stays, its arrays are replaced');
    const out = set.done();
    assert.deepEqual(Object.keys(out), ['time', 'kind']);
    assert.ok(out.time instanceof Float64Array && out.kind instanceof Uint8Array);
    assert.deepEqual([Array.from(out.time), Array.from(out.kind)], [[0, 0.5, 1, 1.5, 2], [10, 11, 12, 13, 14]]);
    assert.equal(out.time.buffer.byteLength, 5 * 8);
  });
});

describe('columnFields / growColumns', () => {
  const SCHEMA = { seq: Uint32Array, time: Float64Array };
  class Rows extends columnFields(SCHEMA) {
    extra = 1;
  }

  it('makes each column a field with room for the capacity, and grows them in place keeping the values', () => {
    const rows = new Rows(3);
    assert.deepEqual([rows.seq.length, rows.time.length, rows.extra], [3, 3, 1]);
    rows.seq.set([7, 8, 9]);
    rows.time.set([0.25, 0.5, 0.75]);
    growColumns(rows, SCHEMA, 5);
    assert.deepEqual([Array.from(rows.seq), Array.from(rows.time)], [[7, 8, 9, 0, 0], [0.25, 0.5, 0.75, 0, 0]]);
  });
});
