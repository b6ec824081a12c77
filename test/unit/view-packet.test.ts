/**
 * packetDetails on tiny scripted conversations: found by frame, relative seq and ack from each
 * side's ISN, the window in bytes as the peer reads it (scaled), the TCP flags in Wireshark's
 * order, the analysis flags by name, bytes in flight and ACK RTT.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { packetDetails, tcpFlagsText } from '../../src/core/view/packet';
import { analyze, conversation } from '../support/tcp-script';

describe('packetDetails', () => {
  // Shifts a 7, b 2; frames 1-3 handshake, 4 data from a, 5 b's ACK (raw window 100 → 400 bytes), 6 b's zero window.
  const c = () => conversation({ wscale: { a: 7, b: 2 } }).handshake(0, 1).data('a', 300, 10).ack('b', 12, { win: 100 }).ack('b', 13, { win: 0 });

  it('a data segment: relative seq and ack, scaled window, bytes in flight', () => {
    const { flow, analysis } = analyze(c());
    assert.deepEqual(packetDetails(flow, analysis, 4), {
      frame: 4,
      time: 0.01,
      direction: 'ab',
      seq: 1,
      ack: 1,
      len: 300,
      win: 8192 << 7,
      winRaw: 8192,
      tcpFlags: 'PSH, ACK',
      flags: [],
      bytesInFlight: 300,
      rtt: null,
    });
  });

  it("the receiver's ACK: its own seq space, the window scaled by its shift, the ACK RTT", () => {
    const { flow, analysis } = analyze(c());
    const d = packetDetails(flow, analysis, 5);
    assert.deepEqual({ ...d, rtt: Math.round(d.rtt! * 1e6) }, {
      frame: 5,
      time: 0.012,
      direction: 'ba',
      seq: 1,
      ack: 301,
      len: 0,
      win: 400,
      winRaw: 100,
      tcpFlags: 'ACK',
      flags: [],
      bytesInFlight: null,
      rtt: 2000,
    });
    assert.deepEqual(packetDetails(flow, analysis, 6).flags, ['zero_window']);
  });

  it('the SYN: seq 0, ack 0 without the ACK flag, the raw window (never scaled)', () => {
    const { flow, analysis } = analyze(c());
    const syn = packetDetails(flow, analysis, 1);
    assert.deepEqual([syn.seq, syn.ack, syn.win, syn.tcpFlags], [0, 0, 8192, 'SYN']);
    const synAck = packetDetails(flow, analysis, 2);
    assert.deepEqual([synAck.seq, synAck.ack, synAck.tcpFlags], [0, 1, 'SYN, ACK']);
  });

  it('names out-of-window data among the flags', () => {
    const { flow, analysis } = analyze(conversation().handshake(0, 1).data('a', 100, 10).ack('b', 11, { win: 40 }).data('a', 60, 12));
    assert.deepEqual(packetDetails(flow, analysis, 6).flags, ['out_of_window']);
  });

  it('throws a RangeError for a frame that is not in the flow', () => {
    const { flow, analysis } = analyze(c());
    assert.throws(() => packetDetails(flow, analysis, 99), RangeError);
    assert.throws(() => packetDetails(flow, analysis, 0), RangeError);
  });
});

describe('tcpFlagsText', () => {
  it('lists the set flags in Wireshark\'s order', () => {
    assert.equal(tcpFlagsText(0x011), 'FIN, ACK');
    assert.equal(tcpFlagsText(0x0d2), 'SYN, ACK, ECE, CWR');
    assert.equal(tcpFlagsText(0), '');
  });
});
