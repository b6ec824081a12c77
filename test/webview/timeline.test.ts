/**
 * The timelines in headless Chromium against recorded host messages: what is drawn where (stall
 * shading, owed markers), the hover tooltip, keyboard navigation between findings, direction switch,
 * zoom reset and wheel zoom re-asking for series. Runs for every fixture present.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { type Session, startSession } from './harness/browser';
import { assertOwedMarkers, assertStallShading } from './harness/drawn';
import { availableFixtures, captureOf, drawnResult, geometry, loadFixture, mostOwedFlowId, settled, xOf, zoomToLoneSegment } from './harness/probe';

let session: Session;
before(async () => {
  session = await startSession();
});
after(async () => {
  await session?.close();
});

for (const name of availableFixtures()) {
  describe(`timelines: ${name}`, () => {
    const fixture = loadFixture(name);
    const view = captureOf(fixture);
    const flowId = mostOwedFlowId(view);
    let page: Page;

    before(async () => {
      page = await session.open({ fixture: name, theme: 'dark' });
      await settled(page);
    });
    after(async () => page?.context().close());

    test('one row per flow with data-flow-id; the flow with the most owed time is selected', async () => {
      assert.equal(await page.locator('.flow-grid').getAttribute('aria-rowcount'), String(view.flows.length + 1));
      const rows = await page.locator('.flow-spacer [data-flow-id]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.flowId));
      assert.equal(new Set(rows).size, rows.length, 'a flow has two rows');
      assert.ok(rows.length >= Math.min(view.flows.length, 5), `only ${rows.length} rows rendered`);
      const selected = page.locator('.flow-spacer [aria-selected="true"]');
      assert.equal(await selected.count(), 1);
      assert.equal(await selected.getAttribute('data-flow-id'), String(flowId));
    });

    test('stall episodes are shaded across all three lanes, from their start to their end', async () => {
      await assertStallShading(page, view, flowId, 'dark');
    });

    const owed = view.stalls.filter((s) => s.owed);
    test(owed.length ? 'an owed marker stands at each instant an update was owed' : 'no owed marker: this receiver owed nothing', async () => {
      const checked = await assertOwedMarkers(page, view, flowId, 'dark');
      if (checked === 0) assert.equal(owed.length, 0, 'the fixture owes updates on another flow or direction than the one shown');
    });

    test('wheel zoom: the host is asked again when the full view was decimated, else the cache answers', async () => {
      // Before any other zoom: the cache holds only the full view's answer.
      const full = drawnResult(fixture, await geometry(page));
      assert.ok(full, 'the full view is not drawn from a recorded answer');
      const decimated = Array.from(full.segments.count).some((c) => c > 1) || [full.acks.time, full.window.time, full.bytesInFlight.time, full.recvQ.time].some((a) => a.length > full.query.pixelWidth + 1);
      const seriesPosted = () => page.evaluate(() => (window as unknown as { __harness: { posted: { type: string }[] } }).__harness.posted.filter((m) => m.type === 'series').length);
      const count = await seriesPosted();
      const g = await geometry(page);
      const box = (await page.locator('.lanes').boundingBox())!;
      await page.mouse.move(box.x + g.plotLeft + g.plotWidth / 2, box.y + g.lanes.sequence.top + 60);
      for (let k = 0; k < 4; k++) await page.mouse.wheel(0, -300);
      await page.waitForFunction((span) => {
        const d = document.querySelector<HTMLElement>('.lanes')!.dataset;
        return Number(d.t1) - Number(d.t0) < span / 2;
      }, g.t1 - g.t0);
      const zoomed = await geometry(page);
      if (decimated) {
        await page.waitForFunction((n) => (window as unknown as { __harness: { posted: { type: string }[] } }).__harness.posted.filter((m) => m.type === 'series').length > n, count, { timeout: 5000 });
        const last = await page.evaluate(() => (window as unknown as { __harness: { posted: { type: string; query?: { t0: number; t1: number } }[] } }).__harness.posted.filter((m) => m.type === 'series').pop()!.query!);
        assert.ok(last.t0 <= zoomed.t0 && last.t1 >= zoomed.t1 && last.t1 - last.t0 < g.t1 - g.t0, `the new request ${last.t0}..${last.t1} is not for the zoomed window ${zoomed.t0}..${zoomed.t1}`);
      } else {
        await page.waitForTimeout(400); // past the debounce: a request would have gone out
        assert.equal(await seriesPosted(), count, 'asked again although the full view was exact');
        assert.deepEqual((await geometry(page)).query, full.query, 'the zoomed view is not drawn from the cached answer');
      }
      await page.keyboard.press('0');
    });

    test('the first finding is one key away, and n / p move between findings', async () => {
      const findings = view.findings.filter((f) => f.flowId === flowId);
      await page.locator('.lanes').focus();
      await page.keyboard.press('n');
      if (findings.length === 0) {
        assert.equal(await page.locator('[data-finding-kind][aria-selected="true"]').count(), 0);
        return;
      }
      const selected = page.locator('[data-finding-kind][aria-selected="true"]');
      await selected.waitFor();
      const first = await selected.getAttribute('data-finding-id');
      const sorted = [...findings].sort((a, b) => a.time - b.time || a.id - b.id);
      assert.equal(first, String(sorted[0].id));
      assert.equal(await selected.getAttribute('data-finding-kind'), sorted[0].kind);
      await settled(page);
      const g = await geometry(page);
      assert.ok(g.t0 <= sorted[0].time && sorted[0].time <= g.t1, `view ${g.t0}..${g.t1} does not show the finding at ${sorted[0].time}`);
      if (findings.length > 1) {
        await page.keyboard.press('n');
        await page.locator(`[data-finding-id="${sorted[1].id}"][aria-selected="true"]`).waitFor();
        await page.keyboard.press('p');
        await page.locator(`[data-finding-id="${first}"][aria-selected="true"]`).waitFor();
      }
      await page.keyboard.press('0');
    });

    test('hovering a packet shows its frame, seq and len', async () => {
      // Reopen zoomed around the loneliest single segment recorded, so it stands apart on screen.
      const direction = (await geometry(page)).direction as 'ab' | 'ba';
      const { g, data, target } = await zoomToLoneSegment(page, fixture, flowId, direction);
      const seg = data.segments;
      const i = target.index;
      const box = (await page.locator('.lanes').boundingBox())!;
      const lane = g.lanes.window;
      await page.mouse.move(box.x + xOf(g, seg.time[i]), box.y + lane.top + lane.height / 2);
      const tip = page.locator('[role="tooltip"]');
      await tip.waitFor({ state: 'visible' });
      assert.equal(await tip.getAttribute('data-frame'), String(seg.frame[i]));
      const text = await tip.innerText();
      assert.match(text, new RegExp(`Frame ${seg.frame[i]}\\b`));
      assert.match(text, new RegExp(`seq ${seg.seq[i].toLocaleString('en-US')}\\b`));
      assert.match(text, new RegExp(`len ${(seg.end[i] - seg.seq[i]).toLocaleString('en-US')}\\b`));
      if (fixture.packets.some((p) => p.frame === seg.frame[i])) await page.waitForFunction(() => /\bwin\b/.test(document.querySelector('[role="tooltip"]')!.textContent ?? ''));
      await page.mouse.move(box.x + 2, box.y - 20);
      await tip.waitFor({ state: 'hidden' });
      await page.keyboard.press('0');
    });

    test('the view survives reopening: selected flow, direction and time window', async () => {
      await page.keyboard.press('0');
      await page.keyboard.press('+');
      await settled(page);
      const zoomed = await geometry(page);
      await page.reload();
      await page.waitForSelector('.flow-spacer [data-flow-id]');
      await settled(page);
      const again = await geometry(page);
      assert.ok(Math.abs(again.t0 - zoomed.t0) < 1e-6 && Math.abs(again.t1 - zoomed.t1) < 1e-6, `view ${again.t0}..${again.t1} is not ${zoomed.t0}..${zoomed.t1}`);
      assert.equal(again.direction, zoomed.direction);
      assert.equal(await page.locator('.flow-row[aria-selected="true"]').getAttribute('data-flow-id'), String(flowId));
      await page.keyboard.press('0');
    });

    test('d switches direction and asks for the other direction’s series', async () => {
      const before = (await geometry(page)).direction;
      await page.locator('.lanes').focus();
      await page.keyboard.press('d');
      const other = before === 'ab' ? 'ba' : 'ab';
      await page.waitForSelector(`.timeline-toolbar[data-direction="${other}"]`);
      await page.waitForFunction((dir) => (window as unknown as { __harness: { posted: { type: string; query?: { direction: string } }[] } }).__harness.posted.some((m) => m.type === 'series' && m.query?.direction === dir), other);
      await page.keyboard.press('d');
      await page.waitForSelector(`.timeline-toolbar[data-direction="${before}"]`);
    });

    test('+ zooms in, 0 resets to the whole flow', async () => {
      await page.keyboard.press('0');
      await settled(page);
      const full = await geometry(page);
      await page.keyboard.press('+');
      await page.keyboard.press('+');
      await settled(page);
      const zoomed = await geometry(page);
      assert.ok(zoomed.t1 - zoomed.t0 < (full.t1 - full.t0) / 3, `+ + did not zoom in: ${zoomed.t1 - zoomed.t0} vs ${full.t1 - full.t0}`);
      await page.keyboard.press('0');
      await settled(page);
      const reset = await geometry(page);
      assert.ok(Math.abs(reset.t0 - full.t0) < 1e-9 && Math.abs(reset.t1 - full.t1) < 1e-9, 'reset did not restore the full view');
    });

    test('no script errors and no CSP violations', async () => {
      assert.deepEqual(await page.evaluate(() => (window as unknown as { __harness: { errors: string[] } }).__harness.errors), []);
    });
  });
}
