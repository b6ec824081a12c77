/**
 * The webview's side of the protocol: the VS Code API handle, requests with ids that settle on the
 * host's reply, and the persisted view state.
 */
import { type FromWebviewMessage, MessageType, type PacketDetails, type ReplyMessage, type SeriesQuery, type SeriesResult, type WebviewRequest, type WebviewState } from '../src/protocol';

interface VsCodeApi {
  postMessage(message: FromWebviewMessage): void;
  getState(): WebviewState | undefined;
  setState(state: WebviewState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

type Waiter = { resolve: (result: unknown) => void; reject: (err: Error) => void };

/** Request payloads without the id, which `Rpc` assigns. */
type Outgoing = WebviewRequest extends infer R ? (R extends WebviewRequest ? Omit<R, 'requestId'> : never) : never;

export class Rpc {
  private readonly api: VsCodeApi = acquireVsCodeApi();
  private nextRequestId = 1;
  private readonly pending = new Map<number, Waiter>();

  post(message: FromWebviewMessage): void {
    this.api.postMessage(message);
  }

  /** Sends a request; resolves with the reply's result on `{ ok }`, rejects with the host's `{ error }`. */
  request<T = void>(message: Outgoing): Promise<T> {
    const requestId = this.nextRequestId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(requestId, { resolve: resolve as (r: unknown) => void, reject });
      this.api.postMessage({ ...message, requestId } as WebviewRequest);
    });
  }

  series(query: SeriesQuery): Promise<SeriesResult> {
    return this.request<SeriesResult>({ type: MessageType.Series, query }).then((r) => {
      if (!r) throw new Error('the host sent no series');
      return r;
    });
  }

  packet(flowId: number, frame: number): Promise<PacketDetails> {
    return this.request<PacketDetails>({ type: MessageType.PacketDetails, flowId, frame }).then((r) => {
      if (!r) throw new Error('the host sent no packet details');
      return r;
    });
  }

  onReply(reply: ReplyMessage): void {
    const waiter = this.pending.get(reply.inReplyTo);
    if (!waiter) return;
    this.pending.delete(reply.inReplyTo);
    if ('error' in reply) waiter.reject(new Error(reply.error));
    else waiter.resolve(reply.result);
  }

  /** The persisted view state, merged on every change (VS Code keeps it while the tab is hidden and across reloads). */
  get state(): WebviewState {
    return this.api.getState() ?? {};
  }

  saveState(patch: Partial<WebviewState>): void {
    this.api.setState({ ...this.state, ...patch });
  }
}
