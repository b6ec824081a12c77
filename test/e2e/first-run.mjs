// `npm run test:first-run`: the README's first command the way a new user without desktop VS Code
// meets it. Runs `npm start -- --browser` through npm (so that npm's lifecycle variables are set, as
// they are for the user) with TCP_FLOW_LENS_CACHE pointing at a folder without code-server, waits
// for "code-server is ready", opens the printed URL in headless Chromium and checks that the NAT
// demo is open in the capture editor with its owed window updates, then stops it with Ctrl-C.
//
//   node test/e2e/first-run.mjs                 a fresh empty cache folder, removed afterwards (3–4 min)
//   node test/e2e/first-run.mjs --cache DIR     DIR as the cache (must not hold code-server yet)
//   node test/e2e/first-run.mjs --if-cold       the real cache (scripts/tools.mjs cacheRoot()), only when
//                                               it has no code-server yet; else says so and exits 0.
//                                               .ci/run uses this: a cold machine pays the install once.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODE_SERVER_VERSION, cacheRoot } from '../../scripts/tools.mjs';
import { findChromium } from './lib/chromium.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const READY_TIMEOUT_MS = 15 * 60_000;
const FIRST_DEMO = 'nat-missing-window-update.pcap';
const log = (message) => process.stdout.write(`[first-run] ${message}\n`);
const ci = process.env.CI === 'true';

function option(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The cache folder to use, whether to remove it afterwards, or null when there is nothing to test. */
async function chooseCache() {
  if (process.argv.includes('--if-cold')) {
    const root = cacheRoot();
    if (existsSync(join(root, `code-server@${CODE_SERVER_VERSION}`))) {
      log(`the tool cache (${root}) already holds code-server ${CODE_SERVER_VERSION}: the first run was tested when it was cold; skipped (run \`npm run test:first-run\` to test it in an empty folder)`);
      return null;
    }
    return { dir: root, remove: false };
  }
  const given = option('--cache');
  if (given) {
    if (existsSync(join(given, `code-server@${CODE_SERVER_VERSION}`))) throw new Error(`${given} already holds code-server: not a first run`);
    return { dir: resolve(given), remove: false };
  }
  return { dir: await mkdtemp(join(tmpdir(), 'tfl-first-run-cache-')), remove: true };
}

/** Starts `npm start -- --browser`; resolves to the child, a promise of its URL line, and its exit. */
function startNpm(cache) {
  const env = { ...process.env, TCP_FLOW_LENS_CACHE: cache };
  // Its own process group: Ctrl-C goes to npm, node scripts/start.mjs and code-server alike.
  const child = spawn('npm', ['start', '--', '--browser'], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const lines = [];
  let onUrl;
  const url = new Promise((resolveUrl, reject) => {
    onUrl = resolveUrl;
    child.once('exit', (code, signal) => reject(new Error(`npm start exited (${signal ?? `code ${code}`}) before code-server was ready:\n${lines.slice(-30).join('\n')}`)));
  });
  let ready = false;
  const onData = (chunk) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      lines.push(line);
      process.stdout.write(`  | ${line}\n`);
      if (line.includes('code-server is ready')) ready = true;
      const found = /https?:\/\/127\.0\.0\.1:\d+\/\S*/.exec(line);
      if (ready && found) onUrl(found[0]);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
  return { child, url, exited, lines };
}

/** The page the user opens: the NAT demo must be open in the capture editor, owed updates listed. */
async function checkWorkbench(url) {
  if (!findChromium()) {
    if (ci) throw new Error('Chromium is missing (Debian: apt-get install chromium)');
    log('no Chromium here: the workbench itself is not checked (a failure with CI=true)');
    return;
  }
  const tmp = await mkdtemp(join(tmpdir(), 'tfl-first-run-browser-'));
  const { launchChromium, activeTab, captureFrame, SLOW } = await import('./lib/workbench.mjs');
  const browser = await launchChromium(tmp);
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.setDefaultTimeout(2 * SLOW);
    await page.goto(url);
    await activeTab(page).filter({ hasText: FIRST_DEMO }).waitFor();
    const owed = captureFrame(page).locator('[data-finding-kind="window_update_owed"]');
    await owed.first().waitFor();
    log(`the workbench opened ${FIRST_DEMO} in the capture editor by itself: ${await owed.count()} owed window updates listed`);
  } finally {
    await browser.close();
    await rm(tmp, { recursive: true, force: true });
  }
}

async function main() {
  const cache = await chooseCache();
  if (!cache) return;
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)} s`;
  log(`npm start -- --browser with TCP_FLOW_LENS_CACHE=${cache.dir} (no code-server there yet)`);
  const run = startNpm(cache.dir);
  const timer = setTimeout(() => {
    log(`not ready after ${READY_TIMEOUT_MS / 60_000} min: stopping`);
    process.kill(-run.child.pid, 'SIGINT');
  }, READY_TIMEOUT_MS);
  let failure;
  try {
    const url = await run.url;
    clearTimeout(timer);
    log(`code-server is ready after ${elapsed()}: ${url}`);
    await checkWorkbench(url);
  } catch (err) {
    failure = err;
  } finally {
    clearTimeout(timer);
    if (run.child.exitCode === null) {
      process.kill(-run.child.pid, 'SIGINT'); // what Ctrl-C does in the user's terminal
      const killer = setTimeout(() => process.kill(-run.child.pid, 'SIGKILL'), 30_000);
      await run.exited;
      clearTimeout(killer);
      if (!failure && !run.lines.some((l) => l.includes('stopped.'))) failure = new Error('Ctrl-C did not stop npm start cleanly (no "stopped." line)');
    }
    if (cache.remove) await rm(cache.dir, { recursive: true, force: true });
  }
  if (failure) throw failure;
  log(`passed in ${elapsed()}`);
}

main().catch((err) => {
  process.stderr.write(`[first-run] FAILED: ${err.message ?? err}\n`);
  process.exitCode = 1;
});
