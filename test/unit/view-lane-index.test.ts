/**
 * The per-flow lane index (src/core/view/laneIndex.ts) on scripted conversations: which packets
 * each lane takes with which values (relative sequence numbers, windows in bytes), the markers,
 * the extent, and the cache.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { laneIndex, type LaneIndex } from '../../src/core/view/laneIndex';
import { MarkerKind } from '../../src/protocol';
import { analyze, conversation } from '../support/tcp-script';

const arr = (x: ArrayLike<number>) => Array.from(x);
const laneOf = (l: LaneIndex['segments']) => ({ index: arr(l.index), v0: arr(l.v0), v1: arr(l.v1) });

describe('laneIndex: a zero window, a Linux persist probe and the reopening (no window scaling)', () => {
  // Packet indices: 0 SYN, 1 SYN-ACK, 2 ACK, 3 data 1..101, 4 ACK win 0, 5 probe at 100, 6 ACK win 8192, 7 data 101..201, 8 ACK, 9 FIN.
  const c = conversation().handshake(0, 10).data('a', 100, 20).ack('b', 30, { win: 0 }).keepAlive('a', 230).ack('b', 231, { win: 8192 }).data('a', 100, 240).ack('b', 250).fin('a', 260);
  const { flow, analysis } = analyze(c);
  const li = laneIndex(flow, analysis, 0);

  it('segments: the sender packets that take sequence space, at relative seq and end (SYN and FIN count one)', () => {
    assert.deepEqual(laneOf(li.segments), { index: [0, 3, 7, 9], v0: [0, 1, 101, 201], v1: [1, 101, 201, 202] });
    assert.equal(li.base, c.seq('a', 0));
  });

  it('acks: the receiver packets with ACK, at relative ACK and right edge (ACK + window)', () => {
    assert.deepEqual(laneOf(li.acks), { index: [1, 4, 6, 8], v0: [1, 101, 101, 201], v1: [1 + 8192, 101, 101 + 8192, 201 + 8192] });
  });

  it('windows: every receiver packet, one value (the SYN-ACK window unscaled)', () => {
    assert.deepEqual(arr(li.windows.index), [1, 4, 6, 8]);
    assert.deepEqual(arr(li.windows.v0), [8192, 0, 8192, 8192]);
    assert.equal(li.windows.v1, li.windows.v0);
  });

  it('bytes in flight at the data segments', () => {
    assert.deepEqual({ index: arr(li.inFlight.index), v0: arr(li.inFlight.v0) }, { index: [3, 7], v0: [100, 100] });
  });

  it('markers in packet order: the zero window at its window, the probe at its seq, the window update at its window', () => {
    assert.deepEqual(
      { index: arr(li.markers.index), kind: arr(li.markers.kind), value: arr(li.markers.value), frame: arr(li.markers.frame) },
      { index: [4, 5, 6], kind: [MarkerKind.ZeroWindow, MarkerKind.PersistProbe, MarkerKind.WindowUpdate], value: [0, 100, 8192], frame: [5, 6, 7] },
    );
    assert.deepEqual(arr(li.markers.time), [4, 5, 6].map((i) => flow.packets.time[i]));
    assert.deepEqual(arr(li.sacks), []);
  });

  it('extent, threshold and window reading', () => {
    assert.deepEqual(li.extent, { t0: 0, t1: 0.26, seqMax: 201 + 8192, windowMax: 8192, recvQMax: 0 });
    assert.equal(li.threshold, 1460);
    assert.deepEqual(li.reading, { inferredShift: -1, source: 'not-used' });
    assert.deepEqual([li.length, li.sender], [10, 0]);
  });

  it('is built once per flow and sender while the flow does not grow', () => {
    assert.equal(laneIndex(flow, analysis, 0), li);
    const other = laneIndex(flow, analysis, 1);
    assert.notEqual(other, li);
    assert.equal(laneIndex(flow, analysis, 1), other);
  });
});

describe('laneIndex: scaled windows, data beyond the right edge, a reset', () => {
  // 0 SYN, 1 SYN-ACK, 2 ACK, 3 data 1..101, 4 ACK win 25 << 2, 5 data 101..251 (edge 201), 6 ACK, 7 RST from b.
  const c = conversation({ wscale: { a: 2, b: 2 } }).handshake(0, 10).data('a', 100, 20).ack('b', 30, { win: 25 }).data('a', 150, 40).ack('b', 50).send('b', 60, { flags: 'R', ack: 0 });
  const { flow, analysis } = analyze(c);
  const li = laneIndex(flow, analysis, 0);

  it('reads windows scaled by the handshake, and leaves the reset out of the ACK and window lanes', () => {
    assert.deepEqual(li.reading, { inferredShift: -1, source: 'handshake' });
    assert.deepEqual(laneOf(li.acks), { index: [1, 4, 6], v0: [1, 101, 251], v1: [1 + 8192, 201, 351] });
    assert.deepEqual(arr(li.windows.index), [1, 4, 6]);
    assert.deepEqual(arr(li.windows.v0), [8192, 100, 100]);
  });

  it('marks data beyond the receiver’s right edge as out of window, at its seq', () => {
    assert.deepEqual({ index: arr(li.markers.index), kind: arr(li.markers.kind), value: arr(li.markers.value) }, { index: [5], kind: [MarkerKind.OutOfWindow], value: [101] });
  });

  it('the other direction: b sent only its SYN-ACK, a’s packets are its receiver side', () => {
    const b = laneIndex(flow, analysis, 1);
    assert.deepEqual(arr(b.segments.index), [1]);
    assert.deepEqual(arr(b.acks.index), [2, 3, 5]);
    assert.deepEqual(arr(b.windows.index), [0, 2, 3, 5]);
  });
});
