/**
 * Worker thread that reads a capture off the extension host's main thread and then keeps its model:
 * the core's streaming reader and ingest with progress (and the flows so far) about once a second,
 * the analysis and the view; then it answers series and packet-details queries until the host
 * terminates it (cancel, reload, or the document closing). Must not import `vscode`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { analyzeFlows, type FlowAnalysis } from '../core/analysis/analyze';
import { readCaptureFile } from '../core/capture/file';
import { CaptureError } from '../core/capture/types';
import type { Flow } from '../core/flows/flow';
import { CaptureIngest } from '../core/ingest';
import { commentRows } from '../core/report/noteRows';
import { summarizeCapture } from '../core/summary';
import { partialView, toCaptureView } from '../core/view/captureView';
import { packetDetails } from '../core/view/packet';
import { buildSeries } from '../core/view/series';
import { forTransfer } from '../core/view/transfer';
import type { FromWorkerMessage, ParseJob, ToWorkerMessage } from './workerProtocol';

const PROGRESS_INTERVAL_MS = 1000;

let model: { flows: readonly Flow[]; analyses: readonly FlowAnalysis[] } | undefined;

function post(message: FromWorkerMessage, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(message, transfer);
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
        // The last call (the whole file read) always goes out: the analysis that follows can take seconds.
        if (now - lastProgress < PROGRESS_INTERVAL_MS && bytesRead < fileSize) return;
        lastProgress = now;
        post({ type: 'progress', bytesRead, fileSize, capture: partialView(job.path, job.fileName, ingest) });
      },
    });
    const flows = ingest.flows.flows;
    const analyses = analyzeFlows(flows);
    const view = { ...toCaptureView(summarizeCapture(job.path, reader, ingest, analyses), job.fileName), comments: commentRows(ingest) };
    model = { flows, analyses };
    post({ type: 'done', view });
  } catch (err) {
    if (err instanceof CaptureError) post({ type: 'notCapture', reason: err.reason, offset: err.offset });
    else post({ type: 'ioError', message: ioMessage(err) });
  }
}

/** Every query gets exactly one answer: its result (typed arrays transferred) or an error. */
function answer(msg: ToWorkerMessage): void {
  try {
    if (!model) throw new Error('the capture is still being read');
    const flowId = msg.type === 'series' ? msg.query.flowId : msg.flowId;
    const flow = model.flows[flowId];
    if (!flow) throw new RangeError(`there is no flow ${flowId}`);
    const analysis = model.analyses[flowId];
    const result = msg.type === 'series' ? buildSeries(flow, analysis, msg.query) : packetDetails(flow, analysis, msg.frame);
    const { value, transfer } = forTransfer(result);
    post({ type: 'reply', id: msg.id, result: value }, transfer);
  } catch (err) {
    post({ type: 'replyError', id: msg.id, error: (err as Error).message ?? String(err) });
  }
}

function ioMessage(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'the file does not exist';
  if (e.code === 'EISDIR') return 'this is a directory, not a capture file';
  if (e.code === 'EACCES') return 'permission denied';
  return e.message ?? String(err);
}

parentPort!.on('message', answer);
void parse(workerData as ParseJob);
