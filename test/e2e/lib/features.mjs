// What the build under test has: its contributions from the package.json inside the .vsix, and what
// its webview draws from the sources it was built from (scripts/e2e.mjs snapshots those right after
// packaging, in $TCP_FLOW_LENS_FEATURES, so that edits made during a run do not count). The e2e tests
// check a feature the way a user meets it as soon as it is there; before that they say it is not
// there yet instead of failing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readVsixEntry } from './vsix.mjs';

/** Facts about the webview read from its sources (TypeScript, before bundling and minifying). */
export function webviewFeatures(sourceRoot) {
  const webview = sources(join(sourceRoot, 'webview'));
  return {
    /** The webview draws timelines on canvases. */
    timeline: /h\(\s*['"]canvas['"]|createElement\(\s*['"]canvas['"]/.test(webview),
    /** The findings panel carries the promised `data-finding-kind` hook. */
    findingsPanel: webview.includes('data-finding-kind'),
    /** The lanes say in their accessible label how many data segments they draw. */
    laneDescriptions: /data segments shown/.test(webview),
    /** The lanes describe the owed-update markers they draw in their accessible label. */
    owedMarkerLabel: /owed window update/.test(webview),
    /** The timeline has a hover tooltip. */
    tooltip: existsSync(join(sourceRoot, 'webview', 'timeline', 'tooltip.ts')),
    /** The flow list has the "Limited by" column (issue 19). */
    limitedByColumn: webview.includes("key: 'limited'"),
    /** The analysis has the limited-by finding (issue 19). */
    limitedByFinding: existsSync(join(sourceRoot, 'src', 'core', 'analysis', 'findings', 'limitedBy.ts')),
  };
}

export function readFeatures({ vsix, sourceRoot }) {
  const pkg = JSON.parse(readVsixEntry(vsix, 'extension/package.json').toString('utf8'));
  const contributes = pkg.contributes ?? {};
  const commands = contributes.commands ?? [];
  const snapshot = process.env.TCP_FLOW_LENS_FEATURES;
  return {
    pkg,
    ...(snapshot ? JSON.parse(snapshot) : webviewFeatures(sourceRoot)),
    /** "Category: Title" of a contributed command with this title, or undefined. */
    paletteTitle(title) {
      const command = commands.find((c) => c.title === title);
      return command && (command.category ? `${command.category}: ${command.title}` : command.title);
    },
    /** A contributed view by id, or undefined. */
    view(id) {
      return Object.values(contributes.views ?? {}).flat().find((v) => v.id === id);
    },
  };
}

function sources(dir) {
  if (!existsSync(dir)) return '';
  return readdirSync(dir, { recursive: true })
    .filter((name) => /\.(ts|js|mjs)$/.test(name))
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .join('\n');
}
