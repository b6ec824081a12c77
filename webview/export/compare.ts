/**
 * The before/after image of a report (`report --compare`): the two flows' Sequence lanes overlaid on
 * one time axis from each flow's start, each drawn by the editor's own sequence-lane code in one
 * colour of its own (before orange, after blue), so a fix's PR shows the staircase flatten out.
 */
import { scaleLinear } from 'd3';
import type { ComparePagePayload } from '../../src/protocol';
import { h, s } from '../dom';
import { readTheme, type Theme } from '../theme';
import { createLane, drawTimeAxis, drawValueAxis, fitCanvas, GUTTER, laneContext, drawGrid, type Lane } from '../timeline/laneDom';
import { drawSequenceLane, sequenceExtent } from '../timeline/sequenceLane';
import { valueScale } from '../timeline/scales';
import { applyLightTheme } from './lightTheme';

/** One colour for everything a run draws, so the two read apart. */
function runTheme(base: Theme, colour: string): Theme {
  return { ...base, data: colour, ack: colour, window: colour, sack: colour, retransmission: colour, probe: colour, outOfWindow: colour, windowFull: colour, stall: colour };
}

export function drawCompare(payload: ComparePagePayload): { root: HTMLElement; lanes: Lane[]; timeAxis: SVGSVGElement; paint(lanes: Lane[]): void } {
  applyLightTheme();
  const lane = createLane('sequence', () => undefined);
  const timeAxis = s('svg', { class: 'time-axis', 'aria-hidden': 'true' });
  const base = readTheme();
  const colours = [base.probe, base.data];
  lane.legend.replaceChildren(...payload.runs.map((r, k) => h('span', { class: 'legend-item' }, h('span', { class: `swatch ${k === 0 ? 'sw-probe-line' : 'sw-data-line'}` }), r.label)));
  const root = h('div', { id: 'report', class: 'report compare' }, h('div', { class: 'report-title' }, payload.title), h('div', { class: 'lanes' }, lane.element), timeAxis);
  root.style.width = `${payload.width}px`;
  document.body.replaceChildren(root);
  fitCanvas(lane);
  const paint = (lanes: Lane[]) => {
    const l = lanes[0];
    const x = scaleLinear().domain([0, payload.span]).range([GUTTER, GUTTER + l.width]);
    const extents = payload.runs.map((r) => sequenceExtent(r.series, 0, payload.span));
    const y = valueScale(0, Math.max(...extents.map((e) => e[1])), l.height, 10);
    const ctx = laneContext(l, base.background);
    drawGrid(ctx, l, y, base.grid);
    payload.runs.forEach((r, k) => drawSequenceLane(ctx, l, x, y, r.series, runTheme(base, colours[k])));
    drawValueAxis(l, y, 'relative seq');
    drawTimeAxis(timeAxis, x, l.width);
  };
  paint([lane]);
  return { root, lanes: [lane], timeAxis, paint };
}
