/**
 * The bug-report commands of the active capture editor: Pin Finding, Copy Finding as Markdown,
 * Create Bug Report… and Compare With…. The report and the comparison run the extension's own CLI
 * (dist/cli.js) in a child process, so the editor writes exactly what `tcp-flow-lens report` writes.
 */
import { execFile } from 'node:child_process';
import { access, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import * as vscode from 'vscode';
import { findingMarkdown } from '../core/view/findingText';
import type { CaptureView, FindingRow } from '../protocol';
import type { EditorSession } from './editorSession';
import { pinFinding } from './noteRequests';

/** A live session has no file for the CLI to read: it is saved first. */
function onDisk(session: EditorSession): boolean {
  if (session.document.uri.scheme === 'file') return true;
  void vscode.window.showInformationMessage('Reports and comparisons are made from a capture on disk: run "TCP Flow Lens: Save Session…", open the saved file, then try again.');
  return false;
}

/** The capture's view, or a message saying why there is none yet. */
function readyView(session: EditorSession): CaptureView | undefined {
  const state = session.document.state;
  if (state.kind === 'ready') return state.view;
  void vscode.window.showInformationMessage('The capture is still being read.');
  return undefined;
}

export function chosenFinding(view: CaptureView, session: EditorSession): FindingRow | undefined {
  const { flowId, findingId } = session.selection;
  return view.findings.find((f) => f.id === findingId) ?? view.findings.find((f) => f.flowId === flowId) ?? (flowId === null ? view.findings[0] : undefined);
}

export async function pinFindingCommand(session: EditorSession, given?: FindingRow): Promise<void> {
  const view = readyView(session);
  const finding = given ?? (view && chosenFinding(view, session));
  if (!view) return;
  if (!finding) return void vscode.window.showInformationMessage('Select a finding to pin it as a note.');
  try {
    await pinFinding(session.document, finding);
    vscode.window.setStatusBarMessage(`Pinned finding ${finding.id + 1} (${finding.kind.replaceAll('_', ' ')}) as a note`, 3000);
  } catch (err) {
    void vscode.window.showErrorMessage(`Could not pin the finding: ${(err as Error).message ?? err}`);
  }
}

export async function copyFindingMarkdown(session: EditorSession, given?: FindingRow): Promise<void> {
  const view = readyView(session);
  if (!view) return;
  const finding = given ?? chosenFinding(view, session);
  if (!finding) return void vscode.window.showInformationMessage('There is no finding to copy.');
  try {
    await vscode.env.clipboard.writeText(findingMarkdown(view, finding));
    vscode.window.setStatusBarMessage(`Copied finding ${finding.id + 1} as Markdown`, 3000);
  } catch (err) {
    void vscode.window.showWarningMessage(`Could not copy the finding: ${(err as Error).message ?? err}`);
  }
}

/**
 * Runs dist/cli.js with the extension host's own runtime (Electron as node, or node in code-server).
 * It starts processes (the CLI, and Chromium for the images): never in an untrusted workspace.
 */
export function runCli(extensionUri: vscode.Uri, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const cli = vscode.Uri.joinPath(extensionUri, 'dist', 'cli.js').fsPath;
  if (!vscode.workspace.isTrusted) {
    return Promise.resolve({ code: 1, stdout: '', stderr: 'this workspace is not trusted: reports and comparisons start a process (the command line and Chromium), which TCP Flow Lens does only in a trusted workspace' });
  }
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 3) : 0, stdout, stderr: stderr || (err?.message ?? '') });
    });
  });
}

/** "Create Bug Report…": the selected flow over the visible time window, into a new folder beside the capture or one the user picks; opens report.md. */
export async function createReport(extensionUri: vscode.Uri, session: EditorSession, outFolder?: vscode.Uri): Promise<void> {
  if (!onDisk(session)) return;
  const view = readyView(session);
  if (!view) return;
  const flowId = session.selection.flowId ?? view.flows[0]?.id;
  if (flowId === undefined) return void vscode.window.showInformationMessage('This capture has no TCP flow to report.');
  const out = outFolder ?? (await chooseReportFolder(session.document.uri, flowId));
  if (!out) return;
  const range = session.selection.view;
  // `--from=T`, not `--from T`: the whole flow's view starts a little before its first packet, and a
  // negative time as a separate argument reads as an option ("argument is ambiguous").
  const args = ['report', session.document.uri.fsPath, '--flow', String(flowId), '--out', out.fsPath, ...(range ? [`--from=${range.t0}`, `--to=${range.t1}`] : []), ...(session.selection.direction ? ['--direction', session.selection.direction] : [])];
  const run = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Writing the bug report…' }, () => runCli(extensionUri, args));
  if (run.code !== 0) return void vscode.window.showErrorMessage(`The bug report failed: ${run.stderr.trim()}`);
  if (run.stderr.trim()) void vscode.window.showWarningMessage(run.stderr.trim());
  await openReport(vscode.Uri.joinPath(out, 'report.md'));
}

/**
 * Where "Create Bug Report…" writes: a new folder beside the capture (`<capture>-flow<ID>-report`,
 * `-2`, `-3`… when taken), or one picked in a folder dialog. The first choice needs no dialog, so it
 * works the same in a browser-hosted VS Code (code-server), whose simple file dialog can only pick a
 * folder that already exists.
 */
async function chooseReportFolder(capture: vscode.Uri, flowId: number): Promise<vscode.Uri | undefined> {
  const beside = capture.scheme === 'file' ? await freeFolder(capture, flowId) : undefined;
  const pickFolder = 'Choose a Folder…';
  const items: vscode.QuickPickItem[] = [
    ...(beside ? [{ label: `$(new-folder) ${basename(beside.fsPath)}`, description: 'a new folder beside the capture', detail: beside.fsPath }] : []),
    { label: `$(folder-opened) ${pickFolder}`, description: 'an existing folder' },
  ];
  const picked = await vscode.window.showQuickPick(items, { title: 'Create Bug Report: where to write report.md, the timeline images and flow.pcapng', placeHolder: 'The report folder' });
  if (!picked) return undefined;
  if (beside && picked.label === items[0].label) return beside;
  return (await vscode.window.showOpenDialog({ title: 'Create Bug Report: choose a folder for report.md, the images and flow.pcapng', openLabel: 'Write Report Here', canSelectFolders: true, canSelectFiles: false, canSelectMany: false, defaultUri: vscode.Uri.joinPath(capture, '..') }))?.[0];
}

/** `<capture name without extension>-flow<ID>-report` beside the capture, numbered when that name is taken. */
async function freeFolder(capture: vscode.Uri, flowId: number): Promise<vscode.Uri> {
  const dir = dirname(capture.fsPath);
  const stem = `${basename(capture.fsPath, extname(capture.fsPath))}-flow${flowId}-report`;
  for (let n = 1; ; n++) {
    const candidate = join(dir, n === 1 ? stem : `${stem}-${n}`);
    if (!(await exists(candidate))) return vscode.Uri.file(candidate);
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

/**
 * "Compare With…": this capture before, another after. Runs `report --compare` for the selected flow
 * into a temporary folder and opens its report.md: the before/after table of the matching flows and
 * the two Sequence lanes overlaid from each flow's start (compare.png), beside the flow's own report.
 */
export async function compareWith(extensionUri: vscode.Uri, session: EditorSession, other?: vscode.Uri): Promise<void> {
  if (!onDisk(session)) return;
  const view = readyView(session);
  if (!view) return;
  const flowId = session.selection.flowId ?? view.flows[0]?.id;
  if (flowId === undefined) return void vscode.window.showInformationMessage('This capture has no TCP flow to compare.');
  const picked = other ?? (await vscode.window.showOpenDialog({ title: 'Compare With: the capture after the change', openLabel: 'Compare', canSelectMany: false, filters: { 'Packet captures': ['pcap', 'pcapng', 'cap'], 'All files': ['*'] } }))?.[0];
  if (!picked) return;
  const out = await mkdtemp(join(tmpdir(), 'tcp-flow-lens-compare-'));
  const args = ['report', session.document.uri.fsPath, '--flow', String(flowId), '--out', out, '--compare', picked.fsPath];
  const run = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Comparing the captures…' }, () => runCli(extensionUri, args));
  if (run.code !== 0) return void vscode.window.showErrorMessage(`The comparison failed: ${run.stderr.trim()}`);
  if (run.stderr.trim()) void vscode.window.showWarningMessage(run.stderr.trim());
  await openReport(vscode.Uri.file(join(out, 'report.md')));
}

/** The Markdown preview of a report (its images show), else the file itself. */
async function openReport(uri: vscode.Uri): Promise<void> {
  await vscode.commands.executeCommand('markdown.showPreview', uri).then(undefined, () => vscode.window.showTextDocument(uri));
}
