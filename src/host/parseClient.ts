/** Runs one parse of a capture file in a worker thread (dist/parseWorker.js); cancel terminates it. */
import { Worker } from 'node:worker_threads';
import type { CaptureSummary } from '../core/summary';
import type { Failure } from '../protocol';
import type { FromWorkerMessage, ParseJob } from './workerProtocol';

export type ParseOutcome = { kind: 'ok'; summary: CaptureSummary } | { kind: 'failed'; failure: Failure };

export interface ParseHandle {
  /** Settles once: never rejects, failures are outcomes. */
  readonly result: Promise<ParseOutcome>;
  cancel(): void;
}

export function startParse(workerPath: string, path: string, onProgress: (bytesRead: number, fileSize: number) => void): ParseHandle {
  const job: ParseJob = { path };
  const worker = new Worker(workerPath, { workerData: job });
  let cancelled = false;
  let settled = false;
  const result = new Promise<ParseOutcome>((resolve) => {
    const settle = (outcome: ParseOutcome) => {
      if (settled) return;
      settled = true;
      resolve(outcome);
      void worker.terminate();
    };
    worker.on('message', (msg: FromWorkerMessage) => {
      switch (msg.type) {
        case 'progress':
          if (!settled) onProgress(msg.bytesRead, msg.fileSize);
          break;
        case 'done':
          settle({ kind: 'ok', summary: msg.summary });
          break;
        case 'notCapture':
          settle({ kind: 'failed', failure: { kind: 'notCapture', reason: msg.reason, offset: msg.offset } });
          break;
        case 'ioError':
          settle({ kind: 'failed', failure: { kind: 'io', message: msg.message } });
          break;
      }
    });
    worker.on('error', (err) => settle({ kind: 'failed', failure: { kind: 'io', message: `the parser failed: ${err.message}` } }));
    worker.on('exit', (code) => {
      const failure: Failure = cancelled ? { kind: 'cancelled' } : { kind: 'io', message: `the parser stopped unexpectedly (exit code ${code})` };
      settle({ kind: 'failed', failure });
    });
  });
  return {
    result,
    cancel() {
      if (settled) return;
      cancelled = true;
      void worker.terminate();
    },
  };
}
