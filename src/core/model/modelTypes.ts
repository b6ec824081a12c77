/** What a CaptureModel is given and what its refresh returns (captureModel.ts). */
import type { CaptureWarning } from '../capture/types';
import type { ConsommeOptions } from '../trace/consomme';
import type { EngineFlow } from '../trace/engine';
import type { SourceKind } from '../trace/source';
import type { EngineSourceSummary } from '../trace/sourceSummary';
import type { SsSample } from '../trace/ss';
import type { HistoryLimit } from './history';
import type { ModelEvent } from './stableIds';

export interface ModelOptions {
  /** What the data is called in messages: a file path or a live source's label. */
  name: string;
  consomme?: ConsommeOptions;
  /** ss samples known up front (a file with --ss). */
  samples?: readonly SsSample[];
  /** Bounded history for endless streams; undefined = keep everything (files keep their whole history). */
  history?: HistoryLimit;
  /** Warnings found before the data (reading the samples), listed first in the summary. */
  extraWarnings?: CaptureWarning[];
  /** The format when the caller knows it already (a file sniffed whole, see sniffFile); else told by the first bytes. */
  kind?: SourceKind;
  /** Milliseconds clock for the event rate and gap ends (tests give their own). */
  now?: () => number;
}

export interface ModelUpdate {
  revision: number;
  /** Flows re-analysed by this refresh (new or grown), in id order. */
  changedFlows: number[];
  events: ModelEvent[];
  /** Grown flows left for a later refresh because the time budget was spent (0 without a budget). */
  waiting: number;
}

/** A NAT trace or log read beside a capture of the same run (load.ts), merged before the first refresh. */
export interface MergedEngine {
  engines: readonly (EngineFlow | undefined)[];
  source: EngineSourceSummary;
  warnings: CaptureWarning[];
}
