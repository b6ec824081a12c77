/**
 * Worker thread that reads a capture off the extension host's main thread into a CaptureModel and
 * keeps it: an update (the view so far, analysed) as soon as there are flows and then about every
 * 250 ms while reading (core/model/updatePacing.ts), a final one at the end; it answers series and packet-details queries from the
 * first update on, from the model as it is, until the host terminates it (cancel, reload, or the
 * document closing). It must not import `vscode` nor host modules other than workerProtocol.ts:
 * eslint.config.mjs enforces it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { fileErrorMessage } from '../core/capture/file';
import { CaptureError } from '../core/capture/types';
import { loadModel } from '../core/load';
import type { CaptureModel } from '../core/model/captureModel';
import { UpdatePacer } from '../core/model/updatePacing';
import { SourceError } from '../core/trace/source';
import { packetDetails } from '../core/view/packet';
import { buildSeries } from '../core/view/series';
import { forTransfer } from '../core/view/transfer';
import type { FromWorkerMessage, ParseJob, ToWorkerMessage } from './workerProtocol';


/** Updates while reading a file are at least flows / this many ms apart (100,000 flows: 2 s). */
const FLOWS_PER_MS = 50;

let model: CaptureModel | undefined;
/** Whether the webview has a view of the model yet: queries are answered from then on. */
let shown = false;

function post(message: FromWorkerMessage, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(message, transfer);
}

function postUpdate(m: CaptureModel, job: ParseJob, bytesRead: number, fileSize: number, final: boolean): number {
  const started = Date.now();
  m.refresh();
  post({ type: 'update', view: m.view(job.fileName), bytesRead, fileSize, final });
  shown = true;
  return Date.now() - started;
}

async function parse(job: ParseJob): Promise<void> {
  // The live branch (job.live: a source attached through core/live, issue 13) is wired by the live-attach work; until then say so.
  if (job.live) return post({ type: 'ioError', message: 'live sessions are not available in this build yet' });
  let nextUpdate = 0;
  const pacer = new UpdatePacer();
  let size = 0;
  try {
    // A capture, a NAT trace or a consomme log: told by the content, whatever the file is called.
    const loaded = await loadModel(job.path, {
      consomme: job.natLog,
      // Small steps so that the time check below runs often; posting is throttled by time, not bytes.
      progressBytes: 1 << 18,
      onProgress: (bytesRead, fileSize, m) => {
        model = m;
        size = fileSize;
        const now = Date.now();
        // The first update as soon as there are flows; the whole file read gets the final one below.
        if (bytesRead >= fileSize || m.flows.length === 0 || now < nextUpdate) return;
        // About every 250 ms: data read is shown within 250 ms unless the model grew too large to refresh that fast.
        const cost = postUpdate(m, job, bytesRead, fileSize, false);
        // Each update carries every flow's row to the webview: with tens of thousands of flows, fewer of them.
        nextUpdate = Date.now() + Math.max(pacer.pauseAfter(cost), m.flows.length / FLOWS_PER_MS);
      },
    });
    model = loaded.model;
    postUpdate(loaded.model, job, size, size, true);
  } catch (err) {
    if (err instanceof CaptureError) post({ type: 'notCapture', reason: err.reason, offset: err.offset });
    else if (err instanceof SourceError) post({ type: 'notCapture', reason: err.reason, offset: -1 });
    else post({ type: 'ioError', message: fileErrorMessage(err) });
  }
}

/** Every query gets exactly one answer: its result (typed arrays transferred) or an error. */
function answer(msg: ToWorkerMessage): void {
  if (msg.type === 'control') return; // live sessions only (issue 13, the live branch); a file has nothing to pause
  try {
    if (!model || !shown) throw new Error('the capture is still being read');
    const flowId = msg.type === 'series' ? msg.query.flowId : msg.flowId;
    const flow = model.flow(flowId);
    const analysis = model.analysis(flowId);
    if (!flow || !analysis) throw new RangeError(`there is no flow ${flowId}`);
    const result = msg.type === 'series' ? buildSeries(flow, analysis, msg.query) : packetDetails(flow, analysis, msg.frame);
    const { value, transfer } = forTransfer(result);
    post({ type: 'reply', id: msg.id, result: value }, transfer);
  } catch (err) {
    post({ type: 'replyError', id: msg.id, error: (err as Error).message ?? String(err) });
  }
}

parentPort!.on('message', answer);
void parse(workerData as ParseJob);
