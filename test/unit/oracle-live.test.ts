/**
 * The stored oracle is tshark's current opinion: where tshark is installed, regenerate the oracle for
 * a few captures with the corpus's own script and check it matches what the corpus test reads.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CORPUS_DIR, corpusAvailable, type Oracle } from '../support/corpus';

const SAMPLES = ['generated/zw02_fionread_stuck.pcap', 'generated/zw05_v6_multi.pcapng', 'real/zeek__tls_openjdk-sll2.pcap'];

const haveTshark = spawnSync('tshark', ['--version']).status === 0;
const skip = !corpusAvailable() ? 'capture corpus not found' : !haveTshark ? 'tshark not installed' : false;
if (skip === 'tshark not installed' && process.env.CI === 'true') throw new Error('tshark is required in CI (.ci/run installs it)');

test('tshark regenerates the stored oracle', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tfl-oracle-'));
  try {
    for (const rel of SAMPLES) {
      const out = join(dir, 'o.json');
      execFileSync('python3', [join(CORPUS_DIR, 'tools/oracle.py'), join(CORPUS_DIR, rel), out, '--rows', 'all'], { stdio: 'pipe', cwd: CORPUS_DIR });
      const fresh = JSON.parse(readFileSync(out, 'utf8')) as Oracle;
      const stored = JSON.parse(readFileSync(join(CORPUS_DIR, 'oracle', `${rel.split('/')[1]}.json`), 'utf8')) as Oracle;
      assert.equal(fresh.packets, stored.packets, rel);
      assert.deepEqual(fresh.streams, stored.streams, rel);
      assert.deepEqual(fresh.rows, stored.rows, rel);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
