/** compare.png and compare.svg of `report --compare`: the two flows' Sequence lanes on one time axis from each flow's start. */
import { writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Flow } from '../core/flows/flow';
import { flowMetrics } from '../core/report/metrics';
import { buildSeries } from '../core/view/series';
import { shiftSeries } from '../core/view/shift';
import type { LoadedCapture } from './common';
import { IMAGE_WIDTH, PNG_SCALE, renderTimeline } from './timeline';

function runSeries(c: LoadedCapture, flow: Flow, label: string) {
  const p = flow.packets;
  const t0 = p.time[0];
  const t1 = Math.max(p.time[p.length - 1], t0 + 1e-6);
  const direction = flowMetrics(flow, c.analyses[flow.id]).dataDirection;
  const series = buildSeries(flow, c.analyses[flow.id], { flowId: flow.id, direction, t0, t1, pixelWidth: IMAGE_WIDTH * PNG_SCALE });
  return { label: `${label}: ${basename(c.path)}, flow ${flow.id}`, series: shiftSeries(series, t0), span: t1 - t0 };
}

/** Writes both images into `out`; false (with a warning) when they cannot be drawn here. */
export async function writeCompareImages(before: LoadedCapture, beforeFlow: Flow, after: LoadedCapture, afterFlow: Flow, out: string): Promise<boolean> {
  const runs = [runSeries(before, beforeFlow, 'before'), runSeries(after, afterFlow, 'after')];
  try {
    const { png, svg } = await renderTimeline(
      { title: 'Sequence before and after, seconds since each flow\'s first packet', runs: runs.map(({ label, series }) => ({ label, series })), span: Math.max(...runs.map((r) => r.span)), width: IMAGE_WIDTH },
      undefined,
      'compare',
    );
    await writeFile(join(out, 'compare.png'), png);
    await writeFile(join(out, 'compare.svg'), svg);
    return true;
  } catch (err) {
    process.stderr.write(`tcp-flow-lens: warning: no before/after images: ${(err as Error).message}\n`);
    return false;
  }
}
