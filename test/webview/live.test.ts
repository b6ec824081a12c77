/**
 * Issue 13 in the webview: a capture that grows. The fixture (test/webview/record-live.ts) is the
 * NAT-bug capture pushed record by record into one CaptureModel and viewed after 0.1, 0.35, 0.55, 0.7
 * and 0.9 s, then whole: six summaries with rising revisions, findings growing 1 → 4 → 6 → 8 → 9 → 9
 * with stable ids (the second summary's limited-by finding comes before the selected stall in time), and a source gap (the model's markGap at 0.5 s, data again at 0.6 s, where the
 * capture has no packets), open in the third summary, closed from the fourth on. The harness posts them
 * one by one. Asserted: the flow row and timelines appear from the first summary; updates keep the
 * selected finding and the zoom; Follow moves the view with the data keeping its width; a scroll back
 * stops following and the toggle resumes it; the gap is hatched at its pixels with its reason in the
 * tooltip; the last (complete) summary ends following. Last, the header's reconnecting, paused and
 * dropped-history lines, from the last summary with only its live state changed.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { CaptureView, SummaryMessage } from '../../src/protocol';
import { type Session, startSession } from './harness/browser';
import { blend, geometry, loadFixture, near, pixels, settled, themeColour, xOf } from './harness/probe';

const fixture = loadFixture('natbug-live');
const revisions: CaptureView[] = [fixture.messages, ...(fixture.revisions ?? []).map((r) => r.messages)].map((m) => (m[0] as SummaryMessage).capture);
const flowEnd = (rev: number) => revisions[rev].flows[0].start + revisions[rev].flows[0].duration;
/** The base time scale's end: the flow's end and 2 % of its span as padding (scales.ts EXTENT_PADDING). */
const viewEnd = (rev: number) => flowEnd(rev) + 0.02 * revisions[rev].flows[0].duration;
let session: Session;
let page: Page;
/** Revisions posted so far (the first comes after ready). */
let posted = 1;

async function advance(): Promise<CaptureView> {
  const rev = await page.evaluate(() => (window as unknown as { __harness: { advance(): Promise<number> } }).__harness.advance());
  posted = rev + 1;
  const view = revisions[rev];
  await page.locator(`.header-slot[data-revision="${view.revision}"]`).waitFor();
  assert.equal(await page.locator('#findings-title').textContent(), `Findings (${view.findings.length})`);
  await settled(page);
  return view;
}

const following = () => page.locator('.timeline-toolbar .follow').getAttribute('aria-pressed');
const selectedFinding = () => page.locator('.finding-list [aria-selected="true"]').getAttribute('data-finding-id');
const close = (a: number, b: number, eps = 1e-6) => Math.abs(a - b) <= eps;

before(async () => {
  session = await startSession();
  page = await session.open({ fixture: 'natbug-live', theme: 'dark' });
  await settled(page);
});
after(async () => {
  await page?.context().close();
  await session?.close();
});

test('the fixture grows: six revisions, findings with stable ids, the last one complete', () => {
  assert.deepEqual(revisions.map((v) => v.revision), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(revisions.map((v) => v.findings.length), [1, 4, 6, 8, 9, 9]);
  assert.deepEqual(revisions.map((v) => v.live?.gaps.map((g) => g.end === null)), [[], [], [true], [false], [false], [false]]);
  for (let i = 1; i < revisions.length; i++) {
    for (const f of revisions[i - 1].findings) assert.equal(revisions[i].findings.find((g) => g.id === f.id)?.kind, f.kind, `finding ${f.id} changed kind in revision ${i + 1}`);
  }
  assert.deepEqual(revisions.map((v) => v.complete), [false, false, false, false, false, true]);
});

test('the first summary shows the flow row, its timelines, the live line and the Follow toggle (pressed)', async () => {
  assert.equal(posted, 1);
  await page.locator('.flow-spacer [data-flow-id="0"][aria-selected="true"]').waitFor();
  const g = await geometry(page);
  assert.ok(close(g.t1, viewEnd(0)), `the view ends at ${g.t1}, the data at ${flowEnd(0)}`);
  assert.match(await page.locator('.live-state').innerText(), /Live\s+attached\s+tcpdump/);
  assert.equal(await page.locator('.live-state').getAttribute('data-state'), 'attached');
  assert.equal(await following(), 'true');
  assert.equal(await page.locator('#findings-title').textContent(), 'Findings (1)');
});

test('at full view the view grows with the data; new findings appear without taking the selection', async () => {
  await advance();
  let g = await geometry(page);
  assert.ok(close(g.t1, viewEnd(1)) && g.t0 < 0, `full view [${g.t0}, ${g.t1}], data to ${flowEnd(1)}`);
  // Choose the first finding (its stall still runs to the data's end, so its view is the full one), then zoom in: the
  // view's right edge leaves the live edge, so following stops.
  await page.locator('.finding-list [data-finding-id="0"]').click();
  await page.locator('.lanes').focus();
  await page.keyboard.press('+');
  await page.waitForFunction(() => document.querySelector('.timeline-toolbar .follow')?.getAttribute('aria-pressed') === 'false');
  await settled(page);
  const zoomed = await geometry(page);
  assert.ok(zoomed.t1 < flowEnd(1) - 0.01, `the zoomed view [${zoomed.t0}, ${zoomed.t1}] reaches the live edge`);
  const view = await advance();
  assert.equal(await selectedFinding(), '0', 'the selection moved when findings were added');
  // The limited-by finding that came with this update lists first (time order), above the selected stall.
  assert.equal(view.findings[0].kind, 'limited_by');
  assert.equal(await page.locator('.finding-list [data-finding-id]').first().getAttribute('data-finding-id'), String(view.findings[0].id));
  assert.deepEqual(await page.locator('.finding-list [data-finding-id]').evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.findingId))), view.findings.map((f) => f.id));
  g = await geometry(page);
  assert.ok(close(g.t0, zoomed.t0) && close(g.t1, zoomed.t1), `the zoom moved: [${zoomed.t0}, ${zoomed.t1}] → [${g.t0}, ${g.t1}]`);
  assert.equal(await following(), 'false');
});

test('f follows: the view jumps to the live edge keeping its width, and moves with the next update', async () => {
  const before = await geometry(page);
  const width = before.t1 - before.t0;
  await page.keyboard.press('f');
  await page.waitForFunction(() => document.querySelector('.timeline-toolbar .follow')?.getAttribute('aria-pressed') === 'true');
  await settled(page);
  let g = await geometry(page);
  assert.ok(close(g.t1, viewEnd(2)) && close(g.t1 - g.t0, width), `following view [${g.t0}, ${g.t1}], data to ${flowEnd(2)}, width ${width}`);
  await advance();
  g = await geometry(page);
  assert.ok(close(g.t1, viewEnd(3)) && close(g.t1 - g.t0, width, 1e-5), `after the update the view is [${g.t0}, ${g.t1}], data to ${flowEnd(3)}`);
  assert.equal(await selectedFinding(), '0');
});

test('the gap is hatched at its pixels with its reason in the tooltip', async () => {
  const gap = revisions[3].live!.gaps[0];
  assert.ok(gap && gap.end !== null && Math.abs(gap.start - 0.5) < 1e-6 && Math.abs(gap.end - 0.6) < 1e-6, JSON.stringify(gap));
  // Full view (0: still at the live edge, still following), then a rubber band to 0.45–0.65 s: the gap in the
  // middle, the stall's quiet time either side.
  await page.keyboard.press('0');
  await settled(page);
  assert.equal(await following(), 'true', 'the full view is at the live edge');
  let g = await geometry(page);
  const box = (await page.locator('.lanes').boundingBox())!;
  const y = box.y + g.lanes.window.top + 40;
  await page.keyboard.down('Shift');
  await page.mouse.move(box.x + xOf(g, 0.45), y);
  await page.mouse.down();
  await page.mouse.move(box.x + xOf(g, 0.65), y, { steps: 4 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await settled(page);
  g = await geometry(page);
  assert.equal(await following(), 'false', 'zooming back into the past did not stop following');
  const hatch = blend(themeColour('dark', 'editor-background'), themeColour('dark', 'descriptionForeground'), 0.55);
  const column = (t: number) => Array.from({ length: Math.floor(g.lanes.window.height) - 2 }, (_, i): [number, number] => [Math.round(xOf(g, t)), i + 1]);
  const inGap = await pixels(page, 'window', column((gap.start + gap.end!) / 2));
  const outside = await pixels(page, 'window', column(0.47));
  const hatched = (px: number[][]) => px.filter((p) => near(p, hatch, 12)).length;
  assert.ok(hatched(inGap) >= 10, `only ${hatched(inGap)} hatch pixels in the gap's middle column`);
  assert.equal(hatched(outside), 0, `hatch pixels outside the gap: ${JSON.stringify(outside.filter((p) => near(p, hatch, 12)))} vs ${hatch} in gap ${JSON.stringify(inGap.filter((p) => near(p, hatch, 12)).slice(0, 5))}`);
  // The dashed border at the gap's start.
  const border = await pixels(page, 'window', column(gap.start));
  assert.ok(hatched(border) > 0 || border.some((p) => near(p, themeColour('dark', 'descriptionForeground'), 60)), 'no border line at the gap start');
  await page.mouse.move(box.x + xOf(g, (gap.start + gap.end!) / 2), box.y + g.lanes.window.top + g.lanes.window.height / 2);
  await page.locator('.tooltip .tt-gap', { hasText: gap.reason }).waitFor();
  assert.equal(await page.locator('.lanes').getAttribute('data-gaps'), '1');
});

test('a scroll back keeps the view through updates; the Follow button resumes; a pan back stops it again', async () => {
  const before = await geometry(page);
  assert.equal(await following(), 'false');
  await advance();
  const kept = await geometry(page);
  assert.ok(close(kept.t0, before.t0) && close(kept.t1, before.t1), `the view moved while not following: [${before.t0}, ${before.t1}] → [${kept.t0}, ${kept.t1}]`);
  await page.locator('.timeline-toolbar .follow').click();
  await page.waitForFunction(() => document.querySelector('.timeline-toolbar .follow')?.getAttribute('aria-pressed') === 'true');
  await settled(page);
  const edge = await geometry(page);
  assert.ok(close(edge.t1, viewEnd(4)) && close(edge.t1 - edge.t0, kept.t1 - kept.t0, 1e-5), `Follow showed [${edge.t0}, ${edge.t1}], data to ${flowEnd(4)}`);
  await page.locator('.lanes').focus();
  await page.keyboard.press('ArrowLeft');
  await page.waitForFunction(() => document.querySelector('.timeline-toolbar .follow')?.getAttribute('aria-pressed') === 'false');
  await settled(page);
  const panned = await geometry(page);
  assert.ok(panned.t1 < edge.t1, 'the pan did not move the view back');
  // The last revision is complete: the view stays, following means nothing any more and the toggle goes.
  await advance();
  const last = await geometry(page);
  assert.ok(close(last.t0, panned.t0, 1e-5) && close(last.t1, panned.t1, 1e-5), `the view moved with the final summary: [${panned.t0}, ${panned.t1}] → [${last.t0}, ${last.t1}]`);
  assert.equal(revisions[5].complete, true);
  assert.equal(await page.locator('.timeline-toolbar .follow').isHidden(), true);
  assert.equal(await page.locator('.live-state').getAttribute('data-state'), 'ended');
  assert.equal(await selectedFinding(), '0');
  assert.deepEqual(await page.evaluate(() => (window as unknown as { __harness: { errors: string[] } }).__harness.errors), []);
});

test('the header says what the bounded history dropped, and paused or reconnecting states', async () => {
  const last = revisions[5];
  const send = (capture: CaptureView) => page.evaluate((m) => (window as unknown as { __harness: { send(m: unknown): void } }).__harness.send(m), { type: 'summary', capture });
  await send({ ...last, revision: 7, complete: false, live: { ...last.live!, state: 'reconnecting', message: 'connection refused; retrying in 2 s', dropped: { packets: 1_234_567, before: 0.25 } } });
  await page.locator('.header-slot[data-revision="7"]').waitFor();
  assert.equal(await page.locator('.live-state').getAttribute('data-state'), 'reconnecting');
  assert.match(await page.locator('.live-state').innerText(), /reconnecting….*connection refused; retrying in 2 s/s);
  assert.equal((await page.locator('.live-dropped').innerText()).trim(), 'Data older than 250 ms into the session dropped (1.2 M packets); flows, stalls and findings kept.');
  await send({ ...last, revision: 8, complete: false, live: { ...last.live!, state: 'paused', message: 'receiving, held until resumed', dropped: null } });
  await page.locator('.header-slot[data-revision="8"]').waitFor();
  assert.match(await page.locator('.live-state').innerText(), /paused.*receiving, held until resumed/s);
  assert.equal(await page.locator('.live-dropped').count(), 0);
});
