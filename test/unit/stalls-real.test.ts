/**
 * Stalls below one segment in a real capture of the shared corpus (issue 11):
 * `real/chris__inconsistent_printer.pcapng`, a Windows client printing to a port-9100 printer whose
 * windows fall to 80–1316 bytes, below the 1460-byte segments of the client. The client sends
 * nothing into them until the printer's own window update 1.1–1.4 s later; at the end it probes the
 * last one (1092 bytes) with exactly 1092 bytes every ~5.5 s. tshark flags none of it (no zero window).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { analyzeFlows } from '../../src/core/analysis/analyze';
import { readCaptureFile } from '../../src/core/capture/file';
import { CaptureIngest } from '../../src/core/ingest';
import { CORPUS_DIR, corpusAvailable } from '../support/corpus';

const FILE = join(CORPUS_DIR, 'real', 'chris__inconsistent_printer.pcapng');

test('chris__inconsistent_printer: six stalls at windows below one segment, none owed', { skip: corpusAvailable() ? false : 'shared capture corpus not found' }, async () => {
  const ingest = new CaptureIngest();
  await readCaptureFile(FILE, ingest);
  const [analysis] = analyzeFlows(ingest.flows.flows);
  assert.deepEqual(
    analysis.stalls.map((e) => [e.startFrame, e.endFrame, e.startWindow, e.probeFrames, e.endedBy, e.threshold, e.owed]),
    [
      [31, 32, 628, [], 'window_update', 1460, null],
      [50, 51, 80, [], 'window_update', 1460, null],
      [66, 67, 404, [], 'window_update', 1460, null],
      [84, 85, 1316, [], 'window_update', 1460, null],
      [101, 102, 180, [], 'window_update', 1460, null],
      [119, 122, 1092, [120, 121, 122], 'capture_end', 1460, null],
    ],
  );
  assert.deepEqual(analysis.flagCounts.zero_window, undefined, 'tshark sees no zero window here');
});
