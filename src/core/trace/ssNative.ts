/**
 * One run of Linux `ss -tinm` (iproute2), in its own layout rather than the sampler's TSV: a header,
 * then per socket a line `State Recv-Q Send-Q Local:Port Peer:Port [Process]` followed by an indented
 * info line (skmem, wscale, rto, …). Used by the live ss sampler (core/live/ssSampler.ts).
 */
import { addSsInfo, type SsParseResult, type SsSample } from './ss';

// State, Recv-Q, Send-Q, local, peer, then whatever ss adds (the Process column with -p).
const SOCKET_LINE = /^([A-Z][A-Z0-9-]*)\s+(\d+)\s+(\d+)\s+(\S+)\s+(\S+)(?:\s.*)?$/;

/**
 * Parses one run's output, taken at `epoch` (seconds). A line that is neither the header, a socket
 * nor an info line following a socket is a warning with its 1-based number; the rest is kept.
 */
export function parseSsTinm(text: string, epoch: number): SsParseResult {
  const samples: SsSample[] = [];
  const warnings: SsParseResult['warnings'] = [];
  let last: SsSample | undefined;
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n].replace(/\r$/, '');
    if (!raw.trim()) continue; // ss prints a blank info line for some sockets (FIN-WAIT-2, TIME-WAIT)
    if (/^\s/.test(raw)) {
      // An info line belongs to the socket line right above it; an orphan one says nothing we can place.
      if (last) addSsInfo(last, raw);
      else warnings.push({ line: n + 1, message: 'socket details without a socket line before them' });
      last = undefined;
      continue;
    }
    if (/^(State|Netid)\s+Recv-Q/.test(raw)) continue;
    const m = SOCKET_LINE.exec(raw);
    if (!m) {
      warnings.push({ line: n + 1, message: `not an ss socket line: ${JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw)}` });
      last = undefined;
      continue;
    }
    last = { epoch, line: n + 1, state: m[1], recvQ: Number(m[2]), sendQ: Number(m[3]), local: m[4], peer: m[5] };
    samples.push(last);
  }
  return { samples, warnings };
}
