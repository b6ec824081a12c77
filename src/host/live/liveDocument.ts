/**
 * The document behind a live session's editor: a CaptureDocument whose worker attaches to a source
 * (ParseJob.live) instead of reading a file. Every update of the model is a 'ready' state (the
 * webview draws it, the commands and the flows tree use it); the source can be paused, resumed and
 * stopped, and what it received saved. Its URI is virtual (`tcpflowlens-live:`): notes and bug
 * reports need a file, so they ask for Save Session first.
 */
import * as vscode from 'vscode';
import type { CaptureView, LiveState } from '../../protocol';
import { CaptureDocument } from '../captureDocument';
import { CaptureWorker, type SavedSessionInfo } from '../parseClient';
import type { ParseJob } from '../workerProtocol';
import type { AttachChoice } from './attach';
import { sourceTitle } from './sourceSpecs';

export const LIVE_SCHEME = 'tcpflowlens-live';

/** Time the worker gets to stop its source (kill the command, close the socket) before it is terminated. */
const STOP_GRACE_MS = 1000;

let sessions = 0;

export class LiveDocument extends CaptureDocument {
  /** The source as its title says it (the editor tab, the status bar). */
  readonly title: string;

  constructor(
    readonly choice: AttachChoice,
    workerPath: string,
    /** Bounded history (tcpFlowLens.liveHistory); undefined: the model's default. */
    private readonly history?: { seconds: number; packets: number },
  ) {
    const title = sourceTitle(choice.spec);
    super(vscode.Uri.from({ scheme: LIVE_SCHEME, path: `/${++sessions}/${title}` }), workerPath);
    this.title = title;
  }

  /** The session's live state as of the last update (undefined before the first). */
  get live(): LiveState | undefined {
    return this.current.kind === 'ready' ? this.current.view.live : undefined;
  }

  get view(): CaptureView | undefined {
    return this.current.kind === 'ready' ? this.current.view : undefined;
  }

  /** Whether the source still runs (it may be paused). */
  get running(): boolean {
    return this.worker !== undefined && this.live?.state !== 'ended' && this.current.kind !== 'failed';
  }

  pause(): void {
    this.worker?.control('pause');
  }

  resume(): void {
    this.worker?.control('resume');
  }

  /** Stops the source for good; the model stays, and the editor shows what was received. */
  stop(): void {
    this.worker?.control('stop');
  }

  saveSession(path: string): Promise<SavedSessionInfo> {
    if (!this.worker) return Promise.reject(new Error('the session has no data'));
    return this.worker.saveSession(path);
  }

  /** Closing stops the source first (a command's process and a socket belong to the worker), then the worker goes. */
  override dispose(): void {
    this.worker?.closeSession();
    setTimeout(() => super.dispose(), STOP_GRACE_MS);
  }

  /** Attaches (again, in a new worker: "Try again" after a failure). */
  protected override async read(): Promise<void> {
    this.worker?.dispose();
    this.setState({ kind: 'loading', bytesRead: 0, fileSize: 0 });
    const { spec, ss } = this.choice;
    const onUpdate = ({ capture }: { capture: CaptureView }) => this.setState({ kind: 'ready', view: capture });
    const job: ParseJob = { path: this.title, fileName: this.title, live: { spec, ...(ss ? { ss } : {}), ...(this.history ? { history: this.history } : {}) } };
    const worker = new CaptureWorker(this.workerPath, job, onUpdate, (message) => void vscode.window.showWarningMessage(`${this.title}: ${message}`));
    this.worker = worker;
    const outcome = await worker.result;
    if (this.worker !== worker) return; // disposed or restarted meanwhile
    if (outcome.kind === 'failed') this.worker = undefined;
    this.setState(outcome.kind === 'ok' ? { kind: 'ready', view: outcome.view } : { kind: 'failed', failure: outcome.failure });
  }
}
