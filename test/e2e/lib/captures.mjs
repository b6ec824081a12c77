// The captures the e2e workspace holds: the demo (healthy Linux zero-window stalls), the NAT that owes
// window updates, and a damaged capture made at run time (the demo cut inside a record), so that no
// large or broken file is committed.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The first `fraction` of a classic pcap, cut inside a record. Returns the bytes, the byte offset of
 * the record that is cut short (where the reader must say it stopped) and how many whole records
 * come before it (the part that was read).
 */
export function truncatePcap(bytes, fraction = 0.6) {
  const magic = bytes.readUInt32LE(0);
  const littleEndian = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  if (!littleEndian && bytes.readUInt32BE(0) !== 0xa1b2c3d4 && bytes.readUInt32BE(0) !== 0xa1b23c4d) throw new Error('not a classic pcap');
  const cut = Math.floor(bytes.length * fraction);
  let offset = 24;
  let records = 0;
  for (;;) {
    const inclLen = littleEndian ? bytes.readUInt32LE(offset + 8) : bytes.readUInt32BE(offset + 8);
    const end = offset + 16 + inclLen;
    if (end > cut) break;
    offset = end;
    records++;
  }
  // Cut inside the record's data, not in its header, whatever `fraction` hit.
  const at = Math.max(cut, offset + 16 + 1);
  return { bytes: bytes.subarray(0, at), cutRecordOffset: offset, wholeRecords: records };
}

/**
 * The NAT-bug capture: test/fixtures/natbug-buggy.pcap, or, while that fixture is not in the
 * repository, a live one made with test/live/natbug-capture.mjs (root, network namespaces, tcpdump).
 * Resolves to `{ bytes, source }`, or `{ reason }` when neither is possible.
 */
export async function natBugCapture(repo) {
  const fixture = join(repo, 'test', 'fixtures', 'natbug-buggy.pcap');
  if (existsSync(fixture)) return { bytes: readFileSync(fixture), source: 'test/fixtures/natbug-buggy.pcap' };
  const { liveTestsPossible, makeNatBugCapture } = await import('../../live/natbug-capture.mjs');
  const possible = liveTestsPossible();
  if (!possible.ok) return { reason: `test/fixtures/natbug-buggy.pcap is missing and a live capture is not possible here (${possible.reason})` };
  const dir = await mkdtemp(join(tmpdir(), 'tcp-flow-lens-natbug-'));
  try {
    const out = join(dir, 'natbug-buggy.pcap');
    await makeNatBugCapture({ mode: 'buggy', out, bytes: 262144 });
    return { bytes: await readFile(out), source: 'a live capture (test/fixtures/natbug-buggy.pcap is not there yet)' };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
