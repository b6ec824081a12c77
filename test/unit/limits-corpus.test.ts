/**
 * The limited-by split over every flow of the shared corpus: computed without error; a timeline that
 * covers the flow's span in order without gaps or overlaps; the seconds per state its sums; busy the
 * sum of the three busy states; and every stall episode of the data receiver inside receiver-window time.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { analyzeFlows } from '../../src/core/analysis/analyze';
import { oursBetween } from '../../src/core/analysis/kernelLimits';
import { readCaptureFile } from '../../src/core/capture/file';
import { CaptureError } from '../../src/core/capture/types';
import { TcpFlag } from '../../src/core/decode/segment';
import { CaptureIngest } from '../../src/core/ingest';
import { LIMIT_STATES } from '../../src/protocol';
import { corpusAvailable, oracleEntries } from '../support/corpus';

if (!corpusAvailable()) {
  test('limited-by over the corpus', { skip: 'shared capture corpus not found next to the checkout' }, () => {});
} else {
  test('limited-by over the corpus: every flow, a seamless timeline, stalls inside receiver-window time', async () => {
    let flows = 0;
    let split = 0;
    let stalls = 0;
    for (const { capture } of oracleEntries()) {
      const name = capture.slice(capture.lastIndexOf('/') + 1);
      const ingest = new CaptureIngest();
      try {
        await readCaptureFile(capture, ingest);
      } catch (err) {
        if (err instanceof CaptureError) continue; // refused like tshark (corpus.test.ts checks that)
        throw err;
      }
      const analyses = analyzeFlows(ingest.flows.flows);
      for (const [id, a] of analyses.entries()) {
        flows++;
        const where = `${name} flow ${id}`;
        const l = a.limitedBy;
        const p = ingest.flows.flows[id].packets;
        let payload = 0;
        for (let i = 0; i < p.length; i++) if (!(p.tcpFlags[i] & TcpFlag.SYN)) payload += p.len[i];
        if (!l) {
          assert.equal(payload, 0, `${where}: no split although it carries data (outside SYNs)`);
          continue;
        }
        split++;
        let last = p.time[0];
        for (let i = 1; i < p.length; i++) last = Math.max(last, p.time[i]);
        if (last === p.time[0]) {
          assert.equal(l.timeline.length, 0, `${where}: a flow of one instant has no timeline`);
          continue;
        }
        let at = l.timeline.startAt(0);
        assert.equal(at, p.time[0], `${where}: starts at the first packet`);
        const sums = Object.fromEntries(LIMIT_STATES.map((s) => [s, 0]));
        for (const iv of l.timeline.toArray()) {
          assert.equal(iv.start, at, `${where}: no gap or overlap at ${at}`);
          assert.ok(iv.end > iv.start, `${where}: empty interval at ${at}`);
          assert.ok(LIMIT_STATES.includes(iv.state), where);
          sums[iv.state] += iv.end - iv.start;
          at = iv.end;
        }
        assert.equal(at, last, `${where}: ends at the last packet`);
        for (const s of LIMIT_STATES) assert.ok(Math.abs(sums[s] - l.seconds[s]) < 1e-6, `${where}: ${s}`);
        assert.ok(Math.abs(l.busy - l.seconds.receiverWindow - l.seconds.network - l.seconds.sendBuffer) < 1e-9, where);
        assert.ok(l.owedSeconds >= 0 && l.owedSeconds <= l.seconds.receiverWindow + 1e-9, `${where}: owed within receiver-window time`);
        for (const e of a.stalls.filter((s) => s.receiver !== l.dir)) {
          stalls++;
          const inside = oursBetween(l, e.start, e.end).receiverWindow;
          assert.ok(Math.abs(inside - (e.end - e.start)) < 1e-6, `${where}: stall ${e.startFrame}..${e.endFrame} has ${inside} s of ${e.end - e.start} s in receiver window`);
        }
      }
    }
    assert.ok(flows > 100 && split > 50 && stalls > 10, `${flows} flows, ${split} split, ${stalls} stalls`);
  });
}
