// `npm start`: build, then run the extension in VS Code with the demo capture.
// - With a desktop `code` on PATH: an Extension Development Host opening test/fixtures/demo.pcap.
// - Otherwise (or with `npm start -- --browser`): code-server (VS Code in the browser, installed once
//   into ~/.cache/tcp-flow-lens by scripts/tools.mjs) on 127.0.0.1 with a fresh profile, this
//   extension linked into a fresh extensions folder, and a workspace holding the demo capture.
//   Ctrl-C stops it and removes the temporary profile.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, createWriteStream, readFileSync } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCodeServer, freePort, QUIET_SETTINGS, waitForHealth } from './tools.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const demo = join(repo, 'test', 'fixtures', 'demo.pcap');
const log = (message) => process.stdout.write(`[start] ${message}\n`);


function build() {
  log('building (node esbuild.mjs)…');
  const result = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repo, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('build failed');
}

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

function runDesktop(code) {
  log(`opening the demo capture in an Extension Development Host (${code})`);
  const result = spawnSync(code, [`--extensionDevelopmentPath=${repo}`, demo], { stdio: 'inherit' });
  process.exitCode = result.status ?? 1;
}


/** The unpacked extension, as VS Code expects it in an extensions folder: `<publisher>.<name>-<version>`. */
async function installExtension(extensionsDir) {
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
  const target = join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  try {
    // A link, so that a rebuild (`npm run watch`) shows after "Developer: Reload Window".
    await symlink(repo, target, 'dir');
  } catch {
    await mkdir(target, { recursive: true });
    for (const item of ['package.json', 'dist', 'media', 'test/fixtures/demo.pcap', 'README.md', 'LICENSE']) {
      await cp(join(repo, item), join(target, item), { recursive: true });
    }
  }
}


async function runCodeServer() {
  const codeServer = await ensureCodeServer((m) => log(m));
  const session = await mkdtemp(join(tmpdir(), 'tcp-flow-lens-start-'));
  const dirs = { userData: join(session, 'user-data'), extensions: join(session, 'extensions'), tmp: join(session, 'tmp'), workspace: join(session, 'workspace') };
  for (const dir of Object.values(dirs)) await mkdir(dir, { recursive: true });
  await mkdir(join(dirs.userData, 'User'), { recursive: true });
  await writeFile(join(dirs.userData, 'User', 'settings.json'), `${JSON.stringify(QUIET_SETTINGS, null, 2)}\n`);
  await copyFile(demo, join(dirs.workspace, 'demo.pcap'));
  await installExtension(dirs.extensions);

  const port = await freePort();
  const config = join(session, 'config.yaml');
  await writeFile(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const args = [
    codeServer.entry, '--config', config, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions,
    '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
    '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened', dirs.workspace,
  ];
  const logFile = join(session, 'code-server.log');
  const out = createWriteStream(logFile);
  // Its own process group, so that stopping it reaches the extension host and other helpers too.
  const child = spawn(codeServer.node, args, { env: { ...codeServer.env, TMPDIR: dirs.tmp }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const exited = new Promise((r) => child.once('exit', (code, signal) => r(code ?? (signal ? 128 : 1))));

  let stopping = false;
  const stop = async (reason) => {
    if (stopping) return;
    stopping = true;
    log(`${reason}: stopping code-server…`);
    killGroup(child, 'SIGTERM');
    const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
    out.end();
    await rm(session, { recursive: true, force: true });
    log('stopped.');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('Ctrl-C'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGHUP', () => void stop('SIGHUP'));

  try {
    await waitForHealth(`http://127.0.0.1:${port}/healthz`, child);
  } catch (err) {
    log(`${err.message}; its log: ${logFile}`);
    process.stdout.write(tail(logFile));
    await stop('failed to start');
    return;
  }
  const url = `http://127.0.0.1:${port}/?folder=${encodeURI(dirs.workspace)}`;
  log('code-server is ready. Open this URL in a browser on this machine:');
  process.stdout.write(`\n    ${url}\n\n`);
  log('then click demo.pcap in the Explorer, or run "TCP Flow Lens: Open Demo Capture" from the Command Palette (F1).');
  log(`code-server log: ${logFile}. Press Ctrl-C to stop.`);
  const code = await exited;
  if (!stopping) {
    log(`code-server exited with code ${code}; its log: ${logFile}`);
    process.exitCode = code;
  }
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
    return `${readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n')}\n`;
  } catch {
    return '';
  }
}

async function main() {
  build();
  const code = process.argv.includes('--browser') ? undefined : onPath('code');
  if (code) runDesktop(code);
  else await runCodeServer();
}

main().catch((err) => {
  process.stderr.write(`[start] ${err.message ?? err}\n`);
  process.exitCode = 1;
});
