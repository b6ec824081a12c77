/** The capture view's states: reading, summary (header, warnings, flow table), empty and failed. */
import type { CaptureView, Failure, FlowRow } from '../src/protocol';
import { h } from './dom';
import { formatBytes, formatCount, formatOffset, formatPair, formatSeconds } from './format';

export interface Actions {
  reload(): void;
  reopenWithOtherEditor(): void;
  selectFlow(id: number): void;
}

export function renderProgress(bytesRead: number, fileSize: number): HTMLElement {
  const bar = h('progress', { 'aria-label': 'Reading the capture' });
  if (fileSize > 0) {
    bar.max = fileSize;
    bar.value = bytesRead;
  }
  const detail = fileSize > 0 ? `${formatBytes(bytesRead)} of ${formatBytes(fileSize)}` : '';
  return h('section', { class: 'state loading' }, h('p', {}, 'Reading the capture…'), bar, h('p', { class: 'muted' }, detail));
}

export function renderFailure(fileName: string, failure: Failure, actions: Actions): HTMLElement {
  const button = (label: string, onClick: () => void) => {
    const b = h('button', { type: 'button' }, label);
    b.addEventListener('click', onClick);
    return b;
  };
  if (failure.kind === 'cancelled') {
    return h('section', { class: 'state cancelled' }, h('h1', {}, `Reading ${fileName} was cancelled`), h('div', { class: 'actions' }, button('Read again', actions.reload)));
  }
  const detail =
    failure.kind === 'notCapture'
      ? h('p', { class: 'reason' }, `${failure.reason} `, h('span', { class: 'muted' }, `(at byte offset ${formatCount(failure.offset)})`))
      : h('p', { class: 'reason' }, failure.message);
  const title = failure.kind === 'notCapture' ? `${fileName} is not a packet capture TCP Flow Lens can read` : `${fileName} could not be read`;
  return h(
    'section',
    { class: 'state error', role: 'alert' },
    h('h1', {}, title),
    detail,
    h('div', { class: 'actions' }, button('Open with another editor', actions.reopenWithOtherEditor), button('Try again', actions.reload)),
  );
}

export function renderCapture(view: CaptureView, selectedFlowId: number | undefined, actions: Actions): HTMLElement {
  return h('div', { class: 'capture' }, renderHeader(view), renderWarnings(view), view.flows.length > 0 ? renderFlowTable(view.flows, selectedFlowId, actions) : renderEmpty(view));
}

function renderHeader(view: CaptureView): HTMLElement {
  const links = view.linkTypes.map((l) => `${l.name}: ${formatCount(l.packets)} packets${l.decoded ? '' : ' (not decoded)'}`).join(', ');
  const fact = (label: string, value: string) => [h('dt', {}, label), h('dd', {}, value)];
  return h(
    'header',
    { class: 'summary' },
    h('h1', { title: view.filePath }, view.fileName),
    h(
      'dl',
      {},
      ...fact('Format', view.format ?? 'unknown'),
      ...fact('Packets', formatCount(view.packets)),
      ...fact('TCP packets', formatCount(view.tcpPackets)),
      ...fact('Link types', links || 'none'),
    ),
  );
}

function renderWarnings(view: CaptureView): HTMLElement | null {
  if (view.warnings.length === 0) return null;
  const items = view.warnings.map((w) => h('li', {}, h('span', { class: 'offset' }, formatOffset(w.offset)), ' ', w.message));
  return h('section', { class: 'warnings', 'aria-label': 'Warnings' }, h('h2', {}, `Warnings (${view.warnings.length})`), h('ul', {}, ...items));
}

function renderEmpty(view: CaptureView): HTMLElement {
  const why = view.packets === 0 ? 'The capture holds no packets.' : `None of its ${formatCount(view.packets)} packets is a TCP segment this version can decode.`;
  return h('section', { class: 'state empty' }, h('h2', {}, 'No TCP flows'), h('p', {}, why));
}

/** Column headings; the title is the longer explanation shown on hover. */
const COLUMNS: [string, string][] = [
  ['#', 'Flow id'],
  ['Endpoint A', 'The side that sent the first packet seen'],
  ['Endpoint B', 'The other side'],
  ['Packets A→B', 'TCP segments from A to B'],
  ['Packets B→A', 'TCP segments from B to A'],
  ['Payload A→B', 'TCP payload bytes from A to B (retransmissions included)'],
  ['Payload B→A', 'TCP payload bytes from B to A (retransmissions included)'],
  ['Start', 'First packet, seconds after the capture start'],
  ['Duration', 'First to last packet of the flow'],
  ['Wscale', 'Window-scale shift offered in each side\'s SYN (A / B); — when not offered or not captured'],
  ['MSS', 'MSS option of each side\'s SYN (A / B); — when not offered or not captured'],
];

function renderFlowTable(flows: FlowRow[], selectedFlowId: number | undefined, actions: Actions): HTMLElement {
  const head = h('thead', {}, h('tr', {}, ...COLUMNS.map(([label, title]) => h('th', { scope: 'col', title }, label))));
  const rows = flows.map((f) => renderFlowRow(f, f.id === selectedFlowId));
  const body = h('tbody', {}, ...rows);
  if (!rows.some((r) => r.tabIndex === 0) && rows[0]) rows[0].tabIndex = 0;
  body.addEventListener('click', (e) => {
    const row = (e.target as Element).closest('tr');
    if (row) select(row, actions);
  });
  body.addEventListener('keydown', (e) => {
    const row = (e.target as Element).closest('tr');
    const next = e.key === 'ArrowDown' ? row?.nextElementSibling : e.key === 'ArrowUp' ? row?.previousElementSibling : null;
    if (next instanceof HTMLTableRowElement) {
      e.preventDefault();
      select(next, actions);
    }
  });
  return h('section', { class: 'flows' }, h('h2', {}, `TCP flows (${flows.length})`), h('div', { class: 'table-scroll' }, h('table', { class: 'flow-table' }, head, body)));
}

function renderFlowRow(f: FlowRow, selected: boolean): HTMLTableRowElement {
  const num = (text: string) => h('td', { class: 'num' }, text);
  const row = h(
    'tr',
    { 'data-flow-id': String(f.id), 'aria-selected': String(selected), tabindex: selected ? '0' : '-1' },
    num(String(f.id)),
    h('td', { class: 'endpoint' }, f.a),
    h('td', { class: 'endpoint' }, f.b),
    num(formatCount(f.packetsAtoB)),
    num(formatCount(f.packetsBtoA)),
    num(formatBytes(f.payloadAtoB)),
    num(formatBytes(f.payloadBtoA)),
    num(formatSeconds(f.start)),
    num(formatSeconds(f.duration)),
    num(formatPair(f.windowScale.a, f.windowScale.b)),
    num(formatPair(f.mss.a, f.mss.b)),
  );
  return row;
}

/** Roving tabindex: the selected row is the one tab stop of the table. */
function select(row: HTMLTableRowElement, actions: Actions): void {
  for (const other of Array.from(row.parentElement?.children ?? [])) {
    other.setAttribute('aria-selected', 'false');
    other.setAttribute('tabindex', '-1');
  }
  row.setAttribute('aria-selected', 'true');
  row.tabIndex = 0;
  row.focus();
  actions.selectFlow(Number(row.dataset.flowId));
}
