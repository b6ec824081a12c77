/** Formatting for the capture view: numbers tabular, unit-bearing, never locale-surprising; endpoints. */
import type { Direction, FlowRow } from '../src/protocol';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatCount(n: number): string {
  return integer.format(n);
}

/** Payload bytes in binary units (1 KiB = 1024 B), as `ss` and Wireshark's conversations do. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit]}`;
}

export function formatOffset(offset: number): string {
  return offset < 0 ? '—' : `byte ${formatCount(offset)}`;
}

/** A duration for the flow list and findings: `0`, `850 ms`, `2.96 s`, `1 min 4 s`. */
export function formatDuration(s: number): string {
  if (s <= 0) return '0';
  if (s < 1) return `${Math.round(s * 1000)} ms`;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/** A capture-relative instant with microseconds, as Wireshark's time column shows it. */
export function formatInstant(t: number): string {
  return `${t.toFixed(6)} s`;
}

/** Axis ticks for byte quantities: 0, 500, 20k, 1.5M (SI, short). */
export function formatAxisBytes(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return `${trim(n / 1e9)}G`;
  if (a >= 1e6) return `${trim(n / 1e6)}M`;
  if (a >= 1e3) return `${trim(n / 1e3)}k`;
  return trim(n);
}

function trim(n: number): string {
  return String(Number(n.toFixed(2)));
}

/** Human names of finding kinds (the host sends the core's identifiers). */
const FINDING_LABELS: Record<string, string> = {
  window_update_owed: 'Update owed',
  stall: 'Stall',
  out_of_window: 'Out of window',
  scaled_syn_window: 'Scaled SYN window',
  window_closed_empty_queue: 'Window closed, queue empty',
  small_receive_buffer: 'Buffer below one segment',
  limited_by: 'Limited by',
};

export function findingLabel(kind: string): string {
  return FINDING_LABELS[kind] ?? kind.replace(/_/g, ' ');
}

/** The ends of a flow's data direction, sender first. */
export function dataEnds(flow: FlowRow, direction: Direction): [string, string] {
  return direction === 'ab' ? [flow.a, flow.b] : [flow.b, flow.a];
}
