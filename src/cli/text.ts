import type { CaptureSummary } from '../core/summary';
import { limitLines } from './limitsText';

/** The human summary `analyze` prints by default. */
export function formatSummaryText(s: CaptureSummary): string {
  const lines: string[] = [];
  lines.push(`${s.file}: ${s.format ?? 'unknown format'}, ${s.packets} packets, ${s.tcpPackets} TCP, ${s.flows.length} flows`);
  const clock = s.source && s.format === s.source.kind ? s.source.clock : 'realtime';
  if (s.firstPacketEpoch && clock === 'realtime') lines.push(`first packet at ${new Date(Number(s.firstPacketEpoch.split('.')[0]) * 1000).toISOString()} (epoch ${s.firstPacketEpoch})`);
  else if (s.firstPacketEpoch) lines.push(`first segment at ${s.firstPacketEpoch} s (${clock === 'uptime' ? 'seconds of uptime' : `${clock} clock`}, not a wall-clock time)`);
  if (s.source) lines.push(engineLine(s.source));
  if (s.linkTypes.length > 0 || !s.source) lines.push(`link types: ${s.linkTypes.map((l) => `${l.name} ×${l.packets}${l.decoded ? '' : ' (not decoded)'}`).join(', ') || 'none'}`);
  for (const w of s.warnings) lines.push(`warning${w.offset >= 0 ? ` at byte ${w.offset}` : ''}: ${w.message}`);
  if (s.flows.length > 0) {
    lines.push('');
    lines.push('  id  a → b                                                  pkts a→b/b→a   payload a→b/b→a   wscale a/b  mss a/b');
    for (const f of s.flows) {
      const ends = `${f.a} → ${f.b}${f.encapsulation ? ` [${f.encapsulation}]` : ''}`.padEnd(54);
      const pkts = `${f.packetsAtoB}/${f.packetsBtoA}`.padStart(15);
      const bytes = `${f.payloadAtoB}/${f.payloadBtoA}`.padStart(18);
      const ws = `${f.windowScale.a ?? '-'}/${f.windowScale.b ?? '-'}`.padStart(11);
      const mss = `${f.mss.a ?? '-'}/${f.mss.b ?? '-'}`.padStart(9);
      lines.push(`${String(f.id).padStart(4)}  ${ends} ${pkts} ${bytes} ${ws} ${mss}`);
    }
  }
  const limits = s.flows.flatMap(limitLines);
  if (limits.length > 0) lines.push('', ...limits);
  const withFindings = s.flows.filter((f) => f.stalls.length > 0 || f.findings.length > 0);
  for (const f of withFindings) lines.push('', ...flowFindings(f));
  return `${lines.join('\n')}\n`;
}

function engineLine(src: NonNullable<CaptureSummary['source']>): string {
  const kind = src.kind === 'nat-flow-trace' ? 'nat-flow-trace/1 trace' : 'consomme log';
  const events = Object.entries(src.events).map(([k, n]) => `${k} ×${n}`).join(', ');
  const merged = src.merged ? `; ${src.merged.matched} of ${src.merged.segments} segments matched to the capture's packets` : '';
  const bad = src.malformedLines ? `, ${src.malformedLines} malformed lines skipped` : '';
  const scale = src.windowScaleAssumed !== null ? `, window scale ${src.windowScaleAssumed} ASSUMED (not in the log)` : '';
  return `${kind} ${src.file}${src.engine ? ` from ${src.engine}` : ''}: ${src.lines} lines (${events || 'no events'})${bad}${scale}${merged}`;
}

/** Findings printed per flow before "… and N more". */
const MAX_FINDINGS = 20;

function flowFindings(f: CaptureSummary['flows'][number]): string[] {
  const stalled = f.stalls.reduce((sum, e) => sum + e.duration, 0);
  const owed = f.stalls.reduce((sum, e) => sum + (e.owed?.seconds ?? 0), 0);
  const out = [`flow ${f.id} (${f.a} → ${f.b}): ${f.stalls.length} stalls, ${stalled.toFixed(3)} s stalled, ${owed.toFixed(3)} s owed`];
  for (const [side, source] of [['a', f.recvQSource.a], ['b', f.recvQSource.b]] as const) {
    if (source !== 'inferred') out.push(`  Recv-Q of ${side === 'a' ? f.a : f.b}: measured, ${source === 'nat-trace' ? "from the NAT's trace" : 'from ss samples'}`);
  }
  for (const x of f.findings.slice(0, MAX_FINDINGS)) out.push(`  ${x.severity.padEnd(7)} ${x.time.toFixed(6).padStart(12)} s  ${x.message}`);
  if (f.findings.length > MAX_FINDINGS) out.push(`  … and ${f.findings.length - MAX_FINDINGS} more (see --json)`);
  return out;
}
