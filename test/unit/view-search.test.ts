/** Binary searches over sorted columns (src/core/view/search.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lowerBound, lowerBoundAt, upperBound, upperBoundAt } from '../../src/core/view/search';

describe('lowerBound / upperBound', () => {
  const values = Float64Array.from([1, 2, 2, 2, 5, 8, 99, 99]); // the last two are beyond n = 6

  it('lowerBound: the first index ≥ x, n when none', () => {
    assert.deepEqual([0, 1, 2, 3, 5, 8, 9, 100].map((x) => lowerBound(values, 6, x)), [0, 0, 1, 4, 4, 5, 6, 6]);
  });

  it('upperBound: the first index > x, n when none', () => {
    assert.deepEqual([0, 1, 2, 3, 5, 8, 9, 100].map((x) => upperBound(values, 6, x)), [0, 1, 4, 4, 5, 6, 6, 6]);
  });

  it('with n = 0 both are 0', () => {
    assert.deepEqual([lowerBound(values, 0, 5), upperBound(values, 0, 5)], [0, 0]);
  });

  it('[lowerBound(x), upperBound(x)) is the run equal to x', () => {
    assert.deepEqual([lowerBound(values, 6, 2), upperBound(values, 6, 2)], [1, 4]);
  });
});

describe('lowerBoundAt / upperBoundAt (through a lane of packet indices)', () => {
  const time = Float64Array.from([0.5, 0.1, 0.2, 0.9, 0.2, 0.3, 0.7]);
  const lane = Int32Array.from([1, 2, 4, 5, 6]); // times 0.1, 0.2, 0.2, 0.3, 0.7

  it('lowerBoundAt: the first position whose packet time is ≥ t', () => {
    assert.deepEqual([0, 0.1, 0.2, 0.25, 0.7, 0.8].map((t) => lowerBoundAt(lane, time, t)), [0, 0, 1, 3, 4, 5]);
  });

  it('upperBoundAt: the first position whose packet time is > t', () => {
    assert.deepEqual([0, 0.1, 0.2, 0.25, 0.7, 0.8].map((t) => upperBoundAt(lane, time, t)), [0, 1, 3, 3, 5, 5]);
  });

  it('an empty lane gives 0', () => {
    assert.deepEqual([lowerBoundAt(new Int32Array(0), time, 0.3), upperBoundAt(new Int32Array(0), time, 0.3)], [0, 0]);
  });
});
