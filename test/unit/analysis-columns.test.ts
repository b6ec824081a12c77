/**
 * The analysis columns' compact storage (analysis/columns.ts): values computed from the packet
 * columns (calculated window, ACK RTT) and the rare large values kept beside their column read back
 * exactly, also after the oldest rows left (bounded history).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AnalysisColumns } from '../../src/core/analysis/columns';
import { PacketColumns } from '../../src/core/flows/packetColumns';

function columns(n: number): { p: PacketColumns; out: AnalysisColumns } {
  const p = new PacketColumns();
  for (let i = 0; i < n; i++) {
    const k = p.next();
    p.time[k] = i * 0.001;
    p.winRaw[k] = 100 + (i % 7);
  }
  const out = new AnalysisColumns(n, p);
  out.length = n;
  return { p, out };
}

describe('AnalysisColumns', () => {
  it('computes the calculated window from the raw window and the shift (raw on SYNs, unknown and unscaled)', () => {
    const { out } = columns(4);
    out.winShift.set([7, -3, -1, 0]);
    assert.deepEqual([0, 1, 2, 3].map((i) => out.window(i)), [100 * 128, 101, 102, 103]);
  });

  it('keeps duplicate-ACK counts from 255 and ACK distances from 65,535 packets beside the columns, and moves them when rows leave', () => {
    const { out } = columns(70_000);
    out.setDupAck(10, 3);
    out.setDupAck(69_990, 70_000);
    out.setAckedBack(69_999, 69_000);
    out.setAckedBack(20, 5);
    assert.deepEqual([out.dupAck(10), out.dupAck(69_990), out.dupAck(11)], [3, 70_000, 0]);
    assert.ok(Math.abs(out.ackRtt(69_999) - 69.0) < 1e-9);
    assert.ok(Math.abs(out.ackRtt(20) - 0.005) < 1e-12);
    assert.ok(Number.isNaN(out.ackRtt(21)));
    out.dropFirst(1000);
    assert.equal(out.dupAck(68_990), 70_000);
    // Its segment left with the first rows: no RTT (rather than a wrong one).
    assert.ok(Number.isNaN(out.ackRtt(68_999)));
  });
});
