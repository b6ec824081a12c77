/** Extension entry: the capture editor, the flows tree view and the palette commands. Everything is disposed with the context. */
import * as vscode from 'vscode';
import { CaptureEditorProvider } from './captureEditor';
import { CaptureEditors } from './captureEditors';
import { openOnStartup, registerCommands } from './commands';
import { FLOWS_VIEW_ID, FlowsTreeProvider } from './flowsTree';

export function activate(context: vscode.ExtensionContext): void {
  const editors = new CaptureEditors();
  const flows = new FlowsTreeProvider(editors);
  context.subscriptions.push(editors, flows, vscode.window.createTreeView(FLOWS_VIEW_ID, { treeDataProvider: flows, showCollapseAll: true }));
  CaptureEditorProvider.register(context, editors);
  registerCommands(context, editors);
  void openOnStartup();
}

export function deactivate(): void {}
