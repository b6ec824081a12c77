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
