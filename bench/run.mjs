#!/usr/bin/env node
// `npm run bench`: time the analyzer against tshark and a bare pcap-parser iteration on one large capture.
//
//   node bench/run.mjs [--capture FILE] [--synthetic] [--regen] [--packets N] [--runs N] [--timeout S]
//                      [--gen-timeout S] [--no-install] [--no-gnu-time] [--cache-dir DIR] [--make-big PATH] [--out FILE]
//
// Capture, first that applies:
//   --capture FILE                    use that file as is;
//   <cache>/big.pcap                  a real capture made earlier by make_big.sh (unless --regen or --synthetic);
//   make_big.sh                       generate the real capture (root, network namespaces, tcpdump, tc, python3,
//                                     ethtool; missing Debian packages are installed with apt-get when root,
//                                     unless --no-install), written to <cache>/big.pcap;
//   <cache>/synth-N.pcap              the synthetic capture (bench/synth.mjs), made when missing.
// <cache> is $TFL_BENCH_CACHE, else $XDG_CACHE_HOME/tcp-flow-lens, else ~/.cache/tcp-flow-lens.
// make_big.sh is $TFL_MAKE_BIG, else ../shared/captures/big/make_big.sh next to the repository.
//
// Each tool runs as a child process: one untimed warm-up (output kept for a cross-check), then --runs timed
// rounds (default 3), the tools interleaved within a round; stdout goes to /dev/null. Wall time is measured
// here; peak RSS comes from GNU time (%M) when available, else from a --require probe for node children and
// from /proc/PID/status VmHWM polling for tshark (approximate). Targets are reported as PASS/MISS; a miss does
// not fail the command (shared machines are noisy). Results: bench/out/results.json.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeSyntheticPcap } from './synth.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '..');
const CLI = path.join(REPO, 'dist', 'cli.js');
const ITERATE = path.join(HERE, 'pcap-parser-iterate.cjs');
const RSS_PROBE = path.join(HERE, 'rss-probe.cjs');
const GNU_TIME = '/usr/bin/time';

const TARGET_TSHARK_RATIO = 15;
const TARGET_RSS_MB = 250;

// ---------------------------------------------------------------------------------------------- arguments
let opts;
try {
  opts = parseArgs({
    options: {
      capture: { type: 'string' },
      synthetic: { type: 'boolean', default: false },
      regen: { type: 'boolean', default: false },
      packets: { type: 'string', default: '1100000' },
      runs: { type: 'string', default: '3' },
      timeout: { type: 'string', default: '300' },
      'gen-timeout': { type: 'string', default: '300' },
      'no-install': { type: 'boolean', default: false },
      'no-gnu-time': { type: 'boolean', default: false },
      'cache-dir': { type: 'string' },
      'make-big': { type: 'string' },
      out: { type: 'string', default: path.join(HERE, 'out', 'results.json') },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
} catch (err) {
  fail(`${err.message} (see the header of bench/run.mjs)`);
}
if (opts.help) {
  const src = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');
  process.stdout.write(`${src.slice(1, src.findIndex((l) => l.startsWith('import'))).map((l) => l.replace(/^\/\/ ?/, '')).join('\n')}\n`);
  process.exit(0);
}
const RUNS = positiveInt(opts.runs, '--runs');
const TIMEOUT_MS = positiveInt(opts.timeout, '--timeout') * 1000;
const GEN_TIMEOUT_MS = positiveInt(opts['gen-timeout'], '--gen-timeout') * 1000;
const SYNTH_PACKETS = positiveInt(opts.packets, '--packets');
const CACHE_DIR = path.resolve(
  opts['cache-dir'] ?? process.env.TFL_BENCH_CACHE ?? path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'tcp-flow-lens'),
);
const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;
const ALLOW_INSTALL = !opts['no-install'];

function positiveInt(s, name) {
  const n = Number(s);
  if (!Number.isInteger(n) || n <= 0) fail(`${name} must be a positive integer, got ${JSON.stringify(s)}`);
  return n;
}
function fail(msg) {
  process.stderr.write(`bench: ${msg}\n`);
  process.exit(1);
}
function log(msg = '') {
  process.stdout.write(`${msg}\n`);
}
function note(msg) {
  process.stdout.write(`  note: ${msg}\n`);
}

// ---------------------------------------------------------------------------------------------- helpers
/** `command -v NAME` */
function which(name) {
  const r = spawnSync('sh', ['-c', `command -v "$1"`, 'sh', name], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}
function sh(cmd, args, timeoutMs = 60_000) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs });
  return { ok: r.status === 0, status: r.status, out: r.stdout ?? '', err: (r.stderr ?? '') + (r.error ? String(r.error.message) : '') };
}
function tail(s, n = 600) {
  const t = s.trim();
  return t.length > n ? `…${t.slice(-n)}` : t;
}
function isGnuTime() {
  if (opts['no-gnu-time'] || !existsSync(GNU_TIME)) return false;
  const r = sh(GNU_TIME, ['--version']);
  return /GNU/.test(r.out + r.err);
}
/** First 4 bytes of a file: 'pcap', 'pcapng', 'gzip' or null. */
function captureKind(file) {
  try {
    const fd = openSync(file, 'r');
    const b = Buffer.alloc(4);
    const n = readSync(fd, b, 0, 4, 0);
    closeSync(fd);
    if (n < 4) return null;
    const m = b.readUInt32LE(0);
    if ([0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1].includes(m)) return 'pcap';
    if (m === 0x0a0d0d0a) return 'pcapng';
    if (b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
    return null;
  } catch {
    return null;
  }
}
const apt = { updated: false };
/** apt-get install, as root only; returns null on success or the reason it did not happen. */
function aptInstall(pkgs) {
  if (!IS_ROOT) return 'not root';
  if (!ALLOW_INSTALL) return '--no-install given';
  if (!which('apt-get')) return 'apt-get not found';
  log(`  installing Debian package(s): ${pkgs.join(' ')} (apt-get, as root)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = () => spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...pkgs], { encoding: 'utf8', env, timeout: 600_000 });
  let r = run();
  if (r.status !== 0 && !apt.updated) {
    apt.updated = true;
    spawnSync('apt-get', ['update', '-q'], { encoding: 'utf8', env, timeout: 600_000 });
    r = run();
  }
  return r.status === 0 ? null : `apt-get install failed: ${tail(`${r.stderr ?? ''}${r.error?.message ?? ''}`, 300)}`;
}

let activeChild = null;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (activeChild?.pid) {
      try {
        process.kill(-activeChild.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
    process.stderr.write(`\nbench: interrupted (${sig})\n`);
    process.exit(130);
  });
}

/**
 * Run one child process in its own process group, stdout to /dev/null (or captured), with a timeout.
 * Returns { ok, code, signal, timedOut, wallMs, cpuMs, rssKB, rssSource, stdout, stderr }; cpuMs = user + system
 * CPU time of the child (null when only /proc polling is available).
 */
function runChild(tool, { capture = false, timeoutMs = TIMEOUT_MS, gnuTime }) {
  return new Promise((resolve) => {
    const rssFile = path.join(os.tmpdir(), `tfl-bench-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
    let cmd = tool.cmd;
    let args = tool.args;
    const env = { ...process.env };
    let rssSource;
    if (gnuTime) {
      args = ['-f', '%M %U %S', '-o', rssFile, cmd, ...args];
      cmd = GNU_TIME;
      rssSource = 'GNU time %M';
    } else if (tool.node) {
      args = ['--require', RSS_PROBE, ...args];
      env.TFL_RSS_OUT = rssFile;
      rssSource = 'process.resourceUsage().maxRSS';
    } else {
      rssSource = '/proc VmHWM polling (approximate)';
    }
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { detached: true, env, stdio: ['ignore', capture ? 'pipe' : 'ignore', 'pipe'] });
    activeChild = child;
    let stdout = '';
    let stderr = '';
    let polledKB = 0;
    let timedOut = false;
    child.stdout?.on('data', (d) => {
      if (stdout.length < 1 << 22) stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr = (stderr + d).slice(-8192);
    });
    const poll = !gnuTime && !tool.node
      ? setInterval(() => {
        try {
          const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
          if (m) polledKB = Math.max(polledKB, Number(m[1]));
        } catch {
          /* exited */
        }
      }, 20)
      : null;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, timeoutMs);
    const finish = (code, signal, spawnError) => {
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      activeChild = null;
      let rssKB = null;
      let cpuMs = null;
      if (poll) rssKB = polledKB || null;
      else {
        try {
          // GNU time writes "Command exited with non-zero status N" / "Command terminated by signal N" first
          const lines = readFileSync(rssFile, 'utf8').trim().split('\n');
          // GNU time: "maxrssKB user_s sys_s"; the probe: "maxrssKB user_us sys_us"
          const [m, u, sy] = lines[lines.length - 1].trim().split(/\s+/).map(Number);
          rssKB = Number.isFinite(m) && m > 0 ? m : null;
          if (Number.isFinite(u) && Number.isFinite(sy)) cpuMs = gnuTime ? (u + sy) * 1000 : (u + sy) / 1000;
        } catch {
          /* no value */
        }
        rmSync(rssFile, { force: true });
      }
      resolve({
        ok: !spawnError && !timedOut && code === 0,
        code,
        signal,
        timedOut,
        spawnError: spawnError?.message,
        wallMs,
        cpuMs,
        rssKB,
        rssSource,
        stdout,
        stderr,
      });
    };
    child.on('error', (err) => finish(null, null, err));
    child.on('close', (code, signal) => finish(code, signal, null));
  });
}

function describeFailure(r) {
  if (r.spawnError) return `could not start: ${r.spawnError}`;
  if (r.timedOut) return `timed out after ${(TIMEOUT_MS / 1000).toFixed(0)} s (killed)`;
  if (r.signal) return `killed by ${r.signal}`;
  return `exit status ${r.code}${r.stderr ? `: ${tail(r.stderr, 400)}` : ''}`;
}

// ---------------------------------------------------------------------------------------------- machine
function machineInfo(gnuTime, tsharkPath) {
  let cpuModel = null;
  try {
    cpuModel = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? null;
  } catch {
    /* not Linux */
  }
  cpuModel ??= os.cpus()[0]?.model ?? null;
  const nproc = sh('nproc', []);
  let tsharkVersion = null;
  if (tsharkPath) {
    const r = sh(tsharkPath, ['--version']);
    tsharkVersion = (r.out.split('\n')[0] || '').trim() || null;
  }
  const head = sh('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD']);
  const dirty = sh('git', ['-C', REPO, 'status', '--porcelain', '--', 'src']);
  return {
    repoCommit: head.ok ? head.out.trim() : null,
    srcUncommittedChanges: dirty.ok ? dirty.out.trim().length > 0 : null,
    nproc: nproc.ok ? Number(nproc.out.trim()) : os.availableParallelism(),
    cpuModel,
    memTotalGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    tshark: tsharkVersion,
    gnuTime: gnuTime ? (sh(GNU_TIME, ['--version']).out.split('\n')[0] || 'GNU time').trim() : null,
    root: IS_ROOT,
    loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

// ---------------------------------------------------------------------------------------------- capture
function findMakeBig() {
  const candidates = [opts['make-big'], process.env.TFL_MAKE_BIG, path.resolve(REPO, '..', 'shared', 'captures', 'big', 'make_big.sh'), '/work/shared/captures/big/make_big.sh'];
  for (const c of candidates) if (c && existsSync(c)) return path.resolve(c);
  return null;
}

/** Tools make_big.sh (and its netns_setup.sh) needs, with the Debian package providing each. */
const REAL_TOOLS = [
  ['ip', 'iproute2'],
  ['tc', 'iproute2'],
  ['tcpdump', 'tcpdump'],
  ['python3', 'python3'],
  // netns_setup.sh switches offloads off with ethtool but ignores failure: without it the capture would hold
  // 64 KB GSO super-segments instead of MTU-sized ones, i.e. far fewer packets than make_big.sh promises
  ['ethtool', 'ethtool'],
];

/** Try to make the real capture. Returns { file, meta } or { reason }. */
async function generateReal(target) {
  if (process.platform !== 'linux') return { reason: 'not Linux (needs network namespaces)' };
  const makeBig = findMakeBig();
  if (!makeBig) return { reason: 'make_big.sh not found (set TFL_MAKE_BIG or --make-big)' };
  if (!IS_ROOT) {
    return { reason: `not running as root (make_big.sh needs root and network namespaces); to benchmark on the real capture, run once: sudo bash ${makeBig} ${target}` };
  }
  let missing = REAL_TOOLS.filter(([t]) => !which(t));
  if (missing.length) {
    const pkgs = [...new Set(missing.map(([, p]) => p))];
    const why = aptInstall(pkgs);
    missing = REAL_TOOLS.filter(([t]) => !which(t));
    if (missing.length) {
      return { reason: `missing ${missing.map(([t]) => t).join(', ')} (Debian: apt-get install ${[...new Set(missing.map(([, p]) => p))].join(' ')})${why ? `; not installed: ${why}` : ''}` };
    }
  }
  // make_big.sh uses fixed namespace names and deletes them first: never disturb somebody else's run
  const ns = sh('ip', ['netns', 'list']);
  if (!ns.ok) return { reason: `\`ip netns list\` failed: ${tail(ns.err, 200)}` };
  if (/\bzwtest_[ab]\b/.test(ns.out)) {
    return { reason: 'network namespaces zwtest_a/zwtest_b already exist (another capture script running?); not touching them' };
  }
  const probe = `tflbench${process.pid}`;
  const add = sh('ip', ['netns', 'add', probe]);
  sh('ip', ['netns', 'del', probe]);
  if (!add.ok) return { reason: `network namespaces unavailable: \`ip netns add\` failed: ${tail(add.err, 300)}` };

  mkdirSync(path.dirname(target), { recursive: true });
  const partial = target.replace(/\.pcap$/, '') + '.partial.pcap';
  rmSync(partial, { force: true });
  log(`  generating the real capture: bash ${makeBig} ${partial}  (about 20 s; timeout ${GEN_TIMEOUT_MS / 1000} s)`);
  const t0 = Date.now();
  const r = await new Promise((resolve) => {
    const child = spawn('bash', [makeBig, partial], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], cwd: path.dirname(target) });
    activeChild = child;
    let out = '';
    let timedOut = false;
    child.stdout.on('data', (d) => (out = (out + d).slice(-8192)));
    child.stderr.on('data', (d) => (out = (out + d).slice(-8192)));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, GEN_TIMEOUT_MS);
    const done = (code, err) => {
      clearTimeout(timer);
      activeChild = null;
      // background senders/receiver started by the script share its process group; make sure none is left
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* all gone, as expected */
      }
      resolve({ code, timedOut, out, err });
    };
    child.on('error', (err) => done(null, err));
    child.on('close', (code) => done(code, null));
  });
  const seconds = (Date.now() - t0) / 1000;
  const left = sh('ip', ['netns', 'list']);
  if (/\bzwtest_[ab]\b/.test(left.out)) {
    // created by the run we just started (they did not exist before it); remove them
    sh('ip', ['netns', 'del', 'zwtest_a']);
    sh('ip', ['netns', 'del', 'zwtest_b']);
  }
  if (r.err || r.timedOut || r.code !== 0) {
    rmSync(partial, { force: true });
    const why = r.err ? r.err.message : r.timedOut ? `timed out after ${GEN_TIMEOUT_MS / 1000} s` : `exit status ${r.code}`;
    return { reason: `make_big.sh failed (${why}): ${tail(r.out, 500)}` };
  }
  if (captureKind(partial) !== 'pcap' || statSync(partial).size < 1 << 20) {
    return { reason: `make_big.sh produced no usable capture (${existsSync(partial) ? `${statSync(partial).size} bytes` : 'no file'}): ${tail(r.out, 300)}` };
  }
  const logPartial = partial.replace(/\.pcap$/, '.capture.log');
  const capLog = existsSync(logPartial) ? readFileSync(logPartial, 'utf8').trim() : '';
  renameSync(partial, target);
  if (existsSync(logPartial)) renameSync(logPartial, target.replace(/\.pcap$/, '.capture.log'));
  const dropped = Number(/(\d+) packets? dropped by kernel/.exec(capLog)?.[1] ?? NaN);
  const meta = {
    source: 'real',
    script: makeBig,
    generatedAt: new Date().toISOString(),
    generationSeconds: Math.round(seconds * 10) / 10,
    bytes: statSync(target).size,
    tcpdump: capLog,
    droppedByKernel: Number.isFinite(dropped) ? dropped : null,
    host: { kernel: os.release(), hostname: os.hostname() },
  };
  writeFileSync(target.replace(/\.pcap$/, '.meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
  if (meta.droppedByKernel) note(`tcpdump reports ${meta.droppedByKernel} packets dropped by kernel (the capture has gaps; still fine for timing)`);
  return { file: target, meta };
}

async function chooseCapture() {
  if (opts.capture) {
    const file = path.resolve(opts.capture);
    if (!existsSync(file)) fail(`--capture ${file}: no such file`);
    return { file, source: 'user', description: `user-supplied (--capture)`, meta: null, fallbackReason: null };
  }
  const big = path.join(CACHE_DIR, 'big.pcap');
  const bigMetaFile = path.join(CACHE_DIR, 'big.meta.json');
  const readMeta = () => {
    try {
      return JSON.parse(readFileSync(bigMetaFile, 'utf8'));
    } catch {
      return null;
    }
  };
  let reason = null;
  if (opts.synthetic) {
    reason = '--synthetic given';
  } else {
    if (!opts.regen && existsSync(big) && captureKind(big) === 'pcap' && statSync(big).size > 1 << 20) {
      return { file: big, source: 'real', description: 'real kernel capture (make_big.sh), reused from the cache', meta: readMeta(), fallbackReason: null };
    }
    const g = await generateReal(big);
    if (g.file) return { file: g.file, source: 'real', description: 'real kernel capture (make_big.sh), generated now', meta: g.meta, fallbackReason: null };
    reason = g.reason;
    if (opts.regen && existsSync(big) && captureKind(big) === 'pcap') {
      note(`regeneration failed (${reason}); using the cached real capture instead`);
      return { file: big, source: 'real', description: 'real kernel capture (make_big.sh), reused from the cache after a failed --regen', meta: readMeta(), fallbackReason: null };
    }
  }
  const synth = path.join(CACHE_DIR, `synth-${SYNTH_PACKETS}.pcap`);
  let meta = null;
  if (existsSync(synth) && captureKind(synth) === 'pcap') {
    try {
      meta = JSON.parse(readFileSync(`${synth}.json`, 'utf8'));
    } catch {
      /* none */
    }
    return { file: synth, source: 'synthetic', description: 'synthetic (bench/synth.mjs), reused from the cache', meta, fallbackReason: reason };
  }
  mkdirSync(CACHE_DIR, { recursive: true });
  log(`  writing the synthetic capture (${SYNTH_PACKETS.toLocaleString('en')} packets) to ${synth}`);
  meta = { source: 'synthetic', generatedAt: new Date().toISOString(), ...writeSyntheticPcap(synth, { packets: SYNTH_PACKETS }) };
  writeFileSync(`${synth}.json`, `${JSON.stringify(meta, null, 2)}\n`);
  return { file: synth, source: 'synthetic', description: 'synthetic (bench/synth.mjs), generated now', meta, fallbackReason: reason };
}

// ---------------------------------------------------------------------------------------------- stats
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x, d = 3) => (x == null || !Number.isFinite(x) ? null : Math.round(x * 10 ** d) / 10 ** d);
const mb = (kb) => (kb == null ? null : kb / 1024);
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

// ---------------------------------------------------------------------------------------------- main
async function main() {
  log('TCP Flow Lens benchmark');
  if (!existsSync(CLI)) fail(`${path.relative(process.cwd(), CLI)} not found: run \`npm run build\` first (npm run bench does)`);

  let gnuTime = isGnuTime();
  if (!gnuTime) {
    const why = opts['no-gnu-time'] ? '--no-gnu-time given' : aptInstall(['time']);
    gnuTime = isGnuTime();
    if (!gnuTime) note(`GNU time (/usr/bin/time) not available${why ? ` (${why})` : ''}: peak RSS from process.resourceUsage for node children, /proc polling for tshark`);
  }
  const tsharkPath = which('tshark');
  const machine = machineInfo(gnuTime, tsharkPath);
  log(`  machine: ${machine.nproc} CPU(s), ${machine.cpuModel}, ${machine.memTotalGiB} GiB, ${machine.kernel}, node ${machine.node}, load ${machine.loadavg.join(' ')}`);
  log(`  tshark: ${machine.tshark ?? 'not found'}`);
  if (machine.repoCommit) log(`  analyzer: dist/cli.js built from ${machine.repoCommit}${machine.srcUncommittedChanges ? ' plus uncommitted changes in src/' : ''}`);
  log(`  cache: ${CACHE_DIR}`);

  const cap = await chooseCapture();
  const kind = captureKind(cap.file);
  const size = statSync(cap.file).size;
  log(`  capture: ${cap.file}`);
  log(`           ${cap.description}, ${(size / 1e6).toFixed(1)} MB, ${kind ?? 'unknown format'}`);
  if (cap.fallbackReason) log(`           real capture not used: ${cap.fallbackReason}`);

  const tools = [
    { id: 'ours', label: 'tcp-flow-lens analyze --json', cmd: process.execPath, args: [CLI, 'analyze', cap.file, '--json'], node: true },
  ];
  const skipped = {};
  if (tsharkPath) tools.push({ id: 'tshark', label: 'tshark -n -q -z conv,tcp', cmd: tsharkPath, args: ['-n', '-q', '-z', 'conv,tcp', '-r', cap.file], node: false });
  else skipped.tshark = 'tshark not found on PATH (Debian: apt-get install tshark); column skipped';
  if (kind === 'pcap') tools.push({ id: 'pcapParser', label: 'pcap-parser iteration', cmd: process.execPath, args: [ITERATE, cap.file], node: true });
  else skipped.pcapParser = `pcap-parser reads classic pcap only, the capture is ${kind ?? 'not pcap'}; column skipped`;
  for (const why of Object.values(skipped)) note(why);

  // warm-up: every tool once, untimed, output kept (page cache warm for all, and a cross-check of counts)
  log('');
  log(`warm-up (untimed), then ${RUNS} timed round(s), timeout ${TIMEOUT_MS / 1000} s per child:`);
  const results = Object.fromEntries(tools.map((t) => [t.id, { label: t.label, command: [t.cmd, ...t.args].join(' '), warmup: null, runs: [], errors: [] }]));
  const check = {};
  for (const t of tools) {
    const r = await runChild(t, { capture: true, gnuTime });
    results[t.id].warmup = { wallMs: round(r.wallMs, 1), cpuMs: round(r.cpuMs, 0), rssKB: r.rssKB, ok: r.ok };
    log(`  ${pad(t.label, 30)} warm-up ${r.ok ? `${(r.wallMs / 1000).toFixed(2)} s` : `FAILED: ${describeFailure(r)}`}`);
    if (!r.ok) {
      results[t.id].errors.push(`warm-up: ${describeFailure(r)}`);
      continue;
    }
    if (t.id === 'ours') {
      try {
        const j = JSON.parse(r.stdout);
        check.ours = { packets: j.packets, tcpPackets: j.tcpPackets, flows: j.flows?.length ?? null, warnings: j.warnings?.length ?? 0 };
      } catch (err) {
        results[t.id].errors.push(`warm-up output is not JSON: ${err.message}`);
      }
    } else if (t.id === 'pcapParser') {
      check.pcapParser = { packets: Number(r.stdout.trim()) };
    } else if (t.id === 'tshark') {
      check.tshark = { conversations: r.stdout.split('\n').filter((l) => l.includes('<->')).length };
    }
  }
  if (!results.ours.warmup?.ok) {
    fail(`our analyzer failed on ${cap.file}: ${results.ours.errors.join('; ')}`);
  }
  const failedWarmup = new Set(tools.filter((t) => !results[t.id].warmup.ok).map((t) => t.id));

  for (let round_ = 1; round_ <= RUNS; round_++) {
    const parts = [];
    for (const t of tools) {
      if (failedWarmup.has(t.id)) continue;
      const r = await runChild(t, { gnuTime });
      if (r.ok) {
        results[t.id].runs.push({ wallMs: round(r.wallMs, 1), cpuMs: round(r.cpuMs, 0), rssKB: r.rssKB });
        parts.push(`${t.id} ${(r.wallMs / 1000).toFixed(2)} s`);
      } else {
        results[t.id].errors.push(`round ${round_}: ${describeFailure(r)}`);
        parts.push(`${t.id} FAILED`);
        if (r.timedOut) failedWarmup.add(t.id); // one timeout is enough; do not burn more time on it
      }
      results[t.id].rssSource = r.rssSource;
    }
    log(`  round ${round_}: ${parts.join(', ')}`);
  }
  const loadAfter = os.loadavg().map((x) => Math.round(x * 100) / 100);

  // summary per tool
  for (const t of tools) {
    const res = results[t.id];
    const w = res.runs.map((r) => r.wallMs);
    const rss = res.runs.map((r) => r.rssKB).filter((x) => x != null);
    const cpu = res.runs.map((r) => r.cpuMs).filter((x) => x != null);
    res.bestCpuMs = cpu.length ? Math.min(...cpu) : null;
    res.bestMs = w.length ? round(Math.min(...w), 1) : null;
    res.medianMs = w.length ? round(median(w), 1) : null;
    res.peakRssKB = rss.length ? Math.max(...rss) : null;
    res.peakRssMB = round(mb(res.peakRssKB), 1);
    if (res.errors.length) for (const e of res.errors) note(`${t.label}: ${e}`);
  }
  const ours = results.ours;
  const ratio = (id, key) => (results[id]?.[key] && ours[key] ? round(results[id][key] / ours[key], 2) : null);
  const ratios = {
    tsharkOverOurs: ratio('tshark', 'bestMs'),
    tsharkOverOursMedian: ratio('tshark', 'medianMs'),
    pcapParserOverOurs: ratio('pcapParser', 'bestMs'),
    pcapParserOverOursMedian: ratio('pcapParser', 'medianMs'),
    // CPU time (user + sys) is less sensitive to other load on a shared machine than wall time
    tsharkOverOursCpu: ratio('tshark', 'bestCpuMs'),
    pcapParserOverOursCpu: ratio('pcapParser', 'bestCpuMs'),
  };
  const verdict = (v, passIf) => (v == null ? 'SKIP' : passIf(v) ? 'PASS' : 'MISS');
  const targets = {
    tshark15x: {
      target: `tshark time / ours >= ${TARGET_TSHARK_RATIO}`,
      value: ratios.tsharkOverOurs,
      result: verdict(ratios.tsharkOverOurs, (v) => v >= TARGET_TSHARK_RATIO),
      ...(ratios.tsharkOverOurs == null ? { note: skipped.tshark ? 'tshark not found' : `tshark failed: ${results.tshark?.errors[0] ?? '?'}` } : {}),
    },
    fasterThanPcapParser: {
      target: 'pcap-parser iteration time / ours > 1',
      value: ratios.pcapParserOverOurs,
      result: verdict(ratios.pcapParserOverOurs, (v) => v > 1),
      ...(ratios.pcapParserOverOurs == null ? { note: skipped.pcapParser ? 'capture is not a classic pcap' : `pcap-parser failed: ${results.pcapParser?.errors[0] ?? '?'}` } : {}),
    },
    peakRss: {
      target: `our peak RSS < ${TARGET_RSS_MB} MB (MiB, 1 MB = 1024 KiB)`,
      value: ours.peakRssMB,
      result: verdict(ours.peakRssMB, (v) => v < TARGET_RSS_MB),
      ...(ours.peakRssMB == null ? { note: 'peak RSS not measured' } : {}),
    },
  };

  // cross-check of what the tools saw
  const crossNotes = [];
  if (check.ours && check.pcapParser && check.pcapParser.packets !== check.ours.packets) {
    crossNotes.push(`packet counts differ: ours ${check.ours.packets}, pcap-parser ${check.pcapParser.packets}`);
  }
  if (check.ours && check.tshark && check.tshark.conversations !== check.ours.flows) {
    crossNotes.push(`flow counts differ: ours ${check.ours.flows}, tshark conv,tcp ${check.tshark.conversations}`);
  }

  // table
  log('');
  log(`capture: ${cap.source === 'real' ? 'REAL kernel capture (make_big.sh)' : cap.source === 'synthetic' ? 'SYNTHETIC (bench/synth.mjs)' : 'user-supplied'} — ${cap.file}`);
  log(`         ${check.ours ? `${check.ours.packets.toLocaleString('en')} packets (${check.ours.tcpPackets.toLocaleString('en')} TCP), ${check.ours.flows} flows, ` : ''}${(size / 1e6).toFixed(1)} MB`);
  log('');
  const head = `${pad('tool', 32)}${lpad('best s', 9)}${lpad('median s', 10)}${lpad('CPU s', 9)}${lpad('peak RSS MB', 13)}${lpad('time / ours', 13)}${lpad('CPU / ours', 12)}`;
  log(head);
  log('-'.repeat(head.length));
  for (const t of ['ours', 'tshark', 'pcapParser']) {
    const res = results[t];
    if (!res) {
      log(`${pad(t === 'tshark' ? 'tshark -n -q -z conv,tcp' : 'pcap-parser iteration', 32)}${lpad('skipped', 9)}`);
      continue;
    }
    const rel = t === 'ours' ? '1.00' : res.bestMs && ours.bestMs ? (res.bestMs / ours.bestMs).toFixed(2) : '-';
    const relCpu = res.bestCpuMs && ours.bestCpuMs ? (res.bestCpuMs / ours.bestCpuMs).toFixed(2) : '-';
    log(
      `${pad(res.label, 32)}${lpad(res.bestMs != null ? (res.bestMs / 1000).toFixed(3) : 'failed', 9)}${lpad(res.medianMs != null ? (res.medianMs / 1000).toFixed(3) : '-', 10)}${lpad(res.bestCpuMs != null ? (res.bestCpuMs / 1000).toFixed(2) : '-', 9)}${lpad(res.peakRssMB != null ? res.peakRssMB.toFixed(1) : '-', 13)}${lpad(rel, 13)}${lpad(relCpu, 12)}`,
    );
  }
  log('');
  log(`wall time of each child process, best and median of ${RUNS}; CPU = user + system, best run; peak RSS = max over runs (${ours.rssSource ?? 'n/a'})`);
  log('targets use the best wall times; CPU ratios are printed because other load on a shared machine inflates wall time');
  log(`load average before ${machine.loadavg.join(' ')}, after ${loadAfter.join(' ')} (${machine.nproc} CPUs)`);
  log('');
  log('targets:');
  for (const t of Object.values(targets)) log(`  ${pad(t.result, 5)} ${pad(t.target, 48)} ${t.value ?? '-'}${t.note ? `  (${t.note})` : ''}`);
  for (const n of crossNotes) note(n);
  if (Object.values(targets).some((t) => t.result === 'MISS')) {
    log('  (a MISS is reported, not fatal: profile with `node --cpu-prof dist/cli.js analyze FILE --json > /dev/null`)');
  }

  const out = path.resolve(opts.out);
  mkdirSync(path.dirname(out), { recursive: true });
  const doc = {
    generatedAt: new Date().toISOString(),
    machine: { ...machine, loadavgBefore: machine.loadavg, loadavgAfter: loadAfter },
    capture: {
      file: cap.file,
      source: cap.source,
      description: cap.description,
      fallbackReason: cap.fallbackReason,
      bytes: size,
      format: kind,
      ...(check.ours ?? {}),
      meta: cap.meta,
    },
    method: { runs: RUNS, statistic: 'best and median wall time; peak RSS = max over timed runs', timeoutS: TIMEOUT_MS / 1000, warmup: true, stdout: '/dev/null' },
    results,
    skipped,
    ratios,
    targets,
    crossCheck: { ...check, notes: crossNotes },
  };
  delete doc.machine.loadavg;
  writeFileSync(out, `${JSON.stringify(doc, null, 2)}\n`);
  log('');
  log(`results written to ${out}`);
}

main().catch((err) => {
  process.stderr.write(`bench: internal error: ${err.stack ?? err}\n`);
  process.exit(3);
});
