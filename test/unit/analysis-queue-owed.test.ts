/**
 * The owed moment from measured receive-queue samples (src/core/analysis/queueOwed.ts), on hand-made
 * episodes and series: when the free space reached min(segment size, buffer/2) as the peer would read it,
 * and when that lag is charged as owed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chargeQueueLag, queueEvidence, type QueueEvidence } from '../../src/core/analysis/queueOwed';
import type { RecvQSeries } from '../../src/core/analysis/recvq';
import type { StallEpisode } from '../../src/core/analysis/stalls';

/** A stall of receiver b from 1 s to 1.5 s (binary fractions, so times compare exactly). */
function episode(over: Partial<StallEpisode> = {}): StallEpisode {
  return {
    receiver: 1, start: 1, end: 1.5, startFrame: 10, endFrame: 20, duration: 0.5, probes: 0, probeFrames: [],
    startWindow: 0, endedBy: 'window_update', reopenedWindow: 65536, outstanding: 0, threshold: 1460, owed: null,
    segment: { bytes: 1460, source: 'mss-options', receiverMss: 1460, senderMss: 1460, optionBytes: 0, largestSeen: 1460, superSegments: 0 },
    ...over,
  };
}

/** Samples every 0.125 s from 0.75 s; `memory` empty unless given. */
function series(source: RecvQSeries['source'], recvQ: number[], buffer: number | number[] = 65536, memory: number[] = []): RecvQSeries {
  return {
    receiver: 1,
    source,
    time: Float64Array.from(recvQ, (_, k) => 0.75 + k * 0.125),
    recvQ: Float64Array.from(recvQ),
    buffer: Float64Array.from(recvQ, (_, k) => (Array.isArray(buffer) ? buffer[k] : buffer)),
    memory: Float64Array.from(memory),
  };
}

const FULL = 65536;

describe('queueEvidence', () => {
  it('a NAT trace: the first sample whose free space reaches min(segment size, buffer/2), and the lag to the reopening', () => {
    // Samples at 0.75, 0.875, 1, 1.125, 1.25 (drained), 1.375 …
    const q = queueEvidence(episode(), series('nat-trace', [FULL, FULL, FULL, FULL, 1000, 0, 0]), 7);
    assert.deepEqual(q, { moment: 1.25, lag: 0.25, threshold: 1460, freeSpace: 64512, interval: 0.125, source: 'nat-trace' });
  });

  it('truncates the free space to the window scale before comparing: 1500 free reads as 1408 < 1460, 1600 as 1536', () => {
    const q = queueEvidence(episode(), series('nat-trace', [FULL, FULL, FULL - 1500, FULL - 1500, FULL - 1600, 0]), 7)!;
    assert.deepEqual([q.moment, q.freeSpace], [1.25, 1536]);
    // Without scaling the same 1500 bytes are enough.
    assert.deepEqual(queueEvidence(episode(), series('nat-trace', [FULL, FULL, FULL - 1500, 0]), 0)?.moment, 1);
  });

  it('a threshold of half the buffer when that is below one MSS', () => {
    const q = queueEvidence(episode(), series('nat-trace', [2048, 2048, 1024, 0], 2048), 0)!;
    assert.deepEqual([q.moment, q.threshold, q.freeSpace], [1, 1024, 1024]);
  });

  it('counts the memory charged when it exceeds the queued bytes', () => {
    const q = queueEvidence(episode(), series('nat-trace', [0, 0, 0, 0, 0, 0], FULL, [FULL, FULL, FULL, FULL, 30000, 0]), 7)!;
    assert.equal(q.moment, 1.25);
    assert.equal(q.freeSpace, (FULL - 30000) - ((FULL - 30000) % 128));
  });

  it('a sample just before the start counts from the start (moment ≥ start); samples further back are ignored', () => {
    // 0.75 is more than one interval before the start and empty: ignored. 0.875 is within one: it counts, at the start.
    const q = queueEvidence(episode(), series('nat-trace', [0, 0, FULL]), 0)!;
    assert.deepEqual([q.moment, q.lag], [1, 0.5]);
  });

  it('none when no sample in the episode (± one interval) shows the space, or the buffer is unknown', () => {
    assert.equal(queueEvidence(episode(), series('nat-trace', [FULL, FULL, FULL, FULL, FULL, FULL, FULL, FULL, 0]), 7), undefined);
    assert.equal(queueEvidence(episode(), series('nat-trace', [FULL, FULL, 0, 0], NaN), 7), undefined);
  });

  it('ss samples: the free memory when the kernel closed the window is the baseline, half of what is freed beyond it is window', () => {
    // Baseline free 4096 (at 0.875, the first sample in range). Threshold min(1460, 65536/4) = 1460.
    // 1 s: 4096 + 2000 free → (2000)/2 = 1000 < 1460. 1.125 s: 4096 + 3200 → 1600 ≥ 1460.
    const q = queueEvidence(episode(), series('ss', [0, 0, 0, 0], FULL, [FULL, FULL - 4096, FULL - 6096, FULL - 7296]), 0)!;
    assert.deepEqual(q, { moment: 1.125, lag: 0.375, threshold: 1460, freeSpace: 1600, interval: 0.125, source: 'ss' });
  });
});

describe('chargeQueueLag', () => {
  const evidence = (lag: number, source: QueueEvidence['source'] = 'nat-trace'): QueueEvidence => ({ moment: 1.5 - lag, lag, threshold: 1460, freeSpace: 64512, interval: 0.125, source });

  it('charges a lag longer than two sampling intervals and two RTTs, high confidence past ten intervals', () => {
    const e = episode({ start: 0, end: 1.5, duration: 1.5 });
    chargeQueueLag(e, evidence(1.375), 0.01);
    assert.deepEqual(e.owed, {
      seconds: 1.375,
      confidence: 'high',
      evidence: 'the receive queue had room for 64512 bytes (threshold 1460) at 0.125 s, but the window was reopened only 1.375 s later',
      frames: [10, 20],
    });
  });

  it('medium confidence between the slack and ten intervals', () => {
    const e = episode();
    chargeQueueLag(e, evidence(0.5), 0.01);
    assert.equal(e.owed?.confidence, 'medium');
    assert.equal(e.owed?.seconds, 0.5);
  });

  it('charges nothing within the slack (2 intervals + 2 RTTs for a NAT trace), nor at the capture end', () => {
    const e = episode();
    chargeQueueLag(e, evidence(0.27), 0.01); // slack 0.25 + 0.02
    assert.equal(e.owed, null);
    const atEnd = episode({ endedBy: 'capture_end' });
    chargeQueueLag(atEnd, evidence(1), 0.01);
    assert.equal(atEnd.owed, null);
  });

  it('ss samples get at least five intervals and 50 ms of slack', () => {
    const e = episode();
    chargeQueueLag(e, evidence(0.64, 'ss'), 0.0); // slack 5 × 0.125 = 0.625
    assert.equal(e.owed?.seconds, 0.64);
    const within = episode();
    chargeQueueLag(within, evidence(0.62, 'ss'), 0.0);
    assert.equal(within.owed, null);
  });

  it('replaces an owed update charged from the capture, keeping its evidence and frames', () => {
    const e = episode({ endedBy: 'probe_reply', owed: { seconds: 0.5, confidence: 'high', evidence: 'probe reply', frames: [10, 15, 20] } });
    chargeQueueLag(e, evidence(0.5), 0.01);
    assert.deepEqual(e.owed, {
      seconds: 0.5,
      confidence: 'medium',
      evidence: 'the receive queue had room for 64512 bytes (threshold 1460) at 1.000 s, but the window was reopened only 0.500 s later; probe reply',
      frames: [10, 15, 20],
    });
  });
});
