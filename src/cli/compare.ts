/** `tcp-flow-lens compare BEFORE AFTER [--json] [--flow ID --other-flow ID]`: the matching flows of two captures side by side. */
import { basename } from 'node:path';
import { type ComparedFlow, flowMetrics, matchFlows } from '../core/report/metrics';
import { compareTable } from '../core/report/compareText';
import { flowById, type LoadedCapture, loadCapture, parseCommand, print, UsageError } from './common';

export async function compareCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, { json: { type: 'boolean' }, flow: { type: 'string' }, 'other-flow': { type: 'string' } });
  const [beforePath, afterPath, ...extra] = positionals;
  if (!beforePath || !afterPath || extra.length > 0) throw new UsageError('compare takes two capture files: BEFORE AFTER');
  if ((values.flow === undefined) !== (values['other-flow'] === undefined)) throw new UsageError('--flow and --other-flow go together (a flow picked in each capture)');
  const before = await loadCapture(beforePath);
  const after = await loadCapture(afterPath);
  const rows = values.flow !== undefined ? [picked(before, after, values.flow, values['other-flow']!)] : matchFlows(metricsOf(before), metricsOf(after));
  if (values.json) {
    await print(`${JSON.stringify({ before: beforePath, after: afterPath, flows: rows }, null, 2)}\n`);
    return 0;
  }
  await print(`before: ${basename(beforePath)}, after: ${basename(afterPath)}\n\n${compareTable(rows).join('\n')}\n`);
  return 0;
}

function metricsOf(c: LoadedCapture) {
  return c.ingest.flows.flows.map((f) => flowMetrics(f, c.analyses[f.id]));
}

function picked(before: LoadedCapture, after: LoadedCapture, a: string, b: string): ComparedFlow {
  const fa = flowById(before, a);
  const fb = flowById(after, b);
  return { before: flowMetrics(fa, before.analyses[fa.id]), after: flowMetrics(fb, after.analyses[fb.id]) };
}
