/**
 * Messages between the extension host and the capture worker (dist/parseWorker.js). The worker
 * reads the capture into a CaptureModel and posts an `update` (the whole view so far) about every
 * 250 ms while it reads and a final one; it answers queries by id from the first update on: every
 * query gets one `reply` or one `replyError`. Typed arrays in replies arrive as transferred buffers.
 */
import type { HistoryLimit } from '../core/model/history';
import type { SavedSession } from '../core/live/recording';
import type { LiveSpec, SsSamplingSpec } from '../core/live/types';
import type { CaptureView, PacketDetails, SeriesQuery, SeriesResult } from '../protocol';

/** The worker's input, passed as `workerData`. */
export interface ParseJob {
  path: string;
  /** Shown in the view (the editor's file name). */
  fileName: string;
  /** For NAT logs that do not say: the window scale to assume, the epoch of uptime 0 (settings tcpFlowLens.natLog.*). */
  natLog?: { windowScale?: number; uptimeEpoch?: number };
  /**
   * A live session instead of the file at `path` (issue 13): the source, optional `ss` sampling, and
   * the bounded history (default DEFAULT_LIVE_HISTORY). `path` is then the source's label.
   */
  live?: { spec: LiveSpec; ss?: SsSamplingSpec; history?: HistoryLimit };
}

export type ToWorkerMessage =
  | { type: 'series'; id: number; query: SeriesQuery }
  | { type: 'packetDetails'; id: number; flowId: number; frame: number }
  /** A live session's source: pause (data is still received, updates stop), resume, or stop for good (a final update follows). */
  | { type: 'control'; action: 'pause' | 'resume' | 'stop' }
  /** Write what a live session received to `path` (SessionRecording.saveTo); the reply's result is a SavedSession. */
  | { type: 'saveSession'; id: number; path: string }
  /** The editor closed: stop the source and remove the recording's temporary files (the host terminates the worker next). */
  | { type: 'closeSession' };

export type FromWorkerMessage =
  /**
   * The capture as analysed so far (stall and finding ids stable, `revision` rising): about every
   * 250 ms while reading or attached, and once with `final` when the file is read or the source ended.
   */
  | { type: 'update'; view: CaptureView; bytesRead: number; fileSize: number; final: boolean }
  | { type: 'notCapture'; reason: string; offset: number }
  | { type: 'ioError'; message: string }
  /** A live session's problem that does not end it (ss could not run, an odd line of its output): shown once. */
  | { type: 'liveWarning'; message: string }
  | { type: 'reply'; id: number; result: SeriesResult | PacketDetails | SavedSession }
  | { type: 'replyError'; id: number; error: string };
