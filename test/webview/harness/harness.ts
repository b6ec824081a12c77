/**
 * The webview harness (browser side): a fake `acquireVsCodeApi` that plays the host from a fixture.
 * After `ready` it posts the fixture's messages; Series and PacketDetails requests are answered
 * from the recorded answers (the nearest recorded query). URL parameters: `fixture` (name in
 * test/webview/fixtures), `theme` (light, dark, high-contrast), `delay` (ms per reply). A growing
 * fixture's later summaries are posted one by one with `__harness.advance()`.
 * Tests reach it through `window.__harness`.
 */
import { type FromWebviewMessage, MessageType, type ToWebviewMessage, type WebviewState } from '../../../src/protocol';
import { decodeTyped, type Fixture, queryDistance } from './fixture';
import { THEMES } from './themes';

const params = new URLSearchParams(location.search);
const delay = Number(params.get('delay') ?? 5);

function applyTheme(name: string): void {
  const theme = THEMES[name] ?? THEMES.dark;
  document.body.className = theme.bodyClass;
  for (const [k, v] of Object.entries(theme.vars)) document.documentElement.style.setProperty(`--vscode-${k}`, v);
}
applyTheme(params.get('theme') ?? 'dark');

const fixtureReady: Promise<Fixture> = fetch(`/fixtures/${params.get('fixture') ?? 'synthetic'}.json`)
  .then((r) => {
    if (!r.ok) throw new Error(`fixture: HTTP ${r.status}`);
    return r.json();
  })
  .then((json) => decodeTyped<Fixture>(json));

const posted: FromWebviewMessage[] = [];
const errors: string[] = [];
window.addEventListener('error', (e) => errors.push(String(e.message)));
document.addEventListener('securitypolicyviolation', (e) => errors.push(`CSP: ${e.violatedDirective} ${e.blockedURI}`));

function send(message: ToWebviewMessage): void {
  setTimeout(() => window.dispatchEvent(new MessageEvent('message', { data: message })), delay);
}

async function answer(msg: FromWebviewMessage): Promise<void> {
  const fixture = await fixtureReady;
  if (msg.type === MessageType.Ready) {
    for (const m of fixture.messages) send(m);
    return;
  }
  if (msg.type === MessageType.Series) {
    let best: Fixture['series'][number] | undefined;
    let bestD = Infinity;
    for (const s of fixture.series) {
      const d = queryDistance(msg.query, s.query);
      if (d < bestD) [best, bestD] = [s, d];
    }
    send(best ? { type: MessageType.Reply, inReplyTo: msg.requestId, ok: true, result: best.result } : { type: MessageType.Reply, inReplyTo: msg.requestId, error: `no series recorded for flow ${msg.query.flowId}` });
    return;
  }
  if (msg.type === MessageType.PacketDetails) {
    const p = fixture.packets.find((x) => x.flowId === msg.flowId && x.frame === msg.frame);
    send(p ? { type: MessageType.Reply, inReplyTo: msg.requestId, ok: true, result: p.details } : { type: MessageType.Reply, inReplyTo: msg.requestId, error: `no details recorded for frame ${msg.frame}` });
    return;
  }
  if (msg.type === MessageType.Reload || msg.type === MessageType.ReopenWithOtherEditor) send({ type: MessageType.Reply, inReplyTo: msg.requestId, ok: true });
}

/** How many of the fixture's revisions were posted; series answers come from the latest one's. */
let revision = 0;
async function advance(): Promise<number> {
  const fixture = await fixtureReady;
  const next = fixture.revisions?.[revision];
  if (!next) throw new Error(`the fixture has no revision ${revision + 1}`);
  revision++;
  fixture.series = next.series;
  for (const m of next.messages) send(m);
  return revision;
}

const STATE_KEY = 'tcp-flow-lens-harness-state';
const api = {
  postMessage(msg: FromWebviewMessage) {
    posted.push(msg);
    void answer(msg);
  },
  getState(): WebviewState | undefined {
    const raw = sessionStorage.getItem(STATE_KEY);
    return raw ? (JSON.parse(raw) as WebviewState) : undefined;
  },
  setState(state: WebviewState) {
    sessionStorage.setItem(STATE_KEY, JSON.stringify(state));
  },
};

let acquired = false;
Object.assign(window, {
  acquireVsCodeApi() {
    if (acquired) throw new Error('acquireVsCodeApi called twice');
    acquired = true;
    return api;
  },
  __harness: { posted, errors, send, advance, applyTheme, fixture: fixtureReady, state: () => api.getState() },
});
