/**
 * Interruptions of a live source (a socket that dropped and reconnected): a hatched band across every
 * lane from where data stopped to where it resumed, or to the data's end while still cut off. The
 * reason goes in the tooltip (pointer.ts).
 */
import type { LiveState } from '../../src/protocol';
import type { Theme } from '../theme';
import { clipToPlot } from './draw';
import { GUTTER, type Lane } from './laneDom';
import type { Scale } from './scales';

export type Gap = LiveState['gaps'][number];

/** Spacing of the hatch lines (CSS px). */
const HATCH = 6;

/** The gap at time t, if any; an open gap (end null) runs to `dataEnd`. */
export function gapAt(gaps: readonly Gap[], t: number, dataEnd: number): Gap | null {
  return gaps.find((g) => t >= g.start && t <= (g.end ?? Math.max(dataEnd, g.start))) ?? null;
}

export function drawGaps(ctx: CanvasRenderingContext2D, lane: Lane, x: Scale, gaps: readonly Gap[], dataEnd: number, theme: Theme): void {
  if (gaps.length === 0) return;
  clipToPlot(ctx, lane);
  for (const g of gaps) {
    const x0 = Math.round(x(g.start));
    const x1 = Math.max(Math.round(x(g.end ?? Math.max(dataEnd, g.start))), x0 + 2);
    if (x1 < GUTTER || x0 > GUTTER + lane.width) continue;
    ctx.save();
    ctx.beginPath();
    ctx.rect(x0, 0, x1 - x0, lane.height);
    ctx.clip();
    ctx.fillStyle = theme.background;
    ctx.fillRect(x0, 0, x1 - x0, lane.height);
    // Diagonal hatching: "no data here", distinct from the stall shading's flat tint.
    ctx.strokeStyle = theme.muted;
    ctx.globalAlpha = 0.55;
    ctx.lineWidth = theme.line;
    ctx.beginPath();
    for (let sx = x0 - lane.height; sx < x1; sx += HATCH) {
      ctx.moveTo(sx, lane.height);
      ctx.lineTo(sx + lane.height, 0);
    }
    ctx.stroke();
    ctx.globalAlpha = 1;
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.moveTo(x0 + 0.5, 0);
    ctx.lineTo(x0 + 0.5, lane.height);
    if (g.end !== null) {
      ctx.moveTo(x1 - 0.5, 0);
      ctx.lineTo(x1 - 0.5, lane.height);
    }
    ctx.stroke();
    ctx.restore();
  }
  ctx.restore();
}
