/** One packet's details for the tooltip and the details pane, found by frame number. */
import type { FlowAnalysis } from '../analysis/analyze';
import { BIF_UNSET } from '../analysis/columns';
import { flagNames } from '../analysis/flags';
import { TcpFlag } from '../decode/segment';
import type { Flow } from '../flows/flow';
import type { PacketDetails } from '../../protocol';
import { relativeSeq, sequenceBase, windowBytes, windowReading } from './flowValues';
import { lowerBound, upperBound } from './search';
import type { EngineFlow } from '../trace/engine';

/** TCP flag names in Wireshark's order (its Info column's "[SYN, ACK]"). */
const TCP_FLAG_NAMES: readonly [number, string][] = [
  [TcpFlag.FIN, 'FIN'],
  [TcpFlag.SYN, 'SYN'],
  [TcpFlag.RST, 'RST'],
  [TcpFlag.PSH, 'PSH'],
  [TcpFlag.ACK, 'ACK'],
  [TcpFlag.URG, 'URG'],
  [TcpFlag.ECE, 'ECE'],
  [TcpFlag.CWR, 'CWR'],
  [TcpFlag.NS, 'AE'],
];

export function tcpFlagsText(bits: number): string {
  return TCP_FLAG_NAMES.filter(([bit]) => bits & bit)
    .map(([, name]) => name)
    .join(', ');
}

/**
 * Packet `frame` of `flow`: relative seq (its sender's base) and ack (the peer's base), window in
 * bytes as the peer reads it, the analysis flags by name (plus `out_of_window` when a finding names
 * it). Throws a RangeError when the frame is not in the flow.
 */
export function packetDetails(flow: Flow, analysis: FlowAnalysis, frame: number): PacketDetails {
  const p = flow.packets;
  const out = analysis.analyzer.out;
  const n = Math.min(p.length, out.length);
  const i = lowerBound(p.frame, n, frame);
  if (i >= n || p.frame[i] !== frame) throw new RangeError(`frame ${frame} is not in flow ${flow.id}`);
  const side = p.dir[i] as 0 | 1;
  const peer = (1 - side) as 0 | 1;
  const flags = p.tcpFlags[i];
  const names = flagNames(out.flags[i]);
  if (analysis.findings.some((f) => f.kind === 'out_of_window' && f.frames.includes(frame))) names.push('out_of_window');
  return {
    frame,
    time: p.time[i],
    direction: side === 0 ? 'ab' : 'ba',
    seq: relativeSeq(p.seq[i], sequenceBase(analysis, side)),
    ack: flags & TcpFlag.ACK ? relativeSeq(p.ack[i], sequenceBase(analysis, peer)) : 0,
    len: p.len[i],
    win: windowBytes(flow, analysis, windowReading(analysis, side), i),
    winRaw: p.winRaw[i],
    tcpFlags: tcpFlagsText(flags),
    flags: names,
    bytesInFlight: out.bytesInFlight[i] === BIF_UNSET ? null : out.bytesInFlight[i],
    rtt: Number.isNaN(out.ackRtt(i)) ? null : out.ackRtt(i),
    ...(analysis.engine ? { engine: engineFacts(analysis.engine, i, p.time[i]) } : {}),
  };
}

/** What the NAT said about packet `i`: its reason for sending it, its reason for dropping it, its Recv-Q at that instant. */
function engineFacts(engine: EngineFlow, i: number, t: number): NonNullable<PacketDetails['engine']> {
  const k = upperBound(engine.time, engine.length, t) - 1;
  return {
    reason: engine.reason(i) ?? null,
    dropped: engine.drops.find((d) => d.index === i)?.reason ?? null,
    recvq: k >= 0 ? engine.recvq[k] : null,
  };
}
