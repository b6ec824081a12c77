/**
 * Stall episodes and owed window updates on tiny scripted conversations: the user-mode NAT that
 * reopens its window only in replies to persist probes (docs/stories.md, story 1), healthy receivers that
 * announce the reopening themselves, every way an episode ends, sub-MSS windows (RFC 1122 4.2.3.3),
 * the min(MSS, half the largest window) threshold, and the bytes outstanding when the window closed.
 * Times are milliseconds; handshake(0, 1) is SYN at 0, SYN-ACK at 0.5, ACK at 1 (frames 1-3), so the
 * flow's RTT is 1 ms: a reply within 2 ms of a probe is certainly its answer, within 4 ms probably.
 * No window scaling: windows are raw bytes; MSS 1460 (the scripts' SYN option), so the threshold is
 * min(1460, 8192 / 2) = 1460 unless a test says otherwise.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StallEpisode } from '../../src/core/analysis/stalls';
import { analyze, conversation, type Conversation } from '../support/tcp-script';

/** Times to whole nanoseconds (the capture's resolution), so they compare exactly with literals. */
const ns = (t: number) => Math.round(t * 1e9) / 1e9;

/** An episode with times in whole nanoseconds and without the owed evidence text (checked separately). */
function shape(e: StallEpisode) {
  const { owed, segment, ...rest } = e;
  return {
    ...rest,
    segmentSize: segment.bytes,
    start: ns(e.start),
    end: ns(e.end),
    duration: ns(e.duration),
    owed: owed && { seconds: ns(owed.seconds), confidence: owed.confidence, frames: owed.frames },
  };
}

const stallsOf = (c: Conversation) => analyze(c).analysis.stalls;

/** Absolute sequence number of a's relative byte `rel` (the scripts' default ISN). */
const conversationSeq = (rel: number) => (1_000_000 + rel) >>> 0;

/** Two full segments (frames 4, 5: bytes 1..2920), then b closes its window with an ACK of both (frame 6, t = 11). */
function closedAfterTwoSegments(rttMs = 1): Conversation {
  return conversation()
    .handshake(0, rttMs)
    .data('a', 1460, 10) // 4
    .data('a', 1460, 10.1) // 5
    .ack('b', 11, { win: 0 }); // 6 zero window: a has sent up to the right edge
}

/** The NAT bug: two Linux probes (zero-length at SND.UNA − 1) 200 and 600 ms in; only the reply to the second reopens. */
function natBug(replyLagMs: number): Conversation {
  return closedAfterTwoSegments()
    .keepAlive('a', 211) // 7 persist probe
    .ack('b', 211.05) // 8 answered at once, window still 0
    .keepAlive('a', 611) // 9 persist probe
    .ack('b', 611 + replyLagMs, { win: 8192 }) // 10 the reopened window, only in the reply
    .data('a', 1460, 612 + replyLagMs); // 11
}

const closedEpisode = { receiver: 1, startFrame: 6, start: 0.011, startWindow: 0, outstanding: 0, segmentSize: 1460, threshold: 1460 };

describe('the NAT that reopens only in replies to persist probes', () => {
  it('is one episode 6..10 with 2 Linux probes, ended by the probe reply and owed with high confidence', () => {
    const stalls = stallsOf(natBug(0.05));
    assert.deepEqual(stalls.map(shape), [
      {
        ...closedEpisode,
        end: 0.61105,
        endFrame: 10,
        duration: 0.60005,
        probes: 2,
        probeFrames: [7, 9],
        endedBy: 'probe_reply',
        reopenedWindow: 8192,
        owed: { seconds: 0.60005, confidence: 'high', frames: [6, 7, 9, 10] },
      },
    ]);
    const evidence = stalls[0].owed!.evidence;
    for (const frame of [9, 10]) assert.match(evidence, new RegExp(`frame ${frame}\\b`), evidence);
  });

  it('is owed with medium confidence when the reopening reply comes 3 RTT after the probe', () => {
    const [e] = stallsOf(natBug(3));
    assert.deepEqual(shape(e).owed, { seconds: 0.603, confidence: 'medium', frames: [6, 7, 9, 10] });
    assert.equal(e.endedBy, 'probe_reply');
  });

  /** A sub-MSS stall in which the persist timer sends what fits: Linux's tcp_write_wakeup, an in-window partial segment. */
  const partialProbe = () =>
    conversation()
      .handshake(0, 1)
      .data('a', 1460, 10) // 4
      .data('a', 1000, 10.1) // 5: 1..2460
      .ack('b', 11, { ack: conversationSeq(1461), win: 1000 }) // 6 right edge 2461: a has filled the window
      .ack('b', 12, { win: 500 }) // 7 takes the 1000 bytes, offers 500 more: still below one MSS
      .data('a', 500, 212) // 8 200 ms later the persist timer sends the 500 bytes that fit
      .ack('b', 212.05, { win: 8192 }); // 9 the reopening arrives only as the reply to it

  it('counts an in-window partial segment sent into a sub-MSS window as a persist probe', () => {
    const [e] = stallsOf(partialProbe());
    assert.deepEqual([e.startFrame, e.probes, e.probeFrames], [6, 1, [8]]);
  });

  it('charges the episode as owed when the reopening comes only in the reply to that partial-segment probe', () => {
    const [e] = stallsOf(partialProbe());
    assert.deepEqual([e.endFrame, e.endedBy, shape(e).owed], [9, 'probe_reply', { seconds: 0.20105, confidence: 'high', frames: [6, 8, 9] }]);
  });
});

describe('receivers that announce the reopening themselves', () => {
  it('a pure window update 150 ms after the zero window, with no probe, is window_update and not owed', () => {
    const c = closedAfterTwoSegments().ack('b', 161, { win: 8192 }); // 7
    assert.deepEqual(stallsOf(c).map(shape), [
      { ...closedEpisode, end: 0.161, endFrame: 7, duration: 0.15, probes: 0, probeFrames: [], endedBy: 'window_update', reopenedWindow: 8192, owed: null },
    ]);
  });

  it('a window update 30 ms after a probe that was answered at once (RTT 0.1 ms) is window_update and not owed', () => {
    const c = closedAfterTwoSegments(0.1)
      .keepAlive('a', 211) // 7
      .ack('b', 211.05) // 8 the probe's answer: still closed
      .ack('b', 241, { win: 8192 }); // 9 the receiver's own update
    assert.deepEqual(stallsOf(c).map(shape), [
      { ...closedEpisode, end: 0.241, endFrame: 9, duration: 0.23, probes: 1, probeFrames: [7], endedBy: 'window_update', reopenedWindow: 8192, owed: null },
    ]);
  });

  it('a window update 30 ms after an unanswered probe (RTT 0.1 ms) is too late to be its reply', () => {
    const c = closedAfterTwoSegments(0.1).keepAlive('a', 211).ack('b', 241, { win: 8192 }); // 7, 8
    const [e] = stallsOf(c);
    assert.deepEqual([e.endFrame, e.endedBy, e.owed], [8, 'window_update', null]);
  });
});

describe('how an episode ends', () => {
  it('ack_with_data: the reopening ACK acknowledges data the zero window left outstanding', () => {
    const c = conversation()
      .handshake(0, 1)
      .data('a', 1460, 10) // 4
      .data('a', 1460, 10.1) // 5
      .data('a', 1460, 10.2) // 6: 1..4380
      .ack('b', 11, { ack: conversationSeq(2921), win: 0 }) // 7 closes with 1460 bytes outstanding
      .ack('b', 100, { win: 8192 }); // 8 acknowledges them and reopens
    assert.deepEqual(stallsOf(c).map(shape), [
      {
        ...closedEpisode,
        startFrame: 7,
        end: 0.1,
        endFrame: 8,
        duration: 0.089,
        probes: 0,
        probeFrames: [],
        endedBy: 'ack_with_data',
        reopenedWindow: 8192,
        outstanding: 1460,
        owed: null,
      },
    ]);
  });

  it('ack_with_data: the reopening segment carries the receiver\'s own data', () => {
    const c = closedAfterTwoSegments().data('b', 100, 100, { win: 8192 }); // 7
    const [e] = stallsOf(c);
    assert.deepEqual([e.endFrame, e.endedBy, e.reopenedWindow, e.owed], [7, 'ack_with_data', 8192, null]);
  });

  const closers: [string, (c: Conversation) => Conversation, StallEpisode['endedBy']][] = [
    ['a RST from the receiver', (c) => c.send('b', 300, { flags: 'RA' }), 'rst'],
    ['a RST from the sender', (c) => c.send('a', 300, { flags: 'RA' }), 'rst'],
    ['a FIN from the receiver, window still 0', (c) => c.fin('b', 300), 'fin'],
    ['a FIN from the sender', (c) => c.fin('a', 300), 'fin'],
  ];
  for (const [name, close, endedBy] of closers) {
    it(`${endedBy}: ${name} at frame 8 ends it without a reopened window`, () => {
      const c = close(closedAfterTwoSegments().keepAlive('a', 211)); // 7 probe, 8 the closer
      assert.deepEqual(stallsOf(c).map(shape), [
        { ...closedEpisode, end: 0.3, endFrame: 8, duration: 0.289, probes: 1, probeFrames: [7], endedBy, reopenedWindow: null, owed: null },
      ]);
    });
  }

  it('fin: a FIN from the receiver that also reopens the window keeps the reopened window', () => {
    const [e] = stallsOf(closedAfterTwoSegments().fin('b', 300, { win: 8192 })); // 7
    assert.deepEqual([e.endFrame, e.endedBy, e.reopenedWindow, e.owed], [7, 'fin', 8192, null]);
  });

  it('capture_end: still closed at the last packet', () => {
    const c = closedAfterTwoSegments().keepAlive('a', 211).ack('b', 211.05).keepAlive('a', 611); // 7, 8, 9
    assert.deepEqual(stallsOf(c).map(shape), [
      { ...closedEpisode, end: 0.611, endFrame: 9, duration: 0.6, probes: 2, probeFrames: [7, 9], endedBy: 'capture_end', reopenedWindow: null, owed: null },
    ]);
  });
});

describe('either side can be the receiver', () => {
  it('reports side a (receiver 0) when a closes its window to b\'s data', () => {
    const c = conversation()
      .handshake(0, 1)
      .data('b', 1460, 10) // 4
      .ack('a', 11, { win: 0 }) // 5
      .ack('a', 161, { win: 8192 }); // 6
    assert.deepEqual(
      stallsOf(c).map((e) => [e.receiver, e.startFrame, e.endFrame, e.endedBy]),
      [[0, 5, 6, 'window_update']],
    );
  });
});

describe('BSD/Windows one-byte probes', () => {
  it('counts one-byte probes at SND.NXT; the reply that reopens right after the second is owed', () => {
    const c = closedAfterTwoSegments()
      .zeroWindowProbe('a', 211) // 7
      .ack('b', 211.05) // 8 refused, window 0
      .zeroWindowProbe('a', 611) // 9
      .ack('b', 611.05, { win: 8192 }); // 10
    assert.deepEqual(stallsOf(c).map(shape), [
      {
        ...closedEpisode,
        end: 0.61105,
        endFrame: 10,
        duration: 0.60005,
        probes: 2,
        probeFrames: [7, 9],
        endedBy: 'probe_reply',
        reopenedWindow: 8192,
        owed: { seconds: 0.60005, confidence: 'high', frames: [6, 7, 9, 10] },
      },
    ]);
  });
});

describe('sub-MSS windows (receiver-side silly-window avoidance, RFC 1122 4.2.3.3)', () => {
  it('starts an episode at a 1000-byte window the sender has already filled', () => {
    const c = conversation()
      .handshake(0, 1)
      .data('a', 1460, 10) // 4
      .data('a', 1000, 10.1) // 5: 1..2460
      .ack('b', 11, { ack: conversationSeq(1461), win: 1000 }) // 6 right edge 2461 = SND.NXT
      .ack('b', 161, { ack: conversationSeq(1461), win: 8192 }); // 7 the receiver's own update
    assert.deepEqual(stallsOf(c).map(shape), [
      { ...closedEpisode, startWindow: 1000, end: 0.161, endFrame: 7, duration: 0.15, probes: 0, probeFrames: [], endedBy: 'window_update', reopenedWindow: 8192, outstanding: 1000, owed: null },
    ]);
  });

  it('does not start one at a 1000-byte window the sender has not reached', () => {
    const c = conversation()
      .handshake(0, 1)
      .data('a', 1460, 10) // 4
      .ack('b', 11, { win: 1000 }) // 5 right edge 2461, SND.NXT 1461: the sender is not blocked
      .ack('b', 161, { win: 8192 }); // 6
    assert.deepEqual(stallsOf(c), []);
  });
});

describe('the threshold is min(MSS, half the largest window the receiver advertised)', () => {
  // Loopback-like: MSS 65495, but the receiver never offers more than 16 KiB, so the threshold is 8192.
  const loopback = () =>
    conversation({ win: { a: 16384, b: 16384 } })
      .syn(0, { options: { mss: 65495 } })
      .synAck(0.5, { options: { mss: 65495 } })
      .ack('a', 1) // 3
      .data('a', 16384, 10) // 4 fills the 16 KiB window
      .ack('b', 11) // 5 window 16 KiB again: below one MSS, but not a stall
      .data('a', 16384, 12) // 6
      .ack('b', 13); // 7

  it('a receiver whose windows are all 16 KiB with a 64 KiB MSS is not stalled', () => {
    assert.deepEqual(stallsOf(loopback()), []);
  });

  it('a 4 KiB window the sender has filled is a stall with threshold 8192', () => {
    const c = loopback()
      .data('a', 16384, 14) // 8: 1..49152
      .ack('b', 15, { ack: conversationSeq(45057), win: 4096 }) // 9 right edge 49153 = SND.NXT
      .ack('b', 50, { win: 16384 }); // 10 acknowledges the rest and reopens
    assert.deepEqual(stallsOf(c).map(shape), [
      {
        receiver: 1,
        start: 0.015,
        end: 0.05,
        startFrame: 9,
        endFrame: 10,
        duration: 0.035,
        probes: 0,
        probeFrames: [],
        endedBy: 'ack_with_data',
        reopenedWindow: 16384,
        outstanding: 4096,
        startWindow: 4096,
        segmentSize: 65495,
        threshold: 8192,
        owed: null,
      },
    ]);
  });
});
