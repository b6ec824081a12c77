/**
 * One open capture editor: connects a document's state to its webview through the typed protocol.
 * Nothing is posted before the webview's `ready`; a webview that is re-created (it is not retained
 * while hidden) says `ready` again and gets the current state again.
 */
import * as vscode from 'vscode';
import { type FromWebviewMessage, MessageType, type ToWebviewMessage, type WebviewRequest } from '../protocol';
import type { CaptureDocument, DocumentState } from './captureDocument';

export class EditorSession implements vscode.Disposable {
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly document: CaptureDocument,
    private readonly panel: vscode.WebviewPanel,
  ) {
    this.disposables.push(
      panel.webview.onDidReceiveMessage((msg: FromWebviewMessage) => this.onMessage(msg)),
      document.onDidChangeState((state) => this.ready && this.postState(state)),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  dispose(): void {
    this.ready = false;
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private onMessage(msg: FromWebviewMessage): void {
    if (msg.type === MessageType.Ready) {
      this.ready = true;
      this.postState(this.document.state);
      return;
    }
    if (msg.type === MessageType.ViewChanged) return; // mirrored by the flows tree view once it exists
    void this.answer(msg);
  }

  /** Every request gets exactly one reply, `{ ok }` or `{ error }`, whatever its handler does. */
  private async answer(request: WebviewRequest): Promise<void> {
    try {
      await this.handle(request);
      this.post({ type: MessageType.Reply, inReplyTo: request.requestId, ok: true });
    } catch (err) {
      this.post({ type: MessageType.Reply, inReplyTo: request.requestId, error: (err as Error).message ?? String(err) });
    }
  }

  private async handle(request: WebviewRequest): Promise<void> {
    switch (request.type) {
      case MessageType.Reload:
        await this.document.load();
        return;
      case MessageType.ReopenWithOtherEditor:
        // 'default' is VS Code's own editor for the file (text, or the binary notice with its hex option).
        await vscode.commands.executeCommand('vscode.openWith', this.document.uri, 'default', this.panel.viewColumn);
        return;
      case MessageType.Series:
      case MessageType.PacketDetails:
        throw new Error('timelines are not available in this version');
      default:
        throw new Error(`unknown request ${(request as { type: string }).type}`);
    }
  }

  private postState(state: DocumentState): void {
    const fileName = this.document.fileName;
    switch (state.kind) {
      case 'loading':
        this.post({ type: MessageType.Progress, bytesRead: state.bytesRead, fileSize: state.fileSize });
        break;
      case 'ready':
        this.post({ type: MessageType.Summary, capture: state.view });
        break;
      case 'failed':
        this.post({ type: MessageType.Failed, fileName, failure: state.failure });
        break;
    }
  }

  private post(message: ToWebviewMessage): void {
    void this.panel.webview.postMessage(message);
  }
}
