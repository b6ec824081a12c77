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
import { type CaptureView, LIMIT_STATES, type LimitShareRow, type LimitState } from '../../src/protocol';
import { type Session, startSession } from './harness/browser';
import { captureOf, drawnResult, geometry, loadFixture, near, settled, stallsShown, themeColour, xOf } from './harness/probe';

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
    const expected = ['network 99 %', 'receiver window 40 %', '—', 'application 70 %', 'receiver window 96 %', 'send buffer 55 %', 'network 60 %', 'receiver window <1 %'];
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
        'send buffer: 0 (0 %)',
        'application: 0 (0 %)',
        'idle: 1.50 s (not counted)',
        'busy (kernel’s busy time): 10.0 s',
        'waiting for owed window updates: 3.70 s',
      ].join('\n'),
    );
    assert.equal(await page.locator(`.flow-row[data-flow-id="${view.flows[2].id}"] .col-limited`).getAttribute('title'), 'No data carried: nothing to split.');
  });

  test('sorting: by state (receiver window, network, send buffer, application), largest share first; again reverses; flows without data stay last', async () => {
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

/** RGBA of the strip's canvas at (x in the lanes' coordinates, y in the strip), in CSS px. */
function stripPixels(page: Page, points: [number, number][]): Promise<number[][]> {
  return page.evaluate((points) => {
    const canvas = document.querySelector<HTMLCanvasElement>('.state-strip canvas')!;
    const ctx = canvas.getContext('2d')!;
    const dpr = canvas.width / canvas.getBoundingClientRect().width;
    const left = Number(document.querySelector<HTMLElement>('.lanes')!.dataset.plotLeft);
    return points.map(([x, y]) => Array.from(ctx.getImageData(Math.floor((x - left) * dpr), Math.floor(y * dpr), 1, 1).data));
  }, points);
}

/** The strip's colour per state code, as theme.ts reads it (idle: its thin line). */
const STATE_VARS = ['editorWarning-foreground', 'charts-blue', 'charts-purple', 'charts-green', 'descriptionForeground'];

for (const theme of ['dark', 'light', 'high-contrast'] as const) {
  describe(`the limited-by strip on the NAT-bug capture, ${theme}`, () => {
    const fixture = loadFixture('natbug-buggy');
    const view = captureOf(fixture);
    let page: Page;
    before(async () => {
      page = await session.open({ fixture: 'natbug-buggy', theme, width: 1400, height: 900 });
      await settled(page);
    });
    after(async () => page?.context().close());

    test('each interval in its state’s colour at its middle; idle a thin line on the background', async () => {
      const g = await geometry(page);
      const limits = drawnResult(fixture, g)!.limits!;
      const bg = themeColour(theme, 'editor-background');
      const checked = new Set<number>();
      for (let k = 0; k < limits.start.length; k++) {
        const [x0, x1] = [xOf(g, limits.start[k]), xOf(g, limits.end[k])];
        if (x1 - x0 < 3) continue;
        const state = limits.state[k];
        const colour = themeColour(theme, STATE_VARS[state]);
        const mid = (x0 + x1) / 2;
        const [top, middle, bottom] = await stripPixels(page, [[mid, 1], [mid, 5], [mid, 8]]);
        const what = `${LIMIT_STATES[state]} ${limits.start[k].toFixed(4)}–${limits.end[k].toFixed(4)} s at x ${mid.toFixed(1)}`;
        if (LIMIT_STATES[state] === 'idle') {
          assert.ok(near(top, bg, 3) && near(bottom, bg, 3), `${what}: ${top} / ${bottom} is not the background ${bg}`);
          assert.ok(near(middle, colour, 3), `${what}: the idle line ${middle} is not ${colour}`);
        } else {
          for (const px of [top, middle, bottom]) assert.ok(near(px, colour, 3), `${what}: ${px} is not ${colour}`);
        }
        checked.add(state);
      }
      // At the whole flow's width at least receiver window, network and idle are wide enough to read.
      for (const state of [0, 1, 4]) assert.ok(checked.has(state), `no ${LIMIT_STATES[state]} interval of 3 px or more was checked`);
    });

    test('every stall of the flow lies in receiver-window colour on the strip', async () => {
      const g = await geometry(page);
      const colour = themeColour(theme, STATE_VARS[0]);
      const stalls = stallsShown(view, 0, g.direction);
      assert.equal(stalls.length, 4);
      const got = await stripPixels(page, stalls.map((s) => [xOf(g, (s.start + s.end) / 2), 5]));
      got.forEach((px, i) => assert.ok(near(px, colour, 3), `stall ${i}: ${px} is not the receiver-window colour ${colour}`));
    });

    test('the legend names every state; the canvas says the shares', async () => {
      assert.deepEqual(await page.locator('.strip-legend .legend-item').allInnerTexts(), ['receiver window', 'network', 'send buffer', 'application', 'idle']);
      const label = await page.locator('.state-strip canvas').getAttribute('aria-label');
      // The recorded split, in the words and rounding of the column: "receiver window 98 %, network 2 %, …".
      const row = view.health[0].limitedBy!;
      const active = row.seconds.receiverWindow + row.seconds.network + row.seconds.sendBuffer + row.seconds.application;
      const pct = (v: number) => (v > 0 && v < 0.005 ? '<1 %' : `${Math.round(v * 100)} %`);
      const names = { receiverWindow: 'receiver window', network: 'network', sendBuffer: 'send buffer', application: 'application' } as const;
      const shares = (Object.keys(names) as (keyof typeof names)[]).filter((k) => row.seconds[k] > 0).map((k) => `${names[k]} ${pct(row.seconds[k] / active)}`);
      const g = await geometry(page);
      assert.equal(label, `Limited-by strip: ${shares.join(', ')}; ${drawnResult(fixture, g)!.limits!.start.length} intervals in view`);
      assert.match(label ?? '', /^Limited-by strip: receiver window (9\d) %/);
    });
  });
}

describe('the strip’s tooltip and the other direction', () => {
  const fixture = loadFixture('natbug-buggy');
  const view = captureOf(fixture);
  let page: Page;
  before(async () => {
    page = await session.open({ fixture: 'natbug-buggy', theme: 'dark', width: 1400, height: 900 });
    await settled(page);
  });
  after(async () => page?.context().close());

  test('hovering the strip inside the first stall names the receiver-window interval, its duration and shares', async () => {
    const g = await geometry(page);
    const s = view.stalls[0];
    const box = (await page.locator('.state-strip canvas').boundingBox())!;
    await page.mouse.move(box.x + xOf(g, (s.start + s.end) / 2) - g.plotLeft, box.y + 5);
    const tip = page.locator('[role="tooltip"]');
    await tip.waitFor();
    const limits = drawnResult(fixture, g)!.limits!;
    const k = Array.from(limits.state).indexOf(0);
    const [start, end] = [limits.start[k], limits.end[k]];
    const row = view.health[0].limitedBy!;
    const active = row.seconds.receiverWindow + row.seconds.network + row.seconds.sendBuffer + row.seconds.application;
    const lines = (await tip.innerText()).split('\n');
    assert.deepEqual(lines, [
      'Limited by receiver window',
      `${start.toFixed(6)} s – ${end.toFixed(6)} s · ${Math.round((end - start) * 1000)} ms`,
      `${Math.round(((end - start) / active) * 100)} % of the flow’s time outside idle; receiver window in all ${Math.round(row.share * 100)} %`,
      'the sender reached the right edge of the advertised window (the kernel’s rwnd_limited)',
    ]);
    await page.mouse.move(1, 1);
    await tip.waitFor({ state: 'hidden' });
  });

  test('the flow list shows the recorded split; switching to the ACK direction empties the strip', async () => {
    assert.equal(await page.locator('.flow-row[data-flow-id="0"] .col-limited').innerText(), `receiver window ${Math.round(view.health[0].limitedBy!.share * 100)} %`);
    assert.ok(view.health[0].limitedBy!.share > 0.9, 'the NAT-bug flow is receiver-window limited');
    await page.locator('.lanes').focus();
    await page.keyboard.press('d');
    await page.waitForFunction(() => JSON.parse(document.querySelector<HTMLElement>('.lanes')!.dataset.query ?? '{}').direction === 'ba');
    await settled(page);
    const g = await geometry(page);
    const bg = themeColour('dark', 'editor-background');
    const row = await stripPixels(page, Array.from({ length: 40 }, (_, i) => [g.plotLeft + 2 + (i * (g.plotWidth - 4)) / 39, 5] as [number, number]));
    assert.ok(row.every((px) => near(px, bg, 2)), 'the strip is not empty for the direction without data');
    assert.equal(await page.locator('.state-strip canvas').getAttribute('aria-label'), 'Limited-by strip: this direction sends no data');
  });
});

describe('the findings panel on the NAT-bug capture', () => {
  const fixture = loadFixture('natbug-buggy');
  const view = captureOf(fixture);
  let page: Page;
  before(async () => {
    page = await session.open({ fixture: 'natbug-buggy', theme: 'dark', width: 1400, height: 900 });
    await settled(page);
  });
  after(async () => page?.context().close());

  test('lists the limited-by finding like the others: its label, time and the sentence', async () => {
    const recorded = view.findings.filter((f) => f.kind === 'limited_by');
    assert.equal(recorded.length, 1, 'the recording holds one limited-by finding');
    const f = recorded[0];
    assert.match(f.message, /receiver window limited 9\d % of the busy time .*; 0\.\d{3} s of it waiting for window updates that were owed\.$/);
    const item = page.locator('[data-finding-kind="limited_by"]');
    assert.equal(await item.count(), 1);
    assert.equal(await item.getAttribute('title'), f.message);
    assert.equal(await item.locator('.finding-kind').innerText(), 'Limited by');
    assert.equal(await item.locator('.finding-time').innerText(), `${f.time.toFixed(6)} s`);
    assert.equal(await item.locator('.finding-message').innerText(), f.message);
    // A warning: the receiver's window held the flow and updates were owed.
    assert.match((await item.getAttribute('class')) ?? '', /\bwarning\b/);
  });
});
