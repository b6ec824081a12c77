/**
 * The capture editor's page: header, reading bar, warnings, flow list, the selected flow's
 * timelines with their toolbar, the findings panel and the packet details. It keeps the view state
 * (selected flow, direction, zoom window, collapsed lanes, finding, sort, filter) in VS Code's
 * webview state so it survives hiding the tab, and tells the host what the user is looking at.
 */
import { type CaptureView, type Direction, type EditorCommand, type FindingRow, type FlowRow, MessageType, type NoteRow } from '../src/protocol';
import { DetailsPanel } from './details';
import { h } from './dom';
import { FindingsPanel } from './findings';
import { FlowGrid } from './flowGrid';
import { defaultDirection, entries, mostOwedFlow } from './flowColumns';
import { bindKeys } from './keyboard';
import { NoteActions } from './noteActions';
import { type Actions, ReadingBar, renderEmpty, renderFailure, renderHeader, renderWarnings } from './captureParts';
import { renderLiveState, renderWaiting } from './liveParts';
import type { Rpc } from './rpc';
import { readTheme, watchTheme } from './theme';
import type { LaneId } from './timeline/laneDom';
import { Timeline } from './timeline/timeline';
import { Toolbar } from './toolbar';

export class CaptureApp {
  private capture: CaptureView | null = null;
  private readonly reading = new ReadingBar();
  private readonly flowGrid: FlowGrid;
  private readonly timeline: Timeline;
  private readonly toolbar: Toolbar;
  private readonly findings: FindingsPanel;
  private readonly details = new DetailsPanel();
  private readonly noteActions: NoteActions;
  private readonly headerSlot = h('div', { class: 'header-slot' });
  private readonly readingSlot = h('div', { class: 'reading-slot' });
  private readonly warningsSlot = h('div', { class: 'warnings-slot' });
  private readonly workspace: HTMLElement;
  private readonly emptySlot = h('div', { class: 'empty-slot' });
  private selectedFlow: FlowRow | null = null;
  private direction: Direction = 'ab';
  /** True while summaries of a capture still being read arrive (with progress). */
  private readingFlows = false;
  /** True while the capture grows (summaries with complete false, or a live session not ended). */
  private growing = false;
  /** What the findings panel shows, to leave it alone when an update changed nothing in it. */
  private findingsKey = '';
  /** The persisted zoom window applies once, to the flow it was saved for. */
  private restoreView: { t0: number; t1: number } | undefined;

  constructor(
    private readonly rpc: Rpc,
    private readonly root: HTMLElement,
    private readonly actions: Actions,
  ) {
    const state = rpc.state;
    this.restoreView = state.view;
    this.flowGrid = new FlowGrid({
      sort: state.sort ?? { column: 'owed', descending: true },
      filter: state.filter ?? '',
      onSelect: (id) => this.selectFlow(id, true),
      onSortFilter: (sort, filter) => this.rpc.saveState({ sort, filter }),
    });
    this.timeline = new Timeline(
      {
        series: (q) => this.rpc.series(q),
        packet: (flowId, frame) => this.rpc.packet(flowId, frame),
        onViewChange: (view) => {
          this.rpc.saveState({ view });
          this.postViewSoon();
        },
        onCollapse: (collapsed: LaneId[]) => this.rpc.saveState({ collapsedLanes: collapsed }),
        onPacketSelect: (flowId, frame) => this.showPacket(flowId, frame),
        onContextMenu: (at) => this.noteActions.contextMenu(at),
        onFollowChange: (following) => this.toolbar.showFollow(this.growing, following),
      },
      readTheme(),
      (state.collapsedLanes ?? []) as LaneId[],
    );
    this.toolbar = new Toolbar({
      switchDirection: () => this.switchDirection(),
      zoomIn: () => this.timeline.zoomBy(2),
      zoomOut: () => this.timeline.zoomBy(0.5),
      resetZoom: () => this.timeline.resetZoom(),
      toggleFollow: () => this.toggleFollow(),
    });
    this.toolbar.show(null, 'ab');
    this.findings = new FindingsPanel({
      onChoose: (f) => this.goToFinding(f),
      onPin: (f) => void this.rpc.request({ type: MessageType.PinFinding, findingId: f.id }).catch((err: Error) => this.timeline.setStatus(err.message, true)),
    });
    this.noteActions = new NoteActions(rpc, this.timeline, (err) => this.timeline.setStatus(err.message, true));
    const side = h('aside', { class: 'side' }, this.findings.element, this.noteActions.panel.element, this.details.element);
    this.workspace = h('div', { class: 'workspace' }, this.flowGrid.element, h('div', { class: 'analysis' }, h('div', { class: 'timeline-column' }, this.toolbar.element, this.timeline.element), side));
    watchTheme((theme) => this.timeline.setTheme(theme));
    bindKeys(document, {
      zoomIn: () => this.timeline.zoomBy(2),
      zoomOut: () => this.timeline.zoomBy(0.5),
      pan: (f) => this.timeline.panBy(f),
      resetZoom: () => this.timeline.resetZoom(),
      switchDirection: () => this.switchDirection(),
      nextFinding: () => this.command('nextFinding'),
      previousFinding: () => this.command('previousFinding'),
      clearSelection: () => this.timeline.selectPacket(null),
      addNote: () => this.noteActions.addHere(),
      toggleFollow: () => this.toggleFollow(),
    });
  }

  /** Reading: the bar, and (when the host sends it) the capture so far, so the flow list fills in. */
  progress(bytesRead: number, fileSize: number, soFar?: CaptureView): void {
    // A live session has no file to read through: its header says how it goes.
    if (this.capture?.live && !soFar) return;
    if (soFar) {
      this.reading.notePackets(soFar.packets);
      this.summary(soFar, true);
    } else if (!this.capture) {
      this.root.replaceChildren(h('div', { class: 'capture' }, this.readingSlot));
    }
    this.readingSlot.replaceChildren(this.reading.element);
    this.reading.update(bytesRead, fileSize);
  }

  /** The host's flows tree view: show a flow and, when given, go to one of its findings. */
  reveal(flowId: number, findingId?: number): void {
    if (!this.capture?.flows.some((f) => f.id === flowId)) return;
    this.selectFlow(flowId, true);
    if (findingId !== undefined) this.findings.select(findingId);
  }

  failed(fileName: string, failure: Parameters<typeof renderFailure>[1]): void {
    this.capture = null;
    this.root.replaceChildren(renderFailure(fileName, failure, this.actions));
  }

  /**
   * A summary: the whole capture, the flows so far of a file being read (progress, no analysis), or
   * one update of a growing capture (a live session, or a file read in updates: `complete` false).
   * Updates keep what the user chose: the flow, the finding, the zoom, sort and filter.
   */
  summary(view: CaptureView, stillReading: boolean): void {
    const first = !this.capture;
    // A later revision of the same capture (updates while it is read): the timelines ask for the grown data.
    const grown = !first && view.revision !== undefined && view.revision !== this.capture!.revision;
    this.capture = view;
    if (grown) this.timeline.dataChanged();
    this.reading.notePackets(view.packets);
    this.growing = !stillReading && (view.complete === false || (view.live !== undefined && view.live.state !== 'ended'));
    this.timeline.setGrowing(this.growing);
    this.timeline.setGaps(view.live?.gaps ?? []);
    this.toolbar.showFollow(this.growing, this.timeline.isFollowing);
    // The reading bar stays while updates of a file still being read arrive; a live session has none (its header says how it goes).
    if (!stillReading && (view.complete !== false || view.live)) this.readingSlot.replaceChildren();
    this.headerSlot.replaceChildren(renderHeader(view), renderLiveState(view) ?? '');
    // Which update is on screen: lets tests (and a reader of the DOM) tell one revision from the next.
    this.headerSlot.dataset.revision = String(view.revision ?? '');
    this.warningsSlot.replaceChildren(renderWarnings(view) ?? '');
    const empty = view.flows.length === 0;
    this.emptySlot.replaceChildren(empty && !stillReading ? (this.growing ? renderWaiting(view) : renderEmpty(view)) : '');
    this.workspace.hidden = empty;
    if (first || !this.root.contains(this.workspace)) {
      this.root.replaceChildren(h('div', { class: 'capture' }, this.headerSlot, this.readingSlot, this.warningsSlot, this.emptySlot, this.workspace));
    }
    this.flowGrid.setFlows(view.flows, view.health);
    if (stillReading) {
      // Stalls and findings come with the analysis at the end: choose the first flow then, unless the user picks one now.
      if (!this.readingFlows) this.clearSelection();
      this.readingFlows = true;
      if (!this.selectedFlow) this.timeline.setStatus('The timelines appear once the whole capture is read.');
      return;
    }
    this.readingFlows = false;
    const saved = this.rpc.state.selectedFlowId;
    const keep = view.flows.find((f) => f.id === (this.selectedFlow?.id ?? saved));
    if (keep && keep.id === this.selectedFlow?.id && this.timeline.flow?.id === keep.id) return this.refreshFlow(keep);
    const pick = keep ?? mostOwedFlow(entries(view.flows, view.health)) ?? null;
    this.selectFlow(pick?.id ?? null, false);
  }

  /** The selected flow in a newer summary: its timelines and findings catch up; nothing the user chose moves. */
  private refreshFlow(flow: FlowRow): void {
    this.selectedFlow = flow;
    this.timeline.update(flow, this.capture?.stalls ?? []);
    this.toolbar.show(flow, this.direction);
    this.showFindings(flow, this.findings.selected?.id ?? this.rpc.state.selectedFindingId ?? null);
  }

  /** The flow's findings in the panel (in time order, FindingsPanel sorts), unless they are the ones already shown. */
  private showFindings(flow: FlowRow | null, selectedId: number | null): void {
    const findings = flow ? (this.capture?.findings ?? []).filter((f) => f.flowId === flow.id) : [];
    const key = `${flow?.id}:${selectedId}:${findings.map((f) => `${f.id}@${f.time}-${f.end}:${f.message}`).join('|')}`;
    if (key === this.findingsKey) return;
    this.findingsKey = key;
    this.findings.setFindings(findings, selectedId);
  }

  /** f or the Follow button: follow the live edge, or stop following. */
  private toggleFollow(): void {
    if (!this.growing) return;
    this.timeline.setFollowing(!this.timeline.isFollowing);
    this.toolbar.showFollow(true, this.timeline.isFollowing);
  }

  /** The capture's notes (the host sends them after the summary and whenever they change). */
  notes(notes: NoteRow[], problem: string | null): void {
    this.noteActions.setAll(notes, problem);
  }

  /** A palette command from the host, or the same key in the webview. */
  command(command: EditorCommand): void {
    switch (command) {
      case 'nextFinding':
        this.findings.step(1);
        break;
      case 'previousFinding':
        this.findings.step(-1);
        break;
      case 'switchDirection':
        this.switchDirection();
        break;
      case 'resetZoom':
        this.timeline.resetZoom();
        break;
      case 'copyFinding':
        this.findings.flashCopied();
        break;
      case 'addNote':
        this.noteActions.addHere();
        break;
    }
  }

  private selectFlow(id: number | null, byUser: boolean): void {
    const view = this.capture;
    const flow = view?.flows.find((f) => f.id === id) ?? null;
    const changed = flow?.id !== this.selectedFlow?.id;
    const state = this.rpc.state;
    this.selectedFlow = flow;
    this.flowGrid.setSelected(flow?.id);
    const stalls = view?.stalls ?? [];
    const index = flow && view ? view.flows.indexOf(flow) : -1;
    this.timeline.limitShare = index >= 0 ? (view!.health[index]?.limitedBy ?? null) : null;
    if (changed || !this.timeline.flow) {
      const restoring = !byUser && flow && state.selectedFlowId === flow.id;
      this.direction = restoring && state.direction ? state.direction : flow ? defaultDirection(flow, stalls) : 'ab';
      const restore = restoring ? this.restoreView : undefined;
      this.restoreView = undefined;
      this.timeline.setFlow(flow, stalls, this.direction, restore);
      this.details.clear();
    } else {
      this.timeline.setFlow(flow, stalls, this.direction, this.timeline.view() ?? undefined);
    }
    this.toolbar.show(flow, this.direction);
    this.noteActions.show(flow?.id ?? null);
    this.showFindings(flow, changed && byUser ? null : (state.selectedFindingId ?? null));
    if (changed) {
      this.rpc.saveState({ selectedFlowId: flow?.id, direction: this.direction, ...(byUser ? { view: undefined, selectedFindingId: undefined } : {}) });
      this.postView();
    }
  }

  /** No flow selected (a new reading started); the persisted selection stays for the final summary. */
  private clearSelection(): void {
    this.selectedFlow = null;
    this.flowGrid.setSelected(undefined);
    this.timeline.setFlow(null, [], 'ab');
    this.toolbar.show(null, 'ab');
    this.showFindings(null, null);
    this.details.clear();
  }

  private switchDirection(): void {
    if (!this.selectedFlow) return;
    this.setDirection(this.direction === 'ab' ? 'ba' : 'ab');
  }

  private setDirection(direction: Direction): void {
    if (!this.selectedFlow || direction === this.direction) return;
    this.direction = direction;
    this.timeline.setDirection(direction);
    this.toolbar.show(this.selectedFlow, direction);
    this.details.clear();
    this.rpc.saveState({ direction });
  }

  /** Shows the finding's direction and zooms to it with some context either side. */
  private goToFinding(f: FindingRow): void {
    const flow = this.selectedFlow;
    if (!flow) return;
    const stall = (this.capture?.stalls ?? []).find((s) => s.flowId === f.flowId && f.time >= s.start - 1e-6 && f.time <= s.end + 1e-6);
    if (stall) this.setDirection(stall.receiver === 'b' ? 'ab' : 'ba');
    const end = f.end ?? stall?.end ?? f.time;
    const span = Math.max(end - f.time, flow.duration * 0.01, 1e-3);
    this.timeline.zoomTo(f.time - span * 0.35, end + span * 0.35);
    this.rpc.saveState({ selectedFindingId: f.id });
    this.postView();
  }

  private showPacket(flowId: number, frame: number | null): void {
    if (frame === null) return this.details.clear();
    const flow = this.selectedFlow;
    this.details.loading(frame);
    this.rpc
      .packet(flowId, frame)
      .then((d) => {
        if (!flow) return;
        const ab = d.direction === 'ab';
        this.details.show(d, { from: ab ? flow.a : flow.b, to: ab ? flow.b : flow.a });
      })
      .catch((err: Error) => this.details.error(frame, err.message));
  }

  private postView(): void {
    clearTimeout(this.postTimer);
    this.rpc.post({ type: MessageType.ViewChanged, selectedFlowId: this.selectedFlow?.id ?? null, selectedFindingId: this.findings.selected?.id ?? null, direction: this.direction, view: this.timeline.view() });
  }

  /** Zooming tells the host the visible window too (for "Create Bug Report…"), once it settles. */
  private postTimer: ReturnType<typeof setTimeout> | undefined;
  private postViewSoon(): void {
    clearTimeout(this.postTimer);
    this.postTimer = setTimeout(() => this.postView(), 250);
  }
}
