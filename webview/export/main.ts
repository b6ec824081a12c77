/**
 * The bug report's timeline page, run in headless Chromium by `tcp-flow-lens report`: it lays out
 * the editor's three lanes at a fixed size in the light theme and draws them with the editor's own
 * renderFrame. The CLI screenshots it for timeline.png and asks `svg()` for timeline.svg, which
 * replays the same renderFrame into SvgContext and adds the lane headers and axes from the page.
 */
import { scaleLinear } from 'd3';
import type { ComparePagePayload, TimelinePagePayload } from '../../src/protocol';
import { h, s } from '../dom';
import { readTheme } from '../theme';
import { createLane, fitCanvas, GUTTER, type Lane, LANE_IDS } from '../timeline/laneDom';
import { updateLegends } from '../timeline/legends';
import { renderFrame } from '../timeline/renderFrame';
import { createStateStrip, fitStrip, type StateStrip } from '../timeline/stateStrip';
import { applyLightTheme } from './lightTheme';
import { SvgContext } from './svgContext';
import { decodeTyped } from './typed';
import { svgDocument } from './svgDocument';
import { drawCompare } from './compare';


interface Drawn {
  root: HTMLElement;
  lanes: Lane[];
  /** The limited-by strip (the timeline page has one, the before/after overlay not). */
  strip?: StateStrip;
  paint(lanes: Lane[], strip?: StateStrip): void;
}

let drawn: Drawn | undefined;

function draw(json: string): void {
  const payload = decodeTyped<TimelinePagePayload>(JSON.parse(json));
  applyLightTheme();
  const lanes = LANE_IDS.map((id) => createLane(id, () => undefined));
  const timeAxis = s('svg', { class: 'time-axis', 'aria-hidden': 'true' });
  const strip = createStateStrip();
  const root = h(
    'div',
    { id: 'report', class: 'report' },
    h('div', { class: 'report-title' }, payload.title),
    ...payload.subtitle.map((line) => h('div', { class: 'report-subtitle' }, line)),
    h('div', { class: 'lanes' }, ...lanes.map((l) => l.element)),
    timeAxis,
    strip.element,
  );
  root.style.width = `${payload.width}px`;
  document.body.replaceChildren(root);
  for (const lane of lanes) fitCanvas(lane);
  fitStrip(strip, lanes[0].width);
  const paint = (into: Lane[], intoStrip?: StateStrip) => {
    // The selection over the plot, in the lanes' coordinates (the plot starts at GUTTER).
    const x = scaleLinear().domain([payload.t0, payload.t1]).range([GUTTER, GUTTER + lanes[0].width]);
    renderFrame({ lanes: into, timeAxis, x, data: payload.series, stalls: payload.stalls, theme: readTheme(), selected: null, hovered: null, hoverX: null, notes: payload.notes, strip: intoStrip });
  };
  drawn = { root, lanes, strip, paint };
  paint(lanes, strip);
  updateLegends(lanes, payload.series);
}

/** The before/after overlay (compare.ts). */
function compare(json: string): void {
  drawn = drawCompare(decodeTyped<ComparePagePayload>(JSON.parse(json)));
}

/** timeline.svg: renderFrame again, each lane's canvas calls recorded by an SvgContext, placed where the canvases are. */
function svg(): string {
  const d = drawn;
  if (!d) throw new Error('nothing drawn yet');
  const measurer = document.createElement('canvas').getContext('2d')!;
  const measure = (font: string, text: string) => {
    measurer.font = font;
    return measurer.measureText(text);
  };
  const contexts = new Map<Lane, SvgContext>();
  const recording = d.lanes.map((lane) => {
    const ctx = new SvgContext(1 / (window.devicePixelRatio || 1), measure, `${lane.id}-`);
    contexts.set(lane, ctx);
    return { ...lane, canvas: { getContext: () => ctx } as unknown as HTMLCanvasElement };
  });
  const stripContext = new SvgContext(1 / (window.devicePixelRatio || 1), measure, 'strip-');
  d.paint(recording, d.strip ? { ...d.strip, canvas: { getContext: () => stripContext } as unknown as HTMLCanvasElement } : undefined);
  const canvases = d.lanes.map((lane) => ({ canvas: lane.canvas, content: contexts.get(lane)!.toSvg() }));
  if (d.strip) canvases.push({ canvas: d.strip.canvas, content: stripContext.toSvg() });
  return svgDocument(d.root, canvases, readTheme().background);
}

Object.assign(window, { __tflReport: { draw, compare, svg } });
