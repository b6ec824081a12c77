/** The palette commands: open a capture from a file picker, or the bundled demo capture. */
import * as vscode from 'vscode';
import { CaptureEditorProvider } from './captureEditor';

export function registerCommands(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('tcpFlowLens.openCapture', openCapture),
    vscode.commands.registerCommand('tcpFlowLens.openDemo', () => openWithLens(demoCaptureUri(context.extensionUri))),
  );
}

/** The demo: a receiver that waits for FIONREAD to report n bytes while the kernel closes the window. */
export function demoCaptureUri(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'test', 'fixtures', 'demo.pcap');
}

async function openCapture(): Promise<void> {
  const picked = await vscode.window.showOpenDialog({
    title: 'Open Capture',
    openLabel: 'Open Capture',
    canSelectMany: false,
    filters: { 'Packet captures': ['pcap', 'pcapng', 'cap'], 'All files': ['*'] },
  });
  if (picked?.[0]) await openWithLens(picked[0]);
}

async function openWithLens(uri: vscode.Uri): Promise<void> {
  await vscode.commands.executeCommand('vscode.openWith', uri, CaptureEditorProvider.viewType);
}
