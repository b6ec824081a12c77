/**
 * One open capture editor: connects a document's state to its webview through the typed protocol,
 * relays the webview's timeline queries to the document's worker, and mirrors what the user looks
 * at (for the flows tree view and the palette commands). Nothing is posted before the webview's
 * `ready`; a webview that is re-created (it is not retained while hidden) says `ready` again and
 * gets the current state again.
 */
import * as vscode from 'vscode';
import { type Direction, type EditorCommand, type FromWebviewMessage, MessageType, type PacketDetails, type SeriesResult, type ToWebviewMessage, type WebviewRequest } from '../protocol';
import type { CaptureDocument, DocumentState } from './captureDocument';
import { handleNoteRequest } from './noteRequests';

/** What the user has selected in this editor, as its webview last reported it. */
export interface EditorSelection {
  flowId: number | null;
  findingId: number | null;
  direction?: Direction;
  /** The visible time window of the timelines. */
  view?: { t0: number; t1: number } | null;
}

export class EditorSession implements vscode.Disposable {
  private ready = false;
  private disposed = false;
  private current: EditorSelection = { flowId: null, findingId: null };
  /** A reveal not yet sent: the webview is not ready (hidden, re-created) or the capture is still being read. */
  private pendingReveal: ToWebviewMessage | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  /** The document's state or the selection changed. */
  readonly onDidChange = this.changeEmitter.event;
  readonly onDidDispose = this.disposeEmitter.event;

  constructor(
    readonly document: CaptureDocument,
    readonly panel: vscode.WebviewPanel,
  ) {
    this.disposables.push(
      panel.webview.onDidReceiveMessage((msg: FromWebviewMessage) => this.onMessage(msg)),
      document.onDidChangeState((state) => {
        if (this.ready) this.postState(state);
        if (state.kind !== 'loading' || state.capture) this.changeEmitter.fire();
      }),
      document.notes.onDidChange(() => this.postNotes()),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  get selection(): EditorSelection {
    return this.current;
  }

  /** A palette command for this editor's webview. */
  command(command: EditorCommand): void {
    this.post({ type: MessageType.Command, command });
  }

  /** Shows the editor and in it the flow (and finding). */
  reveal(flowId: number, findingId?: number): void {
    const message: ToWebviewMessage = { type: MessageType.Reveal, flowId, ...(findingId === undefined ? {} : { findingId }) };
    this.panel.reveal(undefined, false);
    this.pendingReveal = message;
    this.flushReveal();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ready = false;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.disposeEmitter.fire();
    this.disposeEmitter.dispose();
    this.changeEmitter.dispose();
  }

  private onMessage(msg: FromWebviewMessage): void {
    switch (msg.type) {
      case MessageType.Ready:
        this.ready = true;
        this.postState(this.document.state);
        return;
      case MessageType.ViewChanged:
        this.current = { flowId: msg.selectedFlowId, findingId: msg.selectedFindingId, direction: msg.direction, view: msg.view };
        this.changeEmitter.fire();
        return;
      default:
        void this.answer(msg);
    }
  }

  /** Every request gets exactly one reply, `{ ok }` or `{ error }`, whatever its handler does. */
  private async answer(request: WebviewRequest): Promise<void> {
    try {
      const result = await this.handle(request);
      this.post({ type: MessageType.Reply, inReplyTo: request.requestId, ok: true, ...(result ? { result } : {}) });
    } catch (err) {
      this.post({ type: MessageType.Reply, inReplyTo: request.requestId, error: (err as Error).message ?? String(err) });
    }
  }

  private async handle(request: WebviewRequest): Promise<SeriesResult | PacketDetails | undefined> {
    switch (request.type) {
      case MessageType.Reload:
        await this.document.load();
        return undefined;
      case MessageType.ReopenWithOtherEditor:
        // 'default' is VS Code's own editor for the file (text, or the binary notice with its hex option).
        await vscode.commands.executeCommand('vscode.openWith', this.document.uri, 'default', this.panel.viewColumn);
        return undefined;
      case MessageType.Series:
        // The worker's typed arrays go on to the webview as they are: VS Code transfers their buffers.
        return this.document.series(request.query);
      case MessageType.PacketDetails:
        return this.document.packetDetails(request.flowId, request.frame);
      case MessageType.AddNote:
      case MessageType.EditNote:
      case MessageType.DeleteNote:
      case MessageType.UndoNote:
      case MessageType.PinFinding:
        await handleNoteRequest(this.document, request);
        return undefined;
      default:
        throw new Error(`unknown request ${(request as { type: string }).type}`);
    }
  }

  private postState(state: DocumentState): void {
    const fileName = this.document.fileName;
    switch (state.kind) {
      case 'loading':
        // Every update of the model goes out as a summary (rising revision); the byte count after it keeps the reading bar.
        if (state.capture) this.post({ type: MessageType.Summary, capture: state.capture });
        this.post({ type: MessageType.Progress, bytesRead: state.bytesRead, fileSize: state.fileSize });
        break;
      case 'ready':
        this.post({ type: MessageType.Summary, capture: state.view });
        this.postNotes();
        this.flushReveal();
        break;
      case 'failed':
        this.post({ type: MessageType.Failed, fileName, failure: state.failure });
        break;
    }
  }

  /** The notes, once the webview has the summary whose flows they are placed on. */
  private postNotes(): void {
    const state = this.document.state;
    if (!this.ready || state.kind !== 'ready') return;
    const notes = this.document.notes;
    this.post({ type: MessageType.Notes, notes: notes.rows(state.view), problem: notes.problem });
  }

  /** A reveal goes out once the webview is ready and has the summary (the flows and findings it names). */
  private flushReveal(): void {
    if (!this.pendingReveal || !this.ready || this.document.state.kind !== 'ready') return;
    this.post(this.pendingReveal);
    this.pendingReveal = undefined;
  }

  private post(message: ToWebviewMessage): void {
    if (this.disposed) return;
    void this.panel.webview.postMessage(message);
  }
}
