/**
 * Worker thread that reads a capture off the extension host's main thread: the core's streaming
 * reader and ingest, then the summary, posted back with progress about once a second. The host
 * cancels by terminating the worker. Must not import `vscode` (it is not there in a worker).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readCaptureFile } from '../core/capture/file';
import { CaptureError } from '../core/capture/types';
import { CaptureIngest } from '../core/ingest';
import { summarizeCapture } from '../core/summary';
import type { FromWorkerMessage, ParseJob } from './workerProtocol';

const PROGRESS_INTERVAL_MS = 1000;

function post(message: FromWorkerMessage): void {
  parentPort!.postMessage(message);
}

async function parse(job: ParseJob): Promise<void> {
  const ingest = new CaptureIngest();
  let lastProgress = Date.now();
  try {
    const reader = await readCaptureFile(job.path, ingest, {
      // Small steps so that the time check below runs often; posting is throttled by time, not bytes.
      progressBytes: 1 << 20,
      onProgress: (bytesRead, fileSize) => {
        const now = Date.now();
        if (now - lastProgress < PROGRESS_INTERVAL_MS) return;
        lastProgress = now;
        post({ type: 'progress', bytesRead, fileSize });
      },
    });
    post({ type: 'done', summary: summarizeCapture(job.path, reader, ingest) });
  } catch (err) {
    if (err instanceof CaptureError) post({ type: 'notCapture', reason: err.reason, offset: err.offset });
    else post({ type: 'ioError', message: ioMessage(err) });
  }
}

function ioMessage(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'the file does not exist';
  if (e.code === 'EISDIR') return 'this is a directory, not a capture file';
  if (e.code === 'EACCES') return 'permission denied';
  return e.message ?? String(err);
}

void parse(workerData as ParseJob);
