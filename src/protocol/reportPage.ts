/**
 * What `tcp-flow-lens report` sends to its timeline page (webview/export, run in headless Chromium):
 * the same drawing code as the editor, fed by the CLI instead of the host. Typed arrays travel
 * encoded (src/cli/timeline.ts encodeTyped, webview/export/typed.ts decodeTyped).
 */
import type { NoteRow, StallRow } from './rows';
import type { SeriesResult } from './timelineData';

/** One flow's series over [t0, t1] in one direction, its stalls (that receiver) and notes. */
export interface TimelinePagePayload {
  title: string;
  /** Lines under the title (each kept on one line, so the SVG places them as the page does). */
  subtitle: string[];
  series: SeriesResult;
  stalls: StallRow[];
  notes: NoteRow[];
  t0: number;
  t1: number;
  /** Width of the whole image in CSS px. */
  width: number;
}

/** The before/after overlay: two runs' Sequence lanes on one axis. */
export interface ComparePagePayload {
  title: string;
  /** Each run's label and its series, times already relative to its flow's start. */
  runs: { label: string; series: SeriesResult }[];
  /** Seconds shown: 0 to the longer flow's duration. */
  span: number;
  width: number;
}
