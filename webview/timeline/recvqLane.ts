/**
 * The Recv-Q lane: the receiver's queue, measured (ss samples, a NAT trace: solid, a dot per sample)
 * or inferred from the capture (dashed over a hatched area, labelled), so the two never look alike.
 */
import type { SeriesResult } from '../../src/protocol';
import type { Theme } from '../theme';
import { clipToPlot, stepAreaPath, strokeStep } from './draw';
import { GUTTER, type Lane } from './laneDom';
import { maxIn, type Scale, visibleRange } from './scales';

export function recvQExtent(data: SeriesResult, t0: number, t1: number): number {
  const [a, b] = visibleRange(data.recvQ.time, t0, t1);
  const hi = maxIn(data.recvQ.bytes, a, b);
  return hi > 0 ? hi * 1.1 : Math.max(1, data.extent.recvQMax);
}

export function isMeasured(data: SeriesResult): boolean {
  return data.recvQ.source !== 'inferred';
}

export function drawRecvQLane(ctx: CanvasRenderingContext2D, lane: Lane, x: Scale, y: Scale, data: SeriesResult, theme: Theme): void {
  const [t0, t1] = x.domain();
  const q = data.recvQ;
  const [from, to] = visibleRange(q.time, t0, t1);
  if (to <= from) return;
  const tEnd = Math.min(data.extent.t1, t1);
  const measured = isMeasured(data);
  clipToPlot(ctx, lane);
  // Area under the queue: solid tint when measured, diagonal hatching when inferred.
  stepAreaPath(ctx, q.time, q.bytes, from, to, x, y, tEnd);
  ctx.save();
  if (measured) {
    ctx.fillStyle = theme.recvQ;
    ctx.globalAlpha = 0.22;
    ctx.fill();
  } else {
    ctx.clip();
    ctx.strokeStyle = theme.recvQ;
    ctx.globalAlpha = 0.35;
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let px = GUTTER - lane.height; px < GUTTER + lane.width; px += 6) {
      ctx.moveTo(px, lane.height);
      ctx.lineTo(px + lane.height, 0);
    }
    ctx.stroke();
  }
  ctx.restore();
  strokeStep(ctx, q.time, q.bytes, from, to, x, y, tEnd, theme.recvQ, (measured ? 2 : 1.5) * theme.line, measured ? [] : [5, 4]);
  if (measured && (to - from) * 6 < lane.width) {
    ctx.fillStyle = theme.recvQ;
    for (let i = from; i < to; i++) {
      ctx.beginPath();
      ctx.arc(x(q.time[i]), y(q.bytes[i]), 2.5, 0, Math.PI * 2);
      ctx.fill();
    }
  }
  ctx.restore();
}
