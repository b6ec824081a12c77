/** The custom editor for packet captures (*.pcap, *.pcapng, *.cap) and NAT traces and logs: read-only, one webview per editor. */
import * as vscode from 'vscode';
import { CaptureDocument } from './captureDocument';
import type { CaptureEditors } from './captureEditors';
import { EditorSession } from './editorSession';
import { captureEditorHtml, webviewResourceRoots } from './webviewHtml';

export class CaptureEditorProvider implements vscode.CustomReadonlyEditorProvider<CaptureDocument> {
  static readonly viewType = 'tcpFlowLens.capture';
  /** The same editor for NAT traces and logs (*.jsonl, *.log): offered in "Open With…", never the default for such files. */
  static readonly traceViewType = 'tcpFlowLens.natTrace';

  static register(context: vscode.ExtensionContext, editors: CaptureEditors): void {
    const provider = new CaptureEditorProvider(context.extensionUri, editors);
    for (const viewType of [CaptureEditorProvider.viewType, CaptureEditorProvider.traceViewType]) {
      context.subscriptions.push(vscode.window.registerCustomEditorProvider(viewType, provider, { supportsMultipleEditorsPerDocument: true }));
    }
  }

  private constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly editors: CaptureEditors,
  ) {}

  openCustomDocument(uri: vscode.Uri): CaptureDocument {
    const workerPath = vscode.Uri.joinPath(this.extensionUri, 'dist', 'parseWorker.js').fsPath;
    const document = new CaptureDocument(uri, workerPath);
    void document.load();
    return document;
  }

  resolveCustomEditor(document: CaptureDocument, panel: vscode.WebviewPanel): void {
    panel.webview.options = { enableScripts: true, localResourceRoots: webviewResourceRoots(this.extensionUri) };
    panel.webview.html = captureEditorHtml(panel.webview, this.extensionUri);
    // The session disposes itself with the panel, and leaves the list of editors then.
    this.editors.add(new EditorSession(document, panel));
  }
}
