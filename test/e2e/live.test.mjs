// Live attach in real VS Code (code-server, headless Chromium; issue 13): attach through "TCP Flow
// Lens: Attach…" to a command from the tcpFlowLens.liveSources setting — a small node script that
// writes the NAT-bug capture to stdout a few records every 100 ms, as `tcpdump -U -w -` would —
// confirm the first-run prompt, and see the flow row, the owed findings (while the source still
// runs) and the timelines grow; the status bar item, Stop and Save Session; then a capture file
// that grows on disk while it is open in the editor, and the offer to follow it live.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { isDrawn, sampleCanvases } from './lib/canvas.mjs';
import { startCodeServer } from './lib/codeServer.mjs';
import { e2eSteps } from './lib/steps.mjs';
import { e2eConfig, repo } from './lib/config.mjs';
import { activeTab, captureFrame, errorToasts, launchChromium, openFromExplorer, openWorkbench, paletteHas, runCommand, screenshot, SLOW, waitForExplorer } from './lib/workbench.mjs';

const config = e2eConfig();
const natbug = readFileSync(join(repo, 'test', 'fixtures', 'natbug-buggy.pcap'));
const LABEL = 'slow natbug capture';

/** The pcap's header and records. */
function records(bytes) {
  const out = [];
  for (let o = 24; o + 16 <= bytes.length; ) {
    const end = o + 16 + bytes.readUInt32LE(o + 8);
    out.push(bytes.subarray(o, end));
    o = end;
  }
  return { header: bytes.subarray(0, 24), records: out };
}

let session;
let browser;
let page;

const shot = (name) => screenshot(page, config.artifacts, name);
const { step, finish } = e2eSteps(shot);
const visibleT1 = async (frame) => Number(await frame.locator('.lanes').getAttribute('data-t1'));

describe('live attach in code-server', { timeout: 6 * 60_000 }, () => {
  before(async () => {
    const files = { 'natbug-buggy.pcap': natbug, 'readme.txt': Buffer.from('live attach e2e\n') };
    // The source reads the capture from the repository. The setting is machine-scoped (a workspace cannot set it), so
    // with the extension on code-server's remote side it goes into the remote machine's settings.
    const source = { label: LABEL, command: process.execPath, args: [join(repo, 'test', 'e2e', 'lib', 'slowCapture.mjs'), join(repo, 'test', 'fixtures', 'natbug-buggy.pcap'), '6', '100'] };
    session = await startCodeServer({ vsix: config.vsix, files, machineSettings: { 'tcpFlowLens.liveSources': [source] } });
    browser = await launchChromium(session.dirs.tmp);
    ({ page } = await openWorkbench(browser, session));
    await page.goto(session.url());
    await waitForExplorer(page, 'natbug-buggy.pcap');
  });

  after(() => finish({ page, browser, session }, 'live-failure'));

  step('Attach… runs a command from the settings after the first-run prompt; the flow, owed findings and timelines grow while it runs', async (t) => {
    // Right after start-up the palette may not know the extension's commands yet.
    const known = Date.now() + 2 * SLOW;
    while (!(await paletteHas(page, 'TCP Flow Lens: Attach…'))) {
      if (Date.now() > known) assert.fail('the palette never listed TCP Flow Lens: Attach…');
      await page.waitForTimeout(1000);
    }
    await runCommand(page, 'TCP Flow Lens: Attach…', { opensQuickPick: true });
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: LABEL }).first().click();
    // The first run of the command line asks, showing it.
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: SLOW });
    const text = await dialog.innerText();
    t.diagnostic(`prompt: ${text.replace(/\s+/g, ' ')}`);
    assert.match(text, /slowCapture\.mjs/, 'the prompt does not show the command line');
    await dialog.locator('.monaco-button', { hasText: /^Run$/ }).click();
    await activeTab(page).filter({ hasText: `Live: ${LABEL}` }).waitFor({ timeout: SLOW });
    const frame = captureFrame(page);
    await frame.locator('[data-flow-id]').first().waitFor({ timeout: SLOW });
    await frame.locator('.live-state[data-state="attached"]').waitFor({ timeout: SLOW });
    const firstT1 = await visibleT1(frame);
    // The first owed update, while the source is still sending (it takes about 6 s for the whole capture).
    await frame.locator('[data-finding-kind="window_update_owed"]').first().waitFor({ timeout: SLOW });
    const stateThen = await frame.locator('.live-state').getAttribute('data-state');
    const packetsThen = await frame.locator('.summary .facts').innerText();
    t.diagnostic(`first owed update listed while the source was ${stateThen}; ${packetsThen.replace(/\s+/g, ' ')}`);
    assert.equal(stateThen, 'attached');
    // All four owed updates of the capture, and timelines that grew with them.
    const owed = frame.locator('[data-finding-kind="window_update_owed"]');
    const deadline = Date.now() + SLOW;
    while ((await owed.count()) < 4 && Date.now() < deadline) await page.waitForTimeout(250);
    assert.equal(await owed.count(), 4, 'not every owed update was listed');
    const lastT1 = await visibleT1(frame);
    t.diagnostic(`the view's right edge grew from ${firstT1.toFixed(3)} s to ${lastT1.toFixed(3)} s`);
    assert.ok(lastT1 > firstT1 + 0.5, `the timelines did not grow: ${firstT1} → ${lastT1}`);
    assert.equal(await frame.locator('.timeline-toolbar .follow').getAttribute('aria-pressed'), 'true');
    const samples = await sampleCanvases(frame);
    assert.ok(samples.length > 0 && samples.every(isDrawn), `a timeline canvas is blank: ${JSON.stringify(samples)}`);
    t.diagnostic(`screenshot ${await shot('live-attached')}`);
  });

  step('the status bar shows the session; Stop ends it; Save Session writes what was received', async (t) => {
    const item = page.locator('.statusbar-item', { hasText: /ev\/s/ });
    await item.waitFor({ timeout: SLOW });
    const text = (await item.innerText()).replace(/\s+/g, ' ');
    t.diagnostic(`status bar: ${text}`);
    const listed = Number(/\((\d+)\)/.exec(await captureFrame(page).locator('#findings-title').innerText())?.[1]);
    assert.match(text, new RegExp(`1 flow · ${listed} findings`), `the status bar does not count the ${listed} findings listed`);
    await item.click();
    // The Stop row (its detail; "stop" alone also matches Pause's).
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'End the session' }).first().click();
    const frame = captureFrame(page);
    await frame.locator('.live-state[data-state="ended"]').waitFor({ timeout: SLOW });
    await item.waitFor({ state: 'hidden', timeout: SLOW });
    assert.equal(await frame.locator('.timeline-toolbar .follow').isHidden(), true);

    await runCommand(page, 'TCP Flow Lens: Save Session…', { opensQuickPick: true });
    // code-server's own save dialog: a path in the quick input, prefilled with the name offered.
    const input = page.locator('.quick-input-widget input');
    // It fills in the folder first, then the name.
    let offered = await input.inputValue();
    for (const end = Date.now() + 10_000; !/\.\w+$/.test(offered) && Date.now() < end; offered = await input.inputValue()) await page.waitForTimeout(100);
    t.diagnostic(`save dialog offers ${offered}`);
    assert.match(offered, /\.pcap$/);
    await input.press('Enter');
    const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: 'Saved the session' });
    await toast.waitFor({ timeout: SLOW });
    const savedPath = /Saved the session to (.*?\.pcap) /.exec(await toast.innerText())?.[1];
    assert.ok(savedPath, 'the notification does not say where');
    const saved = await readFile(savedPath);
    assert.ok(saved.equals(natbug), `the saved session (${saved.length} bytes) is not the capture that was sent (${natbug.length} bytes)`);
    assert.deepEqual(await errorToasts(page), []);
  });

  step('a capture that grows on disk grows in its open editor while it is written', async (t) => {
    await runCommand(page, 'View: Close All Editors');
    const { header, records: recs } = records(natbug);
    const path = join(session.dirs.workspace, 'growing.pcap');
    // Up to the second stall: one owed update so far.
    const cut = 190;
    await writeFile(path, Buffer.concat([header, ...recs.slice(0, cut)]));
    await waitForExplorer(page, 'growing.pcap');
    await openFromExplorer(page, 'growing.pcap');
    const frame = captureFrame(page);
    await frame.locator('[data-flow-id]').first().waitFor({ timeout: SLOW });
    const owed = frame.locator('[data-finding-kind="window_update_owed"]');
    await owed.first().waitFor({ timeout: SLOW });
    const before = await owed.count();
    const t1Before = await visibleT1(frame);
    // Written without a pause, as tcpdump -U -w does: a few records every 100 ms for about 4.5 s. The
    // editor must not wait for the writer to stop (it reads again at least every 2 s while changes go on).
    let whileWriting = before;
    for (let i = cut; i < recs.length; i += 4) {
      await appendFile(path, Buffer.concat(recs.slice(i, i + 4)));
      await page.waitForTimeout(100);
      if (i + 8 >= recs.length) whileWriting = await owed.count();
    }
    const deadline = Date.now() + SLOW;
    while ((await owed.count()) < 4 && Date.now() < deadline) await page.waitForTimeout(250);
    const t1After = await visibleT1(frame);
    t.diagnostic(`owed updates ${before} → ${whileWriting} while written → ${await owed.count()}; right edge ${t1Before.toFixed(3)} → ${t1After.toFixed(3)} s`);
    assert.equal(await owed.count(), 4);
    assert.ok(before < 4);
    assert.ok(whileWriting > before, 'the editor waited for the writer to stop');
    assert.ok(t1After > t1Before + 0.3, 'the timelines did not grow with the file');
    t.diagnostic(`screenshot ${await shot('live-growing-file')}`);
  });

  step('a capture written without pause offers to follow it live; Follow Live opens a live session on the file', async () => {
    // Offered once, when the writer had not paused for 2 s (above): each read again was of the whole file.
    const toast = page.locator('.notifications-toasts .notification-list-item').filter({ hasText: 'growing.pcap is still being written' });
    await toast.first().waitFor({ timeout: SLOW });
    await toast.first().locator('.monaco-button', { hasText: 'Follow Live' }).click();
    await activeTab(page).filter({ hasText: 'Live: growing.pcap' }).waitFor({ timeout: SLOW });
    const frame = captureFrame(page);
    await frame.locator('[data-flow-id]').first().waitFor({ timeout: SLOW });
    const owed = frame.locator('[data-finding-kind="window_update_owed"]');
    const deadline = Date.now() + SLOW;
    while ((await owed.count()) < 4 && Date.now() < deadline) await page.waitForTimeout(250);
    assert.equal(await owed.count(), 4, 'the followed file shows the same owed updates');
    await runCommand(page, 'TCP Flow Lens: Stop Live Session');
  });
});
