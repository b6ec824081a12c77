/**
 * Findings on tiny scripted conversations, each with its exact frames, severity and a message that
 * names those frames: window_update_owed, stall, out_of_window, scaled_syn_window (RFC 7323 §2.2)
 * and window_closed_empty_queue (capture only: a run of tiny segments before the zero window).
 * Times are milliseconds; handshake(0, 1) is SYN at 0, SYN-ACK at 0.5, ACK at 1 (frames 1-3).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding, FindingKind } from '../../src/core/analysis/findings';
import { analyze, conversation, type Conversation } from '../support/tcp-script';

/** The rules under test here; the per-flow `limited_by` summary has its own tests (limits-finding.test.ts). */
const findingsOf = (c: Conversation) => analyze(c).analysis.findings.filter((f) => f.kind !== 'limited_by');

/** kind, frames and severity of each finding, in order. */
const brief = (findings: readonly Finding[]) => findings.map((f) => ({ kind: f.kind, frames: f.frames, severity: f.severity }));

const ofKind = (findings: readonly Finding[], kind: FindingKind) => findings.filter((f) => f.kind === kind);

function assertNamesFrames(f: Finding, frames: readonly number[]): void {
  for (const n of frames) assert.match(f.message, new RegExp(`[Ff]rame ${n}\\b`), `${f.kind} message should name frame ${n}: ${f.message}`);
}

/** Two full segments (frames 4, 5), then b closes its window (frame 6, at `t` ms, default 11). */
const closed = (t = 11) => conversation().handshake(0, 1).data('a', 1460, t - 1).data('a', 1460, t - 0.9).ack('b', t, { win: 0 });

describe('window_update_owed and stall', () => {
  it('the NAT bug: a stall warning and an owed-update error, both on frames 6, 7, 9, 10', () => {
    const c = closed()
      .keepAlive('a', 211) // 7 Linux persist probe
      .ack('b', 211.05) // 8 still 0
      .keepAlive('a', 611) // 9
      .ack('b', 611.05, { win: 8192 }); // 10 reopened only in the reply
    const found = findingsOf(c);
    assert.deepEqual(brief(found), [
      { kind: 'stall', frames: [6, 7, 9, 10], severity: 'warning' },
      { kind: 'window_update_owed', frames: [6, 7, 9, 10], severity: 'error' },
    ]);
    for (const f of found) {
      assert.equal(f.flow, 0);
      assert.equal(Math.round(f.time * 1e9), 11_000_000, 'the time of the episode start');
    }
    assertNamesFrames(found[0], [6, 10]);
    assertNamesFrames(found[1], [9, 10]);
    assert.match(found[1].message, /600 ms/);
    assert.match(found[1].message, /high confidence/);
  });

  it('a stall of 150 ms ended by the receiver\'s own update is information, and nothing is owed', () => {
    const found = findingsOf(closed().ack('b', 161, { win: 8192 })); // 7
    assert.deepEqual(brief(found), [{ kind: 'stall', frames: [6, 7], severity: 'info' }]);
    assertNamesFrames(found[0], [6, 7]);
  });

  // 200,000,000 ns between the capture timestamps, whatever the start: seconds since the first packet
  // are floats, and 0.303 − 0.103 is 0.19999999999999998 in float64, so compare in whole nanoseconds.
  for (const start of [11, 103, 170]) {
    it(`a stall of exactly 200 ms is a warning (zero window at ${start} ms)`, () => {
      const found = findingsOf(closed(start).ack('b', start + 200, { win: 8192 })); // 7
      assert.deepEqual(brief(found), [{ kind: 'stall', frames: [6, 7], severity: 'warning' }]);
    });
  }

  it('a stall of 199.999 ms is information', () => {
    const found = findingsOf(closed().ack('b', 210.999, { win: 8192 })); // 7
    assert.deepEqual(brief(found), [{ kind: 'stall', frames: [6, 7], severity: 'info' }]);
  });
});

describe('out_of_window', () => {
  it('flags data beyond ack + window with the bytes beyond, naming the frame', () => {
    const c = conversation()
      .handshake(0, 1)
      .data('a', 1460, 10) // 4: 1..1460
      .ack('b', 11, { win: 1000 }) // 5 right edge 2461
      .data('a', 1460, 12); // 6: 1461..2920, 460 bytes beyond
    const found = ofKind(findingsOf(c), 'out_of_window');
    assert.deepEqual(brief(found), [{ kind: 'out_of_window', frames: [6], severity: 'warning' }]);
    assertNamesFrames(found[0], [6]);
    assert.match(found[0].message, /\b460 bytes\b/);
  });

  it('does not flag data that ends exactly at the right edge', () => {
    const c = conversation().handshake(0, 1).data('a', 1460, 10).ack('b', 11, { win: 1000 }).data('a', 1000, 12);
    assert.deepEqual(ofKind(findingsOf(c), 'out_of_window'), []);
  });

  it('does not flag persist probes sent into a zero window (one-byte BSD or zero-length Linux)', () => {
    const c = closed()
      .zeroWindowProbe('a', 211) // 7 one byte beyond ack + 0
      .ack('b', 211.05) // 8
      .keepAlive('a', 611) // 9
      .ack('b', 611.05, { win: 8192 }); // 10
    assert.deepEqual(ofKind(findingsOf(c), 'out_of_window'), []);
  });
});

describe('scaled_syn_window (RFC 7323 §2.2: the window in a SYN is never scaled)', () => {
  it('flags the NAT\'s SYN-ACK window 128 beside window scale 7 (16384 >> 7), frames 2 and b\'s first ACK', () => {
    const c = conversation({ wscale: { a: 7, b: 7 } })
      .syn(0, { win: 64240 }) // 1
      .synAck(0.5, { win: 128 }) // 2: raw 128 stays b's window, as the NAT's later ACKs advertise 128 << 7
      .ack('a', 1) // 3
      .data('a', 1460, 10) // 4
      .ack('b', 11); // 5
    const found = ofKind(findingsOf(c), 'scaled_syn_window');
    assert.deepEqual(brief(found), [{ kind: 'scaled_syn_window', frames: [2, 5], severity: 'warning' }]);
    assertNamesFrames(found[0], [2]);
    assert.match(found[0].message, /SYN-ACK/);
    assert.equal(Math.round(found[0].time * 1e9), 500_000);
  });

  it('flags a SYN-ACK window above 1024 that equals the raw window of the same side\'s first ACK', () => {
    const c = conversation({ wscale: { a: 7, b: 7 }, win: { b: 2048 } }).handshake(0, 1).data('a', 1460, 10).ack('b', 11); // 1-5
    assert.deepEqual(brief(ofKind(findingsOf(c), 'scaled_syn_window')), [{ kind: 'scaled_syn_window', frames: [2, 5], severity: 'warning' }]);
  });

  it('flags a SYN (not only a SYN-ACK) with window 512 beside window scale 7', () => {
    const c = conversation({ wscale: { a: 7, b: 7 } }).syn(0, { win: 512 }).synAck(0.5, { win: 65160 }).ack('a', 1); // 1-3
    const found = ofKind(findingsOf(c), 'scaled_syn_window');
    assert.deepEqual(brief(found), [{ kind: 'scaled_syn_window', frames: [1, 3], severity: 'warning' }]);
    assert.match(found[0].message, /\bSYN\b/);
  });

  it('does not flag a normal Linux handshake (SYN 64240, SYN-ACK 65160, window scale 7)', () => {
    const c = conversation({ wscale: { a: 7, b: 7 } }).syn(0, { win: 64240 }).synAck(0.5, { win: 65160 }).ack('a', 1, { win: 502 }).data('a', 1460, 10).ack('b', 11, { win: 509 });
    assert.deepEqual(ofKind(findingsOf(c), 'scaled_syn_window'), []);
  });

  it('does not flag a SYN-ACK window of 128 without a window-scale option', () => {
    const c = conversation({ wscale: { a: 7 } }).syn(0).synAck(0.5, { win: 128 }).ack('a', 1).data('a', 100, 10).ack('b', 11);
    assert.deepEqual(ofKind(findingsOf(c), 'scaled_syn_window'), []);
  });
});

describe('window_closed_empty_queue from the capture alone', () => {
  /** `count` segments of `size` bytes from a (frames 4 …), then b closes its window and reopens it 150 ms later. */
  function runThenClose(count: number, size: number): Conversation {
    const c = conversation().handshake(0, 1);
    for (let k = 0; k < count; k++) c.data('a', size, 10 + k * 0.1);
    return c.ack('b', 20, { win: 0 }).ack('b', 170, { win: 8192 });
  }

  it('flags the zero window after 40 tiny (16-byte) segments with MSS 1460, at the episode start frame', () => {
    const found = ofKind(findingsOf(runThenClose(40, 16)), 'window_closed_empty_queue');
    assert.deepEqual(brief(found), [{ kind: 'window_closed_empty_queue', frames: [44], severity: 'warning' }]);
    assertNamesFrames(found[0], [44]);
    assert.match(found[0].message, /\b16 bytes on average\b/);
    assert.equal(Math.round(found[0].time * 1e9), 20_000_000);
  });

  it('flags it after exactly 32 tiny segments, not after 31', () => {
    assert.deepEqual(brief(ofKind(findingsOf(runThenClose(32, 16)), 'window_closed_empty_queue')), [{ kind: 'window_closed_empty_queue', frames: [36], severity: 'warning' }]);
    assert.deepEqual(ofKind(findingsOf(runThenClose(31, 16)), 'window_closed_empty_queue'), []);
  });

  it('does not flag a zero window after full-size segments', () => {
    // 40 × 1460 would overrun b's 8192-byte window: give b room for them.
    const c = conversation({ win: { b: 65535 } }).handshake(0, 1);
    for (let k = 0; k < 40; k++) c.data('a', 1460, 10 + k * 0.1);
    c.ack('b', 20, { win: 0 }).ack('b', 170, { win: 65535 });
    const found = findingsOf(c);
    assert.deepEqual(brief(found), [{ kind: 'stall', frames: [44, 45], severity: 'info' }]);
  });

  it('does not flag segments whose mean is at 1/8 MSS or more (183 bytes with MSS 1460)', () => {
    assert.deepEqual(ofKind(findingsOf(runThenClose(40, 183)), 'window_closed_empty_queue'), []);
  });
});
