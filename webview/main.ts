/**
 * Capture editor webview: says `ready`, then shows whatever the host posts (progress, the capture's
 * summary, a failure), answers palette commands, and pulls timeline series and packet details with
 * requests that settle on the host's replies.
 */
import { MessageType, type ToWebviewMessage } from '../src/protocol';
import { CaptureApp } from './app';
import { h } from './dom';
import { Rpc } from './rpc';

const rpc = new Rpc();
const root = document.getElementById('app')!;

function showRequestError(err: Error): void {
  root.append(h('p', { class: 'request-error', role: 'alert' }, err.message));
}

const app = new CaptureApp(rpc, root, {
  reload: () => void rpc.request({ type: MessageType.Reload }).catch(showRequestError),
  reopenWithOtherEditor: () => void rpc.request({ type: MessageType.ReopenWithOtherEditor }).catch(showRequestError),
});

window.addEventListener('message', (event: MessageEvent<ToWebviewMessage>) => {
  const msg = event.data;
  switch (msg.type) {
    case MessageType.Progress:
      app.progress(msg.bytesRead, msg.fileSize, msg.capture);
      break;
    case MessageType.Summary:
      app.summary(msg.capture, false);
      break;
    case MessageType.Failed:
      app.failed(msg.fileName, msg.failure);
      break;
    case MessageType.Reply:
      rpc.onReply(msg);
      break;
    case MessageType.Command:
      app.command(msg.command);
      break;
    case MessageType.Reveal:
      app.reveal(msg.flowId, msg.findingId);
      break;
    case MessageType.Notes:
      app.notes(msg.notes, msg.problem);
      break;
  }
});

app.progress(0, 0);
rpc.post({ type: MessageType.Ready });
