/**
 * Worker thread that reads a capture off the extension host's main thread and then keeps its model:
 * the core's streaming reader and ingest with progress (and the flows so far) about once a second,
 * the analysis and the view; then it answers series and packet-details queries until the host
 * terminates it (cancel, reload, or the document closing). It must not import `vscode` nor host
 * modules other than workerProtocol.ts: eslint.config.mjs enforces it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { FlowAnalysis } from '../core/analysis/analyze';
import { fileErrorMessage } from '../core/capture/file';
import { CaptureError } from '../core/capture/types';
import type { Flow } from '../core/flows/flow';
import { loadModel } from '../core/load';
import { commentRows } from '../core/report/noteRows';
import { SourceError } from '../core/trace/source';
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
  let lastProgress = Date.now();
  try {
    // A capture, a NAT trace or a consomme log: told by the content, whatever the file is called.
    const loaded = await loadModel(job.path, {
      consomme: job.natLog,
      // Small steps so that the time check below runs often; posting is throttled by time, not bytes.
      progressBytes: 1 << 20,
      onProgress: (bytesRead, fileSize, ingest) => {
        const now = Date.now();
        // The last call (the whole file read) always goes out: the analysis that follows can take seconds.
        if (now - lastProgress < PROGRESS_INTERVAL_MS && bytesRead < fileSize) return;
        lastProgress = now;
        post({ type: 'progress', bytesRead, fileSize, capture: partialView(job.path, job.fileName, ingest.ingest) });
      },
    });
    const view = { ...toCaptureView(loaded.summary, job.fileName, undefined, (id) => loaded.analyses[id]?.limitedBy), comments: commentRows(loaded.ingest) };
    model = { flows: loaded.ingest.flows.flows, analyses: loaded.analyses };
    post({ type: 'done', view });
  } catch (err) {
    if (err instanceof CaptureError) post({ type: 'notCapture', reason: err.reason, offset: err.offset });
    else if (err instanceof SourceError) post({ type: 'notCapture', reason: err.reason, offset: -1 });
    else post({ type: 'ioError', message: fileErrorMessage(err) });
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

parentPort!.on('message', answer);
void parse(workerData as ParseJob);
