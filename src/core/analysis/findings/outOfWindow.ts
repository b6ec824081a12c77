/** `out_of_window`: data beyond the receiver's right edge. */
import { TcpFlag } from '../../decode/segment';
import type { Flow } from '../../flows/flow';
import type { AnalysisColumns } from '../columns';
import { Flag } from '../flags';
import { side } from './common';
import type { Finding } from './index';

/**
 * Data a receiver must drop as an unacceptable segment (RFC 9293 §3.10.7.4): beyond the right edge
 * it advertised (ack + window). Persist probes are sent into a closed window on purpose and are
 * reported as probes instead. Needs the receiver's window in bytes (known or inferred scale).
 */
export function outOfWindowFindings(
  flow: Flow,
  out: AnalysisColumns,
  windowBytes: [(i: number) => number, (i: number) => number],
  scaleKnown: [boolean, boolean],
  resume = new OutOfWindowResume(),
  windowKeys = '',
): Finding[] {
  const p = flow.packets;
  // Each packet's verdict needs only the edges before it: a grown flow goes on from the last packet seen.
  const key = `${windowKeys} ${scaleKnown.join()}`;
  if (resume.key !== key || resume.at > p.length) {
    resume.key = key;
    resume.at = 0;
    resume.edge = [-1, -1];
    resume.found = [];
  }
  const found = resume.found;
  const edge = resume.edge;
  for (let i = resume.at; i < p.length; i++) {
    const d = p.dir[i];
    const flags = p.tcpFlags[i];
    if (!(flags & TcpFlag.SYN) && flags & TcpFlag.ACK) edge[d] = (p.ack[i] + windowBytes[d](i)) >>> 0;
    const receiver = 1 - d;
    if (p.len[i] === 0 || edge[receiver] < 0 || !scaleKnown[receiver] || flags & (TcpFlag.SYN | TcpFlag.RST)) continue;
    if (out.flags[i] & (Flag.PERSIST_PROBE | Flag.ZERO_WINDOW_PROBE | Flag.KEEP_ALIVE)) continue;
    const beyond = ((p.seq[i] + p.len[i]) >>> 0) - edge[receiver];
    if ((beyond | 0) <= 0) continue;
    found.push({
      kind: 'out_of_window',
      flow: flow.id,
      time: p.time[i],
      frames: [p.frame[i]],
      severity: 'warning',
      message: `Frame ${p.frame[i]} carries ${beyond | 0} bytes beyond the right edge ${side(flow, receiver as 0 | 1)} advertised (ack + window); a receiver must drop it as an unacceptable segment.`,
    });
  }
  resume.at = p.length;
  return found.slice();
}

/** Where the out-of-window scan goes on from (passCache.ts): the next packet, each side's right edge, the findings so far. */
export class OutOfWindowResume {
  key: string | undefined;
  at = 0;
  edge = [-1, -1];
  found: Finding[] = [];
}
