/**
 * limitStrip: the limited-by intervals of a series answer, cut to [t0, t1] and merged to the pixel
 * grid. Times here are chosen so that pixel edges fall on exact binary fractions (t0 0, t1 1,
 * 8 pixels of 0.125 s), so the expected ends are exact.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type LimitInterval, limitStrip } from '../../src/core/view/limitStrip';
import { LIMIT_STATES } from '../../src/protocol';

const rows = (r: ReturnType<typeof limitStrip>) => Array.from(r.start, (s, k) => [s, r.end[k], LIMIT_STATES[r.state[k]]]);
const iv = (state: LimitInterval['state'], start: number, end: number): LimitInterval => ({ state, start, end });

describe('limitStrip', () => {
  it('keeps intervals at least a pixel wide exactly, clipped to [t0, t1]', () => {
    const timeline = [iv('idle', -1, 0.25), iv('network', 0.25, 0.5), iv('receiverWindow', 0.5, 2)];
    assert.deepEqual(rows(limitStrip(timeline, 0, 1, 8)), [
      [0, 0.25, 'idle'],
      [0.25, 0.5, 'network'],
      [0.5, 1, 'receiverWindow'],
    ]);
  });

  it('leaves out intervals wholly before t0 or after t1', () => {
    const timeline = [iv('idle', 0, 1), iv('network', 1, 2), iv('application', 2, 3), iv('idle', 3, 4)];
    assert.deepEqual(rows(limitStrip(timeline, 1.5, 2.5, 8)), [
      [1.5, 2, 'network'],
      [2, 2.5, 'application'],
    ]);
  });

  it('gives a sub-pixel interval the state covering most of its pixel, and joins it to that neighbour', () => {
    // Pixel 2 is [0.25, 0.375): network covers 0.25–0.3 and 0.31–0.375 (0.115 s), receiver window 0.01 s.
    const timeline = [iv('network', 0, 0.3), iv('receiverWindow', 0.3, 0.31), iv('network', 0.31, 1)];
    assert.deepEqual(rows(limitStrip(timeline, 0, 1, 8)), [[0, 1, 'network']]);
  });

  it('a run of sub-pixel intervals becomes per pixel the majority state', () => {
    // 16 intervals of 1/32 s: in pixels 0–3 receiver window holds 3 of every 4, in pixels 4–7 network does.
    const timeline: LimitInterval[] = [];
    for (let k = 0; k < 32; k++) {
      const major = k < 16 ? 'receiverWindow' : 'network';
      const minor = k < 16 ? 'network' : 'receiverWindow';
      timeline.push(iv(k % 4 === 3 ? minor : major, k / 32, (k + 1) / 32));
    }
    assert.deepEqual(rows(limitStrip(timeline, 0, 1, 8)), [
      [0, 0.5, 'receiverWindow'],
      [0.5, 1, 'network'],
    ]);
  });

  it('breaks a tie in a pixel towards the earlier state (receiver window before network)', () => {
    const timeline = [iv('network', 0, 0.0625), iv('receiverWindow', 0.0625, 0.125), iv('application', 0.125, 1)];
    assert.deepEqual(rows(limitStrip(timeline, 0, 1, 8)), [
      [0, 0.125, 'receiverWindow'],
      [0.125, 1, 'application'],
    ]);
  });

  it('a sub-pixel interval inside a wide one counts the wide one’s share of the pixel', () => {
    // Pixel 4 is [0.5, 0.625): sendBuffer 0.5–0.6 (wide interval 0.25–0.6), application 0.6–0.61, sendBuffer again after.
    const timeline = [iv('sendBuffer', 0.25, 0.6), iv('application', 0.6, 0.61), iv('sendBuffer', 0.61, 0.7), iv('application', 0.7, 1)];
    assert.deepEqual(rows(limitStrip(timeline, 0.25, 1, 6)), [
      [0.25, 0.7, 'sendBuffer'],
      [0.7, 1, 'application'],
    ]);
  });

  it('keeps gaps where the timeline has none', () => {
    const timeline = [iv('network', 0, 0.25), iv('network', 0.5, 1)];
    assert.deepEqual(rows(limitStrip(timeline, 0, 1, 8)), [
      [0, 0.25, 'network'],
      [0.5, 1, 'network'],
    ]);
  });

  it('an empty timeline or an empty range gives an empty strip', () => {
    assert.deepEqual(rows(limitStrip([], 0, 1, 8)), []);
    assert.deepEqual(rows(limitStrip([iv('network', 0, 1)], 2, 3, 8)), []);
  });

  it('at one pixel everything becomes the state covering most of the range', () => {
    const timeline = [iv('network', 0, 0.3), iv('receiverWindow', 0.3, 0.9), iv('idle', 0.9, 1)];
    assert.deepEqual(rows(limitStrip(timeline, 0, 1, 1)), [[0, 1, 'receiverWindow']]);
  });

  it('100,000 alternating intervals over 1,000 pixels: at most a few per pixel, and fast', () => {
    const timeline: LimitInterval[] = [];
    for (let k = 0; k < 100_000; k++) timeline.push(iv(k % 3 === 0 ? 'network' : 'receiverWindow', k / 1000, (k + 1) / 1000));
    const t = performance.now();
    const r = limitStrip(timeline, 0, 100, 1000);
    const took = performance.now() - t;
    assert.deepEqual(rows(r), [[0, 100, 'receiverWindow']]);
    assert.ok(took < 200, `took ${took.toFixed(1)} ms`);
  });
});
