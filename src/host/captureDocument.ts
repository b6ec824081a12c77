/**
 * The thin document behind a capture editor: the file's URI and the state of reading it. Parsing runs
 * in a worker; when it takes longer than a moment, VS Code shows cancellable progress.
 */
import * as vscode from 'vscode';
import type { CaptureView, Failure } from '../protocol';
import { toCaptureView } from '../core/view/captureView';
import { type ParseHandle, startParse } from './parseClient';

export type DocumentState =
  | { kind: 'loading'; bytesRead: number; fileSize: number }
  | { kind: 'ready'; view: CaptureView }
  | { kind: 'failed'; failure: Failure };

/** Small files parse faster than a notification could appear; only slower ones get one. */
const PROGRESS_NOTIFICATION_DELAY_MS = 400;

export class CaptureDocument implements vscode.CustomDocument {
  private current: DocumentState = { kind: 'loading', bytesRead: 0, fileSize: 0 };
  private parse: ParseHandle | undefined;
  private loading: Promise<void> | undefined;
  private readonly stateEmitter = new vscode.EventEmitter<DocumentState>();
  /** Fires on every state change, progress included. */
  readonly onDidChangeState = this.stateEmitter.event;

  constructor(
    readonly uri: vscode.Uri,
    private readonly workerPath: string,
  ) {}

  get state(): DocumentState {
    return this.current;
  }

  get fileName(): string {
    return this.uri.path.slice(this.uri.path.lastIndexOf('/') + 1);
  }

  /** Reads the file (again); resolves when the new state is set. A load already running is reused. */
  load(): Promise<void> {
    this.loading ??= this.read().finally(() => (this.loading = undefined));
    return this.loading;
  }

  cancel(): void {
    this.parse?.cancel();
  }

  dispose(): void {
    this.cancel();
    this.stateEmitter.dispose();
  }

  private async read(): Promise<void> {
    if (this.uri.scheme !== 'file') {
      this.setState({ kind: 'failed', failure: { kind: 'io', message: `only files on disk can be read for now (this one is ${this.uri.scheme}:)` } });
      return;
    }
    this.setState({ kind: 'loading', bytesRead: 0, fileSize: 0 });
    const parse = startParse(this.workerPath, this.uri.fsPath, (bytesRead, fileSize) => this.setState({ kind: 'loading', bytesRead, fileSize }));
    this.parse = parse;
    const timer = setTimeout(() => this.showProgress(parse), PROGRESS_NOTIFICATION_DELAY_MS);
    const outcome = await parse.result;
    clearTimeout(timer);
    this.parse = undefined;
    this.setState(outcome.kind === 'ok' ? { kind: 'ready', view: toCaptureView(outcome.summary, this.fileName) } : { kind: 'failed', failure: outcome.failure });
  }

  private showProgress(parse: ParseHandle): void {
    const options = { location: vscode.ProgressLocation.Notification, title: `Reading ${this.fileName}`, cancellable: true };
    void vscode.window.withProgress(options, (progress, token) => {
      token.onCancellationRequested(() => parse.cancel());
      let reported = 0;
      const sub = this.onDidChangeState((state) => {
        if (state.kind !== 'loading' || state.fileSize === 0) return;
        const percent = Math.min(100, (100 * state.bytesRead) / state.fileSize);
        progress.report({ increment: percent - reported, message: `${Math.floor(percent)}%` });
        reported = percent;
      });
      return parse.result.finally(() => sub.dispose());
    });
  }

  private setState(state: DocumentState): void {
    this.current = state;
    this.stateEmitter.fire(state);
  }
}
