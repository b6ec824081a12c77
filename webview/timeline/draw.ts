/** Canvas primitives the lanes share: step lines, glyphs, marker shapes. */
import { MarkerKind } from '../../src/protocol';
import type { Theme } from '../theme';
import { GUTTER, type Lane } from './laneDom';
import type { Scale } from './scales';

/**
 * A step line: each value holds until the next sample's time; the last one holds until `tEnd`.
 * Decimated series (min/max pairs per pixel column) draw correctly as steps too.
 */
export function stepPath(ctx: CanvasRenderingContext2D, times: Float64Array, values: Float64Array, from: number, to: number, x: Scale, y: Scale, tEnd: number): void {
  if (to <= from) return;
  ctx.moveTo(x(times[from]), y(values[from]));
  for (let i = from + 1; i < to; i++) {
    const px = x(times[i]);
    ctx.lineTo(px, y(values[i - 1]));
    ctx.lineTo(px, y(values[i]));
  }
  ctx.lineTo(Math.max(x(tEnd), x(times[to - 1])), y(values[to - 1]));
}

/** The area under a step line down to y = 0 as the current path (begun here), to fill or clip: the same edge as `stepPath`. */
export function stepAreaPath(ctx: CanvasRenderingContext2D, times: Float64Array, values: Float64Array, from: number, to: number, x: Scale, y: Scale, tEnd: number): void {
  ctx.beginPath();
  stepPath(ctx, times, values, from, to, x, y, tEnd);
  ctx.lineTo(Math.max(x(tEnd), x(times[to - 1])), y(0));
  ctx.lineTo(x(times[from]), y(0));
  ctx.closePath();
}

export function strokeStep(ctx: CanvasRenderingContext2D, times: Float64Array, values: Float64Array, from: number, to: number, x: Scale, y: Scale, tEnd: number, color: string, width: number, dash: number[] = []): void {
  ctx.save();
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.lineJoin = 'round';
  ctx.setLineDash(dash);
  ctx.beginPath();
  stepPath(ctx, times, values, from, to, x, y, tEnd);
  ctx.stroke();
  ctx.restore();
}

export function diamond(ctx: CanvasRenderingContext2D, px: number, py: number, r: number): void {
  ctx.moveTo(px, py - r);
  ctx.lineTo(px + r, py);
  ctx.lineTo(px, py + r);
  ctx.lineTo(px - r, py);
  ctx.closePath();
}

export function cross(ctx: CanvasRenderingContext2D, px: number, py: number, r: number): void {
  ctx.moveTo(px - r, py - r);
  ctx.lineTo(px + r, py + r);
  ctx.moveTo(px + r, py - r);
  ctx.lineTo(px - r, py + r);
}

export function triangleDown(ctx: CanvasRenderingContext2D, px: number, py: number, r: number): void {
  ctx.moveTo(px - r, py - r);
  ctx.lineTo(px + r, py - r);
  ctx.lineTo(px, py + r * 0.7);
  ctx.closePath();
}

export function triangleUp(ctx: CanvasRenderingContext2D, px: number, py: number, r: number): void {
  ctx.moveTo(px - r, py + r);
  ctx.lineTo(px + r, py + r);
  ctx.lineTo(px, py - r * 0.7);
  ctx.closePath();
}

/** How each marker kind looks: colour, shape, filled or outlined. One glyph per kind, so they read apart without colour too. */
export function markerStyle(kind: MarkerKind, theme: Theme): { color: string; shape: 'diamond' | 'cross' | 'down' | 'up' | 'square' | 'ring' | 'tick'; fill: boolean; label: string } | null {
  switch (kind) {
    case MarkerKind.OutOfWindow:
      return { color: theme.outOfWindow, shape: 'cross', fill: false, label: 'out of window' };
    case MarkerKind.PersistProbe:
      return { color: theme.probe, shape: 'diamond', fill: true, label: 'persist probe' };
    case MarkerKind.ZeroWindow:
      return { color: theme.stall, shape: 'down', fill: true, label: 'zero window' };
    case MarkerKind.WindowFull:
      return { color: theme.windowFull, shape: 'square', fill: false, label: 'window full' };
    case MarkerKind.WindowUpdate:
      return { color: theme.ack, shape: 'up', fill: true, label: 'window update' };
    case MarkerKind.DuplicateAck:
      return { color: theme.muted, shape: 'tick', fill: false, label: 'duplicate ACK' };
    case MarkerKind.OutOfOrder:
      return { color: theme.sack, shape: 'ring', fill: false, label: 'out of order' };
    case MarkerKind.LostSegment:
      return { color: theme.retransmission, shape: 'tick', fill: false, label: 'previous segment not captured' };
    case MarkerKind.Retransmission:
      return { color: theme.retransmission, shape: 'ring', fill: false, label: 'retransmission' };
    default:
      return null;
  }
}

export function drawGlyph(ctx: CanvasRenderingContext2D, shape: string, px: number, py: number, r: number, fill: boolean): void {
  ctx.beginPath();
  switch (shape) {
    case 'diamond':
      diamond(ctx, px, py, r);
      break;
    case 'cross':
      cross(ctx, px, py, r);
      break;
    case 'down':
      triangleDown(ctx, px, py, r);
      break;
    case 'up':
      triangleUp(ctx, px, py, r);
      break;
    case 'square':
      ctx.rect(px - r, py - r, 2 * r, 2 * r);
      break;
    case 'ring':
      ctx.arc(px, py, r, 0, Math.PI * 2);
      break;
    default:
      ctx.moveTo(px, py - r);
      ctx.lineTo(px, py + r);
  }
  if (fill) ctx.fill();
  else ctx.stroke();
}

/** Saves the context and clips it to the lane's plot area, right of the gutter: the caller draws, then restores. */
export function clipToPlot(ctx: CanvasRenderingContext2D, lane: Pick<Lane, 'width' | 'height'>): void {
  ctx.save();
  ctx.beginPath();
  ctx.rect(GUTTER, 0, lane.width, lane.height);
  ctx.clip();
}
