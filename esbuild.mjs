// One script, several builds: the extension (VS Code's extension host), its parse worker (worker_threads),
// the webview (browser) and the CLI (node).
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
};

const node = { ...common, platform: 'node', format: 'cjs', target: 'node20' };

const builds = [
  { ...node, entryPoints: ['src/host/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  // Loaded with `new Worker(dist/parseWorker.js)`; must not pull in `vscode`, which a worker does not have.
  { ...node, entryPoints: ['src/host/parseWorker.ts'], outfile: 'dist/parseWorker.js' },
  { ...common, entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js', platform: 'browser', format: 'iife', target: 'es2022' },
  // The bug report's timeline page, run in headless Chromium by `tcp-flow-lens report` (same drawing code as the webview).
  { ...common, entryPoints: ['webview/export/main.ts'], outfile: 'dist/reportView.js', platform: 'browser', format: 'iife', target: 'es2022' },
  // playwright-core (headless Chromium for the report's images) and esbuild are loaded only when needed, from node_modules.
  { ...node, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', external: ['playwright-core', 'esbuild'] },
];

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
