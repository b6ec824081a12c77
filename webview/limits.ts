/**
 * Words for the data sender's limited-by states (issue 19), shared by the flow list's column, the
 * state strip's legend and tooltip: one name per state, shares as whole percent.
 */
import { type Direction, LIMIT_STATES, type LimitShareRow, type LimitState } from '../src/protocol';
import { formatDuration } from './format';

export const LIMIT_LABELS: Record<LimitState, string> = {
  receiverWindow: 'receiver window',
  network: 'network',
  sendBuffer: 'send buffer',
  application: 'application',
  idle: 'idle',
};

/** What each state means, for legends and tooltips. */
export const LIMIT_MEANINGS: Record<LimitState, string> = {
  receiverWindow: 'the sender reached the right edge of the advertised window (the kernel’s rwnd_limited)',
  network: 'data outstanding below the window, waiting for ACKs: round trips, loss recovery, the congestion window',
  sendBuffer: 'in flight capped by the sender’s own socket buffer (the kernel’s sndbuf_limited)',
  application: 'nothing outstanding and the window open: the sender had nothing to send',
  idle: 'before the first data and after the last ACK',
};

/** `0.957` → `96 %`; a share that rounds to 0 but is not 0 reads `<1 %`. */
export function formatShare(share: number): string {
  if (share > 0 && share < 0.005) return '<1 %';
  return `${Math.round(share * 100)} %`;
}

/** The flow list's cell: the dominant state and its share ("receiver window 96 %"). */
export function limitCell(row: LimitShareRow | null | undefined): string {
  return row ? `${LIMIT_LABELS[row.dominant]} ${formatShare(row.share)}` : '—';
}

/** The time outside idle, which the shares are of. */
export function activeSeconds(row: LimitShareRow): number {
  return LIMIT_STATES.reduce((sum, s) => (s === 'idle' ? sum : sum + row.seconds[s]), 0);
}

/** The column's tooltip: every state's seconds and share, busy time and owed waiting. */
export function limitTooltip(row: LimitShareRow | null | undefined, flow?: { a: string; b: string }): string {
  if (!row) return 'No data carried: nothing to split.';
  const active = activeSeconds(row);
  const lines = [`Limited by (data ${directionText(row.direction, flow)}), share of the ${formatDuration(active)} outside idle:`];
  for (const s of LIMIT_STATES) {
    const sec = row.seconds[s];
    lines.push(s === 'idle' ? `${LIMIT_LABELS[s]}: ${formatDuration(sec)} (not counted)` : `${LIMIT_LABELS[s]}: ${formatDuration(sec)} (${formatShare(active > 0 ? sec / active : 0)})`);
  }
  lines.push(`busy (kernel’s busy time): ${formatDuration(row.busy)}`);
  if (row.owedSeconds > 0) lines.push(`waiting for owed window updates: ${formatDuration(row.owedSeconds)}`);
  return lines.join('\n');
}

function directionText(d: Direction, flow?: { a: string; b: string }): string {
  const [a, b] = flow ? [flow.a, flow.b] : ['A', 'B'];
  return d === 'ab' ? `${a} → ${b}` : `${b} → ${a}`;
}
