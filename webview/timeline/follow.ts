/**
 * Following the live edge, like a terminal's scroll lock: while on, a capture that grows moves the
 * view with it (keeping its width); a zoom or pan that leaves the edge turns it off, and one that
 * comes back to the edge (or the Follow button, or `f`) turns it on again.
 */

/** The view's right edge counts as at the data's end within this share of the view's width (a wheel step lands close, not exactly). */
const EDGE_SLACK = 0.01;

export interface Span {
  t0: number;
  t1: number;
}

/** Whether the view shows the newest data: its right edge is at (or past) the extent's end. */
export function atLiveEdge(view: Span, extent: Span): boolean {
  return view.t1 >= extent.t1 - (view.t1 - view.t0) * EDGE_SLACK;
}

/**
 * Where the view goes when the data grows: at full view it stays the full view ('reset'); while
 * following, the same width ending at `domain`'s end (the extent and its padding, so the newest
 * packet is not on the frame); else it stays where it is.
 */
export function viewAfterGrowth(view: Span | null, fullView: boolean, following: boolean, domain: Span): Span | 'reset' {
  if (!view || (fullView && following)) return 'reset';
  if (!following) return view;
  return edgeView(view, domain);
}

/** The view of the same width (at most the domain's) that ends at the domain's end. */
export function edgeView(view: Span, domain: Span): Span {
  const width = Math.min(view.t1 - view.t0, domain.t1 - domain.t0);
  return { t0: domain.t1 - width, t1: domain.t1 };
}

/**
 * Whether the capture grows and whether the view follows its edge. Only the user's own moves decide
 * following (`userMoved`); the toggle sets it; `element.dataset.following` says it for tests.
 */
export class LiveEdge {
  private growingNow = false;
  private followingNow = true;

  constructor(
    private readonly element: HTMLElement,
    private readonly onChange: (following: boolean) => void,
  ) {}

  get growing(): boolean {
    return this.growingNow;
  }

  /** Following the live edge of a growing capture (false once it stops growing). */
  get following(): boolean {
    return this.growingNow && this.followingNow;
  }

  setGrowing(growing: boolean): void {
    this.growingNow = growing;
    this.mark();
  }

  set(on: boolean): void {
    const changed = on !== this.followingNow;
    this.followingNow = on;
    this.mark();
    if (changed && this.growingNow) this.onChange(on);
  }

  /** A zoom or pan by the user: back in the past stops following, at the edge resumes it. */
  userMoved(view: Span, extent: Span): void {
    if (this.growingNow) this.set(atLiveEdge(view, extent));
  }

  /** Where the view goes when the data grows (see viewAfterGrowth); the same view when the capture does not grow. */
  viewAfterGrowth(view: Span | null, fullView: boolean, domain: Span): Span | 'reset' {
    if (!this.growingNow) return fullView || !view ? 'reset' : view;
    return viewAfterGrowth(view, fullView, this.followingNow, domain);
  }

  private mark(): void {
    this.element.dataset.following = String(this.following);
  }
}
