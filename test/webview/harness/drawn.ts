/**
 * Assertions on what the timelines drew, read back from the canvases at known pixels: the stall
 * shading and the owed markers, in any theme and at any device pixel ratio. Shared by the timeline
 * tests (dark, whole flow) and the screenshot tests (every theme and scale, zoomed in).
 */
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { CaptureView } from '../../../src/protocol';
import { MARKER_STRIP_PROBE_Y, SHADING_PROBE_ROWS, STALL_ALPHA } from './expect';
import { blend, geometry, near, pixels, stallsShown, themeColour, xOf } from './probe';

/** Every stall of the flow wide enough to probe (≥ 10 px) and wholly in view is shaded from its start to its end, and not beyond. Returns how many were checked. */
export async function assertStallShading(page: Page, view: CaptureView, flowId: number, theme: keyof typeof STALL_ALPHA): Promise<number> {
  const g = await geometry(page);
  const inPlot = (x: number) => x >= g.plotLeft && x <= g.plotLeft + g.plotWidth;
  const stalls = stallsShown(view, flowId, g.direction).filter((s) => xOf(g, s.end) - xOf(g, s.start) >= 10 && inPlot(xOf(g, s.start)) && inPlot(xOf(g, s.end)));
  const bg = themeColour(theme, 'editor-background');
  const shade = blend(bg, themeColour(theme, 'editorWarning-foreground'), STALL_ALPHA[theme]);
  const inAnyStall = (x: number) => view.stalls.some((s) => s.flowId === flowId && x >= xOf(g, s.start) - 1 && x <= xOf(g, s.end) + 1);
  // Sample where no data is drawn, so only the shading colours the pixel: the band above each lane's plot.
  for (const [lane, ys] of Object.entries(SHADING_PROBE_ROWS)) {
    const probes: { what: string; x: number; inside: boolean }[] = [];
    for (const s of stalls) {
      const [x0, x1] = [xOf(g, s.start), xOf(g, s.end)];
      probes.push({ what: `just inside the start of the stall at ${s.start.toFixed(4)} s`, x: x0 + 3, inside: true }, { what: `just inside its end at ${s.end.toFixed(4)} s`, x: x1 - 3, inside: true });
      for (const x of [x0 - 3, x1 + 3]) if (inPlot(x) && !inAnyStall(x)) probes.push({ what: `just outside the stall at ${s.start.toFixed(4)} s`, x, inside: false });
    }
    const got = await pixels(page, lane, probes.flatMap((p) => ys.map((y) => [p.x, y] as [number, number])));
    probes.forEach((p, k) => {
      ys.forEach((y, j) => {
        const px = got[k * ys.length + j];
        assert.ok(near(px, p.inside ? shade : bg, 8), `${theme}: ${lane} lane, ${p.what} (x ${p.x.toFixed(1)}, y ${y}): ${px.slice(0, 3)} is not ${p.inside ? `the stall shade ${shade}` : `the background ${bg}`}`);
      });
    });
  }
  return stalls.length;
}

/**
 * An owed triangle (error colour) stands at each instant in view where the shown direction owed an
 * update, and none anywhere in the marker strip when it owed nothing. Returns how many were checked.
 */
export async function assertOwedMarkers(page: Page, view: CaptureView, flowId: number, theme: keyof typeof STALL_ALPHA): Promise<number> {
  const g = await geometry(page);
  const red = themeColour(theme, 'editorError-foreground');
  const owedShown = stallsShown(view, flowId, g.direction).filter((s) => s.owed);
  if (owedShown.length === 0) {
    const xs = Array.from({ length: g.plotWidth }, (_, i) => g.plotLeft + i);
    const row = await pixels(page, 'sequence', xs.map((x) => [x, MARKER_STRIP_PROBE_Y]));
    const hits = row.filter((p) => near(p, red, 40)).length;
    assert.equal(hits, 0, `${theme}: ${hits} owed-coloured pixels in the marker strip of a flow that owes nothing`);
    return 0;
  }
  const inView = owedShown.filter((s) => xOf(g, s.owed!.moment) >= g.plotLeft + 1 && xOf(g, s.owed!.moment) <= g.plotLeft + g.plotWidth - 1);
  for (const s of inView) {
    const x = xOf(g, s.owed!.moment);
    const around = await pixels(page, 'sequence', [-1, 0, 1].map((dx) => [x + dx, MARKER_STRIP_PROBE_Y]));
    assert.ok(around.some((p) => near(p, red, 40)), `${theme}: no owed triangle at x ${x.toFixed(1)} (owed at ${s.owed!.moment.toFixed(4)} s): ${JSON.stringify(around)}`);
  }
  assert.match((await page.locator('.lane-sequence canvas').getAttribute('aria-label')) ?? '', /owed window update/);
  return inView.length;
}
