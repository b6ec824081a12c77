/**
 * Retransmission family and gaps on tiny scripted conversations: retransmission, fast and spurious
 * retransmission (both also carry the retransmission bit, like tshark's fields), out-of-order decided
 * by the initial RTT, lost segments and ACKed-unseen segments with their side effects.
 * Each test names the exact frames flagged, then tshark 4.0.17 reads the same capture and must agree.
 * Times are milliseconds; handshake(0) is SYN at 0, SYN-ACK at 5, ACK at 10 (frames 1-3; iRTT 10 ms).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze, column, conversation, flagged, type Conversation } from '../support/tcp-script';
import { crossCheck, TsharkBatch, tsharkFlags } from '../support/tshark-check';

const tshark = new TsharkBatch();

const rto = tshark.add(conversation().handshake(0));
rto
  .data('a', 100, 20) // 4 rel 1
  .data('a', 100, 21) // 5 rel 101
  .data('a', 100, 300, { seq: rto.seq('a', 1) }) // 6 resent after a timeout
  .ack('b', 310); // 7

const spurious = tshark.add(conversation().handshake(0));
spurious
  .data('a', 100, 20) // 4
  .ack('b', 30) // 5 acknowledges all of it
  .data('a', 100, 300, { seq: spurious.seq('a', 1) }) // 6 resent anyway
  .ack('b', 310); // 7 dup #1

/** Four segments, an ACK of the first and `dups` duplicates of it, then the second segment again at `resendAt` ms. */
function dupAcksThenResend(dups: number, resendAt: number): Conversation {
  const c = conversation().handshake(0);
  c.data('a', 100, 20).data('a', 100, 21).data('a', 100, 22).data('a', 100, 23); // 4-7
  const hole = c.seq('a', 101);
  for (let k = 0; k <= dups; k++) c.ack('b', 30 + k, { ack: hole }); // 8 and its duplicates
  return c.data('a', 100, resendAt, { seq: hole }).ack('b', resendAt + 10);
}
const fast = tshark.add(dupAcksThenResend(2, 35)); // resent 3 ms after dup #2
const fastTooLate = tshark.add(dupAcksThenResend(2, 52)); // exactly 20 ms after dup #2: too late (strict <)
const oneDup = tshark.add(dupAcksThenResend(1, 34)); // only one duplicate ACK

/** A hole of 100 bytes after the first segment, filled `fillAfter` ms after the segment past it. */
function holeFilled(fillAfter: number, handshake: boolean): Conversation {
  const c = conversation();
  if (handshake) c.handshake(0);
  const start = c.next('a');
  c.data('a', 100, 20).lose('a', 100).data('a', 100, 21); // first, (lost), lost_segment
  return c.data('a', 100, 21 + fillAfter, { seq: (start + 100) >>> 0 }).ack('b', 60);
}
const oooWithinIrtt = tshark.add(holeFilled(4, true)); // iRTT 10 ms
const retransAfterIrtt = tshark.add(holeFilled(14, true));
const oooNoHandshake = tshark.add(holeFilled(2.5, false)); // threshold 3 ms
const retransNoHandshake = tshark.add(holeFilled(4, false));

// Intervals exactly at a threshold, at times where float seconds round the interval just below it:
// tshark compares nanoseconds, so none of these is "within" the threshold.
const fastAtLimit = tshark.add(conversation().handshake(0, 2));
{
  const c = fastAtLimit;
  const hole = c.seq('a', 101);
  c.data('a', 100, 3).data('a', 100, 4); // 4, 5
  c.ack('b', 16, { ack: hole }).ack('b', 17, { ack: hole }).ack('b', 18, { ack: hole }); // 6, dup 7, dup 8
  c.data('a', 100, 38, { seq: hole }); // 9: 20 ms after dup #2
}
function holeFilledAt(rtt: number | null, first: number, next: number, fill: number): Conversation {
  const c = conversation();
  if (rtt !== null) c.handshake(0, rtt);
  const start = c.next('a');
  return c.data('a', 100, first).lose('a', 100).data('a', 100, next).data('a', 100, fill, { seq: (start + 100) >>> 0 });
}
const oooAtIrtt = tshark.add(holeFilledAt(5, 8, 9, 14)); // iRTT 5 ms; filled 5 ms after frame 5
const oooAt3ms = tshark.add(holeFilledAt(null, 0, 21, 24)); // no handshake; filled 3 ms after frame 2

const ackedUnseen = tshark.add(conversation().handshake(0));
ackedUnseen
  .data('a', 100, 20) // 4 rel 1..101
  .lose('a', 100)
  .data('a', 100, 21) // 5 rel 201: lost_segment
  .ack('b', 30, { ack: ackedUnseen.seq('a', 301) }) // 6 acks the segment never seen: ack_lost_segment
  .data('a', 100, 40) // 7
  .ack('b', 50); // 8

// b acknowledges beyond everything a sent: flagged once, and a's dup counter becomes "-1" (≥ 2 unsigned).
const minusOne = tshark.add(conversation().handshake(0));
minusOne
  .data('a', 100, 20) // 4 rel 1..101
  .data('b', 50, 25, { ack: minusOne.seq('a', 201) }) // 5 ack_lost_segment
  .data('b', 50, 30, { seq: minusOne.seq('b', 1), ack: minusOne.seq('a', 201) }) // 6 fast retransmission with no dup ACK
  .ack('b', 35, { ack: minusOne.seq('a', 301) }) // 7 beyond again: not flagged a second time
  .ack('a', 36, { ack: minusOne.seq('b', 1) }); // 8 a's duplicate ACK counts on from "-1": #1

// Notes section 7: a probe byte the receiver finally takes is "ACKed unseen", the data after it "not captured".
const probeTaken = tshark.add(conversation().handshake(0));
probeTaken
  .data('a', 100, 20) // 4
  .ack('b', 30, { win: 0 }) // 5 zero_window
  .zeroWindowProbe('a', 230) // 6
  .ack('b', 231) // 7 refused
  .zeroWindowProbe('a', 630) // 8
  .ack('b', 631, { ack: probeTaken.seq('a', 102), win: 4096 }) // 9 takes the byte
  .data('a', 100, 632, { seq: probeTaken.seq('a', 102) }) // 10 continues after it
  .ack('b', 640); // 11

describe('retransmissions', () => {
  it('flags a resend after a timeout as retransmission', async (t) => {
    const r = analyze(rto);
    assert.deepEqual(flagged(r.packets), { 6: ['retransmission'] });
    await crossCheck(t, tshark, rto, r);
  });

  it('flags a resend of acknowledged data as spurious_retransmission (and retransmission)', async (t) => {
    const r = analyze(spurious);
    assert.deepEqual(flagged(r.packets), { 6: ['retransmission', 'spurious_retransmission'], 7: ['duplicate_ack'] });
    await crossCheck(t, tshark, spurious, r);
  });

  it('flags a resend of the duplicate-ACKed segment after two dup ACKs within 20 ms as fast_retransmission (and retransmission)', async (t) => {
    const r = analyze(fast);
    assert.deepEqual(flagged(r.packets), {
      9: ['duplicate_ack'],
      10: ['duplicate_ack'],
      11: ['retransmission', 'fast_retransmission'],
    });
    await crossCheck(t, tshark, fast, r);
  });

  it('calls it a plain retransmission 20 ms after the last dup ACK, or after only one dup ACK', async (t) => {
    const late = analyze(fastTooLate);
    assert.deepEqual(flagged(late.packets), { 9: ['duplicate_ack'], 10: ['duplicate_ack'], 11: ['retransmission'] });
    const one = analyze(oneDup);
    assert.deepEqual(flagged(one.packets), { 9: ['duplicate_ack'], 10: ['retransmission'] });
    await crossCheck(t, tshark, fastTooLate, late);
    await crossCheck(t, tshark, oneDup, one);
  });
});

describe('out of order against the initial RTT', () => {
  it('flags a hole filled within one iRTT of the highest segment as out_of_order, later as retransmission', async (t) => {
    const ooo = analyze(oooWithinIrtt);
    assert.equal(Math.round(ooo.analysis.initialRtt! * 1e9), 10_000_000);
    assert.deepEqual(flagged(ooo.packets), { 5: ['lost_segment'], 6: ['out_of_order'] });
    const late = analyze(retransAfterIrtt);
    assert.deepEqual(flagged(late.packets), { 5: ['lost_segment'], 6: ['retransmission'] });
    await crossCheck(t, tshark, oooWithinIrtt, ooo);
    await crossCheck(t, tshark, retransAfterIrtt, late);
  });

  it('uses 3 ms when there is no handshake', async (t) => {
    const ooo = analyze(oooNoHandshake);
    assert.equal(ooo.analysis.initialRtt, null);
    assert.deepEqual(flagged(ooo.packets), { 2: ['lost_segment'], 3: ['out_of_order'] });
    const late = analyze(retransNoHandshake);
    assert.deepEqual(flagged(late.packets), { 2: ['lost_segment'], 3: ['retransmission'] });
    await crossCheck(t, tshark, oooNoHandshake, ooo);
    await crossCheck(t, tshark, retransNoHandshake, late);
  });
});

describe('exact thresholds: tshark compares nanoseconds, "within" is strict', () => {
  it('a resend exactly 20 ms after the last dup ACK is not a fast retransmission', async (t) => {
    const expected = { 7: ['duplicate_ack'], 8: ['duplicate_ack'], 9: ['retransmission'] };
    await tsharkFlags(t, tshark, fastAtLimit, expected);
    assert.deepEqual(flagged(analyze(fastAtLimit).packets), expected);
  });

  it('a hole filled exactly one iRTT after the highest segment is a retransmission', async (t) => {
    const expected = { 5: ['lost_segment'], 6: ['retransmission'] };
    await tsharkFlags(t, tshark, oooAtIrtt, expected);
    assert.deepEqual(flagged(analyze(oooAtIrtt).packets), expected);
  });

  it('without a handshake, a hole filled exactly 3 ms later is a retransmission', async (t) => {
    const expected = { 2: ['lost_segment'], 3: ['retransmission'] };
    await tsharkFlags(t, tshark, oooAt3ms, expected);
    assert.deepEqual(flagged(analyze(oooAt3ms).packets), expected);
  });
});

describe('gaps', () => {
  it('flags a segment past nextseq as lost_segment and an ACK of the unseen bytes as ack_lost_segment', async (t) => {
    const r = analyze(ackedUnseen);
    assert.deepEqual(flagged(r.packets), { 5: ['lost_segment'], 6: ['ack_lost_segment'] });
    await crossCheck(t, tshark, ackedUnseen, r);
  });

  it('flags an ACK beyond all data once, and the "-1" dup counter makes the peer\'s resend a fast retransmission', async (t) => {
    const r = analyze(minusOne);
    assert.deepEqual(flagged(r.packets), { 5: ['ack_lost_segment'], 6: ['retransmission', 'fast_retransmission'], 8: ['duplicate_ack'] });
    assert.deepEqual(column(r.packets, 'dupAck'), { 8: 1 });
    await crossCheck(t, tshark, minusOne, r, ['dupAck']);
  });

  it('flags the ACK of a taken probe byte ack_lost_segment (RTT from the first probe) and the next data lost_segment', async (t) => {
    const r = analyze(probeTaken);
    assert.deepEqual(flagged(r.packets), {
      5: ['zero_window'],
      6: ['zero_window_probe', 'persist_probe'],
      7: ['zero_window', 'zero_window_probe_ack'],
      8: ['zero_window_probe', 'persist_probe'],
      9: ['ack_lost_segment'],
      10: ['lost_segment'],
      11: ['ack_lost_segment'],
    });
    assert.equal(Math.round(r.packets[8].ackRtt! * 1e9), 401_000_000, 'frame 9 acknowledges the probe of frame 6');
    assert.equal(r.packets[9].bif, null, 'no bytes in flight after a lost segment');
    assert.deepEqual(column(r.packets, 'bif'), { 4: 100, 6: 1, 8: 1 });
    await crossCheck(t, tshark, probeTaken, r, ['bif', 'ackRtt']);
  });
});
