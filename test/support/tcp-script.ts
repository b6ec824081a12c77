/**
 * A small DSL for analysis tests: a TCP conversation written one segment per call, with both
 * sides' sequence numbers tracked, e.g.
 * `conversation({ wscale: { a: 7, b: 7 } }).handshake(0).data('a', 100, 20).ack('b', 30)`,
 * and the run of a script through our pipeline (reader → ingest → analyzeFlow). tshark-check.ts
 * runs the same scripts through tshark 4.0.17, the oracle the analysis must match.
 */
import assert from 'node:assert/strict';
import { analyzeFlow, type AnalysisContext, type FlowAnalysis } from '../../src/core/analysis/analyze';
import { BIF_UNSET } from '../../src/core/analysis/columns';
import { flagNames } from '../../src/core/analysis/flags';
import type { Flow } from '../../src/core/flows/flow';
import { CaptureIngest } from '../../src/core/ingest';
import { tcpSegment, writePcap, type Frame, type TcpOptionSpec } from './capture-writer';
import { readBack } from './read-back';

export type Side = 'a' | 'b';
const other = (s: Side): Side => (s === 'a' ? 'b' : 'a');

export interface ConversationOptions {
  /** Endpoints; side a defaults to 10.0.0.1 with a port unique in this process, b to 10.0.0.2:80. */
  a?: string;
  b?: string;
  /** Initial sequence numbers (default a 1,000,000, b 5,000,000). */
  isn?: Partial<Record<Side, number>>;
  /** Raw 16-bit window each side advertises until a segment sets another (default 8192). */
  win?: Partial<Record<Side, number>>;
  /** Window-scale shift in each side's SYN / SYN-ACK; a side without one sends no option. */
  wscale?: Partial<Record<Side, number>>;
  /** Capture time of t = 0, in seconds (default 1000: Wireshark ignores a SYN at time 0). */
  start?: number;
}

export interface SegmentSpec {
  /** Absolute sequence number; default the side's next sequence number. */
  seq?: number;
  /** Absolute ACK number; default everything the peer has sent. */
  ack?: number;
  /** Payload bytes (default 0). */
  len?: number;
  /** Flag letters as in capture-writer's tcpFlags; default `A`, `PA` with payload. */
  flags?: string;
  /** Raw window; it stays this side's window for later segments too. */
  win?: number;
  options?: TcpOptionSpec;
  /** False: the side's next sequence number stays where it was (a probe whose byte the receiver drops). */
  advance?: boolean;
}

let nextPort = 40000;

/** One TCP conversation, built segment by segment. Times are milliseconds after `start`. */
export class Conversation {
  readonly a: string;
  readonly b: string;
  readonly frames: Frame[] = [];
  private readonly isn: Record<Side, number>;
  private readonly nxt: Record<Side, number>;
  private readonly win: Record<Side, number>;
  private readonly start: number;

  constructor(private readonly options: ConversationOptions = {}) {
    this.a = options.a ?? `10.0.0.1:${nextPort++}`;
    this.b = options.b ?? '10.0.0.2:80';
    this.isn = { a: options.isn?.a ?? 1_000_000, b: options.isn?.b ?? 5_000_000 };
    this.nxt = { ...this.isn };
    this.win = { a: options.win?.a ?? 8192, b: options.win?.b ?? 8192 };
    this.start = options.start ?? 1000;
  }

  /** Frame number of the last segment written. */
  get last(): number {
    return this.frames.length;
  }

  /** Absolute sequence number of relative `rel` on `side` (1 = the first byte after the SYN). */
  seq(side: Side, rel: number): number {
    return (this.isn[side] + rel) >>> 0;
  }

  /** The side's next absolute sequence number. */
  next(side: Side): number {
    return this.nxt[side];
  }

  /** Any segment; the side's next sequence number moves to its end if that is further on. */
  send(side: Side, t: number, spec: SegmentSpec = {}): this {
    const len = spec.len ?? 0;
    const flags = spec.flags ?? (len > 0 ? 'PA' : 'A');
    const seq = spec.seq ?? this.nxt[side];
    if (spec.win !== undefined) this.win[side] = spec.win;
    const end = (seq + len + (/[SF]/.test(flags) ? 1 : 0)) >>> 0;
    if (spec.advance !== false && ((end - this.nxt[side]) | 0) > 0) this.nxt[side] = end;
    const ns = Math.round(t * 1e6);
    const time = { sec: this.start + Math.floor(ns / 1e9), nsec: ns % 1e9 };
    const [src, dst] = side === 'a' ? [this.a, this.b] : [this.b, this.a];
    const ack = spec.ack ?? (flags.includes('A') ? this.nxt[other(side)] : 0);
    this.frames.push(tcpSegment({ src, dst, seq, ack, flags, win: this.win[side], len, options: spec.options, time }));
    return this;
  }

  /** Advance the side's sequence numbers by `len` without a frame: a segment lost before the capture point. */
  lose(side: Side, len: number): this {
    this.nxt[side] = (this.nxt[side] + len) >>> 0;
    return this;
  }

  /** A one-byte zero-window probe at the next sequence number (BSD/Windows style); the receiver keeps out the byte. */
  zeroWindowProbe(side: Side, t: number, spec: SegmentSpec = {}): this {
    return this.send(side, t, { len: 1, advance: false, ...spec });
  }

  /** A keep-alive at next − 1 with 0 or 1 garbage byte; Linux's zero-window probe looks the same (seq SND.UNA − 1, no data). */
  keepAlive(side: Side, t: number, len: 0 | 1 = 0, spec: SegmentSpec = {}): this {
    return this.send(side, t, { seq: (this.nxt[side] - 1) >>> 0, len, flags: 'A', advance: false, ...spec });
  }

  syn(t: number, spec: SegmentSpec = {}): this {
    return this.send('a', t, { seq: this.isn.a, ack: 0, flags: 'S', options: this.synOptions('a'), ...spec });
  }

  synAck(t: number, spec: SegmentSpec = {}): this {
    return this.send('b', t, { seq: this.isn.b, flags: 'SA', options: this.synOptions('b'), ...spec });
  }

  /** SYN at t, SYN-ACK half an RTT later, the client's ACK one RTT later (Wireshark's iRTT = rttMs). */
  handshake(t = 0, rttMs = 10): this {
    return this.syn(t).synAck(t + rttMs / 2).ack('a', t + rttMs);
  }

  ack(side: Side, t: number, spec: SegmentSpec = {}): this {
    return this.send(side, t, { flags: 'A', ...spec });
  }

  data(side: Side, len: number, t: number, spec: SegmentSpec = {}): this {
    return this.send(side, t, { len, ...spec });
  }

  fin(side: Side, t: number, spec: SegmentSpec = {}): this {
    return this.send(side, t, { flags: 'FA', ...spec });
  }

  private synOptions(side: Side): TcpOptionSpec {
    return { mss: 1460, wscale: this.options.wscale?.[side] };
  }
}

export function conversation(options: ConversationOptions = {}): Conversation {
  return new Conversation(options);
}

/** What the analysis says about one packet, with frame numbers as in the capture. */
export interface PacketResult {
  frame: number;
  flags: string[];
  /** Calculated window and its shift (-3 SYN, -2 not used, -1 unknown). */
  win: number;
  winShift: number;
  bif: number | null;
  dupAck: number;
  ackRtt: number | null;
}

export interface ScriptAnalysis {
  flow: Flow;
  analysis: FlowAnalysis;
  packets: PacketResult[];
}

/** Run the conversation through reader, ingest and analyzeFlow (it must form exactly one flow); `context` carries socket samples. */
export function analyze(c: Conversation, context: AnalysisContext = {}): ScriptAnalysis {
  const sink = new CaptureIngest();
  const got = readBack(writePcap(c.frames, { nanos: true }), { sink });
  assert.equal(got.error, undefined);
  assert.equal(sink.flows.flows.length, 1, 'the script forms one flow');
  const flow = sink.flows.flows[0];
  const analysis = analyzeFlow(flow, context);
  const out = analysis.analyzer.out;
  const packets: PacketResult[] = [];
  for (let i = 0; i < flow.packets.length; i++) {
    packets.push({
      frame: flow.packets.frame[i],
      flags: flagNames(out.flags[i]),
      win: out.window(i),
      winShift: out.winShift[i],
      bif: out.bytesInFlight[i] === BIF_UNSET ? null : out.bytesInFlight[i],
      dupAck: out.dupAck(i),
      ackRtt: Number.isNaN(out.ackRtt(i)) ? null : out.ackRtt(i),
    });
  }
  return { flow, analysis, packets };
}

/** Frame → flags, for the packets that carry any. */
export function flagged(packets: readonly PacketResult[], omit: readonly string[] = []): Record<number, string[]> {
  const out: Record<number, string[]> = {};
  for (const p of packets) {
    const names = p.flags.filter((f) => !omit.includes(f));
    if (names.length > 0) out[p.frame] = names;
  }
  return out;
}

/** Frame → value of one column, for the packets where it is set. */
export function column<K extends 'bif' | 'dupAck' | 'ackRtt'>(packets: readonly PacketResult[], key: K): Record<number, number> {
  const out: Record<number, number> = {};
  for (const p of packets) {
    const v = p[key];
    if (v !== null && v !== 0) out[p.frame] = v;
  }
  return out;
}
