/**
 * Screenshots of the capture editor in VS Code's light and dark themes at 100 % and 200 % (and high
 * contrast at 100 %), written to test-results/ for a person to look at; docs/screenshot-light.png
 * and docs/screenshot-dark.png are picked from them. Each is also checked at known pixels before
 * the hover: every stall in view shaded in the theme's warning colour at its alpha from its start to
 * its end and the background just outside it, and the owed triangle at each owed instant in the
 * theme's error colour (harness/drawn.ts); and it must render without script errors.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Session, startSession } from './harness/browser';
import { assertOwedMarkers, assertStallShading } from './harness/drawn';
import { availableFixtures, captureOf, geometry, loadFixture, mostOwedFlowId, settled, xOf } from './harness/probe';

const OUT = join(__dirname, '../../test-results');
/** The README's story 1 when its recording is there, else the synthetic NAT-bug flow. */
const FIXTURE = availableFixtures()[0];

let session: Session;
before(async () => {
  session = await startSession();
  await mkdir(OUT, { recursive: true });
});
after(async () => {
  await session?.close();
});

for (const [theme, scale] of [
  ['light', 1],
  ['dark', 1],
  ['light', 2],
  ['dark', 2],
  ['high-contrast', 1],
] as const) {
  test(`screenshot: ${theme} at ${scale * 100} %`, async () => {
    // Zoomed to the first three stalls of the most-owed flow, as after a couple of presses of +: bars, probes and brackets apart.
    const view = captureOf(loadFixture(FIXTURE));
    const flowId = mostOwedFlowId(view);
    const stalls = view.stalls.filter((s) => s.flowId === flowId).sort((a, b) => a.start - b.start);
    const last = stalls[Math.min(stalls.length, 3) - 1];
    const pad = last ? (last.end - stalls[0].start) * 0.08 : 0;
    const state = last ? { selectedFlowId: flowId, view: { t0: stalls[0].start - pad, t1: last.end + pad } } : undefined;
    const page = await session.open({ fixture: FIXTURE, theme, width: 1400, height: 860, scale, state });
    try {
      await settled(page);
      if (last) {
        assert.ok((await assertStallShading(page, view, flowId, theme)) >= 1, 'no stall in view was checked');
        const owed = stalls.slice(0, 3).some((s) => s.owed);
        assert.equal((await assertOwedMarkers(page, view, flowId, theme)) >= 1, owed, 'owed markers checked');
      }
      // Hover inside the second stall: the tooltip tells the episode and the owed update.
      const inside = stalls[1] ?? stalls[0];
      if (inside) {
        const g = await geometry(page);
        const box = (await page.locator('.lanes').boundingBox())!;
        await page.mouse.move(box.x + xOf(g, inside.start + (inside.end - inside.start) * 0.45), box.y + g.lanes.sequence.top + g.lanes.sequence.height * 0.55);
        await page.locator('[role="tooltip"]').waitFor();
      }
      const path = join(OUT, `screenshot-${FIXTURE}-${theme}@${scale}x.png`);
      await page.screenshot({ path });
      assert.deepEqual(await page.evaluate(() => (window as unknown as { __harness: { errors: string[] } }).__harness.errors), []);
    } finally {
      await page.context().close();
    }
  });
}
