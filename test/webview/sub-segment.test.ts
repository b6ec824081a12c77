/**
 * Issue 11 in the webview: a stall whose window never reaches 0 but stays below one segment of the
 * sender's is shown like a zero-window stall. The fixture is recorded (test/webview/record.ts) from
 * test/fixtures/natshape-buggy.pcap, a real Linux sender against the NAT-shaped buggy receiver
 * (`run.py --mode buggy --nat-shape --bytes 200000`: MSS 65535 toward the sender, windows of
 * 128–1024 bytes, a window-sized data probe after the persist timer, the reopening only in the probe's
 * reply). Checked at known pixels: the shading across each stall, a probe mark at each probe, the owed
 * bracket from the owed instant to the reopening; and the legend and the one-segment threshold.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { MarkerKind } from '../../src/protocol';
import { type Session, startSession } from './harness/browser';
import { assertOwedMarkers, assertStallShading } from './harness/drawn';
import { captureOf, drawnResult, geometry, loadFixture, near, pixels, settled, stallsShown, themeColour, xOf } from './harness/probe';

const FIXTURE = 'natshape-buggy';
/** The sender's segment: its MSS option (the receiver announced 65535). */
const SEGMENT = 1460;
/** The owed bracket's horizontal line (highlights.ts: 2 + TRIANGLE + 6, two px wide). */
const BRACKET_Y = 19;

const fixture = loadFixture(FIXTURE);
const view = captureOf(fixture);
const flowId = view.flows[0].id;
let session: Session;
let page: Page;

before(async () => {
  session = await startSession();
  page = await session.open({ fixture: FIXTURE, theme: 'dark' });
  await settled(page);
});
after(async () => {
  await page?.context().close();
  await session?.close();
});

test('the fixture: every stall opens on a window above 0 and below one segment, and owes its update', () => {
  assert.equal(view.stalls.length, 7);
  for (const s of view.stalls) {
    const opening = fixture.packets.find((p) => p.frame === s.startFrame)?.details;
    assert.ok(opening, `frame ${s.startFrame} not recorded`);
    assert.ok(opening.win > 0 && opening.win < SEGMENT, `stall at frame ${s.startFrame} opens on a window of ${opening.win} bytes`);
    assert.ok(s.owed && s.probes >= 1, `stall at frame ${s.startFrame}: owed ${JSON.stringify(s.owed)}, ${s.probes} probes`);
  }
});

test('each sub-segment stall is shaded across all three lanes, from its start to its end', async () => {
  const g = await geometry(page);
  assert.equal(g.direction, 'ab');
  assert.equal(await assertStallShading(page, view, flowId, 'dark'), stallsShown(view, flowId, g.direction).length);
});

test('each probe of a stall is marked: a diamond in the probe colour on the sequence and window lanes', async () => {
  const g = await geometry(page);
  const data = drawnResult(fixture, g);
  assert.ok(data, 'the drawn series is not in the fixture');
  const orange = themeColour('dark', 'charts-orange');
  const m = data.markers;
  for (const s of stallsShown(view, flowId, g.direction)) {
    const probes = Array.from(m.time, (t, i) => ({ t, i })).filter(({ t, i }) => m.kind[i] === MarkerKind.PersistProbe && t > s.start && t <= s.end);
    assert.equal(probes.length, s.probes, `stall at ${s.start.toFixed(4)} s: ${probes.length} probe marks for ${s.probes} probes`);
    for (const { t } of probes) {
      const x = Math.round(xOf(g, t));
      for (const lane of ['sequence', 'window'] as const) {
        // Three columns through the diamond (r 4–5 px); on the sequence lane a window-full square is drawn over its middle.
        const points = [x - 1, x, x + 1].flatMap((px) => Array.from({ length: Math.floor(g.lanes[lane].height) }, (_, y) => [px, y] as [number, number]));
        const hits = (await pixels(page, lane, points)).filter((p) => near(p, orange, 12)).length;
        assert.ok(hits >= 5, `${lane} lane: no probe diamond at x ${x} (probe at ${t.toFixed(4)} s): ${hits} probe-coloured pixels`);
      }
    }
  }
});

test('the owed update: a triangle at the owed instant and a bracket from there to the reopening', async () => {
  const g = await geometry(page);
  const stalls = stallsShown(view, flowId, g.direction);
  assert.equal(await assertOwedMarkers(page, view, flowId, 'dark'), stalls.length);
  const red = themeColour('dark', 'editorError-foreground');
  const bg = themeColour('dark', 'editor-background');
  for (const s of stalls) {
    const [x0, x1] = [xOf(g, s.owed!.moment), xOf(g, s.end)];
    const inside = [0.3, 0.5, 0.7, 0.95].map((f) => [x0 + f * (x1 - x0), BRACKET_Y] as [number, number]);
    const got = await pixels(page, 'sequence', [...inside, [x1 + 4, BRACKET_Y], [x1 + 4, BRACKET_Y + 3]]);
    inside.forEach(([x], k) => assert.ok(near(got[k], red, 40), `no owed bracket at x ${x.toFixed(1)} (stall ${s.start.toFixed(4)}–${s.end.toFixed(4)} s): ${got[k].slice(0, 3)}`));
    // Past the reopening the bracket's row is empty again (the label above may run on): the bracket ends where the update came.
    for (const px of got.slice(inside.length)) assert.ok(near(px, bg, 8), `the owed bracket runs past the stall's end at ${s.end.toFixed(4)} s: ${px.slice(0, 3)}`);
  }
});

test("the legend says a stall is a window below one segment, and the threshold is the sender's segment", async () => {
  const legend = await page.locator('.lane-sequence .legend-item').allInnerTexts();
  assert.ok(legend.includes('stall (window < 1 segment)'), `sequence legend: ${JSON.stringify(legend)}`);
  assert.ok((await page.locator('.lane-window .legend-item').allInnerTexts()).includes('1 segment'));
  assert.match((await page.locator('.lane-window canvas').getAttribute('aria-label')) ?? '', new RegExp(`stall threshold \\(one segment of the sender's\\) ${SEGMENT} bytes`));
  assert.deepEqual(await page.evaluate(() => (window as unknown as { __harness: { errors: string[] } }).__harness.errors), []);
});
