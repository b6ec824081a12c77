/**
 * The limited-by split on scripted flows (times in ms): the per-packet rule (receiver window when the
 * next segment would pass the right edge, network with data outstanding, application with nothing
 * outstanding, idle before the first data and after the last ACK), stall episodes painted into
 * receiver-window time, the send-buffer signature, the capture's vantage, and the `limited_by` finding.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { summarizeLimits } from '../../src/core/limitSummary';
import { analyze, conversation } from '../support/tcp-script';

/** Seconds per state rounded to the µs, and the timeline as [state, start ms, end ms] relative to the first packet. */
function split(c: ReturnType<typeof conversation>) {
  const { analysis, flow } = analyze(c);
  const l = analysis.limitedBy!;
  const t0 = flow.packets.time[0];
  const round = (s: number) => Math.round(s * 1e6) / 1e6;
  return {
    l,
    analysis,
    flow,
    seconds: Object.fromEntries(Object.entries(l.seconds).map(([k, v]) => [k, round(v)])),
    timeline: l.timeline.toArray().map((iv) => [iv.state, round((iv.start - t0) * 1000), round((iv.end - t0) * 1000)]),
  };
}

describe('limitedBy: the per-packet rule', () => {
  // a sends; b advertises 8192 bytes (no scaling), so a sixth 1460-byte segment would pass the right edge.
  const flow = () =>
    conversation()
      .handshake(0, 10) // 1-3: idle until the first data
      .data('a', 1000, 20) // 4: network until b's ACK
      .ack('b', 30) // 5: all acknowledged, window open: application
      .data('a', 1460, 50)
      .data('a', 1460, 50)
      .data('a', 1460, 50)
      .data('a', 1460, 50)
      .data('a', 1460, 50) // 10: 7300 in flight, 892 left of 8192: receiver window
      .ack('b', 60) // 11: application
      .data('a', 1000, 70) // 12: network
      .ack('b', 80) // 13: the last byte acknowledged: idle from here
      .ack('a', 90); // 14

  it('splits the flow into its states, in order, covering the flow from its first to its last packet', () => {
    const { l, seconds, timeline } = split(flow());
    assert.equal(l.dir, 0);
    assert.deepEqual(timeline, [
      ['idle', 0, 20],
      ['network', 20, 30],
      ['application', 30, 50],
      ['receiverWindow', 50, 60],
      ['application', 60, 70],
      ['network', 70, 80],
      ['idle', 80, 90],
    ]);
    assert.deepEqual(seconds, { receiverWindow: 0.01, network: 0.02, sendBuffer: 0, application: 0.03, idle: 0.03 });
    assert.ok(Math.abs(l.busy - 0.03) < 1e-9);
    assert.equal(l.owedSeconds, 0);
    assert.equal(l.sendBuffer, null);
  });

  it('against a window smaller than two segments, "closed" is half the largest window (as for stalls), not one segment', () => {
    // b offers 1800 bytes: 500 in flight leave 1300, less than a 1460-byte segment but more than 900.
    const c = conversation({ win: { b: 1800 } }).handshake(0, 10).data('a', 500, 20).ack('b', 30).data('a', 1800, 40).ack('b', 50);
    assert.deepEqual(split(c).timeline, [
      ['idle', 0, 20],
      ['network', 20, 30],
      ['application', 30, 40],
      ['receiverWindow', 40, 50],
    ]);
  });

  it('picks the direction with more payload', () => {
    const c = conversation().handshake(0, 10).data('a', 100, 20).ack('b', 30).data('b', 5000, 40).ack('a', 50);
    assert.equal(split(c).l.dir, 1);
  });

  it('is null for a flow without data (SYNs, pure ACKs)', () => {
    assert.equal(analyze(conversation().handshake(0, 10).ack('b', 20)).analysis.limitedBy, null);
  });

  it('paints a stall episode into receiver-window time and counts what was owed', () => {
    // b closes its window with nothing outstanding; a's persist probe gets the reopened window only in b's reply: owed.
    const c = conversation()
      .handshake(0, 10)
      .data('a', 8192, 20) // 4: fills the window
      .ack('b', 30, { win: 0 }) // 5: zero window, everything acknowledged
      .keepAlive('a', 230) // 6: Linux's persist probe
      .ack('b', 231, { win: 8192 }) // 7: the reply reopens: owed
      .data('a', 1000, 231.5)
      .ack('b', 242);
    const { l, analysis, timeline } = split(c);
    assert.equal(analysis.stalls.length, 1);
    assert.ok(analysis.stalls[0].owed);
    assert.deepEqual(timeline.slice(0, 3), [
      ['idle', 0, 20],
      ['receiverWindow', 20, 231],
      ['network', 231, 242],
    ]);
    assert.ok(Math.abs(l.owedSeconds - analysis.stalls[0].owed!.seconds) < 1e-12);
    const summary = summarizeLimits(analyze(c).flow, analysis, 1000)!;
    assert.equal(summary.direction, 'a→b');
    assert.ok(Math.abs(summary.owed - l.owedSeconds) < 1e-12);
    assert.ok(Math.abs(summary.timeline.at(1).start - (1000 + l.timeline.startAt(1))) < 1e-9, 'times in epoch seconds');
  });
});

describe('limitedBy: the send buffer', () => {
  /** After each ACK of two segments: one segment at once (the ACK clock), one more 1.1 ms later (the woken application). */
  const cycles = (appDelay: number, extraOwnSend = false) => {
    const c = conversation({ win: { b: 65535 } }).handshake(0, 10);
    for (let k = 0; k < 4; k++) c.data('a', 1448, 20);
    let t = 22.4;
    for (let k = 0; k < 10; k++, t += 2.4) {
      c.ack('b', t, { ack: c.seq('a', 1 + 2 * 1448 * (k + 1)) });
      c.data('a', 1448, t + 0.05);
      c.data('a', 1448, t + appDelay);
      if (extraOwnSend) c.data('a', 1448, t + appDelay + 1.1);
    }
    return c.ack('b', t);
  };

  it('counts from the write the ACK woke to the next ACK, with the level it held', () => {
    const { l, seconds } = split(cycles(1.1));
    assert.equal(seconds.sendBuffer, 0.013, '10 × 1.3 ms');
    assert.deepEqual(l.sendBuffer, { pauses: 10, inFlightMin: 5792, inFlightMax: 5792 });
  });

  it('is network when the second send follows the ACK within 1 ms (the ACK clock), or the sender paces (two sends of its own between ACKs)', () => {
    assert.equal(split(cycles(0.5)).seconds.sendBuffer, 0);
    assert.equal(split(cycles(1.1, true)).seconds.sendBuffer, 0);
  });

  /**
   * Four segments fill the buffer. Each cycle of 4.8 ms: an ACK of one segment leaves two (a third of
   * the buffer free: the application wakes), it writes two segments (the first at once, the second
   * `second` ms later), and 2.4 ms on an ACK of one more leaves three, which wakes nobody.
   */
  const wakes = (second: (k: number) => number) => {
    const c = conversation({ win: { b: 65535 } }).handshake(0, 10);
    for (let k = 0; k < 4; k++) c.data('a', 1448, 20);
    c.ack('b', 22.4, { ack: c.seq('a', 1 + 1448) });
    let t = 24.8;
    let acked = 2;
    for (let k = 0; k < 10; k++, t += 4.8) {
      c.ack('b', t, { ack: c.seq('a', 1 + 1448 * acked++) });
      c.data('a', 1448, t + 0.05);
      c.data('a', 1448, t + second(k));
      c.ack('b', t + 2.4, { ack: c.seq('a', 1 + 1448 * acked++) });
    }
    c.ack('b', t, { ack: c.seq('a', 1 + 1448 * acked++) });
    return c.ack('b', t + 2.4, { ack: c.seq('a', 1 + 1448 * (acked + 1)) });
  };

  it('lasts through an ACK that frees less than a third of the buffer, to the ACK that wakes the application (sk_stream_write_space)', () => {
    const { l, seconds, timeline } = split(wakes(() => 1.1));
    assert.equal(seconds.sendBuffer, 0.037, '10 × 3.7 ms: from the second write to the next ACK but one');
    assert.deepEqual(l.sendBuffer, { pauses: 10, inFlightMin: 5792, inFlightMax: 5792 });
    assert.deepEqual(timeline.filter(([state]) => state === 'sendBuffer').slice(0, 2), [
      ['sendBuffer', 25.9, 29.6],
      ['sendBuffer', 30.7, 34.4],
    ]);
  });

  it('once the buffer showed, a woken write that fills it again at once begins it too; without that it is the ACK clock', () => {
    const { l, seconds } = split(wakes((k) => (k === 0 ? 1.1 : 0.1)));
    assert.equal(seconds.sendBuffer, 0.046, '3.7 ms, then 9 × 4.7 ms from the write that restores the level');
    assert.deepEqual(l.sendBuffer, { pauses: 10, inFlightMin: 5792, inFlightMax: 5792 });
    assert.equal(split(wakes(() => 0.1)).seconds.sendBuffer, 0);
  });
});

describe('limitedBy: where the capture was taken', () => {
  it('near the client: the SYN-ACK takes the round trip, the ACK follows at once', () => {
    const c = conversation().syn(0).synAck(20).ack('a', 20.1).data('a', 1000, 30).ack('b', 50);
    const near = split(c).l.vantage;
    assert.equal(near.near, 'sender');
    assert.ok(Math.abs(near.errorBound - 0.0001) < 1e-9, 'the short leg to the sender');
    const back = conversation().syn(0).synAck(20).ack('a', 20.1).data('b', 1000, 30).ack('a', 30.1);
    const v = split(back).l.vantage;
    assert.equal(v.near, 'receiver');
    assert.ok(Math.abs(v.errorBound - 0.02) < 1e-9, 'the whole round trip to the far sender');
  });

  it('unknown when the legs are alike or there is no handshake', () => {
    const c = conversation().handshake(0, 10).data('a', 1000, 20).ack('b', 30);
    assert.equal(split(c).l.vantage.near, 'unknown');
    const noSyn = conversation().data('a', 1000, 20).ack('b', 30);
    assert.equal(split(noSyn).l.vantage.near, 'unknown');
  });
});

describe('limited_by finding', () => {
  it('says the dominant busy state, its share and the owed time, as a warning when updates were owed', () => {
    const c = conversation().handshake(0, 10).data('a', 8192, 20).ack('b', 30, { win: 0 }).keepAlive('a', 230).ack('b', 231, { win: 8192 }).data('a', 1000, 231.5).ack('b', 242);
    const { analysis, flow } = analyze(c);
    const found = analysis.findings.filter((f) => f.kind === 'limited_by');
    assert.equal(found.length, 1);
    assert.equal(found[0].severity, 'warning');
    assert.deepEqual(found[0].frames, [4]);
    assert.equal(
      found[0].message,
      `${flow.a} → ${flow.b}: receiver window limited 95 % of the busy time (0.22 s busy from frame 4; network 5 %, send buffer 0 %); 0.201 s of it waiting for window updates that were owed.`,
    );
  });

  it('is information without owed time, and absent for a flow busy less than 100 ms', () => {
    const busy = conversation().handshake(0, 10).data('a', 1000, 20).ack('b', 150);
    const [f] = analyze(busy).analysis.findings.filter((x) => x.kind === 'limited_by');
    assert.equal(f.severity, 'info');
    assert.match(f.message, /: network limited 100 % of the busy time \(0\.13 s busy from frame 4; receiver window 0 %, send buffer 0 %\)\.$/);
    const idle = conversation().handshake(0, 10).data('a', 1000, 20).ack('b', 150).data('a', 1000, 450).ack('b', 460);
    const [g] = analyze(idle).analysis.findings.filter((x) => x.kind === 'limited_by');
    assert.match(g.message, /: the sender had nothing to send 68 % of the time \(application\); when busy, network limited 100 % \(0\.14 s busy from frame 4; receiver window 0 %, send buffer 0 %\)\.$/);
    const brief = conversation().handshake(0, 10).data('a', 1000, 20).ack('b', 30);
    assert.deepEqual(analyze(brief).analysis.findings.filter((x) => x.kind === 'limited_by'), []);
  });
});
