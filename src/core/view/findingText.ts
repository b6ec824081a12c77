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
