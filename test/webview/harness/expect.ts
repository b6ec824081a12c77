/**
 * What the tests expect of the drawing, mirrored from the webview's constants (the test drives the
 * built page and does not import its modules): keep in step with webview/theme.ts and highlights.ts.
 */

/** Stall shading alpha per theme kind (theme.ts `stallAlpha`). */
export const STALL_ALPHA = { dark: 0.15, light: 0.13, 'high-contrast': 0.25 } as const;

/** A row through the owed triangle (highlights.ts: apex down from y = 2 to 2 + TRIANGLE = 13). */
export const MARKER_STRIP_PROBE_Y = 6;

/**
 * Rows of each lane where only the shading can colour a pixel: in the top lane between the owed
 * bracket (y 14–24) and the data (which starts at MARKER_STRIP + 6 = 36, zero-window marks reaching
 * 10 px above); in the others above their 10 px top padding (timeline/renderFrame.ts laneScale).
 */
export const SHADING_PROBE_ROWS: Record<string, number[]> = { sequence: [25], window: [2, 5], recvq: [2, 5] };
