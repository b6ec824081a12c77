/**
 * Several summaries of one capture (issue 13: the worker's updates while a file is read): a later
 * revision in which the selected flow grew makes the timelines ask for its data again, keeping the
 * selection; the same revision again, or one in which only other flows changed, asks for nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { MessageType, type ToWebviewMessage } from '../../src/protocol';
import { type Session, startSession } from './harness/browser';
import { captureOf, loadFixture, settled } from './harness/probe';

let session: Session;
before(async () => {
  session = await startSession();
});
after(async () => {
  await session?.close();
});

const send = (page: Page, message: ToWebviewMessage) => page.evaluate((m) => (window as unknown as { __harness: { send(m: unknown): void } }).__harness.send(m), message);
const seriesAsked = (page: Page) => page.evaluate(() => (window as unknown as { __harness: { posted: { type: string }[] } }).__harness.posted.filter((m) => m.type === 'series').length);

describe('summaries with rising revisions', () => {
  const view = captureOf(loadFixture('natbug-buggy'));
  let page: Page;
  before(async () => {
    page = await session.open({ fixture: 'natbug-buggy', theme: 'dark' });
    await settled(page);
  });
  after(async () => page?.context().close());

  test('the same revision again: nothing is asked again', async () => {
    const asked = await seriesAsked(page);
    await send(page, { type: MessageType.Summary, capture: view });
    await settled(page);
    assert.equal(await seriesAsked(page), asked);
  });

  test('a later revision in which the selected flow did not grow: nothing is asked again', async () => {
    const asked = await seriesAsked(page);
    await send(page, { type: MessageType.Summary, capture: { ...view, revision: (view.revision ?? 1) + 1 } });
    await settled(page);
    assert.equal(await seriesAsked(page), asked, 'the flow on screen is the same: its series stands');
    assert.equal(await page.locator('[data-revision]').first().getAttribute('data-revision'), String((view.revision ?? 1) + 1));
  });

  test('a later revision in which the selected flow grew: the timelines ask again, the selected flow stays', async () => {
    const selected = Number(await page.locator('.flow-spacer [aria-selected="true"]').getAttribute('data-flow-id'));
    const asked = await seriesAsked(page);
    const flows = view.flows.map((f) => (f.id === selected ? { ...f, packetsAtoB: f.packetsAtoB + 1, duration: f.duration + 0.5 } : f));
    await send(page, { type: MessageType.Summary, capture: { ...view, flows, revision: (view.revision ?? 1) + 2 } });
    await settled(page);
    assert.ok((await seriesAsked(page)) > asked, 'a series request after the flow grew');
    assert.equal(Number(await page.locator('.flow-spacer [aria-selected="true"]').getAttribute('data-flow-id')), selected);
    assert.equal(await page.locator('.lanes').getAttribute('data-state'), 'ready');
  });
});
