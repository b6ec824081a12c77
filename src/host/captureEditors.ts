/**
 * The open capture editors and which one is active (the last one focused, while it stays open):
 * the palette commands and the flows tree view act on it. Sets the `tcpFlowLens.hasCapture`
 * context key that shows the tree view.
 */
import * as vscode from 'vscode';
import type { EditorSession } from './editorSession';

export class CaptureEditors implements vscode.Disposable {
  private readonly sessions = new Set<EditorSession>();
  private current: EditorSession | undefined;
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  /** The active editor changed, or its capture or selection did. */
  readonly onDidChange = this.changeEmitter.event;

  get active(): EditorSession | undefined {
    return this.current;
  }

  add(session: EditorSession): void {
    this.sessions.add(session);
    const subscriptions = [
      session.panel.onDidChangeViewState(({ webviewPanel }) => {
        if (webviewPanel.active) this.setActive(session);
      }),
      session.onDidChange(() => {
        if (session === this.current) this.changeEmitter.fire();
      }),
    ];
    session.onDidDispose(() => {
      for (const s of subscriptions) s.dispose();
      this.sessions.delete(session);
      if (this.current === session) this.setActive([...this.sessions].find((s) => s.panel.active) ?? [...this.sessions].pop());
      void this.updateContext();
    });
    if (session.panel.active || !this.current) this.setActive(session);
    void this.updateContext();
  }

  /** The open editors (a document open in two editors appears twice). */
  get all(): readonly EditorSession[] {
    return [...this.sessions];
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }

  private setActive(session: EditorSession | undefined): void {
    if (session === this.current) return;
    this.current = session;
    this.changeEmitter.fire();
  }

  private updateContext(): Thenable<unknown> {
    return vscode.commands.executeCommand('setContext', 'tcpFlowLens.hasCapture', this.sessions.size > 0);
  }
}
