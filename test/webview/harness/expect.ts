/**
 * What the tests expect of the drawing, mirrored from the webview's constants (the test drives the
 * built page and does not import its modules): keep in step with webview/theme.ts and highlights.ts.
 */

/** Stall shading alpha per theme kind (theme.ts `stallAlpha`). */
export const STALL_ALPHA = { dark: 0.15, light: 0.13 } as const;

/** A row through the owed triangle (highlights.ts: apex down from y = 2 to 2 + TRIANGLE = 13). */
export const MARKER_STRIP_PROBE_Y = 6;
