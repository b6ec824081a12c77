/**
 * The rest of the interaction in headless Chromium: the host's palette commands, clicking a packet
 * for its details, rubber-band zoom, collapsing a lane, and re-reading the palette when VS Code
 * switches theme.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { ToWebviewMessage } from '../../src/protocol';
import { type Session, startSession } from './harness/browser';
import { availableFixtures, captureOf, geometry, loadFixture, mostOwedFlowId, near, pixels, settled, themeColour, xOf, zoomToLoneSegment } from './harness/probe';

const NAME = availableFixtures()[0];
const fixture = loadFixture(NAME);
const view = captureOf(fixture);
const flowId = mostOwedFlowId(view);
let session: Session;
let page: Page;

before(async () => {
  session = await startSession();
  page = await session.open({ fixture: NAME, theme: 'dark' });
  await settled(page);
});
after(async () => {
  await session?.close();
});

const send = (message: ToWebviewMessage) => page.evaluate((m) => (window as unknown as { __harness: { send(m: unknown): void } }).__harness.send(m), message);
const command = (name: string) => send({ type: 'command', command: name } as never);

describe(`interaction: ${NAME}`, () => {
  test('palette commands: next / previous finding, switch direction, reset zoom, copy finding', async () => {
    const findings = view.findings.filter((f) => f.flowId === flowId).sort((a, b) => a.time - b.time || a.id - b.id);
    assert.ok(findings.length > 0, 'the fixture has no findings for the flow shown');
    await command('nextFinding');
    await page.locator(`[data-finding-id="${findings[0].id}"][aria-selected="true"]`).waitFor();
    if (findings.length > 1) {
      await command('nextFinding');
      await page.locator(`[data-finding-id="${findings[1].id}"][aria-selected="true"]`).waitFor();
      await command('previousFinding');
      await page.locator(`[data-finding-id="${findings[0].id}"][aria-selected="true"]`).waitFor();
    }
    await command('copyFinding');
    await page.locator(`[data-finding-id="${findings[0].id}"].copied`).waitFor();
    const dir = (await geometry(page)).direction;
    await command('switchDirection');
    await page.waitForSelector(`.timeline-toolbar[data-direction="${dir === 'ab' ? 'ba' : 'ab'}"]`);
    await command('switchDirection');
    await page.waitForSelector(`.timeline-toolbar[data-direction="${dir}"]`);
    await settled(page);
    const zoomed = await geometry(page);
    await command('resetZoom');
    await settled(page);
    const full = await geometry(page);
    assert.ok(full.t1 - full.t0 > zoomed.t1 - zoomed.t0, 'resetZoom did not widen the view');
  });

  test('clicking a packet selects it and shows its details', async () => {
    const withDetails = new Set(fixture.packets.filter((p) => p.flowId === flowId).map((p) => p.frame));
    const direction = (await geometry(page)).direction as 'ab' | 'ba';
    const { g, target } = await zoomToLoneSegment(page, fixture, flowId, direction, withDetails);
    const box = (await page.locator('.lanes').boundingBox())!;
    await page.mouse.click(box.x + xOf(g, target.time), box.y + g.lanes.window.top + g.lanes.window.height / 2);
    await page.locator(`.packet-details[data-frame="${target.frame}"] dl`).waitFor();
    const text = await page.locator('.packet-details').innerText();
    const d = fixture.packets.find((p) => p.flowId === flowId && p.frame === target.frame)!.details;
    assert.match(text, new RegExp(`Seq\\s+${d.seq.toLocaleString('en-US')}`));
    assert.match(text, new RegExp(`Len\\s+${d.len.toLocaleString('en-US')}`));
    await page.keyboard.press('Escape');
    await page.locator('.packet-details:not([data-frame])').waitFor();
  });

  test('shift-drag zooms to the range dragged', async () => {
    await page.keyboard.press('0');
    await settled(page);
    const g = await geometry(page);
    const box = (await page.locator('.lanes').boundingBox())!;
    const [a, b] = [g.plotLeft + g.plotWidth * 0.25, g.plotLeft + g.plotWidth * 0.5];
    const y = box.y + g.lanes.sequence.top + 80;
    await page.keyboard.down('Shift');
    await page.mouse.move(box.x + a, y);
    await page.mouse.down();
    await page.mouse.move(box.x + (a + b) / 2, y, { steps: 3 });
    await page.mouse.move(box.x + b, y, { steps: 3 });
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await settled(page);
    const z = await geometry(page);
    const want = [g.t0 + ((a - g.plotLeft) / g.plotWidth) * (g.t1 - g.t0), g.t0 + ((b - g.plotLeft) / g.plotWidth) * (g.t1 - g.t0)];
    const tol = (want[1] - want[0]) * 0.02;
    assert.ok(Math.abs(z.t0 - want[0]) < tol && Math.abs(z.t1 - want[1]) < tol, `view ${z.t0}..${z.t1}, wanted ${want[0]}..${want[1]}`);
    await page.keyboard.press('0');
  });

  test('a lane collapses and opens again; the others take its room', async () => {
    const before = (await geometry(page)).lanes.sequence.height;
    await page.locator('.lane-window .lane-toggle').click();
    await page.waitForSelector('.lane-window.collapsed');
    assert.equal(await page.locator('.lane-window .lane-toggle').getAttribute('aria-expanded'), 'false');
    await settled(page);
    assert.ok((await geometry(page)).lanes.sequence.height > before, 'the sequence lane did not grow');
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __harness: { state(): { collapsedLanes?: string[] } } }).__harness.state().collapsedLanes), ['window']);
    await page.locator('.lane-window .lane-toggle').click();
    await page.waitForSelector('.lane-window:not(.collapsed)');
  });

  test('switching VS Code theme redraws the canvas in the new colours', async () => {
    await settled(page);
    const g = await geometry(page);
    // A pixel of plain background: left of the data, in the band above the window lane's plot.
    const at: [number, number] = [g.plotLeft + 1, 3];
    const [dark] = await pixels(page, 'window', [at]);
    assert.ok(near(dark, themeColour('dark', 'editor-background'), 8), `not the dark background: ${dark}`);
    await page.evaluate(() => (window as unknown as { __harness: { applyTheme(n: string): void } }).__harness.applyTheme('light'));
    await page.waitForFunction(
      ([x, y, want]) => {
        const canvas = document.querySelector<HTMLCanvasElement>('.lane-window canvas')!;
        const dpr = canvas.width / canvas.getBoundingClientRect().width;
        const left = Number(document.querySelector<HTMLElement>('.lanes')!.dataset.plotLeft);
        const p = canvas.getContext('2d')!.getImageData(Math.round((x - left) * dpr), Math.round(y * dpr), 1, 1).data;
        return [0, 1, 2].every((i) => Math.abs(p[i] - want[i]) < 30);
      },
      [at[0], at[1], themeColour('light', 'editor-background')] as const,
    );
    await page.evaluate(() => (window as unknown as { __harness: { applyTheme(n: string): void } }).__harness.applyTheme('dark'));
  });

  test('keyboard reachable: Tab visits the filter, the flow list, the toolbar, the timelines and the findings', async () => {
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    const visited: string[] = [];
    for (let k = 0; k < 30; k++) {
      await page.keyboard.press('Tab');
      visited.push(await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el) return '';
        return el.className ? `${el.tagName.toLowerCase()}.${String(el.className).split(' ')[0]}` : el.tagName.toLowerCase();
      }));
    }
    for (const want of ['input.flow-filter', 'div.flow-grid', 'button.secondary', 'div.lanes', 'ul.finding-list']) assert.ok(visited.includes(want), `Tab never reaches ${want}: ${visited.join(' → ')}`);
  });

  test('no script errors and no CSP violations', async () => {
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __harness: { errors: string[] } }).__harness.errors), []);
  });
});
