/** The capture view's fixed parts: header, reading bar, warnings, and the empty and failed states. */
import type { CaptureView, Failure } from '../src/protocol';
import { button, h } from './dom';
import { formatBytes, formatCount, formatOffset } from './format';
import { icon } from './icons';

export interface Actions {
  reload(): void;
  reopenWithOtherEditor(): void;
}

/**
 * The in-editor bar while a capture is read: bytes of the file, read rate, and packets per second
 * when the host sends summaries while it reads (the flow list then fills in as flows appear).
 */
export class ReadingBar {
  readonly element: HTMLElement;
  private readonly bar = h('progress', { 'aria-label': 'Reading the capture' });
  private readonly text = h('span', { class: 'reading-text' }, 'Reading the capture…');
  private readonly rate = h('span', { class: 'reading-rate muted' });
  private first: { at: number; bytes: number; packets: number | null } | null = null;
  private packets: number | null = null;

  constructor() {
    this.element = h('div', { class: 'reading', role: 'status' }, icon('pulse'), this.text, this.bar, this.rate);
  }

  update(bytesRead: number, fileSize: number): void {
    const now = performance.now();
    this.first ??= { at: now, bytes: bytesRead, packets: this.packets };
    if (fileSize > 0) {
      this.bar.max = fileSize;
      this.bar.value = bytesRead;
      this.text.textContent = `Reading the capture… ${formatBytes(bytesRead)} of ${formatBytes(fileSize)}`;
    }
    const seconds = (now - this.first.at) / 1000;
    if (seconds < 0.25) return;
    const parts = [`${formatBytes((bytesRead - this.first.bytes) / seconds)}/s`];
    if (this.packets !== null && this.first.packets !== null && this.packets > this.first.packets) parts.unshift(`${formatCount((this.packets - this.first.packets) / seconds)} packets/s`);
    this.rate.textContent = parts.join(' · ');
  }

  /** Packets read so far, from a summary posted while reading. */
  notePackets(packets: number): void {
    this.packets = packets;
    if (this.first && this.first.packets === null) this.first.packets = packets;
  }
}

export function renderFailure(fileName: string, failure: Failure, actions: Actions): HTMLElement {
  if (failure.kind === 'cancelled') {
    return h('section', { class: 'state cancelled' }, h('h1', {}, `Reading ${fileName} was cancelled`), h('div', { class: 'actions' }, button('Read again', icon('refresh'), actions.reload)));
  }
  const detail =
    failure.kind === 'notCapture'
      ? h('p', { class: 'reason' }, `${failure.reason} `, failure.offset >= 0 ? h('span', { class: 'muted' }, `(at byte offset ${formatCount(failure.offset)})`) : '')
      : h('p', { class: 'reason' }, failure.message);
  const title = failure.kind === 'notCapture' ? `${fileName} is not a packet capture or NAT trace TCP Flow Lens can read` : `${fileName} could not be read`;
  return h(
    'section',
    { class: 'state error', role: 'alert' },
    h('h1', {}, icon('error'), ' ', title),
    detail,
    h('div', { class: 'actions' }, button('Open with another editor', null, actions.reopenWithOtherEditor), button('Try again', icon('refresh'), actions.reload)),
  );
}

/** A NAT trace or log has segments but no link layer. */
const isEngineSource = (view: CaptureView) => view.format === 'nat-flow-trace' || view.format === 'consomme-log';

export function renderHeader(view: CaptureView): HTMLElement {
  const links = view.linkTypes.map((l) => `${l.name}${l.decoded ? '' : ' (not decoded)'}`).join(', ');
  const fact = (label: string, value: string) => h('span', { class: 'fact' }, h('span', { class: 'muted' }, `${label} `), value);
  return h(
    'header',
    { class: 'summary' },
    h('h1', { title: view.filePath }, view.fileName),
    h('div', { class: 'facts' }, fact('Format', view.format ?? 'unknown'), fact('Packets', formatCount(view.packets)), fact('TCP', formatCount(view.tcpPackets)), fact('Flows', formatCount(view.flows.length)), isEngineSource(view) ? false : fact('Link', links || 'none')),
  );
}

/** Warnings, folded; a damaged capture says so up front and shows what was read. */
export function renderWarnings(view: CaptureView): HTMLElement | null {
  const parts: HTMLElement[] = [];
  if (view.partial) {
    const last = view.warnings.find((w) => w.offset >= 0);
    parts.push(
      h('p', { class: 'partial', role: 'alert' }, icon('warning'), ` This capture is damaged. Showing the part that was read: ${formatCount(view.packets)} packets${last ? `, up to ${formatOffset(last.offset)}` : ''}. The warnings say where it stopped.`),
    );
  }
  if (view.warnings.length > 0) {
    const items = view.warnings.map((w) => h('li', {}, h('span', { class: 'offset' }, formatOffset(w.offset)), ' ', w.message));
    const details = h('details', { class: 'warning-list' }, h('summary', {}, `Warnings (${view.warnings.length})`), h('ul', {}, ...items));
    if (view.partial) details.open = true;
    parts.push(details);
  }
  return parts.length ? h('section', { class: 'warnings', 'aria-label': 'Warnings' }, ...parts) : null;
}

export function renderEmpty(view: CaptureView): HTMLElement {
  const nonTcp = view.packets - view.tcpPackets;
  const undecoded = view.linkTypes.filter((l) => !l.decoded).map((l) => l.name);
  const why =
    view.packets === 0
      ? 'The capture holds no packets.'
      : `None of its ${formatCount(view.packets)} packets is a TCP segment this version can decode${nonTcp > 0 && undecoded.length ? ` (link types not decoded: ${undecoded.join(', ')})` : ''}.`;
  return h('section', { class: 'state empty' }, h('h2', {}, icon('info'), ' No TCP flows in this capture'), h('p', {}, why), h('p', { class: 'muted' }, 'TCP Flow Lens draws timelines of TCP connections; open a capture that contains TCP traffic.'));
}
