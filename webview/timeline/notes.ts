/**
 * Notes on the lanes: a dotted line at a packet or instant note, a tinted band with edges for a
 * range, and in every lane a numbered badge at its foot (the number of the Notes list and of the
 * bug report), so a note reads the same on the screen, in the exported image and in report.md.
 */
import type { NoteRow } from '../../src/protocol';
import type { Theme } from '../theme';
import { clipToPlot } from './draw';
import { GUTTER, type Lane } from './laneDom';
import type { Scale } from './scales';

/** Badge height (CSS px); it sits this far above the lane's bottom edge. */
export const NOTE_BADGE = 14;

export function drawNotes(ctx: CanvasRenderingContext2D, lane: Lane, x: Scale, notes: readonly NoteRow[], theme: Theme, selectedId: string | null = null): void {
  if (notes.length === 0) return;
  clipToPlot(ctx, lane);
  for (const note of notes) {
    const x0 = x(note.time);
    const x1 = note.end !== undefined ? Math.max(x(note.end), x0 + 1) : x0;
    if (x1 < GUTTER - NOTE_BADGE || x0 > GUTTER + lane.width + NOTE_BADGE) continue;
    const selected = note.id === selectedId;
    ctx.strokeStyle = theme.note;
    ctx.fillStyle = theme.note;
    ctx.lineWidth = (selected ? 2 : 1.25) * theme.line;
    if (note.end !== undefined) {
      ctx.globalAlpha = 0.08;
      ctx.fillRect(x0, 0, x1 - x0, lane.height);
      ctx.globalAlpha = 1;
    }
    ctx.setLineDash([2, 3]);
    ctx.beginPath();
    for (const px of note.end !== undefined ? [x0, x1] : [x0]) {
      ctx.moveTo(Math.round(px) + 0.5, 0);
      ctx.lineTo(Math.round(px) + 0.5, lane.height - NOTE_BADGE - 2);
    }
    ctx.stroke();
    ctx.setLineDash([]);
    drawBadge(ctx, lane, x0, String(note.label), theme, selected);
  }
  ctx.restore();
}

function drawBadge(ctx: CanvasRenderingContext2D, lane: Lane, px: number, label: string, theme: Theme, selected: boolean): void {
  ctx.font = `600 ${Math.round(theme.fontSize * 0.8)}px ${theme.fontFamily}`;
  const w = Math.max(NOTE_BADGE, ctx.measureText(label).width + 8);
  const top = lane.height - NOTE_BADGE - 2;
  ctx.fillStyle = theme.note;
  ctx.beginPath();
  ctx.roundRect(px - w / 2, top, w, NOTE_BADGE, 3);
  ctx.fill();
  if (selected || theme.highContrast) {
    ctx.strokeStyle = theme.foreground;
    ctx.lineWidth = 1;
    ctx.stroke();
  }
  ctx.fillStyle = theme.background;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText(label, px, top + NOTE_BADGE / 2 + 0.5);
  ctx.textAlign = 'left';
}

/** Notes of one flow, for the lanes. */
export function notesFor(notes: readonly NoteRow[], flowId: number): NoteRow[] {
  return notes.filter((n) => n.flowId === flowId);
}
