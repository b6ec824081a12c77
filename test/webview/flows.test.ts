/**
 * The flow list and the page's states in headless Chromium: one row per flow with data-flow-id, the
 * most-owed flow selected first, sorting and filtering, virtualization at 100k flows, keyboard
 * selection, the reading bar, and the empty, damaged and failed states.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { CaptureView, ToWebviewMessage } from '../../src/protocol';
import { type Session, startSession } from './harness/browser';
import { captureOf, loadFixture, mostOwedFlowId } from './harness/probe';

let session: Session;
before(async () => {
  session = await startSession();
});
after(async () => {
  await session?.close();
});

const send = (page: Page, message: ToWebviewMessage) => page.evaluate((m) => (window as unknown as { __harness: { send(m: unknown): void } }).__harness.send(m), message);

/** Every row id the list can show, by scrolling its viewport from top to bottom. */
async function allRowIds(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const viewport = document.querySelector<HTMLElement>('.flow-viewport')!;
    const ids = new Set<string>();
    for (let top = 0; ; top += viewport.clientHeight / 2) {
      viewport.scrollTop = top;
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      for (const row of Array.from(document.querySelectorAll<HTMLElement>('.flow-spacer [data-flow-id]'))) ids.add(row.dataset.flowId!);
      if (top >= viewport.scrollHeight) break;
    }
    viewport.scrollTop = 0;
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    return [...ids];
  });
}

describe('flow list: sorting, filtering, keyboard, 100k flows', () => {
  const view = captureOf(loadFixture('synthetic'));
  let page: Page;
  before(async () => {
    page = await session.open({ fixture: 'synthetic', theme: 'dark' });
  });
  after(async () => page?.context().close());

  test('every flow has its row, reached by scrolling; the most owed is selected', async () => {
    const ids = await allRowIds(page);
    assert.deepEqual(ids.map(Number).sort((a, b) => a - b), view.flows.map((f) => f.id).sort((a, b) => a - b));
    assert.equal(await page.locator('.flow-spacer [aria-selected="true"]').getAttribute('data-flow-id'), String(mostOwedFlowId(view)));
  });

  test('clicking a column header sorts by it, again reverses', async () => {
    await page.locator('.flow-head .col-packets button').click();
    const most = [...view.flows].sort((a, b) => b.packetsAtoB + b.packetsBtoA - (a.packetsAtoB + a.packetsBtoA))[0];
    assert.equal(await page.locator('.flow-spacer .flow-row').first().getAttribute('data-flow-id'), String(most.id));
    assert.equal(await page.locator('.flow-head .col-packets').getAttribute('aria-sort'), 'descending');
    await page.locator('.flow-head .col-packets button').click();
    assert.equal(await page.locator('.flow-head .col-packets').getAttribute('aria-sort'), 'ascending');
    await page.locator('.flow-head .col-owed button').click();
  });

  test('the filter keeps flows whose endpoints contain every word', async () => {
    const target = view.flows[5];
    const port = target.b.slice(target.b.lastIndexOf(':'));
    await page.locator('.flow-filter').fill(`${target.a.split(':')[0]} ${port}`);
    const expected = view.flows.filter((f) => `${f.a} ${f.b}`.includes(target.a.split(':')[0]) && `${f.a} ${f.b}`.includes(port)).map((f) => String(f.id));
    await page.waitForFunction((n) => document.querySelectorAll('.flow-spacer [data-flow-id]').length === n, expected.length);
    const shown = await page.locator('.flow-spacer [data-flow-id]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.flowId!));
    assert.deepEqual(shown.sort(), expected.sort());
    await page.locator('.flow-filter').fill('no-such-host');
    await page.locator('.flow-list-empty').waitFor();
    await page.locator('.flow-filter').fill('');
  });

  test('arrow keys in the list select the next flow and show its timelines', async () => {
    await page.locator('.flow-grid').focus();
    const before = await page.locator('.flow-spacer [aria-selected="true"]').getAttribute('data-flow-id');
    await page.keyboard.press('ArrowDown');
    const after = await page.locator('.flow-spacer [aria-selected="true"]').getAttribute('data-flow-id');
    assert.notEqual(after, before);
    assert.equal(await page.locator('.flow-grid').getAttribute('aria-activedescendant'), `flow-row-${after}`);
    await page.waitForFunction((id) => {
      const q = document.querySelector<HTMLElement>('.lanes')!.dataset.query;
      return !!q && JSON.parse(q).flowId === Number(id);
    }, after);
  });

  test('100,000 flows: a few dozen rows in the DOM, and the last one reachable', async () => {
    await page.evaluate(() => {
      const flows = Array.from({ length: 100_000 }, (_, id) => ({ id, a: `10.${(id >> 16) & 255}.${(id >> 8) & 255}.${id & 255}:${1024 + (id % 60000)}`, b: '192.0.2.1:443', packetsAtoB: 10, packetsBtoA: 8, payloadAtoB: 5000, payloadBtoA: 300, start: id * 1e-4, duration: 0.5, windowScale: { a: 7, b: 7 }, mss: { a: 1460, b: 1460 } }));
      const health = flows.map((f) => ({ stallSeconds: 0, owedSeconds: f.id === 77_777 ? 0.3 : 0, findings: {} }));
      const capture = { fileName: 'many.pcap', filePath: '/many.pcap', format: 'pcap', packets: 1_800_000, tcpPackets: 1_800_000, linkTypes: [], warnings: [], flows, health, stalls: [], findings: [], partial: false };
      (window as unknown as { __harness: { send(m: unknown): void } }).__harness.send({ type: 'summary', capture });
    });
    await page.waitForSelector('.flow-grid[aria-rowcount="100001"]');
    const rows = await page.locator('.flow-spacer .flow-row').count();
    assert.ok(rows < 60, `${rows} rows in the DOM`);
    await page.locator('.flow-head .col-id button').click();
    await page.locator('.flow-grid').focus();
    await page.keyboard.press('End');
    await page.waitForSelector('.flow-row[data-flow-id="99999"][aria-selected="true"]');
  });
});

describe('states: reading, empty, damaged, failed', () => {
  let page: Page;
  before(async () => {
    page = await session.open({ fixture: 'synthetic', theme: 'dark' });
  });
  after(async () => page?.context().close());

  const base = (): CaptureView => ({ fileName: 'x.pcap', filePath: '/x.pcap', format: 'pcap', packets: 0, tcpPackets: 0, linkTypes: [], warnings: [], flows: [], health: [], stalls: [], findings: [], partial: false });

  test('while reading: an in-editor bar with packets/s, and the flow list fills in as flows appear', async () => {
    const flow = (id: number) => ({ id, a: `10.0.0.${id}:5000`, b: '10.0.0.254:80', packetsAtoB: 3, packetsBtoA: 2, payloadAtoB: 100, payloadBtoA: 0, start: id, duration: 1, windowScale: { a: null, b: null }, mss: { a: null, b: null } });
    const soFar = (n: number, packets: number) => ({ ...base(), format: null, packets, tcpPackets: packets, flows: Array.from({ length: n }, (_, i) => flow(i)), health: Array.from({ length: n }, () => ({ stallSeconds: 0, owedSeconds: 0, findings: {} })) });
    await send(page, { type: 'progress' as never, bytesRead: 1_000_000, fileSize: 8_000_000, capture: soFar(2, 1000) });
    await page.waitForSelector('.flow-grid[aria-rowcount="3"]');
    await page.waitForTimeout(300);
    await send(page, { type: 'progress' as never, bytesRead: 3_000_000, fileSize: 8_000_000, capture: soFar(5, 40_000) });
    await page.waitForSelector('.flow-grid[aria-rowcount="6"]');
    const bar = page.locator('.reading');
    await page.waitForFunction(() => /packets\/s/.test(document.querySelector('.reading-rate')?.textContent ?? ''));
    assert.match(await bar.innerText(), /of 7\.63 MiB/);
    assert.match(await page.locator('.timeline-status').innerText(), /once the whole capture is read/);
  });

  test('a capture with no TCP says so', async () => {
    await send(page, { type: 'summary' as never, capture: { ...base(), packets: 12, linkTypes: [{ name: 'Ethernet', packets: 12, decoded: true }] } });
    await page.locator('.state.empty').waitFor();
    assert.match(await page.locator('.state.empty').innerText(), /No TCP flows[\s\S]*12 packets/);
    assert.equal(await page.locator('.reading').count(), 0);
  });

  test('a damaged file shows what was read and where it stopped', async () => {
    const fixture = captureOf(loadFixture('synthetic'));
    await send(page, { type: 'summary' as never, capture: { ...fixture, partial: true, warnings: [{ offset: 123_456, message: 'packet record cut short: the file ends inside it' }] } });
    await page.locator('.partial').waitFor();
    assert.match(await page.locator('.partial').innerText(), /damaged[\s\S]*byte 123,456/);
    assert.ok((await page.locator('.flow-spacer [data-flow-id]').count()) > 0, 'the flows that were read are not shown');
  });

  test('a file that is not a capture says why, with a way out', async () => {
    await send(page, { type: 'failed' as never, fileName: 'notes.txt', failure: { kind: 'notCapture', reason: 'unknown magic number 0x6c6c6568', offset: 0 } });
    const alert = page.locator('.state.error[role="alert"]');
    await alert.waitFor();
    assert.match(await alert.innerText(), /not a packet capture[\s\S]*unknown magic number/);
    assert.equal(await page.getByRole('button', { name: 'Open with another editor' }).count(), 1);
  });
});
