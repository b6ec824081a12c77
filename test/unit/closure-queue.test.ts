/**
 * Issue 18: the receive queue at the instant a window closed, from scripted `ss` samples on either
 * side of the closure (before only, after only, both, stale beyond one interval, a read in between),
 * and the two rules that read it: window_closed_empty_queue (the queue a small fraction of both the
 * window on offer and the buffer) and small_receive_buffer (a receiver that never offers a segment).
 * The capture starts at t = 0 (epoch 1000 s); times are milliseconds; samples every 10 ms unless said.
 * Frames: handshake 1–3; a sends 100 bytes at 10, 20, 30 and 38 ms (4–7), b closes at 40 ms (8) and
 * reopens at 300 ms (9).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { queueAtClosure } from '../../src/core/analysis/closureQueue';
import type { SsSample } from '../../src/core/trace/ss';
import { analyze, conversation, type Conversation } from '../support/tcp-script';

const A = '10.0.0.1:45000';
const B = '10.0.0.2:80';

/** b's window 4000 until it closes: 400 bytes arrive, the last 100 at 38 ms, two ms before the zero window. */
function closing(): Conversation {
  return conversation({ a: A, b: B, win: { b: 4000 } })
    .handshake(0, 1)
    .data('a', 100, 10)
    .data('a', 100, 20)
    .data('a', 100, 30)
    .data('a', 100, 38)
    .ack('b', 40, { win: 0 })
    .ack('b', 300, { win: 4000 });
}

/** b's socket sampled at `t` ms: Recv-Q, buffer rb and memory r. */
function sample(t: number, recvQ: number, rb = 8192, r = 7000): SsSample {
  return { epoch: 1000 + t / 1000, line: 0, state: 'ESTAB', recvQ, sendQ: 0, local: B, peer: A, rcvBuf: rb, rmemAlloc: r };
}

function closureOf(c: Conversation, samples: SsSample[]) {
  const { flow, analysis } = analyze(c, { samples, captureEpoch: 1000 });
  const [e] = analysis.stalls;
  assert.equal(e.startFrame, 8);
  const series = analysis.recvQ[1];
  assert.equal(series.source, 'ss');
  return { q: queueAtClosure(flow, e, series), findings: analysis.findings.filter((f) => f.kind !== 'limited_by') }; // limited_by: limits-finding.test.ts
}

describe('the queue at the closing instant', () => {
  it('before only: the sample 5 ms before plus the 100 bytes the capture shows arriving since', () => {
    const { q } = closureOf(closing(), [sample(15, 100), sample(25, 200), sample(35, 300)]);
    assert.deepEqual(q && { bytes: q.bytes, from: q.from, arrived: q.arrived, evidence: q.evidence }, {
      bytes: 400,
      from: 'before',
      arrived: 100,
      evidence: '300 B at −5.0 ms + 100 B arrived since',
    });
  });

  it('after only: the first sample 5 ms after, when nothing arrived in between', () => {
    const { q } = closureOf(closing(), [sample(45, 400), sample(55, 400), sample(65, 400)]);
    assert.deepEqual(q && { bytes: q.bytes, from: q.from, evidence: q.evidence }, { bytes: 400, from: 'after', evidence: '400 B at +5.0 ms − 0 B arrived before it' });
  });

  it('both: the sample before wins', () => {
    const { q } = closureOf(closing(), [sample(25, 200), sample(35, 300), sample(45, 400)]);
    assert.deepEqual(q && [q.bytes, q.from, Math.round(q.offset * 1e6) / 1e3], [400, 'before', -5]);
  });

  it('stale: samples 20 ms either side at a 10 ms interval say nothing', () => {
    const { q } = closureOf(closing(), [sample(0, 0), sample(10, 0), sample(20, 100), sample(60, 400), sample(70, 400)]);
    assert.equal(q, undefined);
  });

  it('after, with a read in between (the queue grew by less than arrived): nothing said', () => {
    // 20 ms before (stale), 200 queued; 300 bytes arrive by 45 ms, but only 250 more are queued: 50 were read.
    const { q } = closureOf(closing(), [sample(10, 100), sample(20, 200), sample(45, 450), sample(55, 450)]);
    assert.equal(q, undefined);
  });
});

describe('window_closed_empty_queue judges the queue at that instant', () => {
  it('no finding when the sample 5 ms before shows 4 bytes but 396 arrived since, filling the 400-byte offer (issue 18)', () => {
    const c = conversation({ a: A, b: B, win: { b: 400 } })
      .handshake(0, 1)
      .data('a', 4, 10) // 4
      .data('a', 396, 38) // 5: fills the window
      .ack('b', 40, { win: 0 }) // 6
      .ack('b', 300, { win: 400 }); // 7
    const { analysis } = analyze(c, { samples: [sample(15, 4, 2304, 1280), sample(25, 4, 2304, 1280), sample(35, 4, 2304, 1280)], captureEpoch: 1000 });
    assert.deepEqual(analysis.stalls.map((e) => e.startFrame), [6]);
    assert.deepEqual(analysis.findings.map((f) => f.kind).filter((k) => k !== 'limited_by'), ['stall']);
  });

  it('a finding when the queue holds a small fraction of both the window on offer and the buffer, with the evidence', () => {
    const c = conversation({ a: A, b: B, win: { b: 60000 } })
      .handshake(0, 1)
      .data('a', 16, 10) // 4
      .ack('b', 40, { win: 0 }) // 5: closed with 16 bytes queued
      .ack('b', 300, { win: 60000 }); // 6
    const { analysis } = analyze(c, { samples: [sample(15, 16, 65536, 67000), sample(25, 16, 65536, 67000), sample(35, 16, 65536, 67000)], captureEpoch: 1000 });
    const found = analysis.findings.filter((f) => f.kind === 'window_closed_empty_queue');
    assert.deepEqual(found.map((f) => f.frames), [[5]]);
    assert.match(found[0].message, /Recv-Q held only 16 bytes \(16 B at −5\.0 ms \+ 0 B arrived since\) of a 65536-byte buffer, after 60000 bytes of window on offer/);
  });

  it('no finding when the queue is small beside the buffer but holds the whole window on offer', () => {
    const c = conversation({ a: A, b: B, win: { b: 576 } })
      .handshake(0, 1)
      .data('a', 576, 10) // 4
      .ack('b', 40, { win: 0 }) // 5
      .ack('b', 300, { win: 576 }); // 6
    const { analysis } = analyze(c, { samples: [sample(15, 571, 65536, 40000), sample(25, 571, 65536, 40000), sample(35, 571, 65536, 40000)], captureEpoch: 1000 });
    assert.deepEqual(analysis.findings.map((f) => f.kind).filter((k) => k !== 'limited_by'), ['stall']);
  });
});

describe('small_receive_buffer', () => {
  /** A receiver that offers 1152 bytes in its SYN-ACK and 576 after, against 1460-byte segments: three stalls. */
  function tiny(stalls: number): Conversation {
    const c = conversation({ a: A, b: B, win: { b: 1152 } }).handshake(0, 1);
    let t = 10;
    for (let k = 0; k < stalls; k++, t += 100) c.data('a', 576, t).ack('b', t + 1, { win: 0 }).ack('b', t + 50, { win: 576 });
    return c;
  }

  it('once per flow, at the first stall, naming the largest window and the segment size', () => {
    const { analysis } = analyze(tiny(3));
    const found = analysis.findings.filter((f) => f.kind === 'small_receive_buffer');
    assert.deepEqual(found.map((f) => [f.frames, f.severity]), [[[5], 'warning']]);
    assert.match(found[0].message, /never advertised more than 1152 bytes of window, less than one segment of its peer's \(1460 bytes: MSS 1460\)/);
    assert.match(found[0].message, /3 stalls/);
  });

  it('not for a receiver that stalled only twice', () => {
    assert.deepEqual(analyze(tiny(2)).analysis.findings.filter((f) => f.kind === 'small_receive_buffer'), []);
  });

  it('not when the receiver offered a full segment at some point', () => {
    const c = tiny(3).ack('b', 400, { win: 1460 });
    assert.deepEqual(analyze(c).analysis.findings.filter((f) => f.kind === 'small_receive_buffer'), []);
  });
});
