/** Extension entry: the capture editor, the flows tree view, the palette commands and live sessions. Everything is disposed with the context. */
import * as vscode from 'vscode';
import { CaptureEditorProvider } from './captureEditor';
import { CaptureEditors } from './captureEditors';
import { openOnStartup, registerCommands } from './commands';
import { FLOWS_VIEW_ID, FlowsTreeProvider } from './flowsTree';
import { registerLiveCommands } from './live/liveCommands';

export function activate(context: vscode.ExtensionContext): void {
  const editors = new CaptureEditors();
  const flows = new FlowsTreeProvider(editors);
  context.subscriptions.push(editors, flows, vscode.window.createTreeView(FLOWS_VIEW_ID, { treeDataProvider: flows, showCollapseAll: true }));
  CaptureEditorProvider.register(context, editors);
  registerCommands(context, editors);
  registerLiveCommands(context, editors);
  context.subscriptions.push(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('tcpFlowLens.natLog') && reloadNatLogs(editors)));
  void openOnStartup();
}

/** The NAT-log settings (assumed window scale, uptime epoch) take effect at once in the logs already open. */
function reloadNatLogs(editors: CaptureEditors): void {
  const documents = new Set(editors.all.map((s) => s.document));
  // A live session's log is not a file to read again: it takes the settings when it is attached.
  for (const doc of documents) if (doc.uri.scheme === 'file' && doc.state.kind === 'ready' && doc.state.view.format === 'consomme-log') void doc.load();
}

export function deactivate(): void {}
