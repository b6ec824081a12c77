/**
 * Window and liveness flags on tiny scripted conversations: zero window, zero-window probes and
 * their ACKs, window updates, keep-alives and their ACKs, duplicate ACKs, and our persist_probe.
 * Each test names the exact frames flagged, then tshark 4.0.17 reads the same capture and must agree.
 * Times are milliseconds; handshake() is SYN at t, SYN-ACK at t+5, ACK at t+10 (frames 1-3).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze, column, conversation, flagged, type Conversation } from '../support/tcp-script';
import { crossCheck, TsharkBatch } from '../support/tshark-check';

const tshark = new TsharkBatch();

const zeroWindow = tshark.add(
  conversation()
    .handshake(0)
    .data('a', 100, 20) // 4
    .ack('b', 30, { win: 0 }) // 5 zero_window
    .ack('b', 40) // 6 zero_window: on every such packet, not only the first
    .ack('b', 50, { win: 4096 }) // 7 window_update: same seq and ack, the window changed
    .data('a', 100, 60) // 8
    .ack('b', 70, { win: 8192 }) // 9 reopened on an ACK of new data: not a window update
    .ack('b', 80, { win: 16384 }) // 10 window_update
    .send('b', 90, { flags: 'RA', win: 0 }), // 11 RST with window 0: not a zero window
);

const bsdProbe = tshark.add(
  conversation()
    .handshake(0)
    .data('a', 100, 20) // 4
    .ack('b', 30, { win: 0 }) // 5 zero_window
    .zeroWindowProbe('a', 230) // 6 one byte at nextseq into a zero window
    .ack('b', 231) // 7 the byte is refused: ack unchanged, window still 0
    .zeroWindowProbe('a', 630) // 8
    .ack('b', 631) // 9
    .ack('b', 700, { win: 8192 }) // 10 window_update
    .data('a', 100, 701), // 11 resumes at seq 101: probes do not advance nextseq
);

const keepAlive = tshark.add(
  conversation()
    .handshake(0)
    .data('a', 100, 20) // 4
    .ack('b', 30) // 5
    .keepAlive('a', 1000) // 6 zero-length at nextseq − 1
    .ack('b', 1001) // 7 keep_alive_ack
    .keepAlive('a', 2000, 1) // 8 one garbage byte at nextseq − 1: keep_alive, not a retransmission
    .ack('b', 2001) // 9 keep_alive_ack
    .ack('b', 2002), // 10 still keep_alive_ack: a's last segment is still the keep-alive
);

const dupAcks = tshark.add(
  conversation()
    .handshake(0)
    .data('a', 100, 20) // 4
    .ack('b', 30) // 5 ack 101
    .ack('b', 31) // 6 dup #1
    .ack('b', 32) // 7 dup #2
    .ack('b', 33) // 8 dup #3
    .data('a', 100, 40) // 9
    .ack('b', 50) // 10 ack 201: the count restarts
    .ack('b', 51) // 11 dup #1
    .data('b', 10, 52) // 12 b's own data with the same ack does not reset the count
    .ack('b', 53), // 13 dup #2
);

const linuxProbe = tshark.add(
  conversation()
    .handshake(0)
    .data('a', 100, 20) // 4
    .ack('b', 30, { win: 0 }) // 5 zero_window
    .keepAlive('a', 230) // 6 Linux probe: no data, seq = SND.UNA − 1
    .ack('b', 231) // 7 zero_window (a reply to a keep-alive, but with window 0: not keep_alive_ack)
    .keepAlive('a', 630) // 8
    .ack('b', 631) // 9 zero_window
    .ack('a', 640) // 10 a pure ACK at nextseq while the window is 0 is not a probe (but a dup ACK)
    .ack('b', 700, { win: 8192 }) // 11 window_update
    .data('a', 100, 701) // 12 ordinary data into an open window
    .keepAlive('a', 5000), // 13 keep-alive with the window open: not a persist probe
);

describe('zero window and window update', () => {
  it('flags every zero-window ACK, and window updates only where seq and ack stay put', async (t) => {
    const r = analyze(zeroWindow);
    assert.deepEqual(flagged(r.packets), { 5: ['zero_window'], 6: ['zero_window'], 7: ['window_update'], 10: ['window_update'] });
    assert.deepEqual(r.analysis.minWindow, { a: 8192, b: 0 });
    await crossCheck(t, tshark, zeroWindow, r, ['window']);
  });

  it('flags a one-byte probe at nextseq as zero_window_probe (and persist_probe), the unchanged reply as zero_window_probe_ack', async (t) => {
    const r = analyze(bsdProbe);
    assert.deepEqual(flagged(r.packets), {
      5: ['zero_window'],
      6: ['zero_window_probe', 'persist_probe'],
      7: ['zero_window', 'zero_window_probe_ack'],
      8: ['zero_window_probe', 'persist_probe'],
      9: ['zero_window', 'zero_window_probe_ack'],
      10: ['window_update'],
    });
    // Both probes are still unacknowledged next to frame 11's 100 bytes: 101..201 plus the probe byte at 101.
    assert.deepEqual(column(r.packets, 'bif'), { 4: 100, 6: 1, 8: 1, 11: 100 });
    await crossCheck(t, tshark, bsdProbe, r, ['bif']);
  });
});

describe('keep-alive', () => {
  it('flags zero- and one-byte segments at nextseq − 1 as keep_alive and every unchanged reply as keep_alive_ack', async (t) => {
    const r = analyze(keepAlive);
    assert.deepEqual(flagged(r.packets), {
      6: ['keep_alive'],
      7: ['keep_alive_ack'],
      8: ['keep_alive'],
      9: ['keep_alive_ack'],
      10: ['keep_alive_ack'],
    });
    assert.deepEqual(column(r.packets, 'dupAck'), {}, 'keep-alive ACKs are not counted as duplicate ACKs');
    await crossCheck(t, tshark, keepAlive, r, ['dupAck']);
  });
});

describe('duplicate ACK', () => {
  it('numbers duplicate ACKs 1, 2, 3 and restarts when the ACK moves; data with the same ACK does not reset it', async (t) => {
    const r = analyze(dupAcks);
    assert.deepEqual(flagged(r.packets), {
      6: ['duplicate_ack'],
      7: ['duplicate_ack'],
      8: ['duplicate_ack'],
      11: ['duplicate_ack'],
      13: ['duplicate_ack'],
    });
    assert.deepEqual(column(r.packets, 'dupAck'), { 6: 1, 7: 2, 8: 3, 11: 1, 13: 2 });
    assert.deepEqual(r.analysis.flagCounts, { duplicate_ack: 5 });
    await crossCheck(t, tshark, dupAcks, r, ['dupAck']);
  });
});

describe('persist_probe (ours)', () => {
  it('marks Linux zero-length probes at SND.UNA − 1 (Wireshark: keep_alive), not pure ACKs, open-window data or keep-alives', async (t) => {
    const r = analyze(linuxProbe);
    assert.deepEqual(flagged(r.packets), {
      5: ['zero_window'],
      6: ['keep_alive', 'persist_probe'],
      7: ['zero_window'],
      8: ['keep_alive', 'persist_probe'],
      9: ['zero_window'],
      10: ['duplicate_ack'],
      11: ['window_update'],
      13: ['keep_alive'],
    });
    await crossCheck(t, tshark, linuxProbe, r);
  });

  it('marks a one-byte probe (Wireshark: zero_window_probe) and nothing while the window is open', () => {
    const probes = (c: Conversation) => analyze(c).packets.filter((p) => p.flags.includes('persist_probe')).map((p) => p.frame);
    assert.deepEqual(probes(bsdProbe), [6, 8]);
    assert.deepEqual(probes(dupAcks), []);
    assert.deepEqual(probes(keepAlive), []);
  });
});
