/** The status bar item of a live session: its state, events per second, flows and findings; a click offers Pause/Resume/Stop/Save Session. */
import * as vscode from 'vscode';
import type { LiveDocument } from './liveDocument';

export const LIVE_ACTIONS_COMMAND = 'tcpFlowLens.liveSessionActions';

const ICONS: Record<string, string> = { connecting: '$(sync~spin)', attached: '$(pulse)', paused: '$(debug-pause)', reconnecting: '$(sync~spin)', ended: '$(debug-stop)' };

/** 1234 → "1.2k": the item stays short as rates grow. */
function short(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${Math.round(n / 1e3)}k` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(Math.round(n));
}

export class LiveStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('tcpFlowLens.live', vscode.StatusBarAlignment.Left, 50);

  constructor() {
    this.item.name = 'TCP Flow Lens live session';
    this.item.command = LIVE_ACTIONS_COMMAND;
  }

  /** Shows the session while its source runs (or it is connecting); hides otherwise. */
  show(doc: LiveDocument | undefined): void {
    const state = doc?.live?.state ?? (doc?.state.kind === 'loading' ? 'connecting' : undefined);
    if (!doc || !state || state === 'ended' || !doc.running) {
      this.item.hide();
      return;
    }
    const view = doc.view;
    const rate = doc.live?.eventsPerSecond ?? 0;
    const flows = view?.flows.length ?? 0;
    const findings = view?.findings.length ?? 0;
    const numbers = state === 'attached' ? `${short(rate)} ev/s · ${flows} flow${flows === 1 ? '' : 's'} · ${findings} finding${findings === 1 ? '' : 's'}` : `${state} · ${flows} flow${flows === 1 ? '' : 's'} · ${findings} finding${findings === 1 ? '' : 's'}`;
    this.item.text = `${ICONS[state] ?? '$(pulse)'} ${numbers}`;
    this.item.tooltip = `TCP Flow Lens: ${doc.title} (${state})${doc.live?.message ? `: ${doc.live.message}` : ''}. Click to pause, resume, stop or save the session.`;
    this.item.accessibilityInformation = { label: `Live session ${doc.title}, ${state}, ${numbers}` };
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
