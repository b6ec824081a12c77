/**
 * Live sessions in the editor: "Attach…" opens one in a webview panel titled by its source (the same
 * page and EditorSession as a capture file; no file behind it, so a plain panel rather than a custom
 * editor); the status bar shows the session's rate, flows and findings, and its click offers Pause,
 * Resume, Stop and Save Session. Closing the panel stops the source.
 */
import * as vscode from 'vscode';
import type { CaptureEditors } from '../captureEditors';
import { EditorSession } from '../editorSession';
import { captureEditorHtml, webviewResourceRoots } from '../webviewHtml';
import { type AttachChoice, chooseSource } from './attach';
import { LiveDocument } from './liveDocument';
import { LiveStatusBar } from './statusBar';

export const LIVE_VIEW_TYPE = 'tcpFlowLens.live';
/** Context key: a live session's source is running (attached, paused or reconnecting). */
const RUNNING_KEY = 'tcpFlowLens.liveRunning';
/** Context key: a live session's editor is open (Save Session). */
const HAS_LIVE_KEY = 'tcpFlowLens.hasLive';

export class LiveSessions implements vscode.Disposable {
  private readonly documents = new Set<LiveDocument>();
  /** The session the status bar and the commands act on: the active editor's, else the latest. */
  private current: LiveDocument | undefined;
  private readonly statusBar: LiveStatusBar;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly editors: CaptureEditors,
  ) {
    this.statusBar = new LiveStatusBar();
    this.disposables.push(
      this.statusBar,
      editors.onDidChange(() => {
        const doc = editors.active?.document;
        if (doc instanceof LiveDocument && doc !== this.current) {
          this.current = doc;
          this.refresh();
        }
      }),
    );
  }

  /** "Attach…": asks what to attach to (unless given: tests, recent sources) and opens the session. */
  async attach(given?: AttachChoice): Promise<LiveDocument | undefined> {
    const choice = await chooseSource(this.context, given);
    if (!choice) return undefined;
    const workerPath = vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'parseWorker.js').fsPath;
    const doc = new LiveDocument(choice, workerPath, historySetting());
    const panel = vscode.window.createWebviewPanel(LIVE_VIEW_TYPE, `Live: ${doc.title}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      localResourceRoots: webviewResourceRoots(this.context.extensionUri),
    });
    panel.iconPath = vscode.Uri.joinPath(this.context.extensionUri, 'media', 'icon.png');
    panel.webview.html = captureEditorHtml(panel.webview, this.context.extensionUri);
    const session = new EditorSession(doc, panel);
    this.documents.add(doc);
    this.current = doc;
    const sub = doc.onDidChangeState(() => this.refresh());
    session.onDidDispose(() => {
      sub.dispose();
      this.documents.delete(doc);
      if (this.current === doc) this.current = [...this.documents].pop();
      doc.dispose();
      this.refresh();
    });
    this.editors.add(session);
    void doc.load();
    this.refresh();
    return doc;
  }

  /** The session the commands act on; says so when there is none. */
  target(): LiveDocument | undefined {
    const active = this.editors.active?.document;
    const doc = active instanceof LiveDocument ? active : this.current;
    if (!doc) void vscode.window.showInformationMessage('No live session: attach to one with "TCP Flow Lens: Attach…".');
    return doc;
  }

  /** The status bar's click: what can be done with the session now. */
  async actions(): Promise<void> {
    const doc = this.target();
    if (!doc) return;
    const state = doc.live?.state;
    const items: (vscode.QuickPickItem & { run: () => unknown })[] = [
      ...(doc.running && state !== 'paused' ? [{ label: '$(debug-pause) Pause', detail: 'Keep receiving, stop updating the editor until Resume', run: () => doc.pause() }] : []),
      ...(state === 'paused' ? [{ label: '$(debug-continue) Resume', detail: 'Show what arrived meanwhile and follow again', run: () => doc.resume() }] : []),
      ...(doc.running ? [{ label: '$(debug-stop) Stop', detail: 'End the session; what was received stays in the editor', run: () => doc.stop() }] : []),
      { label: '$(save) Save Session…', detail: 'Write what was received as pcapng/pcap or JSON Lines', run: () => this.save(doc) },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: `Live session: ${doc.title}`, placeHolder: state ? `The source is ${state}` : 'Connecting…' });
    await picked?.run();
  }

  /** "Save Session…": a save dialog, then the worker writes the recording there. */
  async save(doc = this.target()): Promise<void> {
    if (!doc) return;
    const format = doc.view?.format ?? null;
    const ext = format === 'nat-flow-trace' ? 'jsonl' : format === 'consomme-log' ? 'log' : format === 'pcap' && (doc.live?.gaps.length ?? 0) === 0 ? 'pcap' : 'pcapng';
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    const name = `${doc.title.replace(/[^\w.-]+/g, '_').slice(0, 40)}-${stamp}.${ext}`;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri = await vscode.window.showSaveDialog({
      title: 'Save Session',
      saveLabel: 'Save Session',
      ...(folder ? { defaultUri: vscode.Uri.joinPath(folder, name) } : {}),
      filters: ext === 'jsonl' || ext === 'log' ? { 'NAT traces and logs': [ext] } : { 'Packet captures': [ext] },
    });
    if (!uri) return;
    if (uri.scheme !== 'file') return void vscode.window.showWarningMessage(`A session can only be saved to a file on disk (not ${uri.scheme}:).`);
    try {
      const saved = await doc.saveSession(uri.fsPath);
      const open = 'Open';
      // Not awaited: a command that waits on a notification waits until it is dismissed.
      void vscode.window.showInformationMessage(`Saved the session to ${uri.fsPath} (${saved.format}, ${saved.bytes.toLocaleString('en-US')} bytes${saved.segments > 1 ? `, ${saved.segments} streams` : ''}).`, open).then((a) => {
        if (a === open) void vscode.commands.executeCommand('vscode.openWith', uri, ext === 'jsonl' || ext === 'log' ? 'tcpFlowLens.natTrace' : 'tcpFlowLens.capture');
      });
    } catch (err) {
      void vscode.window.showErrorMessage(`Could not save the session: ${(err as Error).message ?? err}`);
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    for (const doc of this.documents) doc.dispose();
    this.documents.clear();
  }

  private refresh(): void {
    const running = [...this.documents].some((d) => d.running);
    void vscode.commands.executeCommand('setContext', RUNNING_KEY, running);
    void vscode.commands.executeCommand('setContext', HAS_LIVE_KEY, this.documents.size > 0);
    const doc = this.current && this.documents.has(this.current) ? this.current : undefined;
    this.statusBar.show(doc);
  }
}

/** `tcpFlowLens.liveHistory`, when it is well formed; else the model's default. */
function historySetting(): { seconds: number; packets: number } | undefined {
  const h = vscode.workspace.getConfiguration('tcpFlowLens').get<{ seconds?: unknown; packets?: unknown }>('liveHistory');
  const ok = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;
  return h && ok(h.seconds) && ok(h.packets) ? { seconds: h.seconds as number, packets: h.packets as number } : undefined;
}
