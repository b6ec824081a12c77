/**
 * The window lane: the receiver's advertised window (scaled; raw with a warning when the scale is
 * unknown, dotted when it was inferred), the sender's bytes in flight, and the one-segment threshold
 * below which the flow counts as stalled. Zero-window and window-update marks sit on it too.
 */
import { MarkerKind, type SeriesResult } from '../../src/protocol';
import type { Theme } from '../theme';
import { clipToPlot, drawGlyph, stepAreaPath, strokeStep } from './draw';
import { GUTTER, type Lane } from './laneDom';
import { maxIn, type Scale, visibleRange } from './scales';

export function windowExtent(data: SeriesResult, t0: number, t1: number): number {
  const [a, b] = visibleRange(data.window.time, t0, t1);
  const [c, d] = visibleRange(data.bytesInFlight.time, t0, t1);
  const hi = Math.max(maxIn(data.window.bytes, a, b), maxIn(data.bytesInFlight.bytes, c, d), data.threshold * 1.5);
  return hi > 0 ? hi * 1.05 : Math.max(1, data.extent.windowMax);
}

export function drawWindowLane(ctx: CanvasRenderingContext2D, lane: Lane, x: Scale, y: Scale, data: SeriesResult, theme: Theme): void {
  const [t0, t1] = x.domain();
  const tEnd = Math.min(data.extent.t1, t1);
  clipToPlot(ctx, lane);
  // Bytes in flight: a soft area under its step line, the data colour.
  const bif = data.bytesInFlight;
  const [b0, b1] = visibleRange(bif.time, t0, t1);
  if (b1 > b0) {
    ctx.save();
    stepAreaPath(ctx, bif.time, bif.bytes, b0, b1, x, y, tEnd);
    ctx.fillStyle = theme.data;
    ctx.globalAlpha = 0.18;
    ctx.fill();
    ctx.restore();
    strokeStep(ctx, bif.time, bif.bytes, b0, b1, x, y, tEnd, theme.data, 1.25 * theme.line);
  }
  // One segment of the sender's (its effective segment size, not the receiver's MSS option): below it the sender may not send a full segment (the stall threshold).
  const ty = Math.round(y(data.threshold)) + 0.5;
  ctx.save();
  ctx.strokeStyle = theme.stall;
  ctx.lineWidth = 1 * theme.line;
  ctx.setLineDash([2, 3]);
  ctx.beginPath();
  ctx.moveTo(GUTTER, ty);
  ctx.lineTo(GUTTER + lane.width, ty);
  ctx.stroke();
  ctx.restore();
  ctx.fillStyle = theme.muted;
  ctx.font = `${Math.round(theme.fontSize * 0.8)}px ${theme.fontFamily}`;
  ctx.textBaseline = 'bottom';
  ctx.textAlign = 'right';
  ctx.fillText(`1 segment (${data.threshold} B)`, GUTTER + lane.width - 4, ty - 2);
  ctx.textAlign = 'left';
  // The advertised window: dotted when the scale was inferred, dashed when it is unknown (raw values).
  const w = data.window;
  const [w0, w1] = visibleRange(w.time, t0, t1);
  const dash = data.windowScale === 'inferred' || data.windowScale === 'assumed' ? [1.5, 3] : data.windowScale === 'unknown' ? [6, 3] : [];
  strokeStep(ctx, w.time, w.bytes, w0, w1, x, y, tEnd, theme.window, 2 * theme.line, dash);
  drawWindowMarks(ctx, x, y, data, t0, t1, theme);
  ctx.restore();
}

/** Zero-window marks at the window line's foot, window updates where it rises. */
function drawWindowMarks(ctx: CanvasRenderingContext2D, x: Scale, y: Scale, data: SeriesResult, t0: number, t1: number, theme: Theme): void {
  const m = data.markers;
  const [from, to] = visibleRange(m.time, t0, t1);
  for (let i = from; i < to; i++) {
    const kind = m.kind[i];
    if (kind !== MarkerKind.ZeroWindow && kind !== MarkerKind.WindowUpdate && kind !== MarkerKind.PersistProbe) continue;
    const px = x(m.time[i]);
    if (kind === MarkerKind.ZeroWindow) {
      ctx.fillStyle = theme.stall;
      drawGlyph(ctx, 'down', px, y(0) - 7, 4, true);
    } else if (kind === MarkerKind.WindowUpdate) {
      // The receiver's marks carry its window in bytes: this lane's unit.
      ctx.fillStyle = theme.ack;
      drawGlyph(ctx, 'up', px, y(m.value[i]) - 6, 4, true);
    } else {
      ctx.fillStyle = theme.probe;
      drawGlyph(ctx, 'diamond', px, y(0) - 14, 4, true);
    }
  }
}
