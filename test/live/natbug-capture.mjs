// Live captures of the "NAT never reopens its window" bug (docs/stories.md, story 1): a real Linux
// kernel TCP sender against test/fixtures/natbug/receiver.py, a user-space TCP receiver on a TUN
// device in a throwaway network namespace. Needs root, `ip netns`, /dev/net/tun, tcpdump, python3.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const RUNNER = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'natbug', 'run.py');

/** Whether this machine can make live captures: root, `ip netns add` works, /dev/net/tun, tcpdump, python3. */
export function liveTestsPossible() {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return { ok: false, reason: 'not root' };
  if (!existsSync('/dev/net/tun')) return { ok: false, reason: '/dev/net/tun does not exist' };
  for (const [cmd, arg] of [['tcpdump', '--version'], ['python3', '--version']]) {
    const r = spawnSync(cmd, [arg], { stdio: 'ignore' });
    if (r.error || r.status !== 0) return { ok: false, reason: `${cmd} is not available` };
  }
  const ns = `tfl_nb_probe_${process.pid}`;
  const add = spawnSync('ip', ['netns', 'add', ns], { encoding: 'utf8' });
  if (add.error || add.status !== 0) {
    return { ok: false, reason: `ip netns add failed: ${add.error?.message ?? add.stderr.trim()}` };
  }
  spawnSync('ip', ['netns', 'del', ns]);
  return { ok: true };
}

/**
 * Runs the fixture once and resolves when `out` holds a pcap (raw IPv4) of one connection whose
 * zero-window episodes all end the way `mode` must: in 'buggy' mode with the receiver's reply to a
 * Linux persist probe (every episode owes a window update), in 'fixed' mode with the receiver's own
 * window update (none owes one). `log` is the receiver's nat-flow-trace/1 JSON Lines log;
 * `episodesExpected` counts the episodes, as check.py found them in the capture. `natShape` gives the
 * receiver a user-mode NAT's shape (run.py --nat-shape: MSS 65535, sub-segment windows advertised as
 * they are, a host side that reads continuously at 64 kB/s).
 * Rejects when live captures are impossible here, on timeout, or when the capture does not show
 * what the mode must show.
 */
export async function makeNatBugCapture({ mode, out, timeoutMs = 30_000, bytes, log, natShape = false, consommeLog }) {
  if (mode !== 'buggy' && mode !== 'fixed') throw new Error(`makeNatBugCapture: mode must be 'buggy' or 'fixed', not ${mode}`);
  const possible = liveTestsPossible();
  if (!possible.ok) throw new Error(`makeNatBugCapture: live captures are not possible here: ${possible.reason}`);
  const capture = resolve(out);
  const trace = resolve(log ?? `${capture}.trace.jsonl`);
  const args = [RUNNER, '--mode', mode, '--out', capture, '--trace', trace, '--timeout', String(Math.max(5, timeoutMs / 1000 - 3))];
  if (bytes !== undefined) args.push('--bytes', String(bytes));
  if (natShape) args.push('--nat-shape');
  if (consommeLog !== undefined) args.push('--consomme-log', resolve(consommeLog));

  const child = spawn('python3', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s) => (stderr += s));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGTERM'); // run.py removes its namespace and stops its processes on SIGTERM
    setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
  }, timeoutMs);
  const code = await new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (status, signal) => done(status ?? signal));
  }).finally(() => clearTimeout(timer));

  if (timedOut) throw new Error(`makeNatBugCapture(${mode}): timed out after ${timeoutMs} ms`);
  const last = stdout.trim().split('\n').pop() ?? '';
  let summary;
  try {
    summary = JSON.parse(last);
  } catch {
    throw new Error(`makeNatBugCapture(${mode}): run.py exited with ${code} without a summary: ${stderr.trim() || last}`);
  }
  if (!summary.ok) {
    const why = summary.error ?? summary.problems?.join('; ') ?? 'unknown failure';
    throw new Error(`makeNatBugCapture(${mode}): ${why}${stderr.trim() ? ` (${stderr.trim()})` : ''}`);
  }
  const episodes = summary.episodes.filter((e) => e.ended_by !== 'fin');
  return {
    capture,
    episodesExpected: episodes.length,
    log: trace,
    episodes,
    rttMs: summary.rtt_ms,
    receiver: summary.receiver,
    seconds: summary.seconds,
    ...(consommeLog !== undefined ? { consommeLog: resolve(consommeLog), uptimeEpoch: summary.receiver.uptime_epoch } : {}),
  };
}
