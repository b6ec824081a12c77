// Types for natbug-capture.mjs (a plain ES module so scripts can use it without a build).

/** One zero-window episode as test/fixtures/natbug/check.py reports it. */
export interface NatBugEpisode {
  /** Seconds from the first packet of the capture to the receiver's first window below one MSS. */
  at: number;
  /** Frame number of the receiver's first window below one MSS. */
  start_frame: number;
  /** Seconds from the episode start to each segment the sender sent during it (its persist probes). */
  probes: number[];
  /** Frame numbers of those segments. */
  probe_frames: number[];
  /** Seconds until the receiver advertised at least one MSS again (absent when it never did). */
  duration?: number;
  /** The reopened window in bytes (scaled). */
  window?: number;
  /** Frame number of the receiver's segment that reopened the window (absent when it never did). */
  end_frame?: number;
  /** For a probe reply: milliseconds from the probe to the reply, as the capture shows them. */
  reply_ms?: number;
  ended_by: 'probe_reply' | 'data_ack' | 'in_flight_ack' | 'window_update' | 'fin';
  /** Frame numbers (from 1) of the receiver's segments that started and ended it (no end_frame when it never reopened). */
  start_frame: number;
  end_frame?: number;
  /** The window that started it: 0, or below one segment of the sender's. */
  start_window: number;
  /** One segment of the sender's: the smaller of the two MSS options. */
  segment: number;
}

/** What the receiver says it did (its summary line; see receiver.py). */
export interface NatBugReceiver {
  /** Whether it ran at a real-time priority (SCHED_FIFO). */
  realtime: boolean;
  /** Window closures, and how many reopened with its reply to a probe or with its own update. */
  window_closures: number;
  reopened_by_probe_reply: number;
  updates_sent: number;
  probe_replies: number;
}

export interface NatBugCapture {
  /** Absolute path of the pcap (LINKTYPE_RAW, snaplen 256). */
  capture: string;
  /** Episodes that ended with the window reopening (all owed in 'buggy' mode, none in 'fixed'). */
  episodesExpected: number;
  /** The receiver's nat-flow-trace/1 JSON Lines log. */
  log: string;
  episodes: NatBugEpisode[];
  /** The handshake's RTT in milliseconds (SYN to the ACK of the SYN-ACK), as check.py measured it. */
  rttMs: number;
  receiver: NatBugReceiver;
  seconds: number;
  /** The receiver's summary line: counters such as window_closures, updates_sent, probe_replies. */
  receiver: Record<string, unknown>;
  /** With `consommeLog`: the OpenVMM-style consomme log of the same run, and the epoch of its uptime 0. */
  consommeLog?: string;
  uptimeEpoch?: number;
}

export function liveTestsPossible(): { ok: boolean; reason?: string };

export function makeNatBugCapture(options: {
  mode: 'buggy' | 'fixed';
  out: string;
  timeoutMs?: number;
  /** Bytes the kernel sender sends (default 1 MiB, about 16 episodes). */
  bytes?: number;
  /** Where the receiver writes its trace (default `${out}.trace.jsonl`). */
  log?: string;
  /** A user-mode NAT's shape (run.py --nat-shape): MSS 65535, sub-segment windows, a slow continuous drain. */
  natShape?: boolean;
  /** Also write an OpenVMM-style consomme log here (test/fixtures/natbug/consomme_log.py). */
  consommeLog?: string;
}): Promise<NatBugCapture>;
