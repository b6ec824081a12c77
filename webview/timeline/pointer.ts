/**
 * Pointer interaction on the lanes beyond d3-zoom's wheel and drag: hover (crosshair, tooltip,
 * packet details fetched on demand), click to select a packet, shift-drag to zoom to a range.
 */
import type { PacketDetails, SeriesResult, StallRow } from '../../src/protocol';
import { h } from '../dom';
import { formatCount } from '../format';
import { type Gap, gapAt } from './gaps';
import { type Hit, hitTest } from './hit';
import { GUTTER, type Lane, type LaneId } from './laneDom';
import { type Scale, stepAt } from './scales';
import type { Tooltip } from './tooltip';

/** Wait this long on a packet before asking the host for its details. */
const DETAILS_DELAY_MS = 60;

/** What the pointer handlers need of the timelines (timeline.ts): where things are, what is drawn, and what to do. */
export interface PointerTarget {
  readonly lanesElement: HTMLElement;
  readonly lanes: readonly Lane[];
  readonly tooltip: Tooltip;
  /** The whole timeline's height, to keep the tooltip inside it. */
  height(): number;
  plotWidth(): number;
  /** The current time scale (zoom applied). */
  x(): Scale;
  /** What is on screen for the flow shown: the series answer, each lane's value scale, its stalls; null with no flow. */
  shown(): { data: SeriesResult | undefined; scales: ReadonlyMap<LaneId, Scale>; stalls: readonly StallRow[]; gaps?: readonly Gap[]; dataEnd?: number } | null;
  /** Draw the hover ring and crosshair at `hit` and `x` (null: none). */
  hover(hit: Hit | null, x: number | null): void;
  hoveredFrame(): number | null;
  /** The right-click menu at a time and a pointer position (with the packet under the pointer); false when there is none to show. */
  contextMenu(at: { time: number; clientX: number; clientY: number }): boolean;
  selectPacket(hit: Hit | null): void;
  zoomTo(t0: number, t1: number): void;
  packetDetails(frame: number): Promise<PacketDetails>;
}

export function attachPointer(tl: PointerTarget): void {
  const el = tl.lanesElement;
  const details = new Map<number, PacketDetails>();
  let detailsTimer: ReturnType<typeof setTimeout> | undefined;
  let band: { startX: number; el: HTMLElement } | null = null;
  let downAt: { x: number; y: number } | null = null;

  const local = (e: PointerEvent | MouseEvent) => {
    const r = el.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top, rect: r };
  };
  const laneAt = (clientY: number): { lane: Lane; y: number } | null => {
    for (const lane of tl.lanes) {
      if (lane.collapsed) continue;
      const r = lane.body.getBoundingClientRect();
      if (clientY >= r.top && clientY <= r.bottom) return { lane, y: clientY - r.top };
    }
    return null;
  };

  function hover(e: PointerEvent): void {
    const p = local(e);
    const at = laneAt(e.clientY);
    const inPlot = at && p.x >= GUTTER && p.x <= GUTTER + at.lane.width;
    const shown = tl.shown();
    if (!inPlot || !shown) return leave();
    const x = tl.x();
    const t = x.invert(p.x);
    const data = shown.data;
    const hit = data ? hitTest(data, at.lane.id, x, shown.scales.get(at.lane.id), p.x, at.y) : null;
    tl.hover(hit, p.x);
    const stall = shown.stalls.find((s) => t >= s.start && t <= s.end) ?? null;
    const gap = gapAt(shown.gaps ?? [], t, shown.dataEnd ?? t);
    const gapShown = gap ? { reason: gap.reason, open: gap.end === null } : null;
    const show = () => tl.tooltip.show({ hit, details: hit ? (details.get(hit.frame) ?? null) : null, reading: reading(data, at.lane, t), stall, time: t, gap: gapShown }, p.x, p.y, { width: p.rect.width, height: tl.height() });
    show();
    clearTimeout(detailsTimer);
    if (hit && hit.count === 1 && !details.has(hit.frame)) {
      detailsTimer = setTimeout(() => {
        tl.packetDetails(hit.frame)
          .then((d) => {
            details.set(hit.frame, d);
            if (tl.hoveredFrame() === hit.frame) show();
          })
          .catch(() => undefined); // the tooltip keeps what the series knew
      }, DETAILS_DELAY_MS);
    }
  }

  /** Right-click: the host's menu (add a note here, to the packet, to the visible range). */
  el.addEventListener('contextmenu', (e) => {
    const p = local(e);
    const x = Math.min(Math.max(p.x, GUTTER), GUTTER + tl.plotWidth());
    if (tl.contextMenu({ time: tl.x().invert(x), clientX: e.clientX, clientY: e.clientY })) e.preventDefault();
  });

  function leave(): void {
    tl.hover(null, null);
    tl.tooltip.hide();
  }

  el.addEventListener('pointermove', (e) => {
    if (band) return dragBand(e);
    if (e.buttons === 0) hover(e);
  });
  el.addEventListener('pointerleave', () => !band && leave());
  el.addEventListener('pointerdown', (e) => {
    downAt = { x: e.clientX, y: e.clientY };
    if (!e.shiftKey || e.button !== 0) return;
    const p = local(e);
    if (p.x < GUTTER) return;
    band = { startX: p.x, el: h('div', { class: 'rubber-band' }) };
    el.append(band.el);
    el.setPointerCapture(e.pointerId);
    dragBand(e);
  });
  el.addEventListener('pointerup', (e) => {
    if (!band) return;
    const p = local(e);
    const [a, b] = [Math.min(band.startX, p.x), Math.max(band.startX, p.x)];
    band.el.remove();
    band = null;
    if (b - a >= 4) {
      const x = tl.x();
      tl.zoomTo(x.invert(Math.max(GUTTER, a)), x.invert(Math.min(GUTTER + tl.plotWidth(), b)));
    }
  });
  el.addEventListener('click', (e) => {
    // A click is a press without movement; after a pan it is not a selection.
    if (!downAt || Math.hypot(e.clientX - downAt.x, e.clientY - downAt.y) > 3 || e.shiftKey) return;
    const at = laneAt(e.clientY);
    const p = local(e);
    const shown = tl.shown();
    if (!at || !shown?.data || p.x < GUTTER) return;
    const hit = hitTest(shown.data, at.lane.id, tl.x(), shown.scales.get(at.lane.id), p.x, at.y);
    tl.selectPacket(hit && hit.count === 1 ? hit : null);
  });

  function dragBand(e: PointerEvent): void {
    if (!band) return;
    const p = local(e);
    const x = Math.max(GUTTER, Math.min(GUTTER + tl.plotWidth(), p.x));
    band.el.style.left = `${Math.min(band.startX, x)}px`;
    band.el.style.width = `${Math.abs(x - band.startX)}px`;
  }
}

/** The hovered lane's own values at time t. */
function reading(d: SeriesResult | undefined, lane: Lane, t: number): string | null {
  if (!d) return null;
  const v = (times: Float64Array, values: Float64Array) => stepAt(times, values, t);
  if (lane.id === 'window') {
    const w = v(d.window.time, d.window.bytes);
    const b = v(d.bytesInFlight.time, d.bytesInFlight.bytes);
    return `window ${w === null ? '—' : `${formatCount(w)} B`} · in flight ${b === null ? '—' : `${formatCount(b)} B`}`;
  }
  if (lane.id === 'recvq') {
    const q = v(d.recvQ.time, d.recvQ.bytes);
    return `Recv-Q ${q === null ? '—' : `${formatCount(q)} B`} (${d.recvQ.source === 'inferred' ? 'inferred' : 'measured'})`;
  }
  const ack = v(d.acks.time, d.acks.ack);
  const edge = v(d.acks.time, d.acks.rightEdge);
  return ack === null ? null : `ACK ${formatCount(ack)} · right edge ${formatCount(edge ?? ack)}`;
}
