/**
 * A live source's sink (core/live/types.ts) that feeds a CaptureModel: data is pushed, samples added,
 * gaps marked, and the source's status shown in `view().live` under the source's label.
 */
import type { LiveSink } from '../live/types';
import type { CaptureModel } from './captureModel';

/**
 * `source` is what the user attached to, as the status bar shows it. A `data` chunk whose start is
 * none we read throws (CaptureError / SourceError) to the source, which should stop and report it.
 */
export function modelSink(model: CaptureModel, source: string): LiveSink {
  return {
    data: (chunk) => model.push(chunk),
    samples: (samples) => model.addSamples(samples),
    gap: (reason, epoch) => model.markGap(reason, epoch),
    status: (status, message) => {
      model.setLive(source, status, message);
      if (status === 'ended' && !model.isEnded) model.end();
    },
  };
}
