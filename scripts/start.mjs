// `npm start`: build, then run the extension in VS Code with the demo captures, the NAT one open.
// - With a desktop `code` on PATH: an Extension Development Host on a workspace of the two demos.
// - Otherwise (or with `npm start -- --browser`): code-server (VS Code in the browser, installed once
//   into ~/.cache/tcp-flow-lens by scripts/tools.mjs) on 127.0.0.1 with a fresh profile, this
//   extension linked into a fresh extensions folder, and a workspace holding the demo captures.
//   Ctrl-C stops it and removes the temporary profile.
// Either way the extension opens the NAT demo by itself (TCP_FLOW_LENS_OPEN, src/host/commands.ts).
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCodeServer, freePort, onPath, QUIET_SETTINGS, waitForHealth } from './tools.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The demos (src/host/demos.ts), under names that say which story each is; the first opens at start. */
const DEMOS = [
  ['nat-missing-window-update.pcap', join(repo, 'test', 'fixtures', 'natbug-buggy.pcap')],
  ['read-exactly-n.pcap', join(repo, 'test', 'fixtures', 'demo.pcap')],
];
const log = (message) => process.stdout.write(`[start] ${message}\n`);


function build() {
  log('building (node esbuild.mjs)…');
  const result = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: repo, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('build failed');
}

/** A fresh folder holding the demos; resolves to it and the path of the one to open first. */
async function demoWorkspace(dir) {
  await mkdir(dir, { recursive: true });
  for (const [name, source] of DEMOS) await copyFile(source, join(dir, name));
  return { workspace: dir, first: join(dir, DEMOS[0][0]) };
}

async function runDesktop(code) {
  const { workspace, first } = await demoWorkspace(await mkdtemp(join(tmpdir(), 'tcp-flow-lens-demo-')));
  log(`opening the NAT demo in an Extension Development Host (${code}); the other demo is in the Explorer (${workspace})`);
  const result = spawnSync(code, [`--extensionDevelopmentPath=${repo}`, workspace], { stdio: 'inherit', env: { ...process.env, TCP_FLOW_LENS_OPEN: first } });
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
    for (const item of ['package.json', 'dist', 'media', 'test/fixtures/demo.pcap', 'test/fixtures/natbug-buggy.pcap', 'README.md', 'LICENSE']) {
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
  const { first } = await demoWorkspace(dirs.workspace);
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
  const env = { ...codeServer.env, TMPDIR: dirs.tmp, TCP_FLOW_LENS_OPEN: first };
  const child = spawn(codeServer.node, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
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
  log(`it opens ${DEMOS[0][0]} (a NAT that never reopens its window: owed window updates) by itself;`);
  log(`${DEMOS[1][0]} (an application that reads exactly n bytes) is in the Explorer. "TCP Flow Lens: Open Demo Capture…" (F1) offers both.`);
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
  if (code) await runDesktop(code);
  else await runCodeServer();
}

main().catch((err) => {
  process.stderr.write(`[start] ${err.message ?? err}\n`);
  process.exitCode = 1;
});
