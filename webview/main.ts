/**
 * Capture editor webview: says `ready`, then renders whatever state the host posts. Requests go out
 * with ids and settle on the host's reply. Only view state (the selected flow) is persisted.
 */
import { type FromWebviewMessage, MessageType, type ReplyMessage, type ToWebviewMessage, type WebviewRequest, type WebviewState } from '../src/protocol';
import { type Actions, renderCapture, renderFailure, renderProgress } from './render';

interface VsCodeApi {
  postMessage(message: FromWebviewMessage): void;
  getState(): WebviewState | undefined;
  setState(state: WebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const app = document.getElementById('app')!;
let state: WebviewState = vscode.getState() ?? {};

let nextRequestId = 1;
const pending = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();

/** Sends a request; resolves on `{ ok }`, rejects with the host's `{ error }`. */
function request(type: WebviewRequest['type']): Promise<void> {
  const requestId = nextRequestId++;
  return new Promise((resolve, reject) => {
    pending.set(requestId, { resolve, reject });
    vscode.postMessage({ type, requestId } as WebviewRequest);
  });
}

function onReply(reply: ReplyMessage): void {
  const waiter = pending.get(reply.inReplyTo);
  if (!waiter) return;
  pending.delete(reply.inReplyTo);
  if ('error' in reply) waiter.reject(new Error(reply.error));
  else waiter.resolve();
}

function showRequestError(err: Error): void {
  const note = document.createElement('p');
  note.className = 'request-error';
  note.setAttribute('role', 'alert');
  note.textContent = err.message;
  app.append(note);
}

const actions: Actions = {
  reload: () => void request(MessageType.Reload).catch(showRequestError),
  reopenWithOtherEditor: () => void request(MessageType.ReopenWithOtherEditor).catch(showRequestError),
  selectFlow: (id) => {
    state = { ...state, selectedFlowId: id };
    vscode.setState(state);
  },
};

function show(content: HTMLElement): void {
  app.replaceChildren(content);
}

window.addEventListener('message', (event: MessageEvent<ToWebviewMessage>) => {
  const msg = event.data;
  switch (msg.type) {
    case MessageType.Progress:
      show(renderProgress(msg.bytesRead, msg.fileSize));
      break;
    case MessageType.Summary:
      show(renderCapture(msg.capture, state.selectedFlowId, actions));
      break;
    case MessageType.Failed:
      show(renderFailure(msg.fileName, msg.failure, actions));
      break;
    case MessageType.Reply:
      onReply(msg);
      break;
  }
});

show(renderProgress(0, 0));
vscode.postMessage({ type: MessageType.Ready });
