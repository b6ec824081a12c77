/** `analyze --packets`: one JSON object per TCP packet, exact values, pcapng comments and nanoseconds kept. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { tcpSegment, writePcapng } from '../support/capture-writer';

const CLI = resolve(__dirname, '../../dist/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'tfl-cli-packets-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('--packets prints every TCP packet with its comment and exact epoch', () => {
  if (!existsSync(CLI)) execFileSync('node', ['esbuild.mjs'], { cwd: resolve(__dirname, '../..') });
  const a = '10.0.0.1:40000';
  const b = '10.0.0.2:80';
  const syn = tcpSegment({ src: a, dst: b, seq: 1000, ack: 0, flags: 'S', win: 64240, time: { sec: 1700000000, nsec: 123456789 } });
  const synAck = tcpSegment({ src: b, dst: a, seq: 5000, ack: 1001, flags: 'SA', win: 65160, time: { sec: 1700000000, nsec: 223456789 } });
  const data = tcpSegment({ src: a, dst: b, seq: 1001, ack: 5001, flags: 'PA', win: 502, payload: new Uint8Array(100), time: { sec: 1700000001, nsec: 5 } });
  const file = join(dir, 'commented.pcapng');
  writeFileSync(
    file,
    writePcapng([{ interfaces: [{ linkType: 1, tsresol: 9 }], blocks: [{ type: 'epb', frame: syn }, { type: 'epb', frame: synAck, comment: 'the SYN-ACK' }, { type: 'epb', frame: data }] }]),
  );
  const lines = execFileSync('node', [CLI, 'analyze', file, '--packets'], { encoding: 'utf8' }).trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 3);
  assert.deepEqual(
    lines.map((l) => [l.frame, l.flow, l.dir, l.epoch, l.seq, l.ack, l.len, l.winRaw, l.tcpFlags, l.comment]),
    [
      [1, 0, 0, '1700000000.123456789', 1000, 0, 0, 64240, 0x02, undefined],
      [2, 0, 1, '1700000000.223456789', 5000, 1001, 0, 65160, 0x12, 'the SYN-ACK'],
      [3, 0, 0, '1700000001.000000005', 1001, 5001, 100, 502, 0x18, undefined],
    ],
  );
  assert.equal(lines[2].time, 0.876543216);
  assert.deepEqual(lines[2].flags, []);
});
