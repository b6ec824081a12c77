import type { CaptureSummary } from '../core/summary';

/** The human summary `analyze` prints by default. */
export function formatSummaryText(s: CaptureSummary): string {
  const lines: string[] = [];
  lines.push(`${s.file}: ${s.format ?? 'unknown format'}, ${s.packets} packets, ${s.tcpPackets} TCP, ${s.flows.length} flows`);
  if (s.firstPacketEpoch) lines.push(`first packet at ${new Date(Number(s.firstPacketEpoch.split('.')[0]) * 1000).toISOString()} (epoch ${s.firstPacketEpoch})`);
  lines.push(`link types: ${s.linkTypes.map((l) => `${l.name} ×${l.packets}${l.decoded ? '' : ' (not decoded)'}`).join(', ') || 'none'}`);
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
  const withFindings = s.flows.filter((f) => f.stalls.length > 0 || f.findings.length > 0);
  for (const f of withFindings) lines.push('', ...flowFindings(f));
  return `${lines.join('\n')}\n`;
}

/** Findings printed per flow before "… and N more". */
const MAX_FINDINGS = 20;

function flowFindings(f: CaptureSummary['flows'][number]): string[] {
  const stalled = f.stalls.reduce((sum, e) => sum + e.duration, 0);
  const owed = f.stalls.reduce((sum, e) => sum + (e.owed?.seconds ?? 0), 0);
  const out = [`flow ${f.id} (${f.a} → ${f.b}): ${f.stalls.length} stalls, ${stalled.toFixed(3)} s stalled, ${owed.toFixed(3)} s owed`];
  for (const x of f.findings.slice(0, MAX_FINDINGS)) out.push(`  ${x.severity.padEnd(7)} ${x.time.toFixed(6).padStart(12)} s  ${x.message}`);
  if (f.findings.length > MAX_FINDINGS) out.push(`  … and ${f.findings.length - MAX_FINDINGS} more (see --json)`);
  return out;
}
