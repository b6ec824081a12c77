/**
 * "TCP Flow Lens: Attach…": a quick pick of the recent sources, the commands of the
 * `tcpFlowLens.liveSources` setting, "Follow a file…" and "Connect to a socket…", with a toggle for
 * `ss` sampling (`tcpFlowLens.ssSampling`). In an untrusted workspace nothing that starts a process
 * or opens a socket runs; the first run of each command line asks first (remembered per line).
 */
import * as vscode from 'vscode';
import type { LiveSpec, SsSamplingSpec } from '../../core/live/types';
import { addRecent, checkSocketAddress, commandLine, type ConfiguredSource, configuredSources, needsTrust, type RecentSource, ssCommandLine, ssSampling, sourceTitle, usableRecents } from './sourceSpecs';

const RECENT_KEY = 'tcpFlowLens.live.recentSources';
const CONFIRMED_KEY = 'tcpFlowLens.live.confirmedCommandLines';

/** What the user chose to attach to. */
export interface AttachChoice {
  spec: LiveSpec;
  ss: SsSamplingSpec | null;
}

type Item = vscode.QuickPickItem & { run?: () => Promise<LiveSpec | undefined> | LiveSpec | undefined; toggleSs?: true };

/** Asks what to attach to; undefined when the user dismissed it or it was refused (with a message). */
export async function chooseSource(context: vscode.ExtensionContext, given?: AttachChoice): Promise<AttachChoice | undefined> {
  const config = vscode.workspace.getConfiguration('tcpFlowLens');
  const { sources, problems } = configuredSources(config.get('liveSources'));
  const ss = ssSampling(config.get('ssSampling'));
  for (const problem of [...problems, ...(ss.problem ? [ss.problem] : [])]) void vscode.window.showWarningMessage(`TCP Flow Lens: ${problem}; ignored.`);
  let choice = given;
  if (choice?.spec.kind === 'command') {
    const spec = choice.spec;
    if (!sources.some((c) => c.label === spec.label && c.command === spec.command && JSON.stringify(c.args) === JSON.stringify(spec.args))) {
      void vscode.window.showWarningMessage(`TCP Flow Lens runs only the commands listed in the tcpFlowLens.liveSources setting; "${commandLine(spec.command, spec.args)}" is not one of them.`);
      return undefined;
    }
  }
  if (!choice) {
    const recents = usableRecents(context.globalState.get(RECENT_KEY), sources);
    const picked = await pick(recents, sources, ss.spec);
    if (!picked) return undefined;
    choice = picked;
  }
  if (!vscode.workspace.isTrusted && needsTrust(choice.spec, choice.ss)) {
    const what = choice.spec.kind === 'socket' ? 'connect to a socket' : choice.ss && choice.spec.kind === 'file' ? 'run ss for queue samples' : 'run a command';
    void vscode.window.showWarningMessage(`TCP Flow Lens does not ${what} in an untrusted workspace. Trust the workspace (Manage Workspace Trust) to attach to ${sourceTitle(choice.spec)}.`);
    return undefined;
  }
  const lines = [...(choice.spec.kind === 'command' ? [commandLine(choice.spec.command, choice.spec.args)] : []), ...(choice.ss ? [ssCommandLine(choice.ss)] : [])];
  for (const line of lines) if (!(await confirmed(context, line))) return undefined;
  await context.globalState.update(RECENT_KEY, addRecent(usableRecents(context.globalState.get(RECENT_KEY), sources), { spec: choice.spec, ss: choice.ss !== null }));
  return choice;
}

/** The quick pick; the ss item toggles sampling and keeps the pick open. */
async function pick(recents: RecentSource[], sources: ConfiguredSource[], ss: SsSamplingSpec | null): Promise<AttachChoice | undefined> {
  let ssOn = false;
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = 'Attach to a live source';
  qp.placeholder = 'A command writing pcap to stdout, a file still being written, or a socket';
  qp.matchOnDetail = true;
  const build = (): Item[] => [
    ...(recents.length ? [{ label: 'recent', kind: vscode.QuickPickItemKind.Separator } as Item] : []),
    ...recents.map((r): Item => ({ label: `$(history) ${sourceTitle(r.spec)}`, description: describe(r.spec), run: () => r.spec })),
    ...(sources.length ? [{ label: 'commands (tcpFlowLens.liveSources)', kind: vscode.QuickPickItemKind.Separator } as Item] : []),
    ...sources.map((s): Item => ({ label: `$(terminal) ${s.label}`, detail: commandLine(s.command, s.args), run: () => ({ kind: 'command', label: s.label, command: s.command, args: s.args }) })),
    ...(sources.length ? [] : [{ label: '$(gear) Add a command…', detail: 'tcpFlowLens.liveSources: e.g. tcpdump -U -w - -i tun0, through ssh or wsl.exe -e', run: () => void vscode.commands.executeCommand('workbench.action.openSettings', 'tcpFlowLens.liveSources') } as Item]),
    { label: 'other sources', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(file) Follow a file…', detail: 'A pcap, pcapng, nat-flow-trace/1 or consomme log still being written (like tail -f)', run: followFile },
    { label: '$(plug) Connect to a socket…', detail: 'tcp:HOST:PORT or unix:PATH carrying nat-flow-trace/1 or pcap; reconnects after a disconnect', run: askSocket },
    { label: 'options', kind: vscode.QuickPickItemKind.Separator },
    ss
      ? { label: `${ssOn ? '$(check)' : '$(circle-large-outline)'} Sample socket queues with ss`, detail: `${ssCommandLine(ss)} every ${ss.intervalMs} ms (tcpFlowLens.ssSampling) for measured Recv-Q/Send-Q`, toggleSs: true }
      : { label: '$(circle-slash) Socket queue sampling is off', detail: 'Set tcpFlowLens.ssSampling ({"intervalMs": 200}, optionally a "prefix" like ["ssh", "host"]) to sample ss -tinm', run: () => void vscode.commands.executeCommand('workbench.action.openSettings', 'tcpFlowLens.ssSampling') },
  ];
  qp.items = build();
  const chosen = await new Promise<Item | undefined>((resolve) => {
    qp.onDidAccept(() => {
      const item = qp.selectedItems[0];
      if (item?.toggleSs) {
        ssOn = !ssOn;
        qp.items = build();
        return;
      }
      resolve(item);
      qp.hide();
    });
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  const spec = await chosen?.run?.();
  return spec ? { spec, ss: ssOn ? ss : null } : undefined;
}

function describe(spec: LiveSpec): string {
  if (spec.kind === 'command') return commandLine(spec.command, spec.args);
  if (spec.kind === 'file') return spec.path;
  return spec.kind === 'socket' ? 'socket' : '';
}

async function followFile(): Promise<LiveSpec | undefined> {
  const picked = await vscode.window.showOpenDialog({ title: 'Follow a file', openLabel: 'Follow', canSelectMany: false, filters: { 'Captures and NAT traces': ['pcap', 'pcapng', 'cap', 'jsonl', 'ndjson', 'log', 'txt'], 'All files': ['*'] } });
  const uri = picked?.[0];
  if (!uri) return undefined;
  if (uri.scheme !== 'file') {
    void vscode.window.showWarningMessage(`Only files on disk can be followed (this one is ${uri.scheme}:).`);
    return undefined;
  }
  return { kind: 'file', path: uri.fsPath };
}

async function askSocket(): Promise<LiveSpec | undefined> {
  const text = await vscode.window.showInputBox({
    title: 'Connect to a socket',
    prompt: 'tcp:HOST:PORT or unix:PATH, carrying nat-flow-trace/1 or pcap',
    placeHolder: 'tcp:127.0.0.1:9000',
    ignoreFocusOut: true,
    validateInput: (value) => {
      const checked = checkSocketAddress(value);
      return 'error' in checked ? checked.error : null;
    },
  });
  if (text === undefined) return undefined;
  const checked = checkSocketAddress(text);
  return 'address' in checked ? { kind: 'socket', address: checked.address } : undefined;
}

/** The first run of a command line asks, showing it exactly; a yes is remembered for that line. */
async function confirmed(context: vscode.ExtensionContext, line: string): Promise<boolean> {
  const known = context.globalState.get<string[]>(CONFIRMED_KEY, []);
  if (known.includes(line)) return true;
  const run = 'Run';
  const answer = await vscode.window.showWarningMessage('TCP Flow Lens will run this command and read its output:', { modal: true, detail: `${line}\n\nIt comes from your settings. You are asked once per command line.` }, run);
  if (answer !== run) return false;
  await context.globalState.update(CONFIRMED_KEY, [...known, line]);
  return true;
}
