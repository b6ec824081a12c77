// Where the e2e tests find what they test. scripts/e2e.mjs sets these; run alone, a test file uses
// the repository's own .vsix (from `npm run package`) and sources.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function e2eConfig() {
  const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
  const vsix = resolve(process.env.TCP_FLOW_LENS_VSIX ?? join(repo, `${pkg.name}-${pkg.version}.vsix`));
  if (!existsSync(vsix)) throw new Error(`${vsix} does not exist: run \`npm run package\` first, or \`npm run test:e2e\``);
  return {
    vsix,
    /** The sources the .vsix was built from (for the feature checks). */
    sourceRoot: resolve(process.env.TCP_FLOW_LENS_SOURCE ?? repo),
    /** Screenshots and kept logs. */
    artifacts: resolve(process.env.TCP_FLOW_LENS_E2E_ARTIFACTS ?? join(repo, 'test-results', 'e2e')),
    /** On CI a missing prerequisite fails instead of skipping. */
    ci: process.env.CI === 'true',
  };
}
