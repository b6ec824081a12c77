/**
 * The limited-by strip under the time axis (issue 19): what held the data sender back at each
 * instant, one colour per state, with a legend and a tooltip naming the interval under the pointer.
 * The host sends the intervals already merged to the pixel grid (SeriesResult.limits), so drawing is
 * one rectangle per interval. Idle is a thin line, so "nothing happening" does not read as "no data".
 */
import { LIMIT_STATES, type LimitShareRow, type SeriesResult } from '../../src/protocol';
import { h } from '../dom';
import { formatDuration, formatInstant } from '../format';
import { activeSeconds, formatShare, LIMIT_LABELS, LIMIT_MEANINGS } from '../limits';
import type { Theme } from '../theme';
import { clipToPlot } from './draw';
import { laneContext, sizeCanvas } from './laneDom';
import type { Scale } from './scales';
import type { Tooltip } from './tooltip';

/** Height of the strip's plot (CSS px). */
export const STRIP_HEIGHT = 10;
const IDLE = LIMIT_STATES.indexOf('idle');

export type Limits = NonNullable<SeriesResult['limits']>;

export interface StateStrip {
  element: HTMLElement;
  canvas: HTMLCanvasElement;
  legend: HTMLElement;
  /** Plot size in CSS px, like a lane's. */
  width: number;
  height: number;
}

export function createStateStrip(): StateStrip {
  const canvas = h('canvas', { class: 'strip-plot', role: 'img', 'aria-label': 'Limited-by strip' });
  const label = h('span', { class: 'strip-label', title: 'What held the data sender back at each instant' }, 'limited by');
  const legend = h(
    'div',
    { class: 'legend strip-legend', 'aria-hidden': 'true' },
    ...LIMIT_STATES.map((s) => h('span', { class: 'legend-item', title: LIMIT_MEANINGS[s] }, h('span', { class: `swatch sw-limit sw-limit-${s}` }), LIMIT_LABELS[s])),
  );
  const element = h('div', { class: 'state-strip' }, h('div', { class: 'strip-body' }, label, canvas), legend);
  return { element, canvas, legend, width: 0, height: 0 };
}

/** Sizes the strip's canvas to the lanes' plot width. */
export function fitStrip(strip: StateStrip, width: number): void {
  sizeCanvas(strip, Math.max(0, Math.floor(width)), STRIP_HEIGHT);
}

/** Draws the strip for the visible range; with no intervals (a direction that sends no data) it stays empty. */
export function drawStateStrip(strip: StateStrip, x: Scale, limits: Limits | undefined, theme: Theme): void {
  if (strip.width <= 0) return;
  const ctx = laneContext(strip, theme.background);
  if (!limits) return;
  clipToPlot(ctx, strip);
  const [t0, t1] = x.domain();
  for (let k = 0; k < limits.start.length; k++) {
    if (limits.end[k] <= t0 || limits.start[k] >= t1) continue;
    const x0 = x(limits.start[k]);
    // At least a device pixel, so a lone short interval still shows.
    const w = Math.max(x(limits.end[k]) - x0, 1 / (window.devicePixelRatio || 1));
    const state = limits.state[k];
    ctx.fillStyle = theme.limits[state] ?? theme.muted;
    // Whole CSS pixels, so the line is crisp rather than two half-tone rows.
    if (state === IDLE) ctx.fillRect(x0, Math.floor(strip.height / 2), w, Math.max(1, Math.round(theme.line)));
    else ctx.fillRect(x0, 0, w, strip.height);
  }
  ctx.restore();
}

/** Index of the interval holding time t, or -1. */
export function limitAt(limits: Limits, t: number): number {
  let lo = 0;
  let hi = limits.start.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (limits.end[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo < limits.start.length && limits.start[lo] <= t ? lo : -1;
}

/** The tooltip for interval k: its state, its span and duration, its share, and the state's share of the whole flow. */
export function stripTooltip(limits: Limits, k: number, share: LimitShareRow | null): HTMLElement[] {
  const state = LIMIT_STATES[limits.state[k]];
  const seconds = limits.end[k] - limits.start[k];
  const name = LIMIT_LABELS[state];
  const lines = [
    h('div', { class: 'tt-title' }, `Limited by ${name}`),
    h('div', {}, `${formatInstant(limits.start[k])} – ${formatInstant(limits.end[k])} · ${formatDuration(seconds)}`),
  ];
  const active = share ? activeSeconds(share) : 0;
  if (share && state !== 'idle' && active > 0) {
    lines.push(h('div', { class: 'tt-reading' }, `${formatShare(seconds / active)} of the flow’s time outside idle; ${name} in all ${formatShare(share.seconds[state] / active)}`));
  }
  lines.push(h('div', { class: 'muted' }, LIMIT_MEANINGS[state]));
  return lines;
}

/** What a screen reader hears for the strip: the shares of the flow, then how many intervals are in view. */
export function describeStrip(limits: Limits | undefined, share: LimitShareRow | null): string {
  if (!limits || !share) return 'Limited-by strip: this direction sends no data';
  const active = activeSeconds(share);
  const parts = LIMIT_STATES.filter((s) => s !== 'idle' && share.seconds[s] > 0).map((s) => `${LIMIT_LABELS[s]} ${formatShare(active > 0 ? share.seconds[s] / active : 0)}`);
  return `Limited-by strip: ${parts.join(', ') || 'idle'}; ${limits.start.length} interval${limits.start.length === 1 ? '' : 's'} in view`;
}

/** Hovering the strip: the interval under the pointer, its time and share, in the timeline's tooltip. */
export function attachStripTooltip(
  strip: StateStrip,
  container: HTMLElement,
  tooltip: Tooltip,
  at: { limits: () => Limits | undefined; share: () => LimitShareRow | null; timeAt: (canvasX: number) => number },
): void {
  const canvas = strip.canvas;
  canvas.addEventListener('pointermove', (e) => {
    const limits = at.limits();
    const box = container.getBoundingClientRect();
    const k = limits ? limitAt(limits, at.timeAt(e.clientX - canvas.getBoundingClientRect().left)) : -1;
    if (!limits || k < 0) return tooltip.hide();
    tooltip.showLines(stripTooltip(limits, k, at.share()), e.clientX - box.left, e.clientY - box.top, { width: box.width, height: box.height });
  });
  canvas.addEventListener('pointerleave', () => tooltip.hide());
}
