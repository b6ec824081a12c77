/**
 * Messages between the extension host and the capture worker (dist/parseWorker.js). The worker
 * reads the capture, then keeps the model (flows and analyses) and answers queries by id: every
 * query gets one `reply` or one `replyError`. Typed arrays in replies arrive as transferred buffers.
 */
import type { CaptureView, PacketDetails, SeriesQuery, SeriesResult } from '../protocol';

/** The worker's input, passed as `workerData`. */
export interface ParseJob {
  path: string;
  /** Shown in the view (the editor's file name). */
  fileName: string;
  /** For NAT logs that do not say: the window scale to assume, the epoch of uptime 0 (settings tcpFlowLens.natLog.*). */
  natLog?: { windowScale?: number; uptimeEpoch?: number };
}

export type ToWorkerMessage = { type: 'series'; id: number; query: SeriesQuery } | { type: 'packetDetails'; id: number; flowId: number; frame: number };

export type FromWorkerMessage =
  /** About once a second while reading, and once when the whole file is read (the analysis follows). */
  | { type: 'progress'; bytesRead: number; fileSize: number; capture: CaptureView }
  | { type: 'done'; view: CaptureView }
  | { type: 'notCapture'; reason: string; offset: number }
  | { type: 'ioError'; message: string }
  | { type: 'reply'; id: number; result: SeriesResult | PacketDetails }
  | { type: 'replyError'; id: number; error: string };
