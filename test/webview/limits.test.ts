/**
 * The limited-by breakdown in the editor (issue 19), in headless Chromium: the flow list's "Limited
 * by" column (its text, tooltip and sort order) on a summary with known splits, and the state strip
 * under the time axis on a real capture recorded through the pipeline (natbug-buggy: the NAT that
 * never reopens its window), its colours read back at known pixels in three themes, its tooltip, and
 * the findings panel's limited-by sentence.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { type CaptureView, type LimitShareRow, type LimitState } from '../../src/protocol';
import { type Session, startSession } from './harness/browser';
import { captureOf, loadFixture } from './harness/probe';

let session: Session;
before(async () => {
  session = await startSession();
});
after(async () => {
  await session?.close();
});

const zero = (): Record<LimitState, number> => ({ receiverWindow: 0, network: 0, sendBuffer: 0, application: 0, idle: 0 });

/** A split whose dominant state holds `share` of the 10 s outside idle and network the rest. */
function split(dominant: LimitState, share: number, owedSeconds = 0): LimitShareRow {
  const seconds = { ...zero(), idle: 1.5 };
  seconds[dominant] += 10 * share;
  seconds.network += 10 * (1 - share);
  const busy = seconds.receiverWindow + seconds.network + seconds.sendBuffer;
  return { direction: 'ab', dominant, share, seconds, busy, owedSeconds };
}

/** The synthetic capture's flows, the first eight with these splits (null: no data) and the rest without. */
const SPLITS: (LimitShareRow | null)[] = [
  split('network', 0.99),
  split('receiverWindow', 0.4),
  null,
  split('application', 0.7),
  split('receiverWindow', 0.957, 3.7),
  split('sendBuffer', 0.55),
  split('network', 0.6),
  { ...split('receiverWindow', 0.004), dominant: 'receiverWindow', share: 0.004 },
];

function withSplits(view: CaptureView): CaptureView {
  return { ...view, health: view.health.map((h, i) => ({ ...h, limitedBy: i < SPLITS.length ? SPLITS[i] : null })) };
}

const ids = (page: Page) => page.locator('.flow-spacer .flow-row').evaluateAll((rows) => rows.map((r) => Number((r as HTMLElement).dataset.flowId)));

describe('flow list: the Limited by column', () => {
  const view = withSplits(captureOf(loadFixture('synthetic')));
  let page: Page;
  before(async () => {
    page = await session.open({ fixture: 'synthetic', theme: 'dark', height: 1400 });
    await page.evaluate((capture) => (window as unknown as { __harness: { send(m: unknown): void } }).__harness.send({ type: 'summary', capture }), view);
    await page.waitForFunction(() => document.querySelector('.flow-spacer .col-limited')?.textContent !== undefined);
    // Room for every row: the list is virtualized, and the test reads the whole order.
    await page.evaluate(() => {
      const viewport = document.querySelector<HTMLElement>('.flow-viewport')!;
      viewport.style.height = '1200px';
    });
  });
  after(async () => page?.context().close());

  test('each row shows its dominant state and share, a dash without data', async () => {
    const cells = await page.locator('.flow-spacer .flow-row').evaluateAll((rows) => rows.map((r) => [Number((r as HTMLElement).dataset.flowId), r.querySelector('.col-limited')!.textContent]));
    const byId = new Map(cells as [number, string][]);
    const expected = ['network 99 %', 'receiver window 40 %', '—', 'application 70 %', 'receiver window 96 %', 'sender’s buffer 55 %', 'network 60 %', 'receiver window < 1 %'];
    expected.forEach((text, i) => assert.equal(byId.get(view.flows[i].id), text, `flow ${view.flows[i].id}`));
    assert.equal(byId.get(view.flows[9].id), '—');
    assert.equal(await page.locator('.flow-head .col-limited').innerText(), 'Limited by');
  });

  test('the tooltip gives every state’s seconds and share, the busy time and the owed waiting', async () => {
    const flow = view.flows[4];
    const title = await page.locator(`.flow-row[data-flow-id="${flow.id}"] .col-limited`).getAttribute('title');
    assert.equal(
      title,
      [
        `Limited by (data ${flow.a} → ${flow.b}), share of the 10.0 s outside idle:`,
        'receiver window: 9.57 s (96 %)',
        'network: 430 ms (4 %)',
        'sender’s buffer: 0 (0 %)',
        'application: 0 (0 %)',
        'idle: 1.50 s (not counted)',
        'busy (kernel’s busy time): 10.0 s',
        'waiting for owed window updates: 3.70 s',
      ].join('\n'),
    );
    assert.equal(await page.locator(`.flow-row[data-flow-id="${view.flows[2].id}"] .col-limited`).getAttribute('title'), 'No data carried: nothing to split.');
  });

  test('sorting: by state (receiver window, network, sender’s buffer, application), largest share first; again reverses; flows without data stay last', async () => {
    const f = (i: number) => view.flows[i].id;
    const blanks = view.flows.filter((_, i) => !SPLITS[i]).map((x) => x.id);
    await page.locator('.flow-head .col-limited button').click();
    assert.equal(await page.locator('.flow-head .col-limited').getAttribute('aria-sort'), 'ascending');
    const order = await ids(page);
    assert.deepEqual(order.slice(0, 7), [f(4), f(1), f(7), f(0), f(6), f(5), f(3)]);
    // Ties among the flows without data keep flow order.
    assert.deepEqual(order.slice(7), blanks);
    await page.locator('.flow-head .col-limited button').click();
    assert.equal(await page.locator('.flow-head .col-limited').getAttribute('aria-sort'), 'descending');
    const reversed = await ids(page);
    assert.deepEqual(reversed.slice(0, 7), [f(3), f(5), f(6), f(0), f(7), f(1), f(4)]);
    assert.deepEqual(reversed.slice(7), blanks);
  });
});
