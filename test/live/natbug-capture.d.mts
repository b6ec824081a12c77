// Types for natbug-capture.mjs (a plain ES module so scripts can use it without a build).

/** One zero-window episode as test/fixtures/natbug/check.py reports it. */
export interface NatBugEpisode {
  /** Seconds from the first packet of the capture to the receiver's first window below one MSS. */
  at: number;
  /** Seconds from the episode start to each segment the sender sent during it (its persist probes). */
  probes: number[];
  /** Seconds until the receiver advertised at least one MSS again (absent when it never did). */
  duration?: number;
  /** The reopened window in bytes (scaled). */
  window?: number;
  ended_by: 'probe_reply' | 'data_ack' | 'window_update' | 'fin';
}

export interface NatBugCapture {
  /** Absolute path of the pcap (LINKTYPE_RAW, snaplen 256). */
  capture: string;
  /** Episodes that ended with the window reopening (all owed in 'buggy' mode, none in 'fixed'). */
  episodesExpected: number;
  /** The receiver's nat-flow-trace/1 JSON Lines log. */
  log: string;
  episodes: NatBugEpisode[];
  seconds: number;
}

export function liveTestsPossible(): { ok: boolean; reason?: string };

export function makeNatBugCapture(options: {
  mode: 'buggy' | 'fixed';
  out: string;
  timeoutMs?: number;
  /** Bytes the kernel sender sends (default 1 MiB, about 22 episodes). */
  bytes?: number;
  /** Where the receiver writes its trace (default `${out}.trace.jsonl`). */
  log?: string;
}): Promise<NatBugCapture>;
