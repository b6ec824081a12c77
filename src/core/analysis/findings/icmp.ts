/** `icmp_error`: ICMP and ICMPv6 errors quoting one of the flow's segments, and what pmtuBlackHole.ts needs of them. */
import { type Flow, type IcmpErrorRecord, indexOfFrame } from '../../flows/flow';
import { side } from './common';
import type { Finding } from './index';

/** RFC 792 / RFC 4443 names of the errors that quote a datagram, by version:type, and of their codes. */
const ICMP_ERRORS: Record<string, [string, string[]]> = {
  '4:3': ['destination unreachable', ['network unreachable', 'host unreachable', 'protocol unreachable', 'port unreachable', 'fragmentation needed', 'source route failed', 'destination network unknown', 'destination host unknown', 'source host isolated', 'network administratively prohibited', 'host administratively prohibited', 'network unreachable for TOS', 'host unreachable for TOS', 'communication administratively prohibited']],
  '4:4': ['source quench', []],
  '4:5': ['redirect', []],
  '4:11': ['time exceeded', ['TTL exceeded in transit', 'fragment reassembly time exceeded']],
  '4:12': ['parameter problem', []],
  '6:1': ['destination unreachable', ['no route to destination', 'communication administratively prohibited', 'beyond scope of source address', 'address unreachable', 'port unreachable', 'source address failed ingress/egress policy', 'reject route to destination']],
  '6:2': ['packet too big', []],
  '6:3': ['time exceeded', ['hop limit exceeded in transit', 'fragment reassembly time exceeded']],
  '6:4': ['parameter problem', []],
};

/** 'ICMP destination unreachable (fragmentation needed)', 'ICMPv6 packet too big'. */
function icmpName(e: IcmpErrorRecord): string {
  const [name, codes] = ICMP_ERRORS[`${e.version}:${e.type}`] ?? [`type ${e.type}`, []];
  const code = codes.length ? ` (${codes[e.code] ?? `code ${e.code}`})` : '';
  return `ICMP${e.version === 6 ? 'v6' : ''} ${name}${code}`;
}

/** 'fragmentation needed' or 'packet too big': the path MTU is smaller than the datagram (RFC 1191, RFC 8201). */
export const isPmtuError = (e: IcmpErrorRecord) => (e.version === 4 ? e.type === 3 && e.code === 4 : e.type === 2);

/** The last packet before `frame` in direction `dir` with sequence number `seq`, or -1. */
export function quotedSegment(flow: Flow, e: IcmpErrorRecord): number {
  const p = flow.packets;
  for (let i = indexOfFrame(flow, e.frame); i >= 0; i--) if (p.frame[i] < e.frame && p.dir[i] === e.dir && p.seq[i] === e.seq) return i;
  return -1;
}

/** Segment bytes that fit the error's MTU: the MTU less the quoted datagram's headers, or null when unknown. */
export function fittingPayload(flow: Flow, e: IcmpErrorRecord, segment: number): number | null {
  if (e.mtu === null || segment < 0 || !isPmtuError(e)) return null;
  return Math.max(0, e.mtu - (e.datagramLength - flow.packets.len[segment]));
}

/** One finding per ICMP error that quotes a segment of the flow (RFC 792, RFC 4443). */
export function icmpFindings(flow: Flow): Finding[] {
  return flow.icmpErrors.map((e) => {
    const segment = quotedSegment(flow, e);
    const sender = side(flow, e.dir);
    const seq = (e.seq - flow.baseSeq[e.dir]) >>> 0;
    const which = segment >= 0 ? `the segment at seq ${seq} (frame ${flow.packets.frame[segment]})` : `a segment at seq ${seq} (not captured)`;
    const pmtu = isPmtuError(e);
    let message = `${icmpName(e)} from ${e.reporter} at frame ${e.frame} about ${which} from ${sender}`;
    if (pmtu) {
      const fits = fittingPayload(flow, e, segment);
      message = `${icmpName(e)} from ${e.reporter} at frame ${e.frame}: the ${e.datagramLength}-byte packet carrying ${which} from ${sender} does not fit the next hop's MTU of ${e.mtu ?? 'unknown size'}`;
      if (fits !== null) message += `; segments from ${sender} must carry at most ${fits} bytes`;
      message += e.version === 4 ? ' (RFC 1191 path MTU discovery).' : ' (RFC 8201 path MTU discovery).';
    } else {
      message += '.';
    }
    const unreachable = (e.version === 4 && e.type === 3) || (e.version === 6 && e.type === 1);
    return {
      kind: 'icmp_error',
      flow: flow.id,
      time: e.time,
      frames: segment >= 0 ? [e.frame, flow.packets.frame[segment]] : [e.frame],
      severity: pmtu ? 'warning' : unreachable ? 'error' : e.type === 11 || e.type === 3 ? 'warning' : 'info',
      message,
      icmp: { version: e.version, type: e.type, code: e.code, mtu: e.mtu, from: e.reporter, segmentFrame: segment >= 0 ? flow.packets.frame[segment] : null },
    };
  });
}
