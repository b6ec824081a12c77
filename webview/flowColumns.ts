/**
 * The flow list's columns, sorting and filtering: pure functions over CaptureView's parallel
 * `flows`/`health` arrays, kept apart from the virtualized DOM so they stay cheap for 100k flows.
 */
import type { Direction, FlowHealth, FlowRow, StallRow } from '../src/protocol';
import { LIMIT_STATES } from '../src/protocol';
import { formatBytes, formatCount, formatDuration, findingLabel } from './format';
import { limitCell, limitTooltip } from './limits';

export interface FlowEntry {
  flow: FlowRow;
  health: FlowHealth;
  /** Lower-cased endpoints, for the filter. */
  text: string;
}

export interface Column {
  key: string;
  label: string;
  title: string;
  numeric: boolean;
  /** Default order when first clicked: big numbers first. */
  descendingFirst: boolean;
  value(e: FlowEntry): number | string;
  cell(e: FlowEntry): string;
  /** The cell's tooltip, when it says more than the cell (default: the cell's text). */
  tip?(e: FlowEntry): string;
  /** Entries with nothing to sort by: they stay last in both directions. */
  blank?(e: FlowEntry): boolean;
}

const totalFindings = (h: FlowHealth) => Object.values(h.findings).reduce((a, b) => a + b, 0);

export const COLUMNS: Column[] = [
  { key: 'id', label: '#', title: 'Flow id', numeric: true, descendingFirst: false, value: (e) => e.flow.id, cell: (e) => String(e.flow.id) },
  { key: 'a', label: 'Endpoint A', title: 'The side that sent the first packet seen', numeric: false, descendingFirst: false, value: (e) => e.flow.a, cell: (e) => e.flow.a },
  { key: 'b', label: 'Endpoint B', title: 'The other side', numeric: false, descendingFirst: false, value: (e) => e.flow.b, cell: (e) => e.flow.b },
  {
    key: 'packets',
    label: 'Packets',
    title: 'TCP segments A→B / B→A',
    numeric: true,
    descendingFirst: true,
    value: (e) => e.flow.packetsAtoB + e.flow.packetsBtoA,
    cell: (e) => `${formatCount(e.flow.packetsAtoB)} / ${formatCount(e.flow.packetsBtoA)}`,
  },
  { key: 'bytesAB', label: 'Bytes A→B', title: 'TCP payload bytes from A to B (retransmissions included)', numeric: true, descendingFirst: true, value: (e) => e.flow.payloadAtoB, cell: (e) => formatBytes(e.flow.payloadAtoB) },
  { key: 'bytesBA', label: 'Bytes B→A', title: 'TCP payload bytes from B to A (retransmissions included)', numeric: true, descendingFirst: true, value: (e) => e.flow.payloadBtoA, cell: (e) => formatBytes(e.flow.payloadBtoA) },
  { key: 'duration', label: 'Duration', title: 'First to last packet of the flow', numeric: true, descendingFirst: true, value: (e) => e.flow.duration, cell: (e) => formatDuration(e.flow.duration) },
  { key: 'stall', label: 'Stalled', title: 'Time spent in stall episodes: a receiver advertised less than one segment of the sender’s while data waited', numeric: true, descendingFirst: true, value: (e) => e.health.stallSeconds, cell: (e) => formatDuration(e.health.stallSeconds) },
  { key: 'owed', label: 'Owed', title: 'Time charged to window updates that were owed but not sent', numeric: true, descendingFirst: true, value: (e) => e.health.owedSeconds, cell: (e) => formatDuration(e.health.owedSeconds) },
  {
    key: 'limited',
    label: 'Limited by',
    title: 'What held the data sender back most of the time outside idle, and its share (receiver window, network, send buffer, application). Sorts by state in that order, then by share, largest first',
    numeric: false,
    descendingFirst: false,
    value: (e) => limitRank(e.health),
    cell: (e) => limitCell(e.health.limitedBy),
    tip: (e) => limitTooltip(e.health.limitedBy, e.flow),
    blank: (e) => !e.health.limitedBy,
  },
  { key: 'findings', label: 'Findings', title: 'Findings by kind', numeric: true, descendingFirst: true, value: (e) => totalFindings(e.health), cell: (e) => findingSummary(e.health) },
];

/**
 * Sort key of the limited-by column: flows grouped by their dominant state in LIMIT_STATES order
 * (receiver window first: the flow-control problems this editor is for), the largest share first
 * within a group, so "receiver window 96 %" comes before "receiver window 40 %" and both before
 * "network 99 %".
 */
function limitRank(h: FlowHealth): number {
  const row = h.limitedBy;
  return row ? LIMIT_STATES.indexOf(row.dominant) + (1 - row.share) : LIMIT_STATES.length;
}

export function findingSummary(h: FlowHealth): string {
  const kinds = Object.entries(h.findings).filter(([, n]) => n > 0);
  if (kinds.length === 0) return '—';
  return kinds.map(([kind, n]) => `${n} ${findingLabel(kind).toLowerCase()}`).join(', ');
}

export function entries(flows: FlowRow[], health: FlowHealth[]): FlowEntry[] {
  const none: FlowHealth = { stallSeconds: 0, owedSeconds: 0, findings: {} };
  return flows.map((flow, i) => ({ flow, health: health[i] ?? none, text: `${flow.a} ${flow.b} #${flow.id}`.toLowerCase() }));
}

/** Every whitespace-separated token must occur in the endpoints ("10.0.0.2 5001", ":443", "#12"). */
export function filterEntries(all: FlowEntry[], filter: string): FlowEntry[] {
  const tokens = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (tokens.length === 0) return all;
  return all.filter((e) => tokens.every((t) => e.text.includes(t)));
}

export function sortEntries(list: FlowEntry[], key: string, descending: boolean): FlowEntry[] {
  const column = COLUMNS.find((c) => c.key === key) ?? COLUMNS[0];
  const dir = descending ? -1 : 1;
  return [...list].sort((x, y) => {
    const blank = column.blank ? Number(column.blank(x)) - Number(column.blank(y)) : 0;
    if (blank !== 0) return blank;
    const a = column.value(x);
    const b = column.value(y);
    const c = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b), 'en', { numeric: true });
    // Ties keep flow order, so the list does not shuffle while flows fill in.
    return c !== 0 ? c * dir : x.flow.id - y.flow.id;
  });
}

/** The flow to show first: the most owed time, then the most stall time, then the most packets. */
export function mostOwedFlow(all: FlowEntry[]): FlowRow | undefined {
  let best: FlowEntry | undefined;
  const key = (e: FlowEntry) => [e.health.owedSeconds, e.health.stallSeconds, e.flow.packetsAtoB + e.flow.packetsBtoA];
  for (const e of all) {
    if (!best) {
      best = e;
      continue;
    }
    const [a, b] = [key(e), key(best)];
    const i = a.findIndex((v, j) => v !== b[j]);
    if (i >= 0 && a[i] > b[i]) best = e;
  }
  return best?.flow;
}

/** The direction whose receiver stalled longest (owed time first); else the one that carried more data. */
export function defaultDirection(flow: FlowRow, stalls: StallRow[]): Direction {
  const weight = { a: 0, b: 0 };
  for (const s of stalls) if (s.flowId === flow.id) weight[s.receiver] += (s.owed?.seconds ?? 0) * 1000 + (s.end - s.start);
  if (weight.a !== weight.b) return weight.b > weight.a ? 'ab' : 'ba';
  return flow.payloadBtoA > flow.payloadAtoB ? 'ba' : 'ab';
}
