/**
 * The live-session commands: Attach…, Save Session…, the status bar's actions, and Pause / Resume /
 * Stop. Attach takes an optional choice (a source spec and ss sampling) so tests and keybindings can
 * skip the quick pick; the trust check and the first-run confirmation still apply.
 */
import * as vscode from 'vscode';
import type { CaptureEditors } from '../captureEditors';
import type { AttachChoice } from './attach';
import { LiveSessions } from './liveSessions';
import { LIVE_ACTIONS_COMMAND } from './statusBar';

export function registerLiveCommands(context: vscode.ExtensionContext, editors: CaptureEditors): LiveSessions {
  const sessions = new LiveSessions(context, editors);
  const act = (fn: (s: NonNullable<ReturnType<LiveSessions['target']>>) => void) => () => {
    const doc = sessions.target();
    if (doc) fn(doc);
  };
  context.subscriptions.push(
    sessions,
    vscode.commands.registerCommand('tcpFlowLens.attach', async (given?: AttachChoice) => {
      // Resolves once the session's editor is open (not when the source ends), with no value: commands return nothing to callers.
      await sessions.attach(given && typeof given === 'object' && 'spec' in given ? { spec: given.spec, ss: given.ss ?? null } : undefined);
    }),
    vscode.commands.registerCommand('tcpFlowLens.saveSession', () => sessions.save()),
    vscode.commands.registerCommand(LIVE_ACTIONS_COMMAND, () => sessions.actions()),
    vscode.commands.registerCommand('tcpFlowLens.pauseLive', act((d) => d.pause())),
    vscode.commands.registerCommand('tcpFlowLens.resumeLive', act((d) => d.resume())),
    vscode.commands.registerCommand('tcpFlowLens.stopLive', act((d) => d.stop())),
  );
  return sessions;
}
