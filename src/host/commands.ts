/**
 * The palette commands: open a capture from a file picker or one of the bundled demos; and, for the active
 * capture editor, switch direction, next/previous finding, reset zoom (posted to its webview), copy
 * a finding as text (done here: the host has the clipboard), and reveal a flow or finding (the
 * flows tree view's clicks); the notes and bug-report commands (reportCommands.ts, noteRequests.ts).
 */
import * as vscode from 'vscode';
import { findingText } from '../core/view/findingText';
import type { EditorCommand } from '../protocol';
import { CaptureEditorProvider } from './captureEditor';
import { chooseDemo, demoUri } from './demos';
import type { CaptureEditors } from './captureEditors';
import type { EditorSession } from './editorSession';
import { type FlowsNode, REVEAL_COMMAND } from './flowsTree';
import { undoNoteChange } from './noteRequests';
import { chosenFinding, compareWith, copyFindingMarkdown, createReport, pinFindingCommand } from './reportCommands';

/** Palette command id → the command its webview runs. */
const EDITOR_COMMANDS: readonly [string, EditorCommand][] = [
  ['tcpFlowLens.switchDirection', 'switchDirection'],
  ['tcpFlowLens.nextFinding', 'nextFinding'],
  ['tcpFlowLens.previousFinding', 'previousFinding'],
  ['tcpFlowLens.resetZoom', 'resetZoom'],
  ['tcpFlowLens.addNote', 'addNote'],
];

export function registerCommands(context: vscode.ExtensionContext, editors: CaptureEditors): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('tcpFlowLens.openCapture', openCapture),
    vscode.commands.registerCommand('tcpFlowLens.openNatTrace', openNatTrace),
    vscode.commands.registerCommand('tcpFlowLens.openDemo', (id?: unknown) => openDemo(context.extensionUri, id)),
    ...EDITOR_COMMANDS.map(([id, command]) => vscode.commands.registerCommand(id, () => activeEditor(editors)?.command(command))),
    vscode.commands.registerCommand('tcpFlowLens.copyFinding', (node?: FlowsNode) => copyFinding(editors, node)),
    vscode.commands.registerCommand('tcpFlowLens.undoNoteChange', () => withEditor(editors, (s) => undoNoteChange(s.document))),
    vscode.commands.registerCommand('tcpFlowLens.pinFinding', (node?: FlowsNode) => withEditor(editors, (s) => pinFindingCommand(s, node?.kind === 'finding' ? node.finding : undefined))),
    vscode.commands.registerCommand('tcpFlowLens.copyFindingMarkdown', (node?: FlowsNode) => withEditor(editors, (s) => copyFindingMarkdown(s, node?.kind === 'finding' ? node.finding : undefined))),
    vscode.commands.registerCommand('tcpFlowLens.createReport', (out?: vscode.Uri) => withEditor(editors, (s) => createReport(context.extensionUri, s, out))),
    vscode.commands.registerCommand('tcpFlowLens.compareWith', (other?: vscode.Uri) => withEditor(editors, (s) => compareWith(context.extensionUri, s, other))),
    vscode.commands.registerCommand(REVEAL_COMMAND, (flowId: number, findingId?: number) => activeEditor(editors)?.reveal(flowId, findingId)),
  );
}

async function openDemo(extensionUri: vscode.Uri, id?: unknown): Promise<void> {
  const demo = await chooseDemo(id);
  if (demo) await openWithLens(demoUri(extensionUri, demo));
}

/**
 * `npm start` names the capture to show first in TCP_FLOW_LENS_OPEN (code-server cannot be told to
 * open a file in a given editor before the extension is registered). A path of the extension
 * host's machine; nothing happens when it is unset.
 */
export async function openOnStartup(path = process.env.TCP_FLOW_LENS_OPEN): Promise<void> {
  if (!path) return;
  try {
    await openWithLens(vscode.Uri.file(path));
  } catch (err) {
    void vscode.window.showWarningMessage(`TCP Flow Lens could not open ${path} (TCP_FLOW_LENS_OPEN): ${(err as Error).message ?? err}`);
  }
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

/** A NAT's nat-flow-trace/1 recording or an OpenVMM consomme log: the editor tells which by its content. */
async function openNatTrace(): Promise<void> {
  const picked = await vscode.window.showOpenDialog({
    title: 'Open NAT Trace or Log',
    openLabel: 'Open',
    canSelectMany: false,
    filters: { 'NAT traces and logs': ['jsonl', 'ndjson', 'log', 'txt', 'gz'], 'All files': ['*'] },
  });
  if (picked?.[0]) await openWithLens(picked[0], CaptureEditorProvider.traceViewType);
}

async function openWithLens(uri: vscode.Uri, viewType = CaptureEditorProvider.viewType): Promise<void> {
  await vscode.commands.executeCommand('vscode.openWith', uri, viewType);
}

/** Runs `action` on the active capture editor (arguments let tests and menus name a folder, file or finding). */
async function withEditor(editors: CaptureEditors, action: (session: EditorSession) => Promise<void>): Promise<void> {
  const session = activeEditor(editors);
  if (session) await action(session);
}

function activeEditor(editors: CaptureEditors): EditorSession | undefined {
  const session = editors.active;
  if (!session) void vscode.window.showInformationMessage('Open a capture with TCP Flow Lens first.');
  return session;
}

/**
 * Copies a finding as one paragraph: the tree view's node when the command comes from its context
 * menu, else the editor's selected finding, else the first finding of its selected flow (or of the
 * capture). The webview gets the command too, to show that it was copied.
 */
async function copyFinding(editors: CaptureEditors, node?: FlowsNode): Promise<void> {
  const session = activeEditor(editors);
  if (!session) return;
  const state = session.document.state;
  if (state.kind !== 'ready') {
    void vscode.window.showInformationMessage('The capture is still being read.');
    return;
  }
  const finding = node?.kind === 'finding' ? node.finding : chosenFinding(state.view, session);
  if (!finding) {
    const where = session.selection.flowId === null ? 'This capture has' : 'The selected flow has';
    void vscode.window.showInformationMessage(`${where} no findings to copy.`);
    return;
  }
  try {
    await vscode.env.clipboard.writeText(findingText(state.view, finding));
  } catch (err) {
    // A browser-hosted VS Code may refuse the clipboard (no focus, no permission): say so, do not fail.
    void vscode.window.showWarningMessage(`Could not copy the finding: ${(err as Error).message ?? err}`);
    return;
  }
  session.command('copyFinding');
  vscode.window.setStatusBarMessage(`Copied finding ${finding.id + 1} (${finding.kind.replaceAll('_', ' ')})`, 3000);
}
