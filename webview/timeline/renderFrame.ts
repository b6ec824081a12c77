/**
 * One frame of the timelines: for each open lane, its value scale fitted to what is visible, grid,
 * stall shading, the lane's data, owed lines (and in the top lane the owed markers), notes, the selected and
 * hovered packet; then the axes and the limited-by strip under them. The editor and the bug report's
 * image (webview/export) both draw with it.
 */
import type { NoteRow, SeriesResult, StallRow } from '../../src/protocol';
import type { Theme } from '../theme';
import { drawOwedLines, drawOwedMarkers, drawStallShading, MARKER_STRIP } from './highlights';
import type { Hit } from './hit';
import { drawGrid, drawTimeAxis, drawValueAxis, GUTTER, type Lane, type LaneId, laneContext } from './laneDom';
import { drawNotes } from './notes';
import { drawRecvQLane, isMeasured, recvQExtent } from './recvqLane';
import { type Scale, valueScale } from './scales';
import { drawSequenceLane, sequenceExtent } from './sequenceLane';
import { drawStateStrip, type StateStrip } from './stateStrip';
import { drawWindowLane, windowExtent } from './windowLane';

export interface Frame {
  lanes: Lane[];
  timeAxis: SVGSVGElement;
  x: Scale;
  data: SeriesResult | undefined;
  stalls: StallRow[];
  theme: Theme;
  selected: Hit | null;
  hovered: Hit | null;
  hoverX: number | null;
  /** Notes of the flow (all directions), and the one selected in the Notes list. */
  notes?: readonly NoteRow[];
  selectedNoteId?: string | null;
  /** The limited-by strip under the time axis, when the page has one. */
  strip?: StateStrip;
}

const AXIS_LABELS: Record<LaneId, string> = { sequence: 'relative seq', window: 'bytes', recvq: 'bytes' };

/** Draws every open lane; returns the value scale each one used (for hit testing). */
export function renderFrame(f: Frame): Map<LaneId, Scale> {
  const scales = new Map<LaneId, Scale>();
  const open = f.lanes.filter((l) => !l.collapsed && l.width > 0 && l.height > 0);
  const [t0, t1] = f.x.domain();
  open.forEach((lane, i) => {
    const top = i === 0;
    const y = laneScale(lane, f.data, t0, t1, top);
    scales.set(lane.id, y);
    const ctx = laneContext(lane, f.theme.background);
    drawGrid(ctx, lane, y, f.theme.grid);
    drawStallShading(ctx, lane, f.x, f.stalls, f.theme);
    if (f.data) {
      if (lane.id === 'sequence') drawSequenceLane(ctx, lane, f.x, y, f.data, f.theme);
      else if (lane.id === 'window') drawWindowLane(ctx, lane, f.x, y, f.data, f.theme);
      else drawRecvQLane(ctx, lane, f.x, y, f.data, f.theme);
    }
    drawOwedLines(ctx, lane, f.x, f.stalls, f.theme, top ? MARKER_STRIP : 0);
    if (top) drawOwedMarkers(ctx, lane, f.x, f.stalls, f.theme);
    drawNotes(ctx, lane, f.x, f.notes ?? [], f.theme, f.selectedNoteId ?? null);
    drawPacketRings(ctx, lane, f, y);
    drawValueAxis(lane, y, lane.id === 'recvq' && f.data ? (isMeasured(f.data) ? 'bytes' : 'bytes (inferred)') : AXIS_LABELS[lane.id]);
  });
  drawTimeAxis(f.timeAxis, f.x, open[0]?.width ?? f.lanes[0].width);
  if (f.strip) drawStateStrip(f.strip, f.x, f.data?.limits, f.theme);
  return scales;
}

function laneScale(lane: Lane, data: SeriesResult | undefined, t0: number, t1: number, top: boolean): Scale {
  const topPad = top ? MARKER_STRIP + 6 : 10;
  if (!data) return valueScale(0, 1, lane.height, topPad);
  if (lane.id === 'sequence') {
    const [lo, hi] = sequenceExtent(data, t0, t1);
    const pad = (hi - lo) * 0.04;
    return valueScale(Math.max(0, lo - pad), hi + pad, lane.height, topPad);
  }
  if (lane.id === 'window') return valueScale(0, windowExtent(data, t0, t1), lane.height, topPad);
  return valueScale(0, recvQExtent(data, t0, t1), lane.height, topPad);
}

/** A crosshair at the pointer's time in every lane; rings around the hovered and the selected packet in the sequence lane. */
function drawPacketRings(ctx: CanvasRenderingContext2D, lane: Lane, f: Frame, y: Scale): void {
  ctx.save();
  if (f.hoverX !== null && f.hoverX >= GUTTER && f.hoverX <= GUTTER + lane.width) {
    ctx.strokeStyle = f.theme.muted;
    ctx.globalAlpha = 0.6;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(Math.round(f.hoverX) + 0.5, 0);
    ctx.lineTo(Math.round(f.hoverX) + 0.5, lane.height);
    ctx.stroke();
    ctx.globalAlpha = 1;
  }
  if (lane.id === 'sequence') {
    for (const [hit, color, width] of [
      [f.hovered, f.theme.foreground, 1.5],
      [f.selected, f.theme.selection, 2.5],
    ] as const) {
      if (!hit) continue;
      const px = f.x(hit.time);
      const top = y(hit.end);
      const bottom = y(hit.seq);
      ctx.strokeStyle = color;
      ctx.lineWidth = width * f.theme.line;
      ctx.beginPath();
      ctx.roundRect(px - 5, top - 5, 10, Math.max(10, bottom - top + 10), 4);
      ctx.stroke();
    }
  }
  ctx.restore();
}
