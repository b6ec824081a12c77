/**
 * The thin document behind a capture editor: the file's URI, the state of reading it, and the
 * worker that read it and keeps the model for the timelines' queries. When reading takes longer
 * than a moment, VS Code shows cancellable progress. The worker goes with the document.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { CaptureView, Failure, PacketDetails, SeriesQuery, SeriesResult } from '../protocol';
import { NotesStore } from './notesStore';
import { CaptureWorker, type ParseProgress } from './parseClient';

export type DocumentState =
  | { kind: 'loading'; bytesRead: number; fileSize: number; capture?: CaptureView }
  | { kind: 'ready'; view: CaptureView }
  | { kind: 'failed'; failure: Failure };

/** A file that changes on disk is read again once it has been quiet this long (a writer appending in bursts). */
const CHANGE_SETTLE_MS = 300;
/** A file written without pause (tcpdump -U -w) never settles: it is read again at least this often while it changes. */
const CHANGE_MAX_WAIT_MS = 2000;

/** Small files parse faster than a notification could appear; only slower ones get one. */
const PROGRESS_NOTIFICATION_DELAY_MS = 400;

/** How to read NAT logs that do not say everything (tcpFlowLens.natLog.*); read at each load. */
function natLogSettings(uri: vscode.Uri): { windowScale?: number; uptimeEpoch?: number } {
  const config = vscode.workspace.getConfiguration('tcpFlowLens.natLog', uri);
  const windowScale = config.get<number>('windowScale');
  const uptimeEpoch = config.get<number | null>('uptimeEpoch');
  return { windowScale: windowScale ?? undefined, uptimeEpoch: typeof uptimeEpoch === 'number' ? uptimeEpoch : undefined };
}

export class CaptureDocument implements vscode.CustomDocument {
  protected current: DocumentState = { kind: 'loading', bytesRead: 0, fileSize: 0 };
  protected worker: CaptureWorker | undefined;
  private loading: Promise<void> | undefined;
  private readonly stateEmitter = new vscode.EventEmitter<DocumentState>();
  /** Fires on every state change, progress included. */
  readonly onDidChangeState = this.stateEmitter.event;
  /** The capture's notes: its sidecar, watched, and its own pcapng comments (from the view). */
  readonly notes: NotesStore;
  private readonly watcher: vscode.FileSystemWatcher | undefined;
  private changeTimer: ReturnType<typeof setTimeout> | undefined;
  /** When the first change not yet read again was seen (undefined: none waiting). */
  private changedSince: number | undefined;
  /** Following the file live was offered (once per document: its writer did not pause). */
  private followOffered = false;
  /** While a shown capture is read again: its worker, which answers the view on screen until the new read has one. */
  private retiring: CaptureWorker | undefined;

  constructor(
    readonly uri: vscode.Uri,
    protected readonly workerPath: string,
  ) {
    this.notes = new NotesStore(uri);
    // A capture still being written (tcpdump -w, a NAT's trace): read it again when it changes, so the
    // editor grows with it; the webview keeps the user's flow, finding and zoom across the new updates.
    if (uri.scheme === 'file') {
      this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.joinPath(uri, '..'), basename(uri.fsPath)), true, false, true);
      this.watcher.onDidChange(() => this.changedOnDisk());
    }
  }

  get state(): DocumentState {
    return this.current;
  }

  get fileName(): string {
    return this.uri.path.slice(this.uri.path.lastIndexOf('/') + 1);
  }

  /** Reads the file (again, in a new worker); resolves when the new state is set. A load already running is reused. */
  load(): Promise<void> {
    this.loading ??= this.read().finally(() => (this.loading = undefined));
    return this.loading;
  }

  /** Stops reading (the state becomes 'cancelled'); a capture already read stays. */
  cancel(): void {
    this.worker?.cancel();
  }

  series(query: SeriesQuery): Promise<SeriesResult> {
    return this.readyWorker().series(query);
  }

  packetDetails(flowId: number, frame: number): Promise<PacketDetails> {
    return this.readyWorker().packetDetails(flowId, frame);
  }

  dispose(): void {
    clearTimeout(this.changeTimer);
    this.retire();
    this.watcher?.dispose();
    this.worker?.dispose();
    this.worker = undefined;
    this.notes.dispose();
    this.stateEmitter.dispose();
  }

  private readyWorker(): CaptureWorker {
    if (this.retiring) return this.retiring;
    // The worker answers from its first update on: a view being shown can be queried while the rest is read.
    const shown = this.current.kind === 'ready' || (this.current.kind === 'loading' && this.current.capture !== undefined);
    if (!shown || !this.worker) throw new Error(this.current.kind === 'loading' ? 'the capture is still being read' : 'the capture could not be read');
    return this.worker;
  }

  protected async read(): Promise<void> {
    // Read again while a view is shown (the file changed on disk, a setting changed): that view and its
    // worker stay until the new read has one to show, so the editor neither blanks nor fails queries.
    if (this.current.kind === 'ready' && this.worker) this.retiring = this.worker;
    else this.worker?.dispose();
    this.worker = undefined;
    if (this.uri.scheme !== 'file') {
      this.setState({ kind: 'failed', failure: { kind: 'io', message: `only files on disk can be read for now (this one is ${this.uri.scheme}:)` } });
      return;
    }
    if (!this.retiring) this.setState({ kind: 'loading', bytesRead: 0, fileSize: 0 });
    const onProgress = (p: ParseProgress) => {
      this.retire();
      this.setState({ kind: 'loading', ...p });
    };
    const worker = new CaptureWorker(this.workerPath, { path: this.uri.fsPath, fileName: this.fileName, natLog: natLogSettings(this.uri) }, onProgress);
    this.worker = worker;
    const timer = setTimeout(() => this.showProgress(worker), PROGRESS_NOTIFICATION_DELAY_MS);
    const outcome = await worker.result;
    clearTimeout(timer);
    if (this.worker !== worker) return; // disposed meanwhile
    this.retire();
    if (outcome.kind === 'failed') this.worker = undefined;
    this.setState(outcome.kind === 'ok' ? { kind: 'ready', view: outcome.view } : { kind: 'failed', failure: outcome.failure });
  }

  /** The worker of the view shown before a re-read, once the new read has its own. */
  private retire(): void {
    this.retiring?.dispose();
    this.retiring = undefined;
  }

  /**
   * Reads the file again once changes settle, or CHANGE_MAX_WAIT_MS after the first change while they
   * go on; a read already running finishes first and the change is read after it.
   */
  private changedOnDisk(): void {
    clearTimeout(this.changeTimer);
    const now = Date.now();
    this.changedSince ??= now;
    const wait = Math.min(CHANGE_SETTLE_MS, Math.max(0, this.changedSince + CHANGE_MAX_WAIT_MS - now));
    this.changeTimer = setTimeout(() => {
      if (this.loading) return void this.loading.then(() => this.changedOnDisk());
      if (Date.now() - this.changedSince! >= CHANGE_MAX_WAIT_MS) this.offerFollow();
      this.changedSince = undefined;
      void this.load();
    }, wait);
  }

  /** A writer that does not pause: each read is of the whole file; following it live reads only what is added. */
  private offerFollow(): void {
    if (this.followOffered) return;
    this.followOffered = true;
    const message = `${this.fileName} is still being written, and is read again whole every few seconds. Follow it live instead? Only what is added is read then, and the editor follows the live edge.`;
    void vscode.window.showInformationMessage(message, 'Follow Live').then((answer) => {
      if (answer) void vscode.commands.executeCommand('tcpFlowLens.attach', { spec: { kind: 'file', path: this.uri.fsPath }, ss: null });
    });
  }

  private showProgress(worker: CaptureWorker): void {
    const options = { location: vscode.ProgressLocation.Notification, title: `Reading ${this.fileName}`, cancellable: true };
    void vscode.window.withProgress(options, (progress, token) => {
      token.onCancellationRequested(() => worker.cancel());
      let reported = 0;
      const sub = this.onDidChangeState((state) => {
        if (state.kind !== 'loading' || state.fileSize === 0) return;
        const percent = Math.min(100, (100 * state.bytesRead) / state.fileSize);
        const flows = state.capture ? `, ${state.capture.flows.length} flows` : '';
        const message = percent >= 100 ? 'analysing…' : `${Math.floor(percent)}%${flows}`;
        progress.report({ increment: percent - reported, message });
        reported = percent;
      });
      return worker.result.finally(() => sub.dispose());
    });
  }

  protected setState(state: DocumentState): void {
    this.current = state;
    this.stateEmitter.fire(state);
  }
}
