// Preloaded with `node --require bench/rss-probe.cjs ...` by bench/run.mjs when GNU time is not available:
// on exit, writes this process's peak resident set size (KiB, from getrusage via process.resourceUsage)
// and its user and system CPU time (µs) to the file named by TFL_RSS_OUT.
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- preloaded with --require, so CommonJS
const fs = require('node:fs');

const out = process.env.TFL_RSS_OUT;
if (out) {
  process.on('exit', () => {
    try {
      const u = process.resourceUsage();
      fs.writeFileSync(out, `${u.maxRSS} ${u.userCPUTime} ${u.systemCPUTime}\n`);
    } catch {
      // the benchmark reports a missing value; never disturb the measured program
    }
  });
}
