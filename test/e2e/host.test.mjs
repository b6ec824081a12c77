// Extension-host tests: test/e2e/suite/index.js runs inside code-server's extension host with the
// real `vscode` API, against the extension installed from the .vsix. code-server's smoke-test driver
// (`--vscode-option enable-smoke-test-driver`) reads the `payload` URL parameter — the same
// extensionDevelopmentPath / extensionTestsPath pair that @vscode/test-electron passes — and reports
// the suite's console output and exit code through two functions the page exposes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { natBugCapture, truncatePcap } from './lib/captures.mjs';
import { startCodeServer } from './lib/codeServer.mjs';
import { e2eConfig, repo } from './lib/config.mjs';
import { extensionHostErrors, formatEntries } from './lib/logs.mjs';
import { launchChromium, openWorkbench, screenshot } from './lib/workbench.mjs';

const SUITE = join(repo, 'test', 'e2e', 'suite', 'index.js');
const SUITE_TIMEOUT = 180_000;
const SUITE_PREFIX = '[suite] ';

const config = e2eConfig();
let session;
let browser;
let failed = false;

before(async () => {
  const demo = readFileSync(join(repo, 'test', 'fixtures', 'demo.pcap'));
  const files = { 'demo.pcap': demo, 'damaged.pcap': truncatePcap(demo).bytes };
  const natbug = await natBugCapture(repo);
  if (!natbug.bytes) throw new Error(natbug.reason);
  files['natbug-buggy.pcap'] = natbug.bytes;
  session = await startCodeServer({ vsix: config.vsix, files, smokeTestDriver: true });
  browser = await launchChromium(session.dirs.tmp);
});

after(async () => {
  await browser?.close();
  await session?.stop({ keep: failed });
  if (failed && session) process.stderr.write(`[e2e] kept ${session.root} for its logs\n`);
});

test('the extension-host suite passes (activation, custom editor, commands, settings, tree view)', { timeout: SUITE_TIMEOUT + 30_000 }, async (t) => {
  const payload = [
    ['extensionDevelopmentPath', session.remoteUri(session.installedExtensionDir())],
    ['extensionTestsPath', session.remoteUri(SUITE)],
    ['skipWelcome', 'true'],
  ];
  const { page } = await openWorkbench(browser, session);
  const output = [];
  let exited;
  const exit = new Promise((resolve) => (exited = resolve));
  await page.exposeFunction('codeAutomationExit', (code) => exited(code));
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const text = (Array.isArray(args) ? args : [args]).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
    output.push(type === 'log' || type === 'info' ? text : `[${type}] ${text}`);
  });
  await page.goto(session.url(payload));
  let timer;
  const code = await Promise.race([exit, new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), SUITE_TIMEOUT)))]);
  clearTimeout(timer);
  // The page's log also carries the workbench's own messages; the suite's lines have its prefix.
  const lines = output.join('\n').split('\n');
  const suite = lines.filter((line) => line.startsWith(SUITE_PREFIX)).map((line) => line.slice(SUITE_PREFIX.length));
  for (const line of suite) t.diagnostic(line);
  if (code !== 0) {
    failed = true;
    await screenshot(page, config.artifacts, 'host-suite-failed').catch(() => {});
  }
  const workbench = lines.filter((line) => !line.startsWith(SUITE_PREFIX)).slice(-40);
  const context = code === 0 ? suite.join('\n') : `${suite.join('\n')}\n--- the workbench's log (last lines) ---\n${workbench.join('\n')}`;
  assert.equal(code, 0, code === 'timeout' ? `the suite did not finish within ${SUITE_TIMEOUT / 1000} s:\n${context}` : `the suite exited with ${code}:\n${context}`);
  assert.match(suite.join('\n'), /extension-host tests passed/, 'the suite did not report its results');
});

test('the extension host logged no errors during the suite', async (t) => {
  const { failing, other } = await extensionHostErrors(session.dirs.userData);
  if (other.length > 0) t.diagnostic(`other extension-host errors (not ours):\n${formatEntries(other, 200)}`);
  if (failing.length > 0) failed = true;
  assert.deepEqual(failing, [], `extension-host errors:\n${formatEntries(failing)}`);
});
