/**
 * Notes in the capture editor, in headless Chromium against the recorded NAT-bug capture: the host's
 * notes appear in the Notes list (numbered in time order, pcapng comments read-only) and as badges on
 * the lanes at their times; `m`, the timeline's context menu and the list's buttons send the
 * protocol's note requests; a damaged sidecar's message is shown and adding is refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { FromWebviewMessage, NoteRow, ToWebviewMessage } from '../../src/protocol';
import { type Session, startSession } from './harness/browser';
import { captureOf, geometry, loadFixture, mostOwedFlowId, near, pixels, settled, themeColour, xOf } from './harness/probe';

const fixture = loadFixture('natbug-buggy');
const view = captureOf(fixture);
const flowId = mostOwedFlowId(view);
const flow = view.flows.find((f) => f.id === flowId)!;
let session: Session;
let page: Page;

const send = (message: ToWebviewMessage) => page.evaluate((m) => (window as unknown as { __harness: { send(m: unknown): void } }).__harness.send(m), message);
const posted = () => page.evaluate(() => (window as unknown as { __harness: { posted: FromWebviewMessage[] } }).__harness.posted);
const lastPosted = async (type: string) => (await posted()).filter((m) => m.type === type).pop() as Record<string, unknown> | undefined;

const at = (k: number) => flow.start + flow.duration * k;
const NOTES: NoteRow[] = ([
  { id: 'n2', flowId, time: at(0.5), text: 'instant note', source: 'sidecar', label: 0 },
  { id: 'capture:3', flowId, frame: 3, time: at(0.01), text: 'a comment in the capture', source: 'capture', label: 0 },
  { id: 'n1', flowId, time: at(0.3), end: at(0.4), text: 'range note', source: 'sidecar', label: 0 },
  { id: 'other', flowId: flowId + 1, time: at(0.2), text: 'another flow', source: 'sidecar', label: 0 },
] as NoteRow[]).map((n, k) => ({ ...n, label: [3, 1, 2, 1][k] }));

before(async () => {
  session = await startSession();
  page = await session.open({ fixture: 'natbug-buggy', theme: 'light' });
  await settled(page);
  await send({ type: 'notes', notes: NOTES, problem: null } as unknown as ToWebviewMessage);
  await page.locator('.note-list .note').first().waitFor();
  await settled(page);
});
after(async () => {
  await session?.close();
});

describe('notes in the editor', () => {
  test('the Notes list shows the flow\'s notes in time order with their numbers; capture comments are read-only', async () => {
    const rows = await page.$$eval('.note-list .note', (els) => els.map((el) => [el.querySelector('.note-badge')!.textContent, el.querySelector('.note-text')!.textContent, el.querySelectorAll('button[aria-label^="Delete"]').length]));
    assert.deepEqual(rows, [
      ['1', 'a comment in the capture', 0],
      ['2', 'range note', 1],
      ['3', 'instant note', 1],
    ]);
    assert.equal(await page.textContent('#notes-title'), 'Notes (3)');
  });

  test('each note is drawn as a numbered badge at its time, in every lane', async () => {
    const g = await geometry(page);
    const colour = themeColour('light', 'textLink-foreground');
    for (const lane of ['sequence', 'window', 'recvq']) {
      const y = g.lanes[lane].height - 2 - 14 + 2; // inside the badge, above its number
      for (const n of NOTES.slice(0, 3)) {
        const [p] = await pixels(page, lane, [[Math.round(xOf(g, n.time)) - 5, y]]);
        assert.ok(near(p, colour, 30), `${lane}: note ${n.id} at ${n.time}: ${p}`);
      }
    }
  });

  test('m adds a note at the middle of the view when no packet is selected or hovered', async () => {
    await page.mouse.move(2, 2);
    await page.locator('.lanes').focus();
    await page.keyboard.press('m');
    const g = await geometry(page);
    const req = await lastPosted('addNote');
    const anchor = req?.anchor as { flowId: number; time: number; frame?: number };
    assert.equal(anchor.flowId, flowId);
    assert.equal(anchor.frame, undefined);
    assert.ok(Math.abs(anchor.time - (g.t0 + g.t1) / 2) < 1e-9, `${anchor.time} vs ${(g.t0 + g.t1) / 2}`);
  });

  test('the context menu adds a note at the instant under the pointer, or to the visible range', async () => {
    const g = await geometry(page);
    const box = (await page.locator('.lanes').boundingBox())!;
    const x = g.plotLeft + g.plotWidth * 0.7;
    await page.mouse.click(box.x + x, box.y + g.lanes.recvq.top + 10, { button: 'right' });
    const items = await page.$$eval('.context-menu button', (els) => els.map((e) => e.textContent));
    assert.ok(items.some((t) => t?.startsWith('Add Note at ')) && items.some((t) => t?.startsWith('Add Note to the Visible Range')), JSON.stringify(items));
    await page.locator('.context-menu button', { hasText: 'Add Note at ' }).click();
    const anchor = (await lastPosted('addNote'))?.anchor as { time: number };
    const expected = g.t0 + ((x - g.plotLeft) / g.plotWidth) * (g.t1 - g.t0);
    assert.ok(Math.abs(anchor.time - expected) < (g.t1 - g.t0) / g.plotWidth * 2, `${anchor.time} vs ${expected}`);
    assert.equal(await page.locator('.context-menu').isHidden(), true);
    await page.mouse.click(box.x + x, box.y + g.lanes.recvq.top + 10, { button: 'right' });
    await page.locator('.context-menu button', { hasText: 'Visible Range' }).click();
    const range = (await lastPosted('addNote'))?.anchor as { time: number; end: number };
    assert.deepEqual([range.time, range.end], [g.t0, g.t1]);
  });

  test('edit, delete and undo go to the host by note id', async () => {
    await page.locator('.note[data-note-id="n1"] button[aria-label="Delete note 2"]').click();
    assert.equal((await lastPosted('deleteNote'))?.noteId, 'n1');
    await page.locator('.note[data-note-id="n2"] button[aria-label="Edit note 3"]').click();
    assert.equal((await lastPosted('editNote'))?.noteId, 'n2');
    await page.locator('button[aria-label="Undo the last note change"]').click();
    assert.ok(await lastPosted('undoNote'));
  });

  test('Pin finding: the selected finding goes to the host by id', async () => {
    const first = view.findings.filter((f) => f.flowId === flowId).sort((a, b) => a.time - b.time || a.id - b.id)[0];
    await page.locator(`[data-finding-id="${first.id}"]`).click();
    await page.locator('button.pin-finding').click();
    assert.equal((await lastPosted('pinFinding'))?.findingId, first.id);
  });

  test('a damaged sidecar: its message is shown and no note is added', async () => {
    const before = (await posted()).filter((m) => m.type === ('addNote' as string)).length;
    await send({ type: 'notes', notes: NOTES.filter((n) => n.source === 'capture'), problem: 'x.pcap.tcpflowlens.json: not valid JSON (line 2, column 5: expected a value).' } as unknown as ToWebviewMessage);
    await page.locator('.notes-problem:not([hidden])').waitFor();
    assert.match((await page.textContent('.notes-problem'))!, /line 2, column 5/);
    await page.locator('.lanes').focus();
    await page.keyboard.press('m');
    assert.equal((await posted()).filter((m) => m.type === ('addNote' as string)).length, before);
  });
});
