/**
 * Live sources (issue 13, docs/live.md): a followed file (appends in odd chunks, truncation,
 * replacement, --idle), a socket whose server dies mid-stream and comes back (a gap, a reconnect,
 * nothing received lost), a command's exit code and stderr, stdin, and pause.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, describe, it } from 'node:test';
import { attachSource } from '../../src/core/live/attach';
import { parseSocketAddress } from '../../src/core/live/socketSource';
import { RecordingSink } from '../support/live-sink';
import { cutInto } from '../support/bytes';

const dir = mkdtempSync(join(tmpdir(), 'tfl-live-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const CAPTURE = readFileSync(join(__dirname, '../fixtures/natbug-buggy.pcap'));
const FAST = { pollMs: 20 };

/** Odd-sized pieces of `bytes`: 1, 7, 24, 4095, … so records and headers are split everywhere. */
function oddPieces(bytes: Buffer): Buffer[] {
  return cutInto(bytes, [1, 7, 24, 4095, 13, 16, 9000, 3]);
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('file source', () => {
  it('follows appends in odd chunks and hands on exactly the bytes written, then ends after --idle', async () => {
    const path = join(dir, 'grow.pcap');
    writeFileSync(path, '');
    const sink = new RecordingSink();
    const handle = attachSource({ kind: 'file', path }, sink, { ...FAST, idleSeconds: 0.6 });
    const pieces = oddPieces(CAPTURE);
    for (let i = 0; i < pieces.length; i++) {
      appendFileSync(path, pieces[i]);
      if (i % 9 === 0) await tick(5);
    }
    const end = await handle.done;
    assert.deepEqual(sink.bytes(), CAPTURE);
    assert.deepEqual(sink.gaps(), []);
    assert.deepEqual(end, { reason: `${path}: not grown for 0.6 s`, error: false });
    assert.deepEqual(sink.statuses(), ['connecting', 'attached', 'ended']);
  });

  it('marks a gap when the file is truncated and reads it again from byte 0 as a new stream', async () => {
    const path = join(dir, 'trunc.log');
    writeFileSync(path, 'first stream line 1\nfirst stream line 2\n');
    const sink = new RecordingSink();
    const handle = attachSource({ kind: 'file', path }, sink, FAST);
    await sink.until(() => sink.bytes().length === 40);
    truncateSync(path, 0);
    await sink.until(() => sink.gaps().length === 1);
    writeFileSync(path, 'second\n');
    await sink.until(() => sink.streams()[1]?.toString() === 'second\n');
    handle.stop();
    assert.deepEqual(await handle.done, { reason: 'stopped', error: false });
    assert.deepEqual(sink.streams().map(String), ['first stream line 1\nfirst stream line 2\n', 'second\n']);
    assert.match(sink.gaps()[0], /trunc\.log was truncated \(from 40 to 0 bytes\)$/);
  });

  it('reads the old file to its end, then marks a gap and follows the new file at the path (rotation)', async () => {
    const path = join(dir, 'rot.jsonl');
    writeFileSync(path, 'a1\n');
    const sink = new RecordingSink();
    const handle = attachSource({ kind: 'file', path }, sink, FAST);
    await sink.until(() => sink.bytes().length === 3);
    // The writer adds to the old file and moves it away, then starts a new one: nothing of either is lost.
    appendFileSync(path, 'a2\n');
    renameSync(path, `${path}.1`);
    writeFileSync(path, 'b1\n');
    await sink.until(() => sink.streams()[1]?.toString() === 'b1\n');
    appendFileSync(path, 'b2\n');
    await sink.until(() => sink.streams()[1]?.toString() === 'b1\nb2\n');
    handle.stop();
    await handle.done;
    assert.deepEqual(sink.streams().map(String), ['a1\na2\n', 'b1\nb2\n']);
    assert.deepEqual(sink.gaps(), [`${path} was replaced by a new file`]);
  });

  it('says clearly when the file does not exist', async () => {
    const sink = new RecordingSink();
    const end = await attachSource({ kind: 'file', path: join(dir, 'nope.pcap') }, sink, FAST).done;
    assert.deepEqual(end, { reason: `${join(dir, 'nope.pcap')}: the file does not exist`, error: true });
    assert.deepEqual(sink.calls.at(-1), { status: 'ended', message: end.reason });
  });
});

describe('socket source', () => {
  it('parses tcp:HOST:PORT, tcp:[v6]:PORT and unix:PATH, and says what is wrong with anything else', () => {
    assert.deepEqual(parseSocketAddress('tcp:127.0.0.1:5000'), { host: '127.0.0.1', port: 5000 });
    assert.deepEqual(parseSocketAddress('tcp:[::1]:9'), { host: '::1', port: 9 });
    assert.deepEqual(parseSocketAddress('unix:/run/nat.sock'), { path: '/run/nat.sock' });
    assert.equal(parseSocketAddress('tcp:host:0'), 'port 0 is out of range (1–65535)');
    assert.equal(parseSocketAddress('host:80'), '"host:80" is not tcp:HOST:PORT or unix:PATH');
    assert.equal(parseSocketAddress('unix:'), 'unix: needs a path (unix:/run/nat.sock)');
  });

  for (const kind of ['tcp', 'unix'] as const) {
    it(`${kind}: a server killed mid-stream and restarted: one gap, a reconnect, every byte sent received in order`, async () => {
      const path = join(dir, `nat-${kind}.sock`);
      const listen = (server: Server) => new Promise<string>((resolve) => (kind === 'unix' ? server.listen(path, () => resolve(`unix:${path}`)) : server.listen(0, '127.0.0.1', () => resolve(`tcp:127.0.0.1:${(server.address() as { port: number }).port}`))));
      const half = Math.floor(CAPTURE.length / 2);
      const first = CAPTURE.subarray(0, half + 5); // the cut falls inside a record
      let firstClient: Socket | undefined;
      const server1 = createServer((c) => {
        firstClient = c;
        for (const p of oddPieces(first)) c.write(p);
      });
      const address = await listen(server1);
      const sink = new RecordingSink();
      const handle = attachSource({ kind: 'socket', address }, sink, { reconnect: { initialMs: 50, maxMs: 200 } });
      await sink.until(() => sink.bytes().length === first.length);
      // Killed: the connection is reset and nobody listens for a while.
      if (kind === 'tcp') firstClient!.resetAndDestroy();
      else firstClient!.destroy(); // a Unix socket has no reset: the peer sees the end
      await new Promise((r) => server1.close(r));
      await sink.until(() => sink.statuses().filter((s) => s === 'reconnecting').length >= 2);
      const server2 = createServer((c) => {
        for (const p of oddPieces(CAPTURE)) c.write(p);
      });
      if (kind === 'tcp') {
        const port = Number(address.split(':').pop());
        await new Promise<void>((resolve) => server2.listen(port, '127.0.0.1', resolve));
      } else await listen(server2);
      await sink.until(() => sink.streams()[1]?.length === CAPTURE.length);
      handle.stop();
      assert.deepEqual(await handle.done, { reason: 'stopped', error: false });
      await new Promise((r) => server2.close(r));
      const streams = sink.streams();
      assert.equal(streams.length, 2);
      assert.deepEqual(streams[0], first);
      assert.deepEqual(streams[1], CAPTURE);
      assert.equal(sink.gaps().length, 1);
      assert.match(sink.gaps()[0], new RegExp(`^${address.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (ECONNRESET|the other side closed)`));
      const statuses = sink.statuses();
      assert.equal(statuses[0], 'connecting');
      assert.equal(statuses[1], 'attached');
      // After the cut: reconnecting (more than once: nobody listened), then attached again, then ended.
      assert.equal(statuses.at(-2), 'attached');
      assert.equal(statuses.at(-1), 'ended');
    });
  }

  it('backs off exponentially up to the maximum while nothing listens', async () => {
    const sink = new RecordingSink();
    const handle = attachSource({ kind: 'socket', address: `unix:${join(dir, 'nobody.sock')}` }, sink, { reconnect: { initialMs: 20, maxMs: 80 } });
    await sink.until(() => sink.statuses().filter((s) => s === 'reconnecting').length >= 5);
    handle.stop();
    await handle.done;
    const delays = sink.calls.flatMap((c) => ('status' in c && c.status === 'reconnecting' ? [/retrying in ([\d.]+) s/.exec(c.message!)![1]] : []));
    assert.deepEqual(delays.slice(0, 5), ['0.02', '0.04', '0.08', '0.08', '0.08']);
    assert.deepEqual(sink.gaps(), [], 'connections that never delivered data are no gap');
  });
});

describe('command source', () => {
  it('hands on stdout and ends with the exit code and the tail of stderr', async () => {
    const sink = new RecordingSink();
    const script = "process.stdout.write('abc'); for (let i = 1; i <= 12; i++) process.stderr.write('err ' + i + '\\n'); process.exitCode = 3";
    const end = await attachSource({ kind: 'command', label: 'fake dump', command: process.execPath, args: ['-e', script] }, sink).done;
    assert.equal(sink.bytes().toString(), 'abc');
    assert.deepEqual(end, { reason: 'fake dump exited with code 3: err 5 | err 6 | err 7 | err 8 | err 9 | err 10 | err 11 | err 12', error: true });
  });

  it('a clean exit is a normal end', async () => {
    const sink = new RecordingSink();
    const end = await attachSource({ kind: 'command', label: '', command: process.execPath, args: ['-e', "process.stdout.write('x')"] }, sink).done;
    assert.deepEqual(end, { reason: `${process.execPath} exited with code 0`, error: false });
  });

  it('a program that does not exist is a clear error, not a crash', async () => {
    const end = await attachSource({ kind: 'command', label: 'dumper', command: 'tfl-no-such-program', args: [] }, new RecordingSink()).done;
    assert.deepEqual(end, { reason: 'dumper: cannot start tfl-no-such-program: no such program', error: true });
  });

  it('stop ends the program (SIGTERM) and the source', async () => {
    const sink = new RecordingSink();
    const handle = attachSource({ kind: 'command', label: 'forever', command: process.execPath, args: ['-e', "setInterval(() => process.stdout.write('.'), 10)"] }, sink);
    await sink.until(() => sink.bytes().length >= 3);
    handle.stop();
    assert.deepEqual(await handle.done, { reason: 'stopped', error: false });
  });
});

describe('stdin source and pause', () => {
  it('reads stdin to its end', async () => {
    const stdin = new PassThrough();
    const sink = new RecordingSink();
    const handle = attachSource({ kind: 'stdin' }, sink, { stdin });
    stdin.write('one ');
    stdin.end('two');
    assert.deepEqual(await handle.done, { reason: 'standard input: end of stream', error: false });
    assert.equal(sink.bytes().toString(), 'one two');
  });

  it('pause keeps receiving but holds the data; resume hands it on in order; the end flushes what is held', async () => {
    const stdin = new PassThrough();
    const sink = new RecordingSink();
    const handle = attachSource({ kind: 'stdin' }, sink, { stdin });
    stdin.write('a');
    await sink.until(() => sink.bytes().length === 1);
    handle.pause();
    stdin.write('b');
    await tick(30);
    assert.equal(sink.bytes().toString(), 'a', 'nothing reaches the sink while paused');
    handle.resume();
    assert.equal(sink.bytes().toString(), 'ab');
    handle.pause();
    stdin.end('c');
    await handle.done;
    assert.equal(sink.bytes().toString(), 'abc');
    assert.deepEqual(sink.statuses(), ['connecting', 'attached', 'paused', 'attached', 'paused', 'ended']);
  });
});
