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
 * Where the view goes when the extent grows to `extent`: at full view it stays the full view
 * (null); while following, the same width ending at the new end; else it stays where it is.
 */
export function viewAfterGrowth(view: Span | null, fullView: boolean, following: boolean, extent: Span): Span | 'reset' {
  if (!view || (fullView && following)) return 'reset';
  if (!following) return view;
  const width = Math.min(view.t1 - view.t0, extent.t1 - extent.t0);
  return { t0: extent.t1 - width, t1: extent.t1 };
}
