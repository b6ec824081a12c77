/**
 * The demo captures that ship with the extension, one per story the product exists for (README,
 * "The two stories"). "Open Demo Capture" offers them in this order: the NAT first, because owed
 * window updates are what no other tool shows.
 */
import * as vscode from 'vscode';

export interface Demo {
  /** Stable id: `tcpFlowLens.openDemo` takes it as an argument to skip the quick pick. */
  readonly id: 'nat' | 'read-exactly-n';
  readonly label: string;
  readonly detail: string;
  /** Path inside the extension (shipped in the .vsix: see .vscodeignore). */
  readonly path: readonly string[];
}

export const DEMOS: readonly Demo[] = [
  {
    id: 'nat',
    label: 'A user-mode NAT that never reopens its window',
    detail: 'Owed window updates: a Linux sender waits for its persist timer at every closure (natbug-buggy.pcap)',
    path: ['test', 'fixtures', 'natbug-buggy.pcap'],
  },
  {
    id: 'read-exactly-n',
    label: 'An application that reads exactly n bytes',
    detail: 'Zero-window stalls of a healthy kernel receiver whose application reads late; nothing owed (demo.pcap)',
    path: ['test', 'fixtures', 'demo.pcap'],
  },
];

export function demoUri(extensionUri: vscode.Uri, demo: Demo): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, ...demo.path);
}

/** The demo named by `id`, else the one the user picks (undefined when they dismiss the pick). */
export async function chooseDemo(id?: unknown): Promise<Demo | undefined> {
  const named = DEMOS.find((d) => d.id === id);
  if (named) return named;
  const picked = await vscode.window.showQuickPick(
    DEMOS.map((demo) => ({ label: demo.label, detail: demo.detail, demo })),
    { title: 'Open Demo Capture', placeHolder: 'Which story?', matchOnDetail: true },
  );
  return picked?.demo;
}
