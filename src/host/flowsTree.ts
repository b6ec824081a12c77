/**
 * The flows tree view (Explorer): the active capture's flows, busiest stalls first, each with its
 * findings as children. Clicking a flow or a finding reveals it in the capture editor.
 */
import * as vscode from 'vscode';
import type { CaptureView, FindingRow, FlowRow } from '../protocol';
import type { CaptureEditors } from './captureEditors';

export const FLOWS_VIEW_ID = 'tcpFlowLens.flows';
export const REVEAL_COMMAND = 'tcpFlowLens.reveal';

/** More rows than this are summarised in one last row: a tree is not the place to scroll 100,000 flows. */
const MAX_FLOWS = 500;

export type FlowsNode =
  | { kind: 'flow'; flow: FlowRow; stalls: number; owedSeconds: number; findings: FindingRow[] }
  | { kind: 'finding'; flow: FlowRow; finding: FindingRow }
  | { kind: 'more'; count: number };

export class FlowsTreeProvider implements vscode.TreeDataProvider<FlowsNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;
  /** The capture the tree last announced: the tree refreshes only when it changes. */
  private announced: CaptureView | undefined;

  constructor(private readonly editors: CaptureEditors) {
    // Every refresh replaces the tree's items; a second one while the first is being fetched makes
    // VS Code cancel it or look up items that are gone (and log an error). So the tree follows only
    // read captures, and refreshes once per capture, not on every progress message.
    this.subscription = editors.onDidChange(() => {
      const capture = this.capture;
      if (capture === this.announced) return;
      this.announced = capture;
      this.changeEmitter.fire();
    });
  }

  /** The capture the tree shows: the active editor's, once it is read. */
  get capture(): CaptureView | undefined {
    const state = this.editors.active?.document.state;
    return state?.kind === 'ready' ? state.view : undefined;
  }

  getChildren(node?: FlowsNode): FlowsNode[] {
    const view = this.capture;
    if (!view) return [];
    if (!node) return flowNodes(view);
    if (node.kind === 'flow') return node.findings.map((finding) => ({ kind: 'finding', flow: node.flow, finding }));
    return [];
  }

  getTreeItem(node: FlowsNode): vscode.TreeItem {
    switch (node.kind) {
      case 'flow':
        return flowItem(node);
      case 'finding':
        return findingItem(node);
      case 'more': {
        const item = new vscode.TreeItem(`… ${node.count} more flows (see the editor's flow list)`);
        item.contextValue = 'more';
        return item;
      }
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}

function flowNodes(view: CaptureView): FlowsNode[] {
  const stalls = new Map<number, number>();
  for (const s of view.stalls) stalls.set(s.flowId, (stalls.get(s.flowId) ?? 0) + 1);
  const findings = new Map<number, FindingRow[]>();
  for (const f of view.findings) {
    const list = findings.get(f.flowId);
    if (list) list.push(f);
    else findings.set(f.flowId, [f]);
  }
  const nodes = view.flows.map((flow, k): FlowsNode & { kind: 'flow' } => ({
    kind: 'flow',
    flow,
    stalls: stalls.get(flow.id) ?? 0,
    owedSeconds: view.health[k]?.owedSeconds ?? 0,
    findings: findings.get(flow.id) ?? [],
  }));
  // The flows worth a look first: owed time, then stalls, then findings; the rest in capture order.
  nodes.sort((x, y) => y.owedSeconds - x.owedSeconds || y.stalls - x.stalls || y.findings.length - x.findings.length || x.flow.id - y.flow.id);
  if (nodes.length <= MAX_FLOWS) return nodes;
  return [...nodes.slice(0, MAX_FLOWS), { kind: 'more', count: nodes.length - MAX_FLOWS }];
}

function flowItem(node: FlowsNode & { kind: 'flow' }): vscode.TreeItem {
  const { flow } = node;
  const item = new vscode.TreeItem(`${flow.a} ↔ ${flow.b}`, node.findings.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = `flow:${flow.id}`;
  item.description = `${node.stalls} ${node.stalls === 1 ? 'stall' : 'stalls'}, ${node.owedSeconds.toFixed(1)} s owed`;
  item.tooltip = `Flow ${flow.id}: ${flow.packetsAtoB + flow.packetsBtoA} packets, ${flow.payloadAtoB} bytes a→b, ${flow.payloadBtoA} bytes b→a over ${flow.duration.toFixed(3)} s`;
  item.iconPath = new vscode.ThemeIcon(node.owedSeconds > 0 ? 'error' : node.stalls > 0 ? 'warning' : 'arrow-swap');
  item.contextValue = 'flow';
  item.command = { command: REVEAL_COMMAND, title: 'Show Flow', arguments: [flow.id] };
  return item;
}

const SEVERITY_ICONS = { error: 'error', warning: 'warning', info: 'info' } as const;

function findingItem(node: FlowsNode & { kind: 'finding' }): vscode.TreeItem {
  const { finding } = node;
  const item = new vscode.TreeItem(finding.kind.replaceAll('_', ' '));
  item.id = `finding:${finding.id}`;
  item.description = `${finding.time.toFixed(3)} s, frame ${finding.frames[0] ?? '?'}`;
  item.tooltip = finding.message;
  item.iconPath = new vscode.ThemeIcon(SEVERITY_ICONS[finding.severity]);
  item.contextValue = 'finding';
  item.command = { command: REVEAL_COMMAND, title: 'Show Finding', arguments: [finding.flowId, finding.id] };
  return item;
}
