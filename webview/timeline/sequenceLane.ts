/**
 * The sequence lane, tcptrace-style: each data segment a vertical bar from seq to seq + len, the
 * receiver's ACK line and receive-window line (ack + window) as steps, SACK blocks beside the bars,
 * retransmissions in their own colour and weight, persist probes as diamonds (the host sends them as markers), and every marker the
 * host sent (out-of-window crosses, zero-window and window-full marks).
 */
import { AnalysisFlag, MarkerKind, type SeriesResult } from '../../src/protocol';
import type { Theme } from '../theme';
import { clipToPlot, drawGlyph, markerStyle, strokeStep } from './draw';
import type { Lane } from './laneDom';
import { type Scale, stepAt, visibleRange } from './scales';

const RETRANSMITTED = AnalysisFlag.RETRANSMISSION | AnalysisFlag.FAST_RETRANSMISSION | AnalysisFlag.SPURIOUS_RETRANSMISSION;
const PROBE = AnalysisFlag.PERSIST_PROBE | AnalysisFlag.ZERO_WINDOW_PROBE;

/** The sequence range to fit the lane to: visible bars and the ACK/window lines. */
export function sequenceExtent(data: SeriesResult, t0: number, t1: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  const seg = data.segments;
  const [a, b] = visibleRange(seg.time, t0, t1);
  for (let i = a; i < b; i++) {
    lo = Math.min(lo, seg.seq[i]);
    hi = Math.max(hi, seg.end[i]);
  }
  const acks = data.acks;
  const [c, d] = visibleRange(acks.time, t0, t1);
  for (let i = c; i < d; i++) {
    lo = Math.min(lo, acks.ack[i]);
    hi = Math.max(hi, acks.rightEdge[i]);
  }
  if (!Number.isFinite(lo)) return [0, Math.max(1, data.extent.seqMax)];
  // Near the start of the flow, anchor at 0 so the axis reads like Wireshark's.
  if (lo < (hi - lo) * 0.25) lo = 0;
  return [lo, hi];
}

export function drawSequenceLane(ctx: CanvasRenderingContext2D, lane: Lane, x: Scale, y: Scale, data: SeriesResult, theme: Theme): void {
  const [t0, t1] = x.domain();
  clipToPlot(ctx, lane);
  const tEnd = Math.min(data.extent.t1, t1);
  const acks = data.acks;
  const [a0, a1] = visibleRange(acks.time, t0, t1);
  strokeStep(ctx, acks.time, acks.rightEdge, a0, a1, x, y, tEnd, theme.window, 1.5 * theme.line);
  strokeStep(ctx, acks.time, acks.ack, a0, a1, x, y, tEnd, theme.ack, 1.5 * theme.line);
  drawSacks(ctx, x, y, data, t0, t1, theme);
  drawSegments(ctx, x, y, data, t0, t1, theme);
  drawMarkers(ctx, x, y, data, t0, t1, theme);
  ctx.restore();
}

function drawSacks(ctx: CanvasRenderingContext2D, x: Scale, y: Scale, data: SeriesResult, t0: number, t1: number, theme: Theme): void {
  const sk = data.sacks;
  const [from, to] = visibleRange(sk.time, t0, t1);
  if (to <= from) return;
  ctx.strokeStyle = theme.sack;
  ctx.lineWidth = 2 * theme.line;
  ctx.beginPath();
  for (let i = from; i < to; i++) {
    // Offset right of the ACK that carried them, so they do not hide data bars.
    const px = x(sk.time[i]) + 3;
    ctx.moveTo(px, y(sk.left[i]));
    ctx.lineTo(px, y(sk.right[i]));
  }
  ctx.stroke();
}

function drawSegments(ctx: CanvasRenderingContext2D, x: Scale, y: Scale, data: SeriesResult, t0: number, t1: number, theme: Theme): void {
  const seg = data.segments;
  const [from, to] = visibleRange(seg.time, t0, t1);
  // Caps (the tcptrace "I") only when bars are tall and far apart enough to show them.
  const spacing = to - from > 1 ? barSpacing(x, seg.time, from, to) : Infinity;
  const passes: [string, number, (f: number) => boolean][] = [
    [theme.data, 1.25 * theme.line, (f) => (f & (RETRANSMITTED | PROBE)) === 0],
    [theme.retransmission, 2.5 * theme.line, (f) => (f & RETRANSMITTED) !== 0 && (f & PROBE) === 0],
    // Probes that carry a byte (BSD, Windows); Linux's zero-length probes come as markers only.
    [theme.probe, 2.5 * theme.line, (f) => (f & PROBE) !== 0],
  ];
  for (const [color, width, match] of passes) {
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.beginPath();
    for (let i = from; i < to; i++) {
      if (!match(seg.flags[i]) || seg.end[i] <= seg.seq[i]) continue;
      const px = Math.round(x(seg.time[i])) + 0.5;
      const top = y(seg.end[i]);
      const bottom = y(seg.seq[i]);
      ctx.moveTo(px, bottom);
      ctx.lineTo(px, Math.min(top, bottom - 1));
      if (spacing > 8 && bottom - top > 6) {
        ctx.moveTo(px - 2.5, top);
        ctx.lineTo(px + 2.5, top);
        ctx.moveTo(px - 2.5, bottom);
        ctx.lineTo(px + 2.5, bottom);
      }
    }
    ctx.stroke();
  }
}

function barSpacing(x: Scale, times: Float64Array, from: number, to: number): number {
  return (x(times[to - 1]) - x(times[from])) / (to - from);
}

/**
 * Where a marker sits in sequence space. Sender marks carry their relative seq; the receiver's
 * window marks carry the window in bytes (the window lane's unit), so in this lane they go on the
 * receiver's lines: a zero window on the ACK line, a window update at its new right edge.
 */
export function markerSeq(data: SeriesResult, i: number): number {
  const m = data.markers;
  const kind = m.kind[i];
  if (kind !== MarkerKind.ZeroWindow && kind !== MarkerKind.WindowUpdate) return m.value[i];
  const ack = stepAt(data.acks.time, data.acks.ack, m.time[i] + 1e-9);
  if (ack === null) return m.value[i];
  return kind === MarkerKind.ZeroWindow ? ack : ack + m.value[i];
}

function drawMarkers(ctx: CanvasRenderingContext2D, x: Scale, y: Scale, data: SeriesResult, t0: number, t1: number, theme: Theme): void {
  const m = data.markers;
  const [from, to] = visibleRange(m.time, t0, t1);
  for (let i = from; i < to; i++) {
    const kind = m.kind[i];
    const style = markerStyle(kind, theme);
    // Retransmissions are drawn as their bars; a marker ring would hide them.
    if (!style || kind === MarkerKind.Retransmission) continue;
    ctx.strokeStyle = style.color;
    ctx.fillStyle = style.color;
    // Window-full marks are common in bulk transfers: keep them light so they do not bury the bars.
    ctx.lineWidth = (style.shape === 'cross' ? 2.5 : kind === MarkerKind.WindowFull ? 1 : 1.5) * theme.line;
    const py = y(markerSeq(data, i));
    // Zero-window marks sit just above the line they close, pointing down at it.
    const dy = style.shape === 'down' ? -6 : 0;
    const r = style.shape === 'cross' ? 5 : style.shape === 'diamond' ? 5 * Math.sqrt(theme.line) : kind === MarkerKind.WindowFull ? 2.5 : 4;
    drawGlyph(ctx, style.shape, x(m.time[i]), py + dy, r, style.fill);
  }
}
