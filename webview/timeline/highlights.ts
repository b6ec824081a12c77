/**
 * What the timelines are for: stall episodes shaded across every lane, and at each instant a window
 * update was owed, an unmistakable marker — an error-coloured triangle with "update owed", a dashed
 * line through all lanes, and a bracket from that instant to the update that finally came.
 */
import type { StallRow } from '../../src/protocol';
import { formatDuration } from '../format';
import type { Theme } from '../theme';
import { clipToPlot } from './draw';
import { GUTTER, type Lane } from './laneDom';
import type { Scale } from './scales';

/** Height of the strip at the top of the first lane where owed markers and brackets go (CSS px). */
export const MARKER_STRIP = 30;
/** The owed triangle: its apex points down at the owed instant, from y = 2 to 2 + TRIANGLE. */
export const TRIANGLE = 11;

/** Stall shading: a translucent band per episode over the lane's full height (outlined in high contrast). */
export function drawStallShading(ctx: CanvasRenderingContext2D, lane: Lane, x: Scale, stalls: StallRow[], theme: Theme): void {
  clipToPlot(ctx, lane);
  for (const st of stalls) {
    const x0 = x(st.start);
    const x1 = Math.max(x(st.end), x0 + 1);
    if (x1 < GUTTER || x0 > GUTTER + lane.width) continue;
    ctx.globalAlpha = theme.stallAlpha;
    ctx.fillStyle = theme.stall;
    ctx.fillRect(x0, 0, x1 - x0, lane.height);
    if (theme.highContrast) {
      ctx.globalAlpha = 1;
      ctx.strokeStyle = theme.stall;
      ctx.setLineDash([4, 3]);
      ctx.strokeRect(x0 + 0.5, 0.5, x1 - x0 - 1, lane.height - 1);
      ctx.setLineDash([]);
    }
  }
  ctx.restore();
}

/** The dashed owed line through a lane, at each owed instant. */
export function drawOwedLines(ctx: CanvasRenderingContext2D, lane: Lane, x: Scale, stalls: StallRow[], theme: Theme, top: number): void {
  ctx.save();
  ctx.strokeStyle = theme.owed;
  ctx.lineWidth = 1.5 * theme.line;
  ctx.setLineDash([5, 4]);
  ctx.beginPath();
  for (const st of stalls) {
    if (!st.owed) continue;
    const px = Math.round(x(st.owed.moment)) + 0.5;
    if (px < GUTTER || px > GUTTER + lane.width) continue;
    ctx.moveTo(px, top);
    ctx.lineTo(px, lane.height);
  }
  ctx.stroke();
  ctx.restore();
}

/**
 * In the top strip of the first visible lane: the triangle and label at the owed instant and a
 * bracket spanning to the reopening (the stall's end), labelled with the lag.
 */
export function drawOwedMarkers(ctx: CanvasRenderingContext2D, lane: Lane, x: Scale, stalls: StallRow[], theme: Theme): void {
  clipToPlot(ctx, lane);
  const font = `600 ${Math.round(theme.fontSize * 0.85)}px ${theme.fontFamily}`;
  ctx.font = font;
  ctx.textBaseline = 'middle';
  const owed = stalls.filter((st) => st.owed).sort((a, b) => a.owed!.moment - b.owed!.moment);
  owed.forEach((st, k) => {
    const at = x(st.owed!.moment);
    const nextAt = k + 1 < owed.length ? x(owed[k + 1].owed!.moment) : Infinity;
    const end = x(st.end);
    if (end < GUTTER || at > GUTTER + lane.width) return;
    const half = TRIANGLE * 0.6;
    // Triangle, apex down at the owed instant.
    ctx.fillStyle = theme.owed;
    ctx.beginPath();
    ctx.moveTo(at - half, 2);
    ctx.lineTo(at + half, 2);
    ctx.lineTo(at, 2 + TRIANGLE);
    ctx.closePath();
    ctx.fill();
    if (theme.highContrast) {
      ctx.strokeStyle = theme.foreground;
      ctx.lineWidth = 1;
      ctx.stroke();
    }
    // Bracket from the owed instant to the update that came: ├────┤ below the triangle.
    const by = 2 + TRIANGLE + 6;
    ctx.strokeStyle = theme.owed;
    ctx.lineWidth = 2 * theme.line;
    ctx.beginPath();
    ctx.moveTo(at, by - 5);
    ctx.lineTo(at, by + 5);
    ctx.moveTo(at, by);
    ctx.lineTo(end, by);
    ctx.moveTo(end, by - 5);
    ctx.lineTo(end, by + 5);
    ctx.stroke();
    // Label right of the triangle when there is room, so neighbouring episodes do not overprint.
    // The label goes right of the triangle, in full or short, only where it ends before the next triangle.
    const lx = at + half + 4;
    const room = Math.min(nextAt - half - 6, GUTTER + lane.width) - lx;
    const label = [`update owed ${formatDuration(st.end - st.owed!.moment)}`, 'update owed'].find((text) => ctx.measureText(text).width <= room);
    if (label) {
      const w = ctx.measureText(label).width;
      ctx.fillStyle = theme.background;
      ctx.globalAlpha = 0.85;
      ctx.fillRect(lx - 2, 1, w + 4, TRIANGLE + 2);
      ctx.globalAlpha = 1;
      ctx.fillStyle = theme.owed;
      ctx.fillText(label, lx, 2 + TRIANGLE / 2 + 0.5);
    }
  });
  ctx.restore();
}

/** Stalls of a flow whose receiver is the one the current direction shows. */
export function stallsFor(stalls: StallRow[], flowId: number, direction: 'ab' | 'ba'): StallRow[] {
  const receiver = direction === 'ab' ? 'b' : 'a';
  return stalls.filter((st) => st.flowId === flowId && st.receiver === receiver);
}
