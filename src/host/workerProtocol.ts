/** Messages between the extension host and the parse worker (dist/parseWorker.js). */
import type { CaptureSummary } from '../core/summary';

/** The worker's input, passed as `workerData`. */
export interface ParseJob {
  path: string;
}

export type FromWorkerMessage =
  | { type: 'progress'; bytesRead: number; fileSize: number }
  | { type: 'done'; summary: CaptureSummary }
  | { type: 'notCapture'; reason: string; offset: number }
  | { type: 'ioError'; message: string };
