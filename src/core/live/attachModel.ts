/**
 * `attachModel`: one live session. A source (attachSource) and, when asked, `ss` sampling feed a
 * CaptureModel; everything received is teed to a SessionRecording; every `intervalMs` the model is
 * refreshed and a ModelUpdate with news goes to `onUpdate`. The CLI's `watch` and the editor's
 * worker both run sessions through here.
 */
import { CaptureError } from '../capture/types';
import type { CaptureModel, ModelUpdate } from '../model/captureModel';
import { SourceError } from '../trace/source';
import { attachSource, describeSpec, type AttachOptions, type LiveEnd, type LiveHandle } from './attach';
import { SessionRecording } from './recording';
import { startSsSampler } from './ssSampler';
import type { LiveSink, LiveSpec, LiveStatus, SsSamplingSpec } from './types';

export interface AttachModelOptions extends Omit<AttachOptions, 'signal'> {
  ss?: SsSamplingSpec;
  /** How often the model is refreshed (ms; default 250); 0: never here, the caller refreshes (the editor's worker, on its own pace). */
  intervalMs?: number;
  /** Data, samples or a gap went into the model (for a caller that refreshes on its own). */
  onData?: () => void;
  /** A refresh that found something new: flows re-analysed, stalls, owed updates, findings. Also the final one. */
  onUpdate?: (update: ModelUpdate) => void;
  onStatus?: (status: LiveStatus, message?: string) => void;
  /** Problems that do not end the session (ss could not run, a line of its output was odd). */
  onWarning?: (message: string) => void;
  signal?: AbortSignal;
  /** Where the recording's temporary files go (default: the OS temp folder); `false`: no recording. */
  recordIn?: string | false;
}

export interface LiveSession extends LiveHandle {
  model: CaptureModel;
  /** What was received (undefined with `recordIn: false`); the caller saves and disposes of it. */
  recording: SessionRecording | undefined;
}

export function attachModel(spec: LiveSpec, model: CaptureModel, options: AttachModelOptions = {}): LiveSession {
  const stopper = new AbortController();
  if (options.signal?.aborted) stopper.abort();
  else options.signal?.addEventListener('abort', () => stopper.abort(), { once: true });
  const recording = options.recordIn === false ? undefined : new SessionRecording(options.recordIn);
  const name = describeSpec(spec);
  let unreadable: string | undefined;

  const refresh = () => {
    const update = model.refresh();
    if (update.changedFlows.length > 0 || update.events.length > 0) options.onUpdate?.(update);
  };

  const sink: LiveSink = {
    data(chunk) {
      if (unreadable) return;
      recording?.data(chunk);
      try {
        model.push(chunk);
        options.onData?.();
      } catch (err) {
        // The start of the stream is not a capture or trace we read: nothing later can be.
        if (!(err instanceof CaptureError || err instanceof SourceError)) throw err;
        unreadable = `${name}: ${err.message}`;
        stopper.abort();
      }
    },
    samples: (samples) => {
      model.addSamples(samples);
      options.onData?.();
    },
    gap(reason, epoch) {
      recording?.gap();
      model.markGap(reason, epoch);
      options.onData?.();
    },
    status(status, message) {
      model.setLive(name, status, message);
      options.onStatus?.(status, message);
    },
  };

  const source = attachSource(spec, sink, { ...options, signal: stopper.signal });
  const sampler = options.ss ? startSsSampler(options.ss, sink, { signal: stopper.signal, onWarning: options.onWarning }) : undefined;
  const interval = options.intervalMs ?? 250;
  const timer = interval > 0 ? setInterval(refresh, interval) : undefined;

  const done = source.done.then(async (end): Promise<LiveEnd> => {
    clearInterval(timer);
    stopper.abort(); // the sampler, when the source ended by itself
    await sampler?.done;
    let result: LiveEnd = unreadable ? { reason: unreadable, error: true } : end;
    try {
      model.end();
    } catch (err) {
      if (!(err instanceof CaptureError || err instanceof SourceError)) throw err;
      // Nothing readable arrived (an empty stream): say so rather than pretend it was fine.
      if (!result.error) result = { reason: `${name}: ${err.message}`, error: true };
    }
    refresh();
    return result;
  });
  return { done, stop: () => stopper.abort(), pause: source.pause, resume: source.resume, model, recording };
}
