// The .vsix that the UI and extension-host tests install: what it must hold for the Marketplace
// (manifest fields, icon, README, CHANGELOG, LICENSE, the three bundles) and what it must not (sources,
// source maps, tests other than the bundled demo capture, tooling).
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { test } from 'node:test';
import { e2eConfig } from './lib/config.mjs';
import { formatListing, readVsixEntry, vsixEntries } from './lib/vsix.mjs';

const config = e2eConfig();
const entries = vsixEntries(config.vsix);
const names = new Set(entries.map((e) => e.name));
/** Extension files, without the `extension/` folder every file of a .vsix sits in. */
const files = entries.map((e) => e.name).filter((n) => n.startsWith('extension/')).map((n) => n.slice('extension/'.length));

/** A packaged extension of this size is suspicious (a capture or node_modules slipped in). */
const MAX_BYTES = 3 * 1024 * 1024;

test('the .vsix holds the manifest, README, CHANGELOG, LICENSE, icon and the three bundles', async (t) => {
  const { size } = statSync(config.vsix);
  t.diagnostic(`${config.vsix}: ${(size / 1024).toFixed(1)} KiB, ${entries.length} entries\n${formatListing(entries)}`);
  const required = ['package.json', 'readme.md', 'changelog.md', 'LICENSE.txt', 'dist/extension.js', 'dist/parseWorker.js', 'dist/webview.js', 'media/capture.css'];
  const missing = required.filter((f) => !files.includes(f));
  assert.deepEqual(missing, [], 'files missing from the .vsix');
  assert.ok(names.has('extension.vsixmanifest'), 'no extension.vsixmanifest');
  assert.ok(size < MAX_BYTES, `the .vsix is ${size} bytes`);
});

test('the packaged manifest has what the Marketplace shows', () => {
  const manifest = JSON.parse(readEntry('extension/package.json'));
  for (const field of ['name', 'displayName', 'description', 'version', 'publisher', 'license', 'icon']) assert.ok(manifest[field], `package.json has no ${field}`);
  assert.ok(manifest.categories?.length > 0, 'no categories');
  assert.ok(manifest.keywords?.length > 0, 'no keywords');
  assert.ok(files.includes(manifest.icon.replace(/^\.\//, '')), `the icon ${manifest.icon} is not in the .vsix`);
  assert.ok(manifest.main && files.includes(manifest.main.replace(/^\.\//, '')), `main (${manifest.main}) is not in the .vsix`);
});

/** The demo captures "Open Demo Capture…" offers (src/host/demos.ts): the only files of test/ that ship. */
const DEMO_FILES = ['test/fixtures/natbug-buggy.pcap', 'test/fixtures/demo.pcap'];

test('the .vsix carries both demo captures', () => {
  for (const demo of DEMO_FILES) assert.ok(files.includes(demo), `${demo} is not in the .vsix`);
});

test('the .vsix holds no sources, source maps, tests or tooling', () => {
  const devFile = (f) =>
    /\.(ts|tsx|map)$/.test(f) && !f.endsWith('.d.ts')
      ? 'source or source map'
      : /^(src|scripts|bench|node_modules|out|\.ci|\.vscode|test-results)\//.test(f)
        ? 'development folder'
        : /^test\//.test(f) && !DEMO_FILES.includes(f)
          ? 'test file'
          : /^(tsconfig.*\.json|eslint\.config\.mjs|esbuild\.mjs|package-lock\.json|\.gitignore|\.vscodeignore)$|\.vsix$/.test(f)
            ? 'tooling'
            : null;
  const found = files.map((f) => [f, devFile(f)]).filter(([, why]) => why);
  assert.deepEqual(found, [], 'development files in the .vsix');
});

test('the packaged README shows the extension (screenshots)', (t) => {
  const readme = readEntry('extension/readme.md');
  const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)/g)].map((m) => m[1]);
  if (images.length === 0) return t.diagnostic('not there yet: the README has no screenshot');
  t.diagnostic(`README images: ${images.join(', ')}`);
  // VS Code shows the README of an installed extension from its folder: a relative image must be in
  // the .vsix (package.mjs keeps relative links as they are).
  const missing = images.filter((src) => !/^(https?:|data:)/.test(src)).filter((src) => !files.includes(src.replace(/^\.\//, '')));
  assert.deepEqual(missing, [], 'images the packaged README shows that are not in the .vsix');
});

function readEntry(name) {
  return readVsixEntry(config.vsix, name).toString('utf8');
}
