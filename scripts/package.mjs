// `npm run package`: a production build, then `vsce package` (offline: no dependencies are bundled,
// esbuild already inlined them) into tcp-flow-lens-<version>.vsix. .vscodeignore decides what goes in.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const vsix = `${pkg.name}-${pkg.version}.vsix`;

function run(cmd, args) {
  process.stdout.write(`[package] ${cmd} ${args.join(' ')}\n`);
  const result = spawnSync(cmd, args, { cwd: repo, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`[package] ${cmd} failed (${result.signal ?? `exit ${result.status}`})\n`);
    process.exit(1);
  }
}

run(process.execPath, ['esbuild.mjs', '--production']);
// The manifest names no public repository yet: --allow-missing-repository stops vsce from asking, and
// --no-rewrite-relative-links keeps README's relative links (vsce can only rewrite them to a repository URL).
run('npx', ['--no', '@vscode/vsce', 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', vsix]);
const { size } = statSync(join(repo, vsix));
process.stdout.write(`[package] ${vsix}: ${(size / 1024).toFixed(1)} KiB (${size} bytes)\n`);
