/**
 * The three lanes' DOM: each a canvas for the data (sized in device pixels, drawn in CSS pixels
 * after scaling the context) and an SVG gutter for its value axis; all share the time axis below.
 * Lanes can be collapsed; a collapsed lane keeps its header so it can be opened again.
 */
import { axisBottom, axisLeft, select } from 'd3';
import { h, s } from '../dom';
import { formatAxisBytes } from '../format';
import { icon } from '../icons';
import { type Scale, tickCount } from './scales';

export type LaneId = 'sequence' | 'window' | 'recvq';
export const LANE_IDS: LaneId[] = ['sequence', 'window', 'recvq'];

/** Width of the value-axis gutter left of the plot, and the free margin right of it (CSS px). */
export const GUTTER = 64;
export const RIGHT_MARGIN = 16;

const TITLES: Record<LaneId, string> = {
  sequence: 'Sequence',
  window: 'Window',
  recvq: 'Recv-Q',
};

export interface Lane {
  id: LaneId;
  element: HTMLElement;
  body: HTMLElement;
  canvas: HTMLCanvasElement;
  axis: SVGSVGElement;
  legend: HTMLElement;
  note: HTMLElement;
  toggle: HTMLButtonElement;
  /** Plot size in CSS px (canvas backing store is this × devicePixelRatio). */
  width: number;
  height: number;
  collapsed: boolean;
}

export function createLane(id: LaneId, onToggle: (lane: Lane) => void): Lane {
  const canvas = h('canvas', { class: 'plot', role: 'img', 'aria-label': `${TITLES[id]} lane` });
  const axis = s('svg', { class: 'value-axis', 'aria-hidden': 'true' });
  const legend = h('div', { class: 'legend', 'aria-hidden': 'true' });
  const note = h('div', { class: 'lane-note', hidden: '' });
  const toggle = h('button', { type: 'button', class: 'lane-toggle', 'aria-expanded': 'true', 'aria-controls': `lane-body-${id}`, title: `Collapse or expand the ${TITLES[id]} lane` }, icon('chevronDown'), h('span', {}, TITLES[id]));
  const body = h('div', { class: 'lane-body', id: `lane-body-${id}` }, axis, canvas);
  const header = h('div', { class: 'lane-header' }, toggle, legend, note);
  const element = h('div', { class: `lane lane-${id}`, 'data-lane': id }, header, body);
  const lane: Lane = { id, element, body, canvas, axis, legend, note, toggle, width: 0, height: 0, collapsed: false };
  toggle.addEventListener('click', () => onToggle(lane));
  return lane;
}

export function setCollapsed(lane: Lane, collapsed: boolean): void {
  lane.collapsed = collapsed;
  lane.element.classList.toggle('collapsed', collapsed);
  lane.toggle.setAttribute('aria-expanded', String(!collapsed));
  lane.toggle.replaceChild(icon(collapsed ? 'chevronRight' : 'chevronDown'), lane.toggle.firstChild!);
}

/** Sizes the canvas backing store to the body's box × devicePixelRatio; true when it changed. */
export function fitCanvas(lane: Lane): boolean {
  const rect = lane.body.getBoundingClientRect();
  return sizeCanvas(lane, Math.max(0, Math.floor(rect.width - GUTTER - RIGHT_MARGIN)), Math.max(0, Math.floor(rect.height)));
}

/** Sizes a plot canvas to `width` × `height` CSS px (backing store × devicePixelRatio); true when it changed. */
export function sizeCanvas(lane: Pick<Lane, 'canvas' | 'width' | 'height'>, width: number, height: number): boolean {
  const dpr = window.devicePixelRatio || 1;
  const changed = width !== lane.width || height !== lane.height || lane.canvas.width !== Math.round(width * dpr);
  lane.width = width;
  lane.height = height;
  if (changed) {
    lane.canvas.width = Math.round(width * dpr);
    lane.canvas.height = Math.round(height * dpr);
    lane.canvas.style.width = `${width}px`;
    lane.canvas.style.height = `${height}px`;
  }
  return changed;
}

/**
 * A 2D context in CSS pixels with x in the lanes' coordinates (the plot starts at GUTTER), filled
 * with the editor background so the canvas is a complete picture on its own (copy, export, tests).
 */
export function laneContext(lane: Pick<Lane, 'canvas' | 'width' | 'height'>, background: string): CanvasRenderingContext2D {
  const ctx = lane.canvas.getContext('2d')!;
  const dpr = window.devicePixelRatio || 1;
  ctx.setTransform(dpr, 0, 0, dpr, -GUTTER * dpr, 0);
  ctx.fillStyle = background;
  ctx.fillRect(GUTTER, 0, lane.width, lane.height);
  return ctx;
}

/** Draws the lane's value axis in its gutter. */
export function drawValueAxis(lane: Lane, y: Scale, label: string): void {
  const svg = select(lane.axis).attr('width', GUTTER).attr('height', lane.height);
  const ticks = tickCount(lane.height - 16);
  svg.selectAll<SVGGElement, number>('g.axis').data([0]).join('g').attr('class', 'axis').attr('transform', `translate(${GUTTER - 1},0)`).call(axisLeft(y).ticks(ticks).tickFormat((v) => formatAxisBytes(Number(v))).tickSizeOuter(0));
  svg.selectAll('text.axis-label').data([label]).join('text').attr('class', 'axis-label').attr('transform', `translate(11,${lane.height / 2}) rotate(-90)`).attr('text-anchor', 'middle').text((d) => d);
}

/** Horizontal grid lines at the value ticks, faint, under the data. */
export function drawGrid(ctx: CanvasRenderingContext2D, lane: Lane, y: Scale, color: string): void {
  ctx.save();
  ctx.strokeStyle = color;
  ctx.globalAlpha = 0.25;
  ctx.lineWidth = 1;
  ctx.beginPath();
  for (const v of y.ticks(tickCount(lane.height - 16))) {
    const py = Math.round(y(v)) + 0.5;
    ctx.moveTo(GUTTER, py);
    ctx.lineTo(GUTTER + lane.width, py);
  }
  ctx.stroke();
  ctx.restore();
}

/** The shared time axis under the lanes. */
export function drawTimeAxis(svg: SVGSVGElement, x: Scale, width: number): void {
  const sel = select(svg).attr('width', GUTTER + width + RIGHT_MARGIN).attr('height', 30);
  const axis = axisBottom(x).ticks(tickCount(width, 90)).tickSizeOuter(0);
  const domain = x.domain();
  const spanMs = (domain[1] - domain[0]) * 1000;
  // Below 10 ms of view the ticks are easier to read as offsets in ms, with the base printed once.
  axis.tickFormat(spanMs < 10 ? (v) => `${((Number(v) - domain[0]) * 1000).toFixed(3)}` : x.tickFormat(tickCount(width, 90)));
  sel.selectAll<SVGGElement, number>('g.axis').data([0]).join('g').attr('class', 'axis').call(axis);
  const label = spanMs < 10 ? `ms after ${domain[0].toFixed(6)} s` : 'time (s)';
  sel.selectAll('text.axis-label').data([label]).join('text').attr('class', 'axis-label').attr('x', GUTTER + width).attr('y', 28).attr('text-anchor', 'end').text((d) => d);
}

/** Sets the legend entries of a lane: a swatch class and a label each. */
export function setLegend(lane: Lane, items: [string, string][]): void {
  lane.legend.replaceChildren(...items.map(([swatch, label]) => h('span', { class: 'legend-item' }, h('span', { class: `swatch ${swatch}` }), label)));
}

/** A short note in the lane header (e.g. "window scale unknown: raw values"); empty hides it. */
export function setNote(lane: Lane, text: string, kind: 'warning' | 'info' = 'info'): void {
  lane.note.hidden = text === '';
  lane.note.className = `lane-note ${kind}`;
  lane.note.replaceChildren(...(text ? [icon(kind === 'warning' ? 'warning' : 'info'), h('span', {}, text)] : []));
}
