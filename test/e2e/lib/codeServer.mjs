// A throwaway code-server for one test file: fresh user-data, extensions and workspace folders in a
// temporary session folder, the .vsix installed with `--install-extension`, bound to a free port on
// 127.0.0.1 (webview service workers need a secure context, which localhost is). `stop()` ends its
// whole process group, waits for it, and removes the session folder unless asked to keep it.
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCodeServer, freePort, QUIET_SETTINGS, run, waitForHealth } from '../../../scripts/tools.mjs';

/** A quiet, offline first run: no welcome page, trust prompt, chat side bar, tips or telemetry. */
export const SETTINGS = {
  ...QUIET_SETTINGS,
  'extensions.ignoreRecommendations': true,
  'workbench.colorTheme': 'Default Dark Modern',
  // Keeps the Explorer rows in a stable order and the file names whole for the row clicks.
  'explorer.sortOrder': 'default',
  'window.commandCenter': false,
};

/**
 * Starts code-server with the extension installed from `vsix`. `files` maps workspace file names to
 * their contents (Buffers). `smokeTestDriver` turns on the `payload` URL parameter that runs an
 * extension-host test suite. `settings` go into the user settings beside SETTINGS; `machineSettings`
 * into the remote machine's (where machine-scoped settings such as tcpFlowLens.liveSources live when
 * the extension runs on a remote, as it does in code-server).
 */
export async function startCodeServer({ vsix, files = {}, settings = {}, machineSettings = null, smokeTestDriver = false, log = defaultLog }) {
  const codeServer = await ensureCodeServer(log);
  const root = await mkdtemp(join(tmpdir(), 'tcp-flow-lens-e2e-'));
  const dirs = {
    userData: join(root, 'user-data'),
    extensions: join(root, 'extensions'),
    tmp: join(root, 'tmp'),
    workspace: join(root, 'workspace'),
    config: join(root, 'config'),
  };
  for (const dir of Object.values(dirs)) await mkdir(dir, { recursive: true });
  await mkdir(join(dirs.userData, 'User'), { recursive: true });
  await writeFile(join(dirs.userData, 'User', 'settings.json'), `${JSON.stringify({ ...SETTINGS, ...settings }, null, 2)}\n`);
  if (machineSettings) {
    await mkdir(join(dirs.userData, 'Machine'), { recursive: true });
    await writeFile(join(dirs.userData, 'Machine', 'settings.json'), `${JSON.stringify(machineSettings, null, 2)}\n`);
  }
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(dirs.workspace, name), bytes);

  // XDG_CONFIG_HOME keeps code-server from writing ~/.config/code-server/config.yaml.
  const env = { ...codeServer.env, TMPDIR: dirs.tmp, XDG_CONFIG_HOME: dirs.config };
  const config = join(root, 'config.yaml');
  const base = [codeServer.entry, '--config', config, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
  await writeFile(config, 'auth: none\ncert: false\n');
  const started = Date.now();
  await run(codeServer.node, [...base, '--install-extension', vsix, '--force'], { env }, log);
  log(`installed ${vsix} (${((Date.now() - started) / 1000).toFixed(1)} s)`);

  const port = await freePort();
  const args = [
    ...base, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened',
    ...(smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    dirs.workspace,
  ];
  const logFile = join(root, 'code-server.log');
  const out = createWriteStream(logFile);
  // Its own process group, so that stopping it reaches the extension hosts and helpers too.
  const child = spawn(codeServer.node, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));

  let stopped;
  const session = {
    root,
    dirs,
    port,
    origin: `http://127.0.0.1:${port}`,
    logFile,
    /** The workbench URL with the workspace open; `payload` is the smoke-test driver's list of pairs. */
    url(payload) {
      const query = [`folder=${encodeURIComponent(dirs.workspace)}`];
      if (payload) query.push(`payload=${encodeURIComponent(JSON.stringify(payload))}`);
      return `${session.origin}/?${query.join('&')}`;
    },
    /** A path on this machine as the remote workbench names it (for extensionDevelopmentPath and friends). */
    remoteUri(path) {
      return `vscode-remote://127.0.0.1:${port}${path}`;
    },
    /** The folder the installed extension was unpacked into. */
    installedExtensionDir() {
      const pkg = JSON.parse(readFileSync(join(dirs.extensions, 'extensions.json'), 'utf8'));
      const entry = pkg.find((e) => e.identifier?.id === 'tcp-flow-lens.tcp-flow-lens');
      if (!entry) throw new Error(`the extension is not in ${dirs.extensions}/extensions.json`);
      return entry.location?.path ?? join(dirs.extensions, entry.relativeLocation);
    },
    /** Stops code-server; keeps the session folder when `keep` (to look at logs after a failure). */
    stop({ keep = false } = {}) {
      stopped ??= (async () => {
        killGroup(child, 'SIGTERM');
        const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
        out.end();
        if (!keep) await rm(root, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
  try {
    await waitForHealth(`${session.origin}/healthz`, child, 90_000);
  } catch (err) {
    await session.stop({ keep: true });
    throw new Error(`${err.message}; its log: ${logFile}\n${tail(logFile)}`);
  }
  log(`code-server on ${session.origin} (${((Date.now() - started) / 1000).toFixed(1)} s), session ${root}`);
  return session;
}



function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function tail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function defaultLog(message) {
  process.stderr.write(`[e2e] ${message}\n`);
}
