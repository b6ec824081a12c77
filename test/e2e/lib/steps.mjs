// The scaffolding of an e2e suite that runs its steps in one code-server session: a step is a test
// that, when it fails, leaves a screenshot named after it and has the session kept for its logs;
// `finish` (the suite's `after`) takes a last screenshot after a failure, closes the browser and
// stops the session.
import { test } from 'node:test';

/** `shot(name)` screenshots the suite's page. */
export function e2eSteps(shot) {
  let failures = 0;
  return {
    step: (name, fn) =>
      test(name, async (t) => {
        try {
          await fn(t);
        } catch (err) {
          failures++;
          await shot(`failed-${name.replace(/\W+/g, '-').slice(0, 60)}`).catch(() => {});
          throw err;
        }
      }),
    async finish({ page, browser, session }, lastShot) {
      const failed = failures > 0;
      if (failed && page) await shot(lastShot).catch(() => {});
      await browser?.close();
      await session?.stop({ keep: failed });
      if (failed && session) process.stderr.write(`[e2e] kept ${session.root} for its logs\n`);
    },
  };
}
