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
  // playwright-core (headless Chromium for the report's images) and esbuild are loaded only when needed: esbuild
  // from node_modules (a checkout), playwright-core from dist/playwright.js (below) or node_modules.
  { ...node, entryPoints: ['src/cli.ts'], outfile: 'dist/cli.js', external: ['playwright-core', 'esbuild'] },
  // playwright-core for an installed extension, which has no node_modules: without it "Create Bug Report…"
  // writes no timeline images. Its registry reads browsers.json beside its package folder at run time;
  // the bundle gets the file inlined instead.
  { ...node, minify: true, sourcemap: false, entryPoints: { playwright: 'playwright-core' }, outfile: 'dist/playwright.js', plugins: [inlineBrowsersJson()] },
];

function inlineBrowsersJson() {
  const call = 'require(import_path19.default.join(packageRoot, "browsers.json"))';
  return {
    name: 'inline-browsers-json',
    setup(build) {
      build.onLoad({ filter: /playwright-core[\\/]lib[\\/]coreBundle\.js$/ }, async (args) => {
        const { readFile } = await import('node:fs/promises');
        const { dirname, join } = await import('node:path');
        const text = await readFile(args.path, 'utf8');
        if (!text.includes(call)) throw new Error(`${args.path}: the registry no longer reads browsers.json as \`${call}\` (playwright-core changed): update esbuild.mjs`);
        const browsers = await readFile(join(dirname(args.path), '..', 'browsers.json'), 'utf8');
        return { contents: text.replace(call, `(${browsers.trim()})`), loader: 'js' };
      });
    },
  };
}

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
