/**
 * Bytes in flight (SACK-adjusted, FIN, after a gap, past the 10,000-segment cap), ACK RTT and
 * initial RTT on tiny scripted conversations. tshark 4.0.17 reads the same captures and must agree
 * on every packet's flags and on the measured field.
 * Times are milliseconds; handshake(0) is SYN at 0, SYN-ACK at 5, ACK at 10 (frames 1-3).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze, column, conversation, flagged } from '../support/tcp-script';
import { crossCheck, TsharkBatch } from '../support/tshark-check';

const tshark = new TsharkBatch();

const sack = tshark.add(conversation().handshake(0));
{
  const c = sack;
  const s = (rel: number) => c.seq('a', rel);
  const hole = s(1); // the first segment never arrives
  c.data('a', 100, 20).data('a', 100, 21).data('a', 100, 22).data('a', 100, 23); // 4-7: 1..401
  c.ack('b', 30, { ack: hole, options: { sack: [[s(201), s(401)]] } }); // 8 SACKs 2 of the 4 segments
  c.data('a', 100, 31); // 9: 500 outstanding − 200 SACKed
  const four: [number, number][] = [[s(101), s(201)], [s(201), s(301)], [s(301), s(401)], [s(401), s(501)]];
  c.ack('b', 40, { ack: hole, options: { sack: four } }); // 10: only the first 3 blocks count
  c.data('a', 100, 41); // 11: 600 − 300
  c.ack('b', 50, { ack: hole }); // 12 no SACK option: nothing is subtracted any more
  c.data('a', 100, 51); // 13: 700
}

const fin = tshark.add(conversation().handshake(0));
fin
  .data('a', 100, 20) // 4: 100
  .data('a', 10, 21, { flags: 'FPA' }) // 5: 1..112 is 111 with the FIN, which does not count: 110
  .fin('b', 30) // 6 pure FIN: no value
  .ack('a', 40); // 7

const gap = tshark.add(conversation().handshake(0));
gap
  .data('a', 100, 20) // 4: 100
  .lose('a', 100)
  .data('a', 100, 21) // 5 lost_segment: no value from here…
  .data('a', 100, 22) // 6
  .ack('b', 30, { ack: gap.seq('a', 101) }) // 7 …until b ACKs again
  .data('a', 100, 31); // 8: 201..501 = 300

const rtt = tshark.add(conversation().handshake(0));
rtt
  .data('a', 100, 20) // 4
  .data('a', 100, 300, { seq: rtt.seq('a', 1) }) // 5 retransmission
  .ack('b', 310) // 6 ack 101: RTT from frame 4, the oldest transmission: 290 ms
  .data('a', 100, 320) // 7
  .ack('b', 320) // 8 acknowledged in the same instant: a zero RTT is not shown
  .data('a', 100, 330) // 9 201..301
  .ack('b', 335, { ack: rtt.seq('a', 251) }) // 10 inside the segment: trims it, no RTT
  .ack('b', 340) // 11 ack 301: the trimmed segment's end, RTT 10 ms
  .ack('b', 350); // 12 duplicate: nothing left to measure

const synAgain = tshark.add(conversation());
synAgain
  .syn(0) // 1
  .syn(1000) // 2 the SYN again (same ISN): iRTT counts from here
  .synAck(1005) // 3
  .ack('a', 1010) // 4 iRTT 10 ms
  .data('a', 100, 1020); // 5

// 10,100 unacknowledged 10-byte segments: Wireshark tracks 10,000 and ignores the rest.
const SEGMENTS = 10_100;
const cap = tshark.add(conversation().handshake(0));
for (let k = 0; k < SEGMENTS; k++) cap.data('a', 10, 20 + k * 0.001);
cap.ack('b', 100).data('a', 10, 110).ack('b', 120);

describe('bytes in flight', () => {
  it('subtracts what the peer\'s latest packet SACKs, at most 3 blocks, nothing after a packet without SACK', async (t) => {
    const r = analyze(sack);
    assert.deepEqual(column(r.packets, 'bif'), { 4: 100, 5: 200, 6: 300, 7: 400, 9: 300, 11: 300, 13: 700 });
    assert.deepEqual(flagged(r.packets), { 8: ['duplicate_ack'], 10: ['duplicate_ack'], 12: ['duplicate_ack'] });
    assert.deepEqual(r.analysis.maxBytesInFlight, { aToB: 700, bToA: null });
    await crossCheck(t, tshark, sack, r, ['bif', 'dupAck']);
  });

  it('counts a FIN\'s sequence byte in the span but not in the value; a pure FIN gets none', async (t) => {
    const r = analyze(fin);
    assert.deepEqual(column(r.packets, 'bif'), { 4: 100, 5: 110 });
    await crossCheck(t, tshark, fin, r, ['bif']);
  });

  it('stops after a lost segment until the peer sends an ACK', async (t) => {
    const r = analyze(gap);
    assert.deepEqual(flagged(r.packets), { 5: ['lost_segment'] });
    assert.deepEqual(column(r.packets, 'bif'), { 4: 100, 8: 300 });
    await crossCheck(t, tshark, gap, r, ['bif']);
  });

  it('tracks at most 10,000 unacknowledged segments, counts the rest, and carries on', async (t) => {
    const r = analyze(cap);
    const data = r.packets.slice(3, 3 + SEGMENTS);
    assert.equal(r.analysis.unackedCapHits, SEGMENTS - 10_000);
    assert.deepEqual([data[0].bif, data[9_999].bif], [10, 100_000]);
    assert.equal(data[10_000].bif, 100_000, 'a segment past the cap is not in the list: the value is stale');
    assert.equal(data.at(-1)!.bif, 100_000);
    assert.equal(r.packets.at(-2)!.bif, 10, 'after the ACK the list is empty again');
    assert.deepEqual(flagged(r.packets), {});
    assert.deepEqual(r.analysis.maxBytesInFlight, { aToB: 100_000, bToA: null });
    await crossCheck(t, tshark, cap, r, ['bif']);
  });
});

describe('ACK RTT', () => {
  it('measures from the oldest transmission, hides a zero RTT, and needs an ACK exactly at a segment end', async (t) => {
    const r = analyze(rtt);
    const ms = (v: Record<number, number>) => Object.fromEntries(Object.entries(v).map(([k, x]) => [k, Math.round(x * 1e6) / 1e3]));
    assert.deepEqual(ms(column(r.packets, 'ackRtt')), { 2: 5, 3: 5, 6: 290, 11: 10 });
    assert.deepEqual(flagged(r.packets), { 5: ['retransmission'], 12: ['duplicate_ack'] });
    await crossCheck(t, tshark, rtt, r, ['ackRtt']);
  });
});

describe('initial RTT', () => {
  it('runs from the last SYN to the first ACK without SYN', async (t) => {
    const r = analyze(synAgain);
    assert.equal(Math.round(r.analysis.initialRtt! * 1e9), 10_000_000);
    assert.deepEqual(flagged(r.packets), { 2: ['retransmission'] });
    await crossCheck(t, tshark, synAgain, r, ['initialRtt', 'ackRtt']);
  });

  it('is the handshake ACK minus the SYN, not the SYN-ACK', () => {
    const r = analyze(fin);
    assert.equal(Math.round(r.analysis.initialRtt! * 1e9), 10_000_000);
  });
});
