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
import { attachModel, type LiveSession } from '../core/live/attachModel';
import { CaptureModel } from '../core/model/captureModel';
import { DEFAULT_LIVE_HISTORY } from '../core/model/history';
import { LIVE_REFRESH_BUDGET_MS, UpdatePacer } from '../core/model/updatePacing';
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

/**
 * One update to the webview; how many grown flows it left for the next one. A file's updates analyse every grown flow; a live
 * session's refresh within LIVE_REFRESH_BUDGET_MS (the flow on screen always, see CaptureModel.refresh).
 */
function postUpdate(m: CaptureModel, job: ParseJob, bytesRead: number, fileSize: number, final: boolean, budgetMs?: number): number {
  const { waiting } = m.refresh(budgetMs);
  // The refresh just spent the budget: the view adds nothing it must not.
  post({ type: 'update', view: m.view(job.fileName, budgetMs === undefined ? undefined : 0), bytesRead, fileSize, final });
  shown = true;
  return waiting;
}

async function parse(job: ParseJob): Promise<void> {
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
        postUpdate(m, job, bytesRead, fileSize, false);
        const cost = Date.now() - now;
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

/** The live session of a job with `live` (undefined for a file). */
let session: LiveSession | undefined;

/**
 * A live session: the source (and ss sampling) into a model with bounded history through
 * attachModel. The worker refreshes it on its own pace (UpdatePacer: data on screen within
 * LIVE_EDGE_MS), each refresh within LIVE_REFRESH_BUDGET_MS with the flow on screen first, and posts
 * an update when data came, flows are still waiting for their analysis, or the source's status
 * changed; the final one when the source ends. A source that ended with an error before anything
 * arrived is a failure (the editor offers to try again).
 */
function attachLive(job: ParseJob, live: NonNullable<ParseJob['live']>): void {
  const m = new CaptureModel({ name: job.fileName, consomme: job.natLog, history: live.history ?? DEFAULT_LIVE_HISTORY });
  model = m;
  const pacer = new UpdatePacer();
  let nextUpdate = 0;
  let due: ReturnType<typeof setTimeout> | undefined;
  /** Something to show: data, samples or a gap came, a status changed, or flows wait for their analysis. */
  let news = false;
  let ended = false;
  const tick = () => {
    due = undefined;
    if (ended) return;
    const wait = nextUpdate - Date.now();
    if (wait > 0) {
      due = setTimeout(tick, wait);
      return;
    }
    if (!news) return;
    const started = Date.now();
    news = postUpdate(m, job, m.packets, 0, false, LIVE_REFRESH_BUDGET_MS) > 0;
    nextUpdate = Date.now() + pacer.pauseAfter(Date.now() - started);
    due = setTimeout(tick, nextUpdate - Date.now());
  };
  const poke = () => {
    news = true;
    due ??= setTimeout(tick, Math.max(0, nextUpdate - Date.now()));
  };
  const warned = new Set<string>();
  session = attachModel(live.spec, m, {
    ss: live.ss,
    intervalMs: 0,
    onData: poke,
    // Connecting, paused, reconnecting: the header says so at once, data or not.
    onStatus: (status) => status !== 'ended' && poke(),
    onWarning: (message) => {
      if (warned.has(message)) return;
      warned.add(message);
      post({ type: 'liveWarning', message });
    },
  });
  void session.done.then((end) => {
    ended = true;
    clearTimeout(due);
    if (end.error && m.packets === 0) {
      session?.recording?.dispose();
      post({ type: 'ioError', message: end.reason });
    } else postUpdate(m, job, m.packets, 0, true);
  });
}

/** Save and close: a live session's recording, answered like a query. */
async function sessionMessage(msg: Extract<ToWorkerMessage, { type: 'saveSession' | 'closeSession' }>): Promise<void> {
  if (msg.type === 'closeSession') {
    session?.stop();
    await session?.done;
    session?.recording?.dispose();
    return;
  }
  try {
    if (!session?.recording) throw new Error('this is not a live session');
    post({ type: 'reply', id: msg.id, result: await session.recording.saveTo(msg.path) });
  } catch (err) {
    post({ type: 'replyError', id: msg.id, error: (err as Error).message ?? String(err) });
  }
}

/** Every query gets exactly one answer: its result (typed arrays transferred) or an error. */
function answer(msg: ToWorkerMessage): void {
  if (msg.type === 'control') {
    // A file has nothing to pause or stop.
    if (msg.action === 'pause') session?.pause();
    else if (msg.action === 'resume') session?.resume();
    else session?.stop();
    return;
  }
  if (msg.type === 'saveSession' || msg.type === 'closeSession') return void sessionMessage(msg);
  try {
    if (!model || !shown) throw new Error('the capture is still being read');
    const flowId = msg.type === 'series' ? msg.query.flowId : msg.flowId;
    const flow = model.flow(flowId);
    // The timelines ask for the flow on screen: a live session's budgeted refreshes keep it at the edge.
    if (msg.type === 'series') model.focus([flowId]);
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
const job = workerData as ParseJob;
if (job.live) attachLive(job, job.live);
else void parse(job);
