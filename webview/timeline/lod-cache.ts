/**
 * Level of detail: the host decimates each flow's series to the pixel grid of the range asked for,
 * so the webview asks again when the view changes (debounced) and keeps the answers. A cached
 * answer serves any view it covers at the same or finer resolution; one that was not decimated at
 * all serves every view inside it. While a better answer is on its way, the best one at hand is drawn.
 */
import type { Direction, SeriesQuery, SeriesResult } from '../../src/protocol';

/** Wait this long after the last zoom/pan step before asking, so a wheel spin makes one request. */
const DEBOUNCE_MS = 120;
/** Answers kept per webview; each holds a few typed arrays of at most a few thousand points per lane. */
const CAPACITY = 24;
/** Ask for this much more than the view on each side, so small pans need no new request. */
const MARGIN = 0.5;

interface Entry {
  result: SeriesResult;
  /** True when nothing in it was decimated: it is exact at any zoom inside its range. */
  exact: boolean;
  used: number;
}

export interface View {
  flowId: number;
  direction: Direction;
  t0: number;
  t1: number;
  /** Device pixels across the plot. */
  pixelWidth: number;
}

export class SeriesCache {
  private entries: Entry[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inFlight = new Set<string>();
  private clock = 0;
  /** The last query sent per view key, so an answer that does not cover the view is not asked for again and again. */
  private lastAsked = '';

  constructor(
    private readonly fetch: (query: SeriesQuery) => Promise<SeriesResult>,
    private readonly onResult: (result: SeriesResult) => void,
    private readonly onError: (err: Error, query: SeriesQuery) => void,
  ) {}

  /** The best answer to draw `view` with now, or undefined when nothing of this flow and direction is cached. */
  best(view: View): SeriesResult | undefined {
    const mine = this.entries.filter((e) => e.result.query.flowId === view.flowId && e.result.query.direction === view.direction);
    if (mine.length === 0) return undefined;
    const adequate = mine.filter((e) => this.serves(e, view));
    const pick = adequate.length > 0 ? minBy(adequate, (e) => span(e.result.query)) : minBy(mine, (e) => -overlap(e.result.query, view));
    pick.used = ++this.clock;
    return pick.result;
  }

  /** Asks the host for `view` (after the debounce) unless a cached or pending answer already serves it. */
  want(view: View, extent?: { t0: number; t1: number }): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.ask(view, extent), DEBOUNCE_MS);
  }

  /** Asks at once (first draw of a flow). */
  wantNow(view: View, extent?: { t0: number; t1: number }): void {
    clearTimeout(this.timer);
    this.ask(view, extent);
  }

  clear(): void {
    clearTimeout(this.timer);
    this.entries = [];
    this.lastAsked = '';
  }

  private ask(view: View, extent?: { t0: number; t1: number }): void {
    if (this.entries.some((e) => e.result.query.flowId === view.flowId && e.result.query.direction === view.direction && this.serves(e, view))) return;
    const query = paddedQuery(view, extent);
    const key = JSON.stringify(query);
    if (this.inFlight.has(key) || key === this.lastAsked) return;
    this.lastAsked = key;
    this.inFlight.add(key);
    this.fetch(query)
      .then((result) => {
        this.add(result);
        this.onResult(result);
      })
      .catch((err: Error) => this.onError(err, query))
      .finally(() => this.inFlight.delete(key));
  }

  private add(result: SeriesResult): void {
    this.entries.push({ result, exact: isExact(result), used: ++this.clock });
    if (this.entries.length > CAPACITY) this.entries = this.entries.sort((a, b) => b.used - a.used).slice(0, CAPACITY);
  }

  private serves(e: Entry, view: View): boolean {
    const q = e.result.query;
    const eps = (view.t1 - view.t0) * 1e-6;
    // The answer may also cover a view by reaching the flow's extent, which it knows best.
    const covers = (q.t0 <= view.t0 + eps || q.t0 <= e.result.extent.t0) && (q.t1 >= view.t1 - eps || q.t1 >= e.result.extent.t1);
    if (!covers) return false;
    if (e.exact) return true;
    const have = q.pixelWidth / span(q);
    const need = view.pixelWidth / Math.max(view.t1 - view.t0, 1e-12);
    return have >= need * 0.9;
  }
}

/**
 * Whether nothing in an answer can have been decimated: no merged bars, and no line with more
 * points than pixel columns (the host decimates a line only when it has more than that).
 */
export function isExact(r: SeriesResult): boolean {
  const px = r.query.pixelWidth;
  for (const c of r.segments.count) if (c > 1) return false;
  const lines = [r.segments.time, r.acks.time, r.sacks.time, r.window.time, r.bytesInFlight.time, r.recvQ.time];
  return lines.every((times) => times.length <= px + 1);
}

/** The query for a view: widened by MARGIN each side (clamped to the extent), at the view's pixel density. */
export function paddedQuery(view: View, extent?: { t0: number; t1: number }): SeriesQuery {
  const width = view.t1 - view.t0;
  let t0 = view.t0 - width * MARGIN;
  let t1 = view.t1 + width * MARGIN;
  // Nothing exists outside the flow's extent: do not ask for it.
  if (extent && extent.t1 > extent.t0) {
    t0 = Math.max(t0, extent.t0);
    t1 = Math.min(t1, extent.t1);
    if (t1 <= t0) [t0, t1] = [view.t0, view.t1];
  }
  const pixelWidth = Math.max(1, Math.min(16384, Math.round((view.pixelWidth * (t1 - t0)) / Math.max(width, 1e-12))));
  return { flowId: view.flowId, direction: view.direction, t0, t1, pixelWidth };
}

const span = (q: { t0: number; t1: number }) => Math.max(q.t1 - q.t0, 1e-12);
const overlap = (q: { t0: number; t1: number }, v: { t0: number; t1: number }) => Math.max(0, Math.min(q.t1, v.t1) - Math.max(q.t0, v.t0));

function minBy<T>(list: T[], key: (x: T) => number): T {
  let best = list[0];
  for (const x of list) if (key(x) < key(best)) best = x;
  return best;
}
