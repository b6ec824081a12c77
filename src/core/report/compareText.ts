/** The before/after comparison as a Markdown table (report.md) and as `compare`'s plain text. */
import { type ComparedFlow, type FlowMetrics, throughputRatio } from './metrics';

const mbps = (m: FlowMetrics | null) => (m?.throughputBytesPerSecond == null ? '—' : `${((m.throughputBytesPerSecond * 8) / 1e6).toFixed(2)} Mbit/s`);
const secs = (v: number | undefined) => (v === undefined ? '—' : `${v.toFixed(3)} s`);
const num = (v: number | null | undefined, digits = 0) => (v === null || v === undefined ? '—' : v.toFixed(digits));

/** One table per flow pair: a row per measure, before and after side by side. */
export function compareTable(rows: ComparedFlow[]): string[] {
  if (rows.length === 0) return ['No flow with data in the first capture.'];
  return rows.flatMap((row) => {
    const { before: b, after: a } = row;
    const ratio = throughputRatio(row);
    return [
      `Flow ${b.flow} (${b.a} → ${b.b}) vs ${a ? `flow ${a.flow} (${a.a} → ${a.b})` : 'no matching flow'}:`,
      '',
      '| | before | after |',
      '| --- | ---: | ---: |',
      `| throughput | ${mbps(b)} | ${mbps(a)}${ratio ? ` (${ratio.toFixed(2)}×)` : ''} |`,
      `| stalls | ${b.stalls} | ${num(a?.stalls)} |`,
      `| stalled | ${secs(b.stalledSeconds)} | ${secs(a?.stalledSeconds)} |`,
      `| owed window updates | ${b.owedUpdates} (${secs(b.owedSeconds)}) | ${a ? `${a.owedUpdates} (${secs(a.owedSeconds)})` : '—'} |`,
      `| window closures per MB | ${num(b.closuresPerMB, 2)} | ${num(a?.closuresPerMB, 2)} |`,
      `| longest stall | ${secs(b.longestStallSeconds)} | ${secs(a?.longestStallSeconds)} |`,
      '',
    ];
  });
}
