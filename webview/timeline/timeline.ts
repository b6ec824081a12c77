/**
 * The timelines of the selected flow: three lanes on one time axis, zoomed and panned together.
 * It owns the zoom transform and the series cache; drawing is coalesced to one frame per
 * requestAnimationFrame, and the host is asked for series again (debounced) when the view changes.
 */
import { type ZoomTransform, zoomIdentity } from 'd3';
import type { Direction, FlowRow, LimitShareRow, NoteRow, PacketDetails, SeriesQuery, SeriesResult, StallRow } from '../../src/protocol';
import { h, s } from '../dom';
import { dataEnds } from '../format';
import type { Theme } from '../theme';
import { atLiveEdge, edgeView, LiveEdge } from './follow';
import type { Gap } from './gaps';
import { stallsFor } from './highlights';
import { findFrame, type Hit } from './hit';
import { createLane, fitCanvas, GUTTER, LANE_IDS, type Lane, type LaneId, RIGHT_MARGIN, setCollapsed } from './laneDom';
import { describeLanes, updateLegends } from './legends';
import { SeriesCache } from './lod-cache';
import { attachPointer } from './pointer';
import { renderFrame } from './renderFrame';
import { baseTimeScale, type Scale } from './scales';
import { attachStripTooltip, createStateStrip, describeStrip, fitStrip, type StateStrip } from './stateStrip';
import { Tooltip } from './tooltip';
import { animateTo, createZoom, pannedBy, transformFor, type ZoomController, zoomedBy } from './zoom';

export interface TimelineHost {
  series(query: SeriesQuery): Promise<SeriesResult>;
  packet(flowId: number, frame: number): Promise<PacketDetails>;
  onViewChange(view: { t0: number; t1: number }): void;
  onCollapse(collapsed: LaneId[]): void;
  onPacketSelect(flowId: number, frame: number | null): void;
  /** Right-click in a lane: the time under the pointer and the packet there, if any; (x, y) in the timeline's coordinates. */
  onContextMenu?(at: { time: number; hit: Hit | null; x: number; y: number }): void;
  /** Following the live edge turned on or off (a zoom or pan away from it, back to it, or the toggle). */
  onFollowChange?(following: boolean): void;
}

export class Timeline {
  readonly element: HTMLElement;
  readonly lanesElement: HTMLElement;
  private readonly lanes: Lane[];
  private readonly tooltip: Tooltip;
  private readonly cache: SeriesCache;
  private readonly timeAxis = s('svg', { class: 'time-axis', 'aria-hidden': 'true' });
  private readonly status = h('div', { class: 'timeline-status', role: 'status' });
  private readonly strip: StateStrip = createStateStrip();
  private readonly zoom: ZoomController;
  flow: FlowRow | null = null;
  direction: Direction = 'ab';
  private stalls: StallRow[] = [];
  private base: Scale = baseTimeScale(0, 1, GUTTER, GUTTER + 1);
  private transform: ZoomTransform = zoomIdentity;
  private extent: { t0: number; t1: number } | null = null;
  private data: SeriesResult | undefined;
  private scales = new Map<LaneId, Scale>();
  private hovered: Hit | null = null;
  private hoverX: number | null = null;
  private selected: Hit | null = null;
  private selectedFrame: number | null = null;
  private frame = 0;
  private allStalls: StallRow[] = [];
  /** The selected flow's notes, and the one chosen in the Notes list. */
  notes: NoteRow[] = [];
  selectedNoteId: string | null = null;
  /** Whether the capture grows (a live source, a file still being read) and the view follows its end. */
  private readonly edge: LiveEdge;
  private gaps: readonly Gap[] = [];
  /** Set while the user (keys, toolbar, a chosen finding) moves the view through code rather than d3's own events. */
  private userMove = false;
  /** The selected flow's limited-by split (the flow list's row), for the strip's shares; null without data. */
  limitShare: LimitShareRow | null = null;

  constructor(
    readonly host: TimelineHost,
    public theme: Theme,
    collapsed: LaneId[],
  ) {
    this.lanes = LANE_IDS.map((id) => createLane(id, (lane) => this.toggleLane(lane)));
    for (const lane of this.lanes) setCollapsed(lane, collapsed.includes(lane.id));
    this.tooltip = new Tooltip(() => this.theme);
    this.lanesElement = h('div', { class: 'lanes', tabindex: '0', role: 'group', 'aria-roledescription': 'timeline', 'aria-describedby': 'timeline-keys' }, ...this.lanes.map((l) => l.element));
    this.edge = new LiveEdge(this.lanesElement, (on) => this.host.onFollowChange?.(on));
    const keys = h('p', { class: 'visually-hidden', id: 'timeline-keys' }, 'Keys: plus and minus zoom, left and right arrows pan, 0 resets the zoom, d switches direction, n and p go to the next and previous finding, m adds a note. Shift-drag zooms to a range; right-click adds a note.');
    this.element = h('section', { class: 'timeline', 'aria-label': 'Timelines' }, this.lanesElement, this.timeAxis, this.strip.element, this.status, this.tooltip.element, keys);
    // The strip's canvas starts where the plot starts: its x + GUTTER is the lanes' x.
    attachStripTooltip(this.strip, this.element, this.tooltip, {
      limits: () => this.data?.limits,
      share: () => this.stripShare(),
      timeAt: (canvasX) => this.x().invert(canvasX + GUTTER),
    });
    this.cache = new SeriesCache(
      (q) => this.host.series(q),
      () => this.onSeries(),
      (err) => this.setStatus(`Could not load the timeline: ${err.message}`, true),
    );
    this.zoom = createZoom(this.lanesElement, (t, byUser) => this.onZoom(t, byUser));
    attachPointer({
      lanesElement: this.lanesElement,
      lanes: this.lanes,
      tooltip: this.tooltip,
      height: () => this.element.clientHeight,
      plotWidth: () => this.plotWidth(),
      x: () => this.x(),
      shown: () => (this.flow ? { data: this.data, scales: this.scales, stalls: this.stalls, gaps: this.gaps, dataEnd: this.extent?.t1 } : null),
      hover: (hit, x) => {
        this.hovered = hit;
        this.hoverX = x;
        this.schedule();
      },
      hoveredFrame: () => this.hovered?.frame ?? null,
      contextMenu: ({ time, clientX, clientY }) => {
        if (!this.flow || !this.host.onContextMenu) return false;
        const box = this.element.getBoundingClientRect();
        this.host.onContextMenu({ time, hit: this.hovered, x: clientX - box.left, y: clientY - box.top });
        return true;
      },
      selectPacket: (hit) => this.selectPacket(hit),
      zoomTo: (t0, t1) => this.zoomTo(t0, t1),
      packetDetails: (frame) => this.packetDetails(frame),
    });
    // Lane bodies change size on their own too (a legend wrapping to a second line, a lane collapsing).
    const resize = new ResizeObserver(() => this.layout());
    resize.observe(this.lanesElement);
    for (const lane of this.lanes) resize.observe(lane.body);
  }

  /** Where a note added now belongs: the selected packet, else the one under the pointer, else the instant under it. */
  noteTarget(): { packet: Hit | null; hoverX: number | null } {
    return { packet: this.selected ?? this.hovered, hoverX: this.hoverX };
  }

  /**
   * The capture grew (a later revision of the summary, issue 13): answers cached for the old data are
   * dropped, so the next draw asks again; the first answer brings the flow's new extent (onSeries),
   * and an unzoomed view widens to it.
   */
  dataChanged(): void {
    this.cache.clear();
  }

  /** Shows a flow (or none), restoring a persisted view window when given. */
  setFlow(flow: FlowRow | null, stalls: StallRow[], direction: Direction, view?: { t0: number; t1: number }): void {
    const same = flow && this.flow?.id === flow.id;
    this.flow = flow;
    this.allStalls = stalls;
    this.direction = direction;
    this.stalls = flow ? stallsFor(stalls, flow.id, direction) : [];
    this.selected = null;
    this.selectedFrame = null;
    this.hovered = null;
    this.tooltip.hide();
    if (!same) {
      this.data = undefined;
      this.extent = flow ? { t0: flow.start, t1: flow.start + flow.duration } : null;
    }
    this.element.classList.toggle('empty', !flow);
    this.lanesElement.setAttribute('aria-label', flow ? `Timelines of data ${dataEnds(flow, direction).join(' → ')}` : 'No flow selected');
    this.setStatus(flow ? 'Loading the timeline…' : 'Select a flow to see its timelines.');
    this.layout(view ?? (same ? undefined : 'reset'));
    this.requestSeries(true);
    // A cached answer produces no new reply: show it (and clear the status) now.
    this.onSeries();
  }

  setDirection(direction: Direction): void {
    if (!this.flow || direction === this.direction) return;
    const view = this.view();
    this.setFlow(this.flow, this.allStalls, direction, view ?? undefined);
  }

  /**
   * The same flow in a newer summary of a growing capture: new stalls, and when it grew a new extent
   * (the view follows it or stays, see follow.ts) and fresh series; the selected packet, the zoom and
   * the lanes stay as they are.
   */
  update(flow: FlowRow, stalls: StallRow[]): void {
    if (this.flow?.id !== flow.id) return this.setFlow(flow, stalls, this.direction);
    const grew = flow.packetsAtoB + flow.packetsBtoA !== this.flow.packetsAtoB + this.flow.packetsBtoA || flow.duration !== this.flow.duration || flow.start !== this.flow.start;
    this.flow = flow;
    this.allStalls = stalls;
    this.stalls = stallsFor(stalls, flow.id, this.direction);
    if (grew) {
      // Cached answers describe the flow as it was: keep drawing the last one until the new one comes.
      this.cache.clear();
      this.setExtent({ t0: flow.start, t1: flow.start + flow.duration });
      this.requestSeries(true);
    }
    this.schedule();
  }

  /** Whether the capture still grows; when it stops, following no longer means anything. */
  setGrowing(growing: boolean): void {
    this.edge.setGrowing(growing);
  }

  /** A live source's interruptions, drawn as hatched bands. */
  setGaps(gaps: readonly Gap[]): void {
    this.gaps = gaps;
    this.lanesElement.dataset.gaps = String(gaps.length);
    this.schedule();
  }

  get isFollowing(): boolean {
    return this.edge.following;
  }

  /** The Follow toggle: on, the view jumps to the live edge (keeping its width) and moves with it. */
  setFollowing(on: boolean): void {
    this.edge.set(on);
    const view = this.view();
    if (!on || !view || !this.extent || atLiveEdge(view, this.extent)) return;
    this.layout(edgeView(view, this.domain()));
    this.host.onViewChange(this.view()!);
    this.requestSeries();
  }

  /** The notes to draw (the selected flow's), and the one to highlight. */
  setNotes(notes: NoteRow[], selectedId: string | null = this.selectedNoteId): void {
    this.notes = notes;
    this.selectedNoteId = selectedId;
    this.schedule();
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.schedule();
  }

  /** The visible time window. */
  view(): { t0: number; t1: number } | null {
    if (!this.flow) return null;
    const [t0, t1] = this.x().domain();
    return { t0, t1 };
  }

  x(): Scale {
    return this.transform.rescaleX(this.base);
  }

  zoomBy(factor: number): void {
    this.userSet(zoomedBy(this.base, this.transform, factor));
  }

  panBy(fraction: number): void {
    this.userSet(pannedBy(this.base, this.transform, fraction));
  }

  resetZoom(): void {
    this.userSet(zoomIdentity);
  }

  zoomTo(t0: number, t1: number, animate = true): void {
    animateTo(this.base, this.transform, t0, t1, !animate || this.theme.reducedMotion, (t) => this.userSet(t));
  }

  /** A view change the user asked for (keys, buttons, a finding): it decides following like a wheel or drag does. */
  private userSet(t: ZoomTransform): void {
    this.userMove = true;
    try {
      this.zoom.set(t);
    } finally {
      this.userMove = false;
    }
  }

  /** Rings a packet and reports it, to show its details. */
  selectPacket(hit: Hit | null): void {
    this.selected = hit;
    this.selectedFrame = hit?.frame ?? null;
    if (this.flow) this.host.onPacketSelect(this.flow.id, hit?.frame ?? null);
    this.schedule();
  }

  /** Recomputes the base scale after a resize or a new extent, keeping the visible window. */
  layout(keep?: { t0: number; t1: number } | 'reset'): void {
    // At full view (k = 1) a resize keeps the full view rather than a time window.
    const view = keep === 'reset' || (keep === undefined && this.transform.k === 1) ? null : (keep ?? this.view());
    for (const lane of this.lanes) if (!lane.collapsed) fitCanvas(lane);
    const width = this.plotWidth();
    fitStrip(this.strip, width);
    const ext = this.extent ?? { t0: 0, t1: 1 };
    this.base = baseTimeScale(ext.t0, ext.t1, GUTTER, GUTTER + width);
    this.zoom.configure(this.base, this.lanesElement.clientHeight);
    this.transform = view ? transformFor(this.base, view.t0, view.t1) : zoomIdentity;
    this.zoom.set(this.transform);
    if (!this.data) this.requestSeries(true);
    this.schedule();
  }

  plotWidth(): number {
    return Math.max(1, this.lanesElement.clientWidth - GUTTER - RIGHT_MARGIN);
  }

  /** Coalesces redraws to one per animation frame. */
  schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  packetDetails(frame: number): Promise<PacketDetails> {
    return this.flow ? this.host.packet(this.flow.id, frame) : Promise.reject(new Error('no flow'));
  }

  private draw(): void {
    if (!this.flow) return;
    const x = this.x();
    const [t0, t1] = x.domain();
    this.data = this.cache.best({ flowId: this.flow.id, direction: this.direction, t0, t1, pixelWidth: this.pixelWidth() }) ?? this.data;
    if (this.data && (this.data.query.flowId !== this.flow.id || this.data.query.direction !== this.direction)) this.data = undefined;
    if (this.selectedFrame !== null && this.data) this.selected = findFrame(this.data, this.selectedFrame) ?? this.selected;
    this.scales = renderFrame({ lanes: this.lanes, timeAxis: this.timeAxis, x, data: this.data, stalls: this.stalls, theme: this.theme, selected: this.selected, hovered: this.hovered, hoverX: this.hoverX, notes: this.notes, selectedNoteId: this.selectedNoteId, strip: this.strip, gaps: this.gaps, dataEnd: this.extent?.t1 });
    updateLegends(this.lanes, this.data);
    this.lanesElement.dataset.t0 = String(t0);
    this.lanesElement.dataset.t1 = String(t1);
    this.lanesElement.dataset.plotLeft = String(GUTTER);
    this.lanesElement.dataset.plotWidth = String(this.plotWidth());
    // Which answer is on screen: lets tests (and bug reports) tie pixels to data.
    this.lanesElement.dataset.state = this.data ? 'ready' : 'loading';
    if (this.data) this.lanesElement.dataset.query = JSON.stringify(this.data.query);
    else delete this.lanesElement.dataset.query;
    for (const lane of this.lanes) lane.canvas.setAttribute('aria-label', describeLanes(lane.id, this.data, this.stalls, this.notes));
    this.strip.canvas.setAttribute('aria-label', describeStrip(this.data?.limits, this.stripShare()));
  }

  /** The flow row's limited-by shares when they are of the direction shown. */
  private stripShare(): LimitShareRow | null {
    return this.limitShare?.direction === this.direction ? this.limitShare : null;
  }

  private pixelWidth(): number {
    return Math.round(this.plotWidth() * (window.devicePixelRatio || 1));
  }

  private requestSeries(now = false): void {
    // Not laid out yet (hidden): the resize that lays it out asks.
    if (!this.flow || this.lanesElement.clientWidth === 0) return;
    const [t0, t1] = this.x().domain();
    const view = { flowId: this.flow.id, direction: this.direction, t0, t1, pixelWidth: this.pixelWidth() };
    if (now) this.cache.wantNow(view, this.extent ?? undefined);
    else this.cache.want(view, this.extent ?? undefined);
  }

  private onSeries(): void {
    if (!this.flow) return;
    const best = this.cache.best({ flowId: this.flow.id, direction: this.direction, ...this.view()!, pixelWidth: this.pixelWidth() });
    if (!best) return;
    this.setStatus(best.segments.time.length === 0 && best.acks.time.length === 0 ? `No data from ${this.direction === 'ab' ? 'A to B' : 'B to A'} in this flow. Press d to switch direction.` : '');
    this.setExtent(best.extent);
    this.schedule();
  }

  /** A new data extent (the series knows it best; a growing flow's summary says it first): the view follows it or stays. */
  private setExtent(ext: { t0: number; t1: number }): void {
    if (this.extent && Math.abs(ext.t0 - this.extent.t0) <= 1e-9 && Math.abs(ext.t1 - this.extent.t1) <= 1e-9) return;
    const view = this.view();
    const fullView = this.transform.k === 1;
    this.extent = { t0: ext.t0, t1: ext.t1 };
    const next = this.edge.viewAfterGrowth(view, fullView, this.domain());
    this.layout(next);
    if (!this.edge.growing) return;
    const now = this.view();
    if (now && (next === 'reset' || next !== view)) this.host.onViewChange(now);
  }

  /** The time range the base scale spans for the current extent (the extent and its padding). */
  private domain(): { t0: number; t1: number } {
    const ext = this.extent ?? { t0: 0, t1: 1 };
    const [t0, t1] = baseTimeScale(ext.t0, ext.t1, 0, 1).domain();
    return { t0, t1 };
  }

  private onZoom(t: ZoomTransform, byUser: boolean): void {
    if (t === this.transform) return;
    this.transform = t;
    this.hovered = null;
    // Only the user's own moves decide following: a scroll back stops it, a move back to the edge resumes it.
    const view = this.view();
    if ((byUser || this.userMove) && this.extent && view) this.edge.userMoved(view, this.extent);
    if (byUser) this.tooltip.hide();
    this.schedule();
    if (view) this.host.onViewChange(view);
    this.requestSeries();
  }

  private toggleLane(lane: Lane): void {
    setCollapsed(lane, !lane.collapsed);
    this.host.onCollapse(this.lanes.filter((l) => l.collapsed).map((l) => l.id));
    // Collapsing changes the other lanes' heights: after layout, fit and redraw.
    requestAnimationFrame(() => this.layout());
  }

  setStatus(text: string, error = false): void {
    this.status.textContent = text;
    this.status.hidden = text === '';
    this.status.classList.toggle('error', error);
  }
}
