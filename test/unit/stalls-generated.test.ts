/**
 * Stall episodes on the generated real-kernel captures against `generated/EPISODES.txt` (tshark's
 * zero-window episodes): same count, start and end within 1 ms, the same way of ending — except
 * where a stall began earlier at a window below one segment (SUB_SEGMENT_STARTS). Those
 * captures come from a healthy Linux receiver, so no episode may be charged as an owed update.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeFlows } from '../../src/core/analysis/analyze';
import { readCaptureFile } from '../../src/core/capture/file';
import { CaptureIngest } from '../../src/core/ingest';
import { CORPUS_DIR, corpusAvailable } from '../support/corpus';

interface ExpectedEpisode {
  start: number;
  end: number | null;
  startFrame: number;
  endFrame: number | null;
  probes: number;
  windowUpdate: boolean;
  line: string;
}

const LINE = /t=([\d.]+)\.\.([\d.]+|END) .*frames (\d+)\.\.(\d+|-), \d+ zero-window ACKs, (\d+) probes .*reopened to \S+?( \(window update\))?(;|$)/;

function parseEpisodes(text: string): Map<string, ExpectedEpisode[]> {
  const byFile = new Map<string, ExpectedEpisode[]>();
  let current: ExpectedEpisode[] = [];
  for (const line of text.split('\n')) {
    const header = /^(\S+): \d+ TCP packets, (\d+) zero-window episodes/.exec(line);
    if (header) {
      current = [];
      byFile.set(header[1], current);
      continue;
    }
    if (!line.trim()) continue;
    const m = LINE.exec(line);
    assert.ok(m, `EPISODES.txt line not understood: ${line}`);
    current.push({
      start: Number(m[1]),
      end: m[2] === 'END' ? null : Number(m[2]),
      startFrame: Number(m[3]),
      endFrame: m[4] === '-' ? null : Number(m[4]),
      probes: Number(m[5]),
      windowUpdate: Boolean(m[6]),
      line: line.trim(),
    });
  }
  return byFile;
}

const TOLERANCE = 0.001;

/**
 * Episodes that start before tshark's zero window, at a window below one segment of the sender's (on
 * loopback the sender's segments are bound to half the largest window, 47,417 bytes): the sender sent
 * nothing into the 14,624 bytes until its persist timer fired 212 ms later and sent exactly that much
 * (a window-sized data probe, the frame listed), after which the window closed to 0 as tshark sees it.
 */
const SUB_SEGMENT_STARTS: Record<string, Record<number, { startFrame: number; startWindow: number; probeFrames: number[] }>> = {
  'zw08_loopback_gso_lo.pcap': { 0: { startFrame: 10, startWindow: 14624, probeFrames: [11] } },
  'zw08_loopback_gso_any_sll2.pcap': { 0: { startFrame: 16, startWindow: 14624, probeFrames: [17] } },
};

if (!corpusAvailable()) {
  test('stall episodes match EPISODES.txt', { skip: 'shared capture corpus not found next to the checkout' }, () => {});
} else {
  const expected = parseEpisodes(readFileSync(join(CORPUS_DIR, 'generated/EPISODES.txt'), 'utf8'));
  test('EPISODES.txt lists the generated captures', () => assert.ok(expected.size >= 9));
  for (const [file, episodes] of expected) {
    test(`stall episodes match EPISODES.txt: ${file}`, async () => {
      const ingest = new CaptureIngest();
      await readCaptureFile(join(CORPUS_DIR, 'generated', file), ingest);
      const analyses = analyzeFlows(ingest.flows.flows);
      // EPISODES.txt counts time from the first TCP packet.
      const t0 = Math.min(...ingest.flows.flows.map((f) => f.packets.time[0]));
      const ours = analyses.flatMap((a) => a.stalls).sort((x, y) => x.start - y.start);
      const theirs = [...episodes].sort((x, y) => x.start - y.start);
      assert.equal(ours.length, theirs.length, 'episode count');
      theirs.forEach((e, k) => {
        const o = ours[k];
        const at = `episode ${k + 1}: ${e.line}`;
        const earlier = SUB_SEGMENT_STARTS[file]?.[k];
        if (earlier) {
          assert.deepEqual({ startFrame: o.startFrame, startWindow: o.startWindow, probeFrames: o.probeFrames }, earlier, at);
          assert.ok(o.segment.bytes > earlier.startWindow && o.threshold > earlier.startWindow, at);
        } else {
          assert.ok(Math.abs(o.start - t0 - e.start) <= TOLERANCE, `${at}: starts at ${(o.start - t0).toFixed(4)}`);
          assert.equal(o.startFrame, e.startFrame, at);
          assert.equal(o.probes, e.probes, `${at}: probes`);
          assert.equal(o.startWindow, 0, at);
        }
        if (e.end === null) {
          assert.equal(o.endedBy, 'capture_end', at);
        } else {
          assert.ok(Math.abs(o.end - t0 - e.end) <= TOLERANCE, `${at}: ends at ${(o.end - t0).toFixed(4)}`);
          assert.equal(o.endFrame, e.endFrame, at);
          // tshark's "window update" is a pure ACK that only changes the window: the receiver's own update.
          if (e.windowUpdate) assert.equal(o.endedBy, 'window_update', at);
          else assert.ok(['rst', 'fin', 'ack_with_data'].includes(o.endedBy), `${at}: ended by ${o.endedBy}`);
        }
        assert.equal(o.owed, null, `${at}: a healthy Linux receiver owes no update, but we charged ${JSON.stringify(o.owed)}`);
      });
    });
  }
}
