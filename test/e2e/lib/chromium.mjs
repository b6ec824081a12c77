// Which Chromium the e2e tests drive (no playwright import here: scripts/e2e.mjs checks for it before
// playwright-core is known to be installed).
import { existsSync } from 'node:fs';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** $CHROMIUM_PATH, else Debian's (or another distribution's) Chromium; undefined when there is none. */
export function findChromium() {
  const candidates = process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : CANDIDATES;
  return candidates.find((path) => existsSync(path));
}
