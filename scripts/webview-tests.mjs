// Runs the webview tests in headless Chromium. Without a Chromium they are skipped with a message,
// except in CI (CI=true), where a missing browser is a failure: .ci/run installs Debian's chromium.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  const message = `webview tests need Chromium at ${chromium} (Debian: apt-get install chromium; or set CHROMIUM_PATH)`;
  if (process.env.CI === 'true') {
    console.error(`error: ${message}`);
    process.exit(1);
  }
  console.log(`skipped: ${message}`);
  process.exit(0);
}
const files = readdirSync('test/webview').filter((f) => f.endsWith('.test.ts')).map((f) => `test/webview/${f}`);
const run = spawnSync('npx', ['tsx', '--test', '--test-concurrency=2', ...files], { stdio: 'inherit' });
process.exit(run.status ?? 1);
