/**
 * When to post the next update of a growing model (the worker, the live bench): the editor should
 * show data within LIVE_EDGE_MS of its arrival. Data that arrives just after an update started waits
 * for the next one to end: one period (start to start) plus that update's cost. So the pause after an
 * update is the budget left after two costs; an update never takes more than a third of the time
 * (a model too large to keep up falls behind the edge rather than starving the reading).
 */

/** How far behind the live edge the editor may show data. */
export const LIVE_EDGE_MS = 250;

/** Milliseconds to wait after an update that took `costMs` before starting the next one. */
export function pauseAfterUpdate(costMs: number): number {
  return Math.max(LIVE_EDGE_MS - 2 * costMs, 2 * costMs);
}
