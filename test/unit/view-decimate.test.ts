/** Decimation to the pixel grid (src/core/view/decimate.ts): columns, column runs, first/min/max/last picks. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decimateLane, decimateLine, PixelGrid } from '../../src/core/view/decimate';

describe('PixelGrid.column', () => {
  const grid = new PixelGrid(0, 1, 10);

  it('maps [t0, t1] onto columns 0 .. width − 1, each 1/width wide', () => {
    assert.deepEqual([0, 0.05, 0.1, 0.15, 0.5, 0.999].map((t) => grid.column(t)), [0, 0, 1, 1, 5, 9]);
  });

  it('clamps times outside the range to the first and last column, t1 included', () => {
    assert.deepEqual([-5, 1, 1.5].map((t) => grid.column(t)), [0, 9, 9]);
  });

  it('puts everything in column 0 when the range is empty', () => {
    assert.deepEqual([2, 3, 9].map((t) => new PixelGrid(3, 3, 10).column(t)), [0, 0, 0]);
  });
});

describe('PixelGrid.columnEnd', () => {
  const grid = new PixelGrid(0, 1, 10);
  const times = [0, 0.01, 0.05, 0.15, 0.16, 0.55, 0.95];

  it('ends each column run at the first time in a later column', () => {
    assert.equal(grid.columnEnd(times, 0, times.length, 0), 3);
    assert.equal(grid.columnEnd(times, 3, times.length, 1), 5);
    assert.equal(grid.columnEnd(times, 5, times.length, 5), 6);
  });

  it('stops at hi, and the last column takes everything to hi', () => {
    assert.equal(grid.columnEnd(times, 0, 2, 0), 2);
    assert.equal(grid.columnEnd(times, 6, times.length, 9), times.length);
    assert.equal(grid.columnEnd([0.95, 0.96, 2], 0, 3, 9), 3);
  });

  it('finds the end of a long run (galloping past many doublings, then bisecting)', () => {
    const long = Float64Array.from({ length: 1001 }, (_, k) => (k < 1000 ? 0.05 : 0.25));
    assert.equal(grid.columnEnd(long, 0, long.length, 0), 1000);
    assert.equal(grid.columnEnd(long, 999, long.length, 0), 1000);
  });

  it('columnEndAt does the same through a lane of packet indices', () => {
    const time = Float64Array.from([0, 0.99, 0.01, 0.99, 0.05, 0.99, 0.15, 0.99, 0.16]);
    const lane = Int32Array.from([0, 2, 4, 6, 8]); // times 0, 0.01, 0.05, 0.15, 0.16
    assert.equal(grid.columnEndAt(lane, time, 0, lane.length, 0), 3);
    assert.equal(grid.columnEndAt(lane, time, 3, lane.length, 1), 5);
    assert.equal(grid.columnEndAt(lane, time, 3, lane.length, 9), 5);
  });
});

describe('decimateLine', () => {
  // Two columns of five points each.
  const times = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
  const values = [5, 1, 9, 3, 4, 2, 2, 8, 0, 7];
  const grid = new PixelGrid(0, 1, 2);

  it('keeps every index while there are at most `limit`', () => {
    assert.deepEqual(Array.from(decimateLine(times, values, 2, 6, grid, 4)), [2, 3, 4, 5]);
    assert.deepEqual(Array.from(decimateLine(times, values, 3, 3, grid, 4)), []);
  });

  it('keeps per column the first, the minimum, the maximum and the last, in index order', () => {
    // Column 0: first 0, min 1 (at 1), max 9 (at 2), last 4. Column 1: first 5 (also the first min 2), max 8 (at 7), min 0 (at 8), last 9.
    assert.deepEqual(Array.from(decimateLine(times, values, 0, 10, grid, 4)), [0, 1, 2, 4, 5, 7, 8, 9]);
  });

  it('walks only [lo, hi), and an index picked twice is kept once', () => {
    // Column 0: 2..4 (first and max 2, min 3, last 4); column 1: 5..7 (first and min 5, max and last 7).
    assert.deepEqual(Array.from(decimateLine(times, values, 2, 8, grid, 3)), [2, 3, 4, 5, 7]);
  });

  it('returns an exact-length array with its own buffer', () => {
    const picked = decimateLine(times, values, 0, 10, grid, 4);
    assert.equal(picked.buffer.byteLength, picked.length * Int32Array.BYTES_PER_ELEMENT);
  });
});

describe('decimateLane', () => {
  it('picks per column the first, the last and the extremes of both values', () => {
    // The lane holds the even packets: six in column 0 (t < 0.5), two in column 1.
    const time = Float64Array.from({ length: 16 }, (_, i) => (i < 12 ? i * 0.04 : 0.5 + (i - 12) * 0.1));
    const index = Int32Array.from([0, 2, 4, 6, 8, 10, 12, 14]);
    const v0 = Float64Array.from([3, 3, 1, 3, 3, 3, 6, 5]);
    const v1 = Float64Array.from([3, 9, 3, 3, 0, 3, 6, 6]);
    const grid = new PixelGrid(0, 1, 2);
    // Column 0 (positions 0..5): first 0 (also the v0 maximum), v0 min at 2, v1 max at 1, v1 min at 4, last 5.
    // Column 1 (positions 6..7): first 6, v0 min 7, last 7.
    assert.deepEqual(Array.from(decimateLane({ index, v0, v1 }, 0, 8, time, grid, 4)), [0, 1, 2, 4, 5, 6, 7]);
    assert.deepEqual(Array.from(decimateLane({ index, v0, v1 }, 1, 4, time, grid, 4)), [1, 2, 3]);
  });
});
