/**
 * Calculated window, window-scale factor and window_full on tiny scripted conversations, plus the
 * window-scale inference for flows whose handshake was not captured. tshark 4.0.17 reads the same
 * captures and must agree on flags, tcp.window_size and tcp.window_size_scalefactor.
 * Times are milliseconds; handshake(0) is SYN at 0, SYN-ACK at 5, ACK at 10 (frames 1-3).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze, conversation, flagged, type Conversation, type PacketResult } from '../support/tcp-script';
import { crossCheck, TsharkBatch } from '../support/tshark-check';

const tshark = new TsharkBatch();

/** [frame, calculated window, shift] per packet. */
const windows = (packets: readonly PacketResult[]) => packets.map((p) => [p.frame, p.win, p.winShift]);

// b announces shift 2 but its SYN-ACK window (300) is never scaled; its ACKs advertise 100 << 2 = 400.
const full = tshark.add(conversation({ wscale: { a: 7, b: 2 }, win: { b: 300 } }).handshake(0));
full
  .data('a', 300, 20) // 4 ends at 1 + 300: full by the unscaled SYN-ACK window (b has sent no ACK yet)
  .ack('b', 30, { win: 100 }) // 5 ack 301, window 400
  .data('a', 399, 40) // 6 ends at 700: one byte short of 301 + 400
  .data('a', 1, 41) // 7 ends at 701: exactly at the edge
  .ack('b', 50) // 8 ack 701
  .data('a', 400, 60); // 9 ends at 1101 = 701 + 400

// The same edge, but past the SYN-ACK's raw window: 1 + (300 << 2) is not the edge before b's first ACK.
const scaledTooEarly = tshark.add(conversation({ wscale: { a: 7, b: 2 }, win: { b: 300 } }).handshake(0));
scaledTooEarly.data('a', 1200, 20).ack('b', 30);

const synWithout = tshark.add(conversation({ wscale: { b: 7 } }).handshake(0).data('a', 100, 20).ack('b', 30, { win: 50 }));
const synAckWithout = tshark.add(conversation({ wscale: { a: 7 } }).handshake(0).data('a', 100, 20).ack('b', 30, { win: 50 }));
const noHandshake = tshark.add(conversation().data('a', 100, 0, { win: 300 }).ack('b', 10, { win: 40 }).data('a', 40, 20));
const shift15 = tshark.add(conversation({ wscale: { a: 15, b: 15 }, win: { a: 3 } }).handshake(0).data('b', 100, 20, { win: 2 }));

// Window scale announced outside a SYN (no handshake captured): it counts from the sender's next packet.
const lateOption = tshark.add(conversation());
lateOption
  .ack('a', 0, { win: 10, options: { wscale: 5 } }) // 1
  .ack('a', 10, { win: 10 }) // 2
  .data('b', 100, 20, { win: 10 }); // 3

/**
 * No handshake; a downloads from b and advertises raw window 100 that is really 100 << 7. b sends
 * `rounds` flights of `segments` × `size` bytes, each after an ACK of everything before it.
 */
function bulk(rounds: number, segments: number, size: number): Conversation {
  const c = conversation({ win: { a: 100 } });
  for (let r = 0; r < rounds; r++) {
    c.ack('a', 20 * r);
    for (let k = 1; k <= segments; k++) c.data('b', size, 20 * r + k);
  }
  return c.ack('a', 20 * rounds);
}
const windowLimited = tshark.add(bulk(3, 10, 1280)); // every flight ends exactly at ack + 12,800
const notLimited = tshark.add(bulk(3, 12, 1000)); // flights of 12,000: beyond 100, never at an edge

describe('window_full', () => {
  it('flags a segment ending exactly at the right edge, not one byte short; before the first ACK the SYN-ACK window is unscaled', async (t) => {
    const r = analyze(full);
    assert.deepEqual(flagged(r.packets), { 4: ['window_full'], 7: ['window_full'], 9: ['window_full'] });
    await crossCheck(t, tshark, full, r, ['window', 'bif']);
  });

  it('does not scale the SYN-ACK window while the receiver has sent no other ACK', async (t) => {
    const r = analyze(scaledTooEarly);
    assert.deepEqual(flagged(r.packets), {});
    await crossCheck(t, tshark, scaledTooEarly, r, ['window']);
  });
});

describe('calculated window and scale factor', () => {
  it('scales windows after the SYNs by each side\'s handshake shift; SYN windows are raw (-3)', async (t) => {
    const r = analyze(full);
    assert.deepEqual(windows(r.packets).slice(0, 5), [
      [1, 8192, -3],
      [2, 300, -3],
      [3, 8192 << 7, 7],
      [4, 8192 << 7, 7],
      [5, 400, 2],
    ]);
    assert.deepEqual(r.analysis.windowScale, { a: { shift: 7, source: 'handshake' }, b: { shift: 2, source: 'handshake' } });
    assert.deepEqual(r.analysis.minWindow, { a: 8192, b: 300 });
    await crossCheck(t, tshark, full, r, ['window']);
  });

  for (const [name, c] of [['the SYN', synWithout], ['the SYN-ACK', synAckWithout]] as const) {
    it(`treats scaling as not used (-2, raw windows) when ${name} lacks the option`, async (t) => {
      const r = analyze(c);
      assert.deepEqual(windows(r.packets), [[1, 8192, -3], [2, 8192, -3], [3, 8192, -2], [4, 8192, -2], [5, 50, -2]]);
      const notUsed = { shift: null, source: 'not-used' };
      assert.deepEqual(r.analysis.windowScale, { a: notUsed, b: notUsed });
      await crossCheck(t, tshark, c, r, ['window']);
    });
  }

  it('shows raw windows with an unknown scale (-1) when there is no handshake', async (t) => {
    const r = analyze(noHandshake);
    assert.deepEqual(windows(r.packets), [[1, 300, -1], [2, 40, -1], [3, 300, -1]]);
    assert.deepEqual(flagged(r.packets), {}, 'frame 3 ends at ack + 40, but window_full needs a known scale');
    const unknown = { shift: null, source: 'unknown' };
    assert.deepEqual(r.analysis.windowScale, { a: unknown, b: unknown });
    assert.equal(r.analysis.initialRtt, null);
    await crossCheck(t, tshark, noHandshake, r, ['window']);
  });

  it('caps a shift of 15 at 14', async (t) => {
    const r = analyze(shift15);
    assert.deepEqual(windows(r.packets), [[1, 3, -3], [2, 8192, -3], [3, 3 << 14, 14], [4, 2 << 14, 14]]);
    assert.deepEqual(r.analysis.windowScale, { a: { shift: 14, source: 'handshake' }, b: { shift: 14, source: 'handshake' } });
    await crossCheck(t, tshark, shift15, r, ['window']);
  });

  it('applies a window-scale option on a non-SYN packet from the sender\'s next packet on', async (t) => {
    const r = analyze(lateOption);
    assert.deepEqual(windows(r.packets), [[1, 10, -1], [2, 320, 5], [3, 10, -1]]);
    await crossCheck(t, tshark, lateOption, r, ['window']);
  });
});

describe('window-scale inference without a handshake', () => {
  it('infers shift 7 where the sender repeatedly fills ack + (win << 7) exactly', async (t) => {
    const r = analyze(windowLimited);
    // Per flight, segments 6..10 (ending past 100 << 6 = 6,400) need shift 7; the first is frame 7.
    assert.deepEqual(r.analysis.windowScale.a, {
      shift: 7,
      source: 'inferred',
      evidence: { shift: 7, segmentsRequiring: 15, segmentsAtEdge: 3, firstFrame: 7 },
    });
    assert.deepEqual(r.analysis.windowScale.b, { shift: null, source: 'unknown' });
    // Wireshark has no inference: the windows stay raw, and no window_full without a known scale.
    assert.deepEqual(flagged(r.packets), {});
    await crossCheck(t, tshark, windowLimited, r, ['window']);
  });

  it('stays unknown when the data only bounds the shift from below', async (t) => {
    const r = analyze(notLimited);
    assert.deepEqual(r.analysis.windowScale, { a: { shift: null, source: 'unknown' }, b: { shift: null, source: 'unknown' } });
    await crossCheck(t, tshark, notLimited, r, ['window']);
  });
});
