/** A finding as one paragraph of plain text, for pasting into a bug report ("Copy Finding as Text"). */
import type { CaptureView, FindingRow } from '../../protocol';

const seconds = (t: number) => `${t.toFixed(6)} s`;

export function findingText(view: CaptureView, finding: FindingRow): string {
  const flow = view.flows.find((f) => f.id === finding.flowId);
  const endpoints = flow ? ` (${flow.a} ↔ ${flow.b})` : '';
  const when = finding.end !== undefined && finding.end > finding.time ? `from ${seconds(finding.time)} to ${seconds(finding.end)}` : `at ${seconds(finding.time)}`;
  const frames = finding.frames.length === 1 ? `frame ${finding.frames[0]}` : `frames ${finding.frames.join(', ')}`;
  return `${view.fileName}, flow ${finding.flowId}${endpoints}, ${finding.kind.replaceAll('_', ' ')} ${when}, ${frames}: ${finding.message}`;
}

/** A finding as a Markdown block for an issue or a PR ("Copy Finding as Markdown"): a heading line, where, the frames, the sentence. */
export function findingMarkdown(view: CaptureView, finding: FindingRow): string {
  const flow = view.flows.find((f) => f.id === finding.flowId);
  const endpoints = flow ? ` (${flow.a} ↔ ${flow.b})` : '';
  const when = finding.end !== undefined && finding.end > finding.time ? `${seconds(finding.time)} – ${seconds(finding.end)}` : seconds(finding.time);
  const stall = view.stalls.find((s) => s.flowId === finding.flowId && s.startFrame === finding.frames[0] && (finding.kind === 'stall' || finding.kind === 'window_update_owed'));
  const lines = [
    `**${finding.kind.replaceAll('_', ' ')}** (${finding.severity}) in \`${view.fileName}\`, flow ${finding.flowId}${endpoints}`,
    '',
    `- time: ${when}`,
    `- frames: ${finding.frames.join(', ')}`,
  ];
  if (stall) lines.push(`- stall: ${((stall.end - stall.start) * 1000).toFixed(1)} ms, ended by ${stall.endedBy.replaceAll('_', ' ')}, owed: ${stall.owed ? `${stall.owed.seconds.toFixed(3)} s (${stall.owed.confidence} confidence)` : 'nothing'}`);
  lines.push('', `> ${finding.message}`, '');
  return lines.join('\n');
}
