/** Number formatting for the capture view: tabular, unit-bearing, never locale-surprising. */

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

/** Seconds with millisecond precision (captures are µs/ns; the table needs ms). */
export function formatSeconds(s: number): string {
  return `${s.toFixed(3)} s`;
}

/** A per-side pair such as window scale or MSS: `a / b`, a dash for a side that is unknown. */
export function formatPair(a: number | null, b: number | null): string {
  const one = (v: number | null) => (v === null ? '—' : String(v));
  return `${one(a)} / ${one(b)}`;
}

export function formatOffset(offset: number): string {
  return offset < 0 ? '—' : `byte ${formatCount(offset)}`;
}
