/** Extension entry: the capture editor and the palette commands. Everything is disposed with the context. */
import type * as vscode from 'vscode';
import { CaptureEditorProvider } from './captureEditor';
import { registerCommands } from './commands';

export function activate(context: vscode.ExtensionContext): void {
  CaptureEditorProvider.register(context);
  registerCommands(context);
}

export function deactivate(): void {}
