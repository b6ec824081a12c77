/**
 * When to post the next update of a growing model (the worker, the live bench): the editor should
 * show data within LIVE_EDGE_MS of its arrival. Data that arrives just after an update started waits
 * for the next one to end: this update's cost, the pause, and the next update's cost. So the pause is
 * the budget left after this cost and the next one (estimated as the largest of the last few) and a
 * little slack, but no more than MAX_PAUSE_MS: cheap updates (a refresh costs what arrived) come
 * about eight times a second and leave room for a late timer or a dear update. An update never takes
 * more than a third of the time (a model too large to keep up falls behind the edge rather than
 * starving the reading).
 */

/** How far behind the live edge the editor may show data. */
export const LIVE_EDGE_MS = 250;
/**
 * A live refresh's time budget (CaptureModel.refresh): the flows on screen are analysed whatever they
 * cost, the other grown flows while this lasts. A fifth of the edge: with the pause and the next
 * update, data on screen stays within LIVE_EDGE_MS.
 */
export const LIVE_REFRESH_BUDGET_MS = 50;
/** Updates whose cost estimates the next one's. */
const RECENT = 8;
/** Kept back from the edge for what the estimate misses: a timer firing late, an update dearer than the recent ones. */
export const EDGE_SLACK_MS = 25;
/** The longest pause between updates: more often than the edge needs, so a spike does not push data past it. */
export const MAX_PAUSE_MS = 125;

export class UpdatePacer {
  private readonly recent: number[] = [];

  /** Milliseconds to wait after an update that took `costMs` before starting the next one. */
  pauseAfter(costMs: number): number {
    this.recent.push(costMs);
    if (this.recent.length > RECENT) this.recent.shift();
    const next = Math.max(...this.recent);
    return Math.max(Math.min(LIVE_EDGE_MS - EDGE_SLACK_MS - costMs - next, MAX_PAUSE_MS), 2 * costMs);
  }
}
