/**
 * The host's handle on one capture worker (dist/parseWorker.js): the outcome of reading the file,
 * then queries relayed by id. Cancel terminates a worker that is still reading; dispose terminates
 * it whatever it does and rejects the queries still waiting, so no caller waits forever.
 */
import { Worker } from 'node:worker_threads';
import type { CaptureView, Failure, PacketDetails, SeriesQuery, SeriesResult } from '../protocol';
import type { FromWorkerMessage, ParseJob, ToWorkerMessage } from './workerProtocol';

export type ParseOutcome = { kind: 'ok'; view: CaptureView } | { kind: 'failed'; failure: Failure };

/** Reading progress: bytes read of the file's size, and the capture analysed so far (an update before the final one). */
export interface ParseProgress {
  bytesRead: number;
  fileSize: number;
  capture: CaptureView;
}

/** What Save Session wrote (the worker's SessionRecording.saveTo). */
export interface SavedSessionInfo {
  path: string;
  format: string;
  segments: number;
  bytes: number;
}

type Answer = SeriesResult | PacketDetails | SavedSessionInfo;
type Waiter = { resolve: (result: Answer) => void; reject: (err: Error) => void };

export class CaptureWorker {
  /** Settles once: never rejects, failures are outcomes. */
  readonly result: Promise<ParseOutcome>;
  private readonly worker: Worker;
  private readonly pending = new Map<number, Waiter>();
  private nextId = 1;
  private settled = false;
  private cancelled = false;
  /** Why queries fail once the worker is gone. */
  private gone: string | undefined;
  private settle!: (outcome: ParseOutcome) => void;

  constructor(workerPath: string, job: ParseJob, onProgress: (progress: ParseProgress) => void, onWarning?: (message: string) => void) {
    this.worker = new Worker(workerPath, { workerData: job });
    this.result = new Promise<ParseOutcome>((resolve) => {
      this.settle = (outcome) => {
        if (this.settled) return;
        this.settled = true;
        resolve(outcome);
        // A worker that could not read the file has no model to keep.
        if (outcome.kind === 'failed') this.terminate('the capture could not be read');
      };
    });
    this.worker.on('message', (msg: FromWorkerMessage) => {
      switch (msg.type) {
        case 'update':
          if (msg.final) this.settle({ kind: 'ok', view: msg.view });
          else if (!this.settled) onProgress({ bytesRead: msg.bytesRead, fileSize: msg.fileSize, capture: msg.view });
          break;
        case 'notCapture':
          this.settle({ kind: 'failed', failure: { kind: 'notCapture', reason: msg.reason, offset: msg.offset } });
          break;
        case 'ioError':
          this.settle({ kind: 'failed', failure: { kind: 'io', message: msg.message } });
          break;
        case 'liveWarning':
          onWarning?.(msg.message);
          break;
        case 'reply':
          this.take(msg.id)?.resolve(msg.result);
          break;
        case 'replyError':
          this.take(msg.id)?.reject(new Error(msg.error));
          break;
      }
    });
    this.worker.on('error', (err) => {
      this.settle({ kind: 'failed', failure: { kind: 'io', message: `the parser failed: ${err.message}` } });
      this.rejectAll(`the parser failed: ${err.message}`);
    });
    this.worker.on('exit', (code) => {
      const failure: Failure = this.cancelled ? { kind: 'cancelled' } : { kind: 'io', message: `the parser stopped unexpectedly (exit code ${code})` };
      this.settle({ kind: 'failed', failure });
      this.gone ??= `the parser stopped (exit code ${code})`;
      this.rejectAll(this.gone);
    });
  }

  /** Stops a worker that is still reading (the outcome is 'cancelled'); a finished one keeps serving. */
  cancel(): void {
    if (this.settled) return;
    this.cancelled = true;
    this.terminate('reading was cancelled');
  }

  series(query: SeriesQuery): Promise<SeriesResult> {
    return this.ask({ type: 'series', id: 0, query }) as Promise<SeriesResult>;
  }

  packetDetails(flowId: number, frame: number): Promise<PacketDetails> {
    return this.ask({ type: 'packetDetails', id: 0, flowId, frame }) as Promise<PacketDetails>;
  }

  /** A live session's source: pause (updates stop, data is kept), resume, or stop for good (a final update follows). */
  control(action: 'pause' | 'resume' | 'stop'): void {
    if (!this.gone) this.worker.postMessage({ type: 'control', action });
  }

  /** Writes what a live session received to `path` (pcap, pcapng or the trace's text, as received). */
  saveSession(path: string): Promise<SavedSessionInfo> {
    return this.ask({ type: 'saveSession', id: 0, path }) as Promise<SavedSessionInfo>;
  }

  /** A live session's editor closed: the worker stops the source and removes the recording's temporary files. */
  closeSession(): void {
    if (!this.gone) this.worker.postMessage({ type: 'closeSession' } satisfies ToWorkerMessage);
  }

  /** Terminates the worker; queries still waiting are rejected. */
  dispose(): void {
    if (!this.settled) this.cancelled = true;
    this.terminate('the capture was closed');
  }

  private ask(message: ToWorkerMessage): Promise<Answer> {
    if (this.gone) return Promise.reject(new Error(this.gone));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id });
    });
  }

  private take(id: number): Waiter | undefined {
    const waiter = this.pending.get(id);
    this.pending.delete(id);
    return waiter;
  }

  private terminate(reason: string): void {
    this.gone ??= reason;
    this.rejectAll(reason);
    void this.worker.terminate();
  }

  private rejectAll(reason: string): void {
    for (const waiter of this.pending.values()) waiter.reject(new Error(reason));
    this.pending.clear();
  }
}
