// What the build under test says it has, read from the sources it was built from (package.json's
// contributions, the webview's files). The e2e tests check a feature the way a user meets it as
// soon as it is there; before that they say it is not there yet instead of failing.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function readFeatures(sourceRoot) {
  const pkg = JSON.parse(readFileSync(join(sourceRoot, 'package.json'), 'utf8'));
  const contributes = pkg.contributes ?? {};
  const commands = contributes.commands ?? [];
  const webview = sources(join(sourceRoot, 'webview'));
  return {
    pkg,
    /** "Category: Title" of a contributed command with this title, or undefined. */
    paletteTitle(title) {
      const command = commands.find((c) => c.title === title);
      return command && (command.category ? `${command.category}: ${command.title}` : command.title);
    },
    views: Object.values(contributes.views ?? {}).flat(),
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
  };
}

function sources(dir) {
  if (!existsSync(dir)) return '';
  return readdirSync(dir, { recursive: true })
    .filter((name) => /\.(ts|js|mjs)$/.test(name))
    .map((name) => readFileSync(join(dir, name), 'utf8'))
    .join('\n');
}
