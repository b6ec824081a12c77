/**
 * Issue 11 on tiny scripted conversations: the effective segment size of each direction for every
 * MSS combination (symmetric, receiver larger — a user-mode NAT announcing 65535 —, sender larger, no
 * MSS option, timestamps on and off, super-segments, a sender that keeps below its MSS bound), and
 * stalls at zero and at sub-segment windows measured against it. No window scaling: windows are raw
 * bytes, and the receiver offers 65535 so half its buffer never undercuts one segment.
 * Frames: SYN 1 (t = 0), SYN-ACK 2 (0.5 ms), ACK 3 (1 ms); times are milliseconds.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectiveSegmentSize, type SegmentSize } from '../../src/core/analysis/segmentSize';
import { analyze, conversation, type Conversation } from '../support/tcp-script';

interface Shape {
  senderMss?: number;
  receiverMss?: number;
  /** Timestamps on every segment (both SYNs offer them). */
  ts?: boolean;
}

/** Handshake with the given options; the receiver (b) offers 65535 bytes. */
function nat(shape: Shape): Conversation {
  const ts = shape.ts ? ([1, 0] as [number, number]) : undefined;
  return conversation({ win: { a: 65535, b: 65535 } })
    .syn(0, { options: { mss: shape.senderMss, ts } })
    .synAck(0.5, { options: { mss: shape.receiverMss, ts } })
    .ack('a', 1, { options: ts && { ts } });
}

/** `n` back-to-back data segments of `len` bytes from a, from `t` ms on (0.01 ms apart). */
function burst(c: Conversation, n: number, len: number, t: number, ts?: boolean): Conversation {
  for (let k = 0; k < n; k++) c.data('a', len, t + k * 0.01, { options: ts ? { ts: [2, 1] } : undefined });
  return c;
}

/** The segment size of the data a sends to b. */
function segmentOf(c: Conversation): SegmentSize {
  const { analysis, flow } = analyze(c);
  return effectiveSegmentSize(flow, 1, (i) => analysis.analyzer.out.window(i));
}

describe('effective segment size per MSS combination', () => {
  const cases: [string, Shape, number, Partial<SegmentSize>][] = [
    ['symmetric 1460 / 1460', { senderMss: 1460, receiverMss: 1460 }, 1460, { source: 'mss-options', senderMss: 1460, receiverMss: 1460 }],
    ['receiver larger: a NAT announcing 65535 to a 1460-byte guest', { senderMss: 1460, receiverMss: 65535 }, 1460, { source: 'mss-options', senderMss: 1460, receiverMss: 65535 }],
    ['sender larger: a loopback sender (65495) towards a 1460-byte receiver', { senderMss: 65495, receiverMss: 1460 }, 1460, { source: 'mss-options', senderMss: 65495, receiverMss: 1460 }],
    ['no MSS option on either SYN: the largest segment seen', {}, 1460, { source: 'observed', senderMss: null, receiverMss: null }],
    ['timestamps on: 12 bytes less (RFC 6691)', { senderMss: 1460, receiverMss: 65535, ts: true }, 1448, { source: 'mss-options', optionBytes: 12 }],
    ['timestamps off', { senderMss: 1460, receiverMss: 1460, ts: false }, 1460, { source: 'mss-options', optionBytes: 0 }],
  ];
  for (const [name, shape, bytes, more] of cases) {
    it(`${name}: ${bytes} bytes`, () => {
      const s = segmentOf(burst(nat(shape), 4, bytes, 10, shape.ts));
      assert.equal(s.bytes, bytes);
      for (const [k, v] of Object.entries(more)) assert.equal(s[k as keyof SegmentSize], v, k);
    });
  }

  it('super-segments larger than the options allow (TSO/GRO on the capturing host) are counted, not believed', () => {
    const c = burst(nat({ senderMss: 1460, receiverMss: 1460 }), 2, 1460, 10);
    c.data('a', 2920, 11).data('a', 4380, 12);
    assert.deepEqual([segmentOf(c).bytes, segmentOf(c).superSegments, segmentOf(c).largestSeen], [1460, 2, 4380]);
  });

  it('refined to 1400 when the sender sends 9 segments of 1400 back to back with window to spare (a path MTU below the MSS)', () => {
    const s = segmentOf(burst(nat({ senderMss: 1460, receiverMss: 1460 }), 9, 1400, 10));
    assert.deepEqual([s.bytes, s.source], [1400, 'refined']);
  });

  it('not refined by application-sized writes below 536 bytes', () => {
    const s = segmentOf(burst(nat({ senderMss: 1460, receiverMss: 1460 }), 20, 100, 10));
    assert.deepEqual([s.bytes, s.source], [1460, 'mss-options']);
  });
});

/** NAT shape (sender 1460, receiver 65535): 44 full segments fill 64240 of the 65535 bytes (frames 4–47, t = 10..10.43 ms). */
const filled = (ts = false) => burst(nat({ senderMss: 1460, receiverMss: 65535, ts }), 44, ts ? 1448 : 1460, 10, ts);
const seqOf = (rel: number) => (1_000_000 + rel) >>> 0;

describe('zero and sub-segment closures against the sender\'s segment size', () => {
  it('a zero window: one episode with threshold 1460, not half of 65523', () => {
    const c = filled().ack('b', 11, { win: 0 }).keepAlive('a', 211).ack('b', 211.05, { win: 65535 }); // 48, 49, 50
    const [e, ...rest] = analyze(c).analysis.stalls;
    assert.deepEqual(rest, []);
    assert.deepEqual([e.startFrame, e.endFrame, e.startWindow, e.threshold, e.segment.bytes, e.probeFrames, e.endedBy], [48, 50, 0, 1460, 1460, [49], 'probe_reply']);
    assert.ok(e.owed);
  });

  it('a window of 1152 bytes the sender waits on, probed 200 ms later with 1152 bytes of data, reopened only in the reply: owed', () => {
    const c = filled()
      .ack('b', 11, { win: 1152 }) // 48: acknowledges all 64240 bytes, room 1152 < one segment
      .data('a', 1152, 211) // 49: the persist timer's window-sized segment, ending exactly at the edge
      .ack('b', 211.05, { win: 51200 }); // 50: the reply carries the reopened window
    const [e] = analyze(c).analysis.stalls;
    assert.deepEqual(
      [e.startFrame, e.endFrame, e.startWindow, e.probeFrames, e.endedBy, e.owed?.seconds, e.owed?.frames],
      [48, 50, 1152, [49], 'probe_reply', 0.20005, [48, 49, 50]],
    );
  });

  it('the same window reopened by the receiver\'s own update 10 ms later, data at once: a stall owed nothing', () => {
    const c = filled()
      .ack('b', 11, { win: 1152 }) // 48
      .ack('b', 21, { win: 2560 }) // 49: its own update (RFC 1122 4.2.3.3)
      .data('a', 1460, 21.02) // 50: sent at once: it was waiting
      .data('a', 1100, 21.03); // 51
    const [e, ...rest] = analyze(c).analysis.stalls;
    assert.deepEqual(rest, []);
    assert.deepEqual([e.startFrame, e.endFrame, e.startWindow, e.probes, e.endedBy, e.owed], [48, 49, 1152, 0, 'window_update', null]);
    assert.equal(Math.round(e.duration * 1e9), 10_000_000);
  });

  it('no episode when the sender has nothing waiting: no data after the reopening', () => {
    const c = filled().ack('b', 11, { win: 1152 }).ack('b', 21, { win: 2560 }); // 48, 49
    assert.deepEqual(analyze(c).analysis.stalls, []);
  });

  it('no episode when the sender sends less than the room (it had no more): an application-limited sender', () => {
    const c = filled()
      .ack('b', 11, { win: 1152 }) // 48
      .data('a', 200, 15) // 49: short of the edge
      .ack('b', 16, { win: 952 }) // 50: room 952, the sender has not reached it
      .ack('b', 21, { win: 2560 }); // 51
    assert.deepEqual(analyze(c).analysis.stalls, []);
  });

  it('a window of 30000 bytes is no stall in a NAT-shaped flow (the receiver\'s 65535 is not the sender\'s segment)', () => {
    const c = filled().ack('b', 11, { ack: seqOf(34241), win: 30000 }).ack('b', 12, { win: 65535 }); // 48, 49
    assert.deepEqual(analyze(c).analysis.stalls, []);
  });

  it('with timestamps: a 1400-byte window is below one segment (1448) and a 1448-byte window is not', () => {
    const below = filled(true).ack('b', 11, { win: 1400 }).data('a', 1400, 211, { options: { ts: [3, 1] } }).ack('b', 211.05, { win: 65535 });
    const [e] = analyze(below).analysis.stalls;
    assert.deepEqual([e.startWindow, e.threshold, e.segment.bytes, e.endedBy], [1400, 1448, 1448, 'probe_reply']);
    const at = filled(true).ack('b', 11, { win: 1448 }).data('a', 1448, 11.02, { options: { ts: [3, 1] } }).ack('b', 11.05, { win: 65535 });
    assert.deepEqual(analyze(at).analysis.stalls, []);
  });
});

describe('the tiny-segment rule uses the effective segment size', () => {
  it('full-size segments before a NAT\'s zero window: no window_closed_empty_queue (the receiver\'s MSS is 65535)', () => {
    const c = filled().ack('b', 11, { win: 0 }).ack('b', 100, { win: 65535 });
    assert.deepEqual(analyze(c).analysis.findings.map((f) => f.kind), ['stall']);
  });

  it('32 segments of 100 bytes before it (under 1460 / 8): the finding, naming the sender\'s segment size', () => {
    const c = burst(nat({ senderMss: 1460, receiverMss: 65535 }), 32, 100, 10).ack('b', 11, { win: 0 }).ack('b', 100, { win: 65535 });
    const found = analyze(c).analysis.findings.filter((f) => f.kind === 'window_closed_empty_queue');
    assert.deepEqual(found.map((f) => f.frames), [[36]]);
    assert.match(found[0].message, /100 bytes on average \(the sender's segment size: 1460 bytes: the sender's MSS 1460; the receiver announced 65535\)/);
  });
});
