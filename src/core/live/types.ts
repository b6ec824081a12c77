/**
 * Live sources (issue 13): what the user attaches to, and what a source hands to the model. A source
 * only moves bytes and samples; the CaptureModel (core/model) tells formats apart and analyses.
 */
import type { SsSample } from '../trace/ss';

/**
 * Where live data comes from. A command's stdout, a followed file and a socket carry the same
 * formats a file can hold (pcap, pcapng, `nat-flow-trace/1`, a consomme log), told by content.
 */
export type LiveSpec =
  /** A program writing a capture or trace to stdout (`tcpdump -U -w - -i tun0`, the same through `ssh host` or `wsl.exe -e`). Commands come from settings, never from a file's content. */
  | { kind: 'command'; label: string; command: string; args: string[] }
  /** A file still being written: followed like `tail -f`, including replacement and truncation. */
  | { kind: 'file'; path: string }
  /** `tcp:HOST:PORT` or `unix:PATH` (a named pipe on Windows: `unix:\\\\.\\pipe\\NAME`); reconnects with backoff. */
  | { kind: 'socket'; address: string }
  /** The process's standard input (`tcp-flow-lens watch -`). */
  | { kind: 'stdin' };

/** `ss -tinm` sampling every `intervalMs`, run directly or after a command prefix (`['ssh', 'host']`, `['ip', 'netns', 'exec', 'ns1']`). */
export interface SsSamplingSpec {
  prefix?: string[];
  intervalMs: number;
}

export type LiveStatus = 'connecting' | 'attached' | 'paused' | 'reconnecting' | 'ended';

/** What a running source hands on. Calls come in order; `data` chunks may be of any size. */
export interface LiveSink {
  data(chunk: Uint8Array): void;
  samples(samples: readonly SsSample[]): void;
  /** The source was cut off at `epoch` (seconds) for `reason`; data that follows (after a reconnect) continues the session. */
  gap(reason: string, epoch: number): void;
  status(status: LiveStatus, message?: string): void;
}
