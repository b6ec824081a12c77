/**
 * Zoom and pan on the time axis with d3-zoom: wheel/pinch and drag come from d3, keys and the
 * rubber band (shift-drag) from here. The state is d3's immutable ZoomTransform; the visible time
 * scale is `transform.rescaleX(base)`, recomputed per frame and never mutated.
 */
import { select, zoom, zoomIdentity, type D3ZoomEvent, type ZoomBehavior, type ZoomTransform } from 'd3';
import { MIN_SPAN, type Scale } from './scales';

/** Wheel zoom speed: d3's default, ×10 for pinch (ctrl+wheel), so both feel alike. */
const wheelDelta = (event: WheelEvent) => -event.deltaY * (event.deltaMode === 1 ? 0.05 : event.deltaMode ? 1 : 0.002) * (event.ctrlKey ? 10 : 1);

/** Mouse-downs with shift start a rubber band instead of a pan; secondary buttons do nothing. */
const filter = (event: MouseEvent | WheelEvent) => (event.type === 'wheel' || !event.shiftKey) && !event.button;

export interface ZoomController {
  behavior: ZoomBehavior<HTMLElement, unknown>;
  /** Applies a transform (from code), firing the same handler as user zooms. */
  set(transform: ZoomTransform): void;
  get(): ZoomTransform;
  /** Re-sets the extents after a resize or a new flow. */
  configure(base: Scale, height: number): void;
}

export function createZoom(element: HTMLElement, onZoom: (transform: ZoomTransform, byUser: boolean) => void): ZoomController {
  const behavior = zoom<HTMLElement, unknown>()
    .filter(filter)
    .wheelDelta(wheelDelta)
    .on('zoom', (event: D3ZoomEvent<HTMLElement, unknown>) => onZoom(event.transform, event.sourceEvent != null));
  const selection = select(element);
  selection.call(behavior).on('dblclick.zoom', null);
  return {
    behavior,
    set: (t) => selection.call(behavior.transform, t),
    get: () => (element as unknown as { __zoom?: ZoomTransform }).__zoom ?? zoomIdentity,
    configure(base, height) {
      const [r0, r1] = base.range();
      const [d0, d1] = base.domain();
      behavior
        .extent([
          [r0, 0],
          [r1, height],
        ])
        .scaleExtent([1, Math.max(1, (d1 - d0) / MIN_SPAN)])
        // Large finite y bounds: y is unused, and infinite ones make d3's constrain NaN.
        .translateExtent([
          [r0, -1e9],
          [r1, 1e9],
        ]);
    },
  };
}

/** The transform that shows [t0, t1] of `base` across its range. */
export function transformFor(base: Scale, t0: number, t1: number): ZoomTransform {
  const [r0, r1] = base.range();
  const [d0, d1] = base.domain();
  const a = Math.max(d0, Math.min(t0, d1 - MIN_SPAN));
  const b = Math.min(d1, Math.max(t1, a + MIN_SPAN));
  const k = Math.max(1, (r1 - r0) / (base(b) - base(a)));
  return zoomIdentity.translate(r0 - k * base(a), 0).scale(k);
}

/** Zoom by `factor` around the middle of the view (keys + and −). */
export function zoomedBy(base: Scale, t: ZoomTransform, factor: number): ZoomTransform {
  const [t0, t1] = t.rescaleX(base).domain();
  const mid = (t0 + t1) / 2;
  const half = (t1 - t0) / 2 / factor;
  return transformFor(base, mid - half, mid + half);
}

/** Pan by a fraction of the view width (arrow keys); clamped to the flow's extent. */
export function pannedBy(base: Scale, t: ZoomTransform, fraction: number): ZoomTransform {
  const [t0, t1] = t.rescaleX(base).domain();
  const [d0, d1] = base.domain();
  const span = t1 - t0;
  const shift = Math.max(d0 - t0, Math.min(d1 - t1, span * fraction));
  return transformFor(base, t0 + shift, t1 + shift);
}

/**
 * Moves the view to [t0, t1] over ~200 ms (or at once with reduced motion), interpolating the
 * visible window rather than the transform so the motion is even in time.
 */
export function animateTo(base: Scale, from: ZoomTransform, t0: number, t1: number, reducedMotion: boolean, apply: (t: ZoomTransform) => void): void {
  const [a0, a1] = from.rescaleX(base).domain();
  if (reducedMotion) {
    apply(transformFor(base, t0, t1));
    return;
  }
  const start = performance.now();
  const duration = 200;
  const step = (now: number) => {
    const p = Math.min(1, (now - start) / duration);
    const e = p * (2 - p); // ease-out
    // Interpolate the log of the span so zooming in and out feel the same.
    const span = Math.exp(Math.log(a1 - a0) + (Math.log(t1 - t0) - Math.log(a1 - a0)) * e);
    const mid = (a0 + a1) / 2 + ((t0 + t1) / 2 - (a0 + a1) / 2) * e;
    apply(transformFor(base, mid - span / 2, mid + span / 2));
    if (p < 1) requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
}
