/** The timelines' toolbar: which flow and direction is shown, and the zoom and direction buttons (each with its key). */
import type { Direction, FlowRow } from '../src/protocol';
import { button, h } from './dom';
import { dataEnds } from './format';
import { icon } from './icons';

export interface ToolbarActions {
  switchDirection(): void;
  zoomIn(): void;
  zoomOut(): void;
  resetZoom(): void;
  /** The Follow toggle (key f): on, the view stays at the live edge. */
  toggleFollow(): void;
}

export class Toolbar {
  readonly element: HTMLElement;
  private readonly title = h('h2', { class: 'flow-title' });
  private readonly directionButton: HTMLButtonElement;
  private readonly followButton: HTMLButtonElement;

  constructor(actions: ToolbarActions) {
    this.followButton = button('Follow', icon('follow'), actions.toggleFollow, { class: 'secondary follow', 'aria-pressed': 'true', 'aria-keyshortcuts': 'f', title: 'Follow the live edge (f): new data scrolls into view; a zoom or pan back stops it' });
    this.followButton.hidden = true;
    this.directionButton = button('Switch direction (d)', icon('arrowSwap'), actions.switchDirection, { class: 'secondary', 'aria-keyshortcuts': 'd' });
    this.element = h(
      'div',
      { class: 'timeline-toolbar', role: 'toolbar', 'aria-label': 'Timeline' },
      this.title,
      h(
        'div',
        { class: 'tools' },
        this.followButton,
        this.directionButton,
        button('Zoom in (+)', icon('zoomIn'), actions.zoomIn, { 'aria-keyshortcuts': '+' }, true),
        button('Zoom out (−)', icon('zoomOut'), actions.zoomOut, { 'aria-keyshortcuts': '-' }, true),
        button('Reset zoom (0)', icon('reset'), actions.resetZoom, { 'aria-keyshortcuts': '0' }, true),
        h('span', { class: 'hint muted' }, 'wheel zoom · drag pan · shift-drag zoom to range'),
      ),
    );
  }

  /** The Follow toggle shows while the capture grows, pressed while the view follows its end. */
  showFollow(growing: boolean, following: boolean): void {
    this.followButton.hidden = !growing;
    this.followButton.setAttribute('aria-pressed', String(following));
  }

  show(flow: FlowRow | null, direction: Direction): void {
    this.element.hidden = !flow;
    if (!flow) return;
    const [from, to] = dataEnds(flow, direction);
    this.title.replaceChildren(h('span', { class: 'muted' }, `Flow ${flow.id} · data `), h('span', { class: 'endpoint' }, from), ' → ', h('span', { class: 'endpoint' }, to));
    this.element.dataset.direction = direction;
  }
}
