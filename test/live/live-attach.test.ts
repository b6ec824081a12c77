/**
 * Issue 13, live attach, against the reference NAT (test/fixtures/natbug: a real Linux kernel sender,
 * the user-space receiver in a network namespace) running a 4 MiB transfer of several seconds. While
 * it runs, five sources attach at once: `watch` follows (1) the growing nat-flow-trace/1 file and
 * (2) the consomme log, (3) `tcpdump -U -w -` inside the namespace runs as a command source with (5)
 * `ss -tinm` of the sender sampled through `ip netns exec`, and (4) `watch` reads the trace the
 * receiver serves on a Unix socket. Each must report owed updates while the transfer is still running
 * (before run.py saw the sender finish), one per window closure the receiver itself counted in buggy
 * mode and none in fixed mode, with the same episodes as an offline `analyze` of what it recorded.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LiveEnd } from '../../src/core/live/attach';
import { attachModel } from '../../src/core/live/attachModel';
import { CaptureModel, type ModelEvent } from '../../src/core/model/captureModel';
import type { CaptureSummary } from '../../src/core/summary';
import { analyzeJson } from '../support/cli';
import { watch, type WatchLine, type WatchRun } from '../support/watch';
import { liveTestsPossible } from './natbug-capture.mjs';
import { startNatBugRun, type NatBugRunSummary } from './natbug-live';

const possible = liveTestsPossible();
if (!possible.ok && process.env.CI === 'true') throw new Error(`live tests must run in CI: ${possible.reason}`);
const skip = possible.ok ? false : `live capture not possible here: ${possible.reason}`;
const dir = mkdtempSync(join(tmpdir(), 'tfl-live-attach-'));
after(() => (process.env.TFL_KEEP ? console.log(`live-attach: kept in ${dir}`) : rmSync(dir, { recursive: true, force: true })));

const BYTES = 4 << 20;
/** watch ends a followed file or socket after this long without data (the run is over by then). */
const IDLE = '3';

interface Reported {
  kind: string;
  /** Date.now() when the event reached the test. */
  at: number;
  startFrame: number;
  endFrame: number;
  /** Seconds since the first packet (or trace line). */
  start: number;
}

interface SourceResult {
  owed: Reported[];
  stalls: number;
  summary: CaptureSummary;
  recording: string;
  reason: string;
}

interface LiveRun {
  run: NatBugRunSummary;
  senderDone: number;
  files: { trace: string; consommeLog: string };
  sources: Record<'trace file' | 'consomme log' | 'tcpdump' | 'trace socket', SourceResult>;
}

function fromWatch(w: WatchRun, recording: string): SourceResult {
  const lines = w.lines;
  const end = lines.at(-1)!;
  assert.equal(end.event, 'end', w.stderr());
  const reported = (l: WatchLine): Reported => {
    const d = l.detail as { start: number };
    return { kind: l.event, at: l.at, startFrame: l.startFrame as number, endFrame: l.endFrame as number, start: d.start };
  };
  return {
    owed: lines.filter((l) => l.event === 'owed').map(reported),
    stalls: lines.filter((l) => l.event === 'stall').length,
    summary: end.summary as CaptureSummary,
    recording,
    reason: end.reason as string,
  };
}

async function liveRun(mode: 'buggy' | 'fixed'): Promise<LiveRun> {
  const at = (name: string) => join(dir, `${mode}-${name}`);
  const files = { capture: at('fixture.pcap'), trace: at('trace.jsonl'), consommeLog: at('consomme.log'), traceSocket: at('trace.sock'), hold: at('go') };
  const nat = startNatBugRun(mode, files, BYTES);
  const { ns } = await nat.ready;

  // (1), (2), (4): watch, as a user would run it, saving what it received.
  const watches = {
    'trace file': watch(files.trace, '--json', '--idle', IDLE, '--save', at('rec-trace.jsonl')),
    'consomme log': watch(files.consommeLog, '--json', '--idle', IDLE, '--save', at('rec-consomme.log')),
    'trace socket': watch(`unix:${files.traceSocket}`, '--json', '--idle', IDLE, '--save', at('rec-socket.jsonl')),
  };
  // (3) + (5): tcpdump inside the namespace as a command source, ss of the sender through the same namespace.
  // --immediate-mode: without it the kernel hands packets to tcpdump in blocks, up to a second late, and the
  // last ones are still in the kernel when it is stopped.
  const tcpdumpErr = at('tcpdump.err');
  const model = new CaptureModel({ name: 'tcpdump' });
  const events: { e: ModelEvent; at: number }[] = [];
  const warnings: string[] = [];
  const session = attachModel(
    { kind: 'command', label: 'tcpdump in the namespace', command: 'ip', args: ['netns', 'exec', ns, 'sh', '-c', `exec tcpdump -U --immediate-mode -w - -i tun0 -n -s 256 tcp 2>${tcpdumpErr}`] },
    model,
    { ss: { prefix: ['ip', 'netns', 'exec', ns], intervalMs: 200 }, onUpdate: (u) => events.push(...u.events.map((e) => ({ e, at: Date.now() }))), onWarning: (w) => warnings.push(w) },
  );
  let senderDone: number;
  let run: NatBugRunSummary;
  let end: LiveEnd;
  const tcpdumpRec = at('rec-tcpdump.pcap');
  try {
    // The sender starts once tcpdump listens (its SYN must be captured) and every watch is attached.
    const deadline = Date.now() + 20_000;
    while (!(existsSync(tcpdumpErr) && readFileSync(tcpdumpErr, 'utf8').includes('listening on'))) {
      if (Date.now() > deadline) throw new Error(`tcpdump did not start: ${existsSync(tcpdumpErr) ? readFileSync(tcpdumpErr, 'utf8') : 'no stderr'}`);
      await sleep(20);
    }
    for (const w of Object.values(watches)) await w.until(() => /attached/.test(w.stderr()), 20_000);
    nat.release();

    senderDone = await nat.senderDone;
    run = await nat.finished;
    session.stop();
    end = await session.done;
    await session.recording!.saveTo(tcpdumpRec);
    session.recording!.dispose();
  } catch (err) {
    // Leave nothing running: tcpdump in the namespace, the watches (run.py cleans up after itself).
    session.stop();
    await session.done;
    session.recording?.dispose();
    for (const w of Object.values(watches)) w.child.kill();
    nat.release();
    await nat.finished.catch(() => undefined);
    throw err;
  }
  for (const w of Object.values(watches)) assert.equal(await w.exit, 0, w.stderr());

  const tcpdump: SourceResult = {
    owed: events.filter((x) => x.e.kind === 'owed').map(({ e, at }) => ({ kind: e.kind, at, startFrame: (e as { stall: { startFrame: number } }).stall.startFrame, endFrame: (e as { stall: { endFrame: number } }).stall.endFrame, start: (e as { stall: { start: number } }).stall.start })),
    stalls: events.filter((x) => x.e.kind === 'stall').length,
    summary: model.summary(),
    recording: tcpdumpRec,
    reason: end.reason,
  };
  assert.deepEqual(warnings.filter((w) => !/Cannot open network namespace|No such file|exited with code/.test(w)), [], 'ss sampling ran without odd output');
  return {
    run,
    senderDone: senderDone * 1000,
    files,
    sources: {
      'trace file': fromWatch(watches['trace file'], at('rec-trace.jsonl')),
      'consomme log': fromWatch(watches['consomme log'], at('rec-consomme.log')),
      'trace socket': fromWatch(watches['trace socket'], at('rec-socket.jsonl')),
      tcpdump,
    },
  };
}

const SOURCES = ['trace file', 'consomme log', 'tcpdump', 'trace socket'] as const;

/** The owed episodes of an offline analyze, as the live reports have them. */
function offlineOwed(file: string): Omit<Reported, 'at' | 'kind'>[] {
  const summary = analyzeJson(file);
  return summary.flows.flatMap((f) => f.stalls.filter((s) => s.owed).map((s) => ({ startFrame: s.startFrame, endFrame: s.endFrame, start: s.start })));
}

describe('live attach to the reference NAT, buggy receiver (4 MiB)', { skip, timeout: 180_000 }, () => {
  let live: LiveRun;
  before(async () => {
    live = await liveRun('buggy');
  }, { timeout: 150_000 });

  for (const source of SOURCES) {
    it(`${source}: one owed update per window closure the receiver counted, most of them before the sender finished`, (t) => {
      const r = live.sources[source];
      const closures = live.run.receiver.window_closures;
      assert.ok(closures >= 10, `a transfer of several seconds closes the window many times (${closures})`);
      assert.equal(live.run.receiver.reopened_by_probe_reply, closures, 'the fixture says every closure reopened only in a probe reply');
      assert.equal(r.owed.length, closures, `${source}: ${r.reason}`);
      // Reported while the transfer ran: not timing luck but the bulk of them (a busy machine may lag a little at the end).
      const early = r.owed.filter((o) => o.at < live.senderDone).length;
      t.diagnostic(`${source}: ${r.owed.length} owed updates, ${early} reported before the sender finished (${live.run.seconds} s run)`);
      assert.ok(early >= Math.ceil(closures / 2), `${source}: ${early} of ${closures} owed updates reported before the sender finished`);
      assert.ok(r.owed[0].at < live.senderDone);
    });

    it(`${source}: the same episodes as an offline analyze of its recording`, () => {
      const r = live.sources[source];
      assert.deepEqual(r.owed.map(({ startFrame, endFrame, start }) => ({ startFrame, endFrame, start })), offlineOwed(r.recording));
    });
  }

  it('the followed file, the socket and the log recorded exactly what the receiver wrote: nothing lost', () => {
    assert.deepEqual(readFileSync(live.sources['trace file'].recording), readFileSync(live.files.trace));
    assert.deepEqual(readFileSync(live.sources['trace socket'].recording), readFileSync(live.files.trace));
    assert.deepEqual(readFileSync(live.sources['consomme log'].recording), readFileSync(live.files.consommeLog));
  });

  it("tcpdump: the episodes are the fixture's own (check.py on its capture), start for start within 2 ms", () => {
    const fixture = live.run.episodes.filter((e) => e.ended_by !== 'fin');
    const owed = live.sources.tcpdump.owed;
    assert.equal(owed.length, fixture.length);
    owed.forEach((o, i) => assert.ok(Math.abs(o.start - fixture[i].at) < 0.002, `episode ${i}: ${o.start} vs ${fixture[i].at}`));
  });

  it("ss: the sender's socket was sampled and its samples matched the captured flow", () => {
    const flow = live.sources.tcpdump.summary.flows[0];
    assert.equal(flow.a.startsWith('10.88.0.1:'), true);
    assert.equal(flow.recvQSource.a, 'ss');
  });
});

describe('live attach to the reference NAT, fixed receiver (4 MiB)', { skip, timeout: 180_000 }, () => {
  let live: LiveRun;
  before(async () => {
    live = await liveRun('fixed');
  }, { timeout: 150_000 });

  for (const source of SOURCES) {
    it(`${source}: stalls reported live, no owed update`, () => {
      const r = live.sources[source];
      assert.equal(live.run.receiver.reopened_by_probe_reply, 0);
      assert.ok(live.run.receiver.updates_sent > 0);
      assert.ok(r.stalls > 0, `${source}: the window still closes, and each closure is reported as a stall`);
      assert.deepEqual(r.owed, [], `${source}: ${r.reason}`);
      assert.deepEqual(offlineOwed(r.recording), []);
    });
  }
});

