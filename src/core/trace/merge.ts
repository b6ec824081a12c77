/**
 * A NAT trace (or log) and a capture of the same run: match the engine's segments to the captured
 * packets by 4-tuple, direction, seq, ack and length (in order, so retransmitted copies pair up), and
 * carry what only the engine knew — Recv-Q, the reopen instants, drops, reasons — onto the capture's
 * flows and time axis.
 */
import type { Flow } from '../flows/flow';
import type { CaptureIngest } from '../ingest';
import { EngineFlow } from './engine';
import type { TraceRead } from './source';

export interface MergeResult {
  /** Engine knowledge by capture flow id. */
  engines: (EngineFlow | undefined)[];
  /** Engine segments matched to a captured packet, and all of them. */
  matched: number;
  segments: number;
  /** Engine flows with no captured flow of the same 4-tuple. */
  unmatchedFlows: number;
  /**
   * Median of capture time − engine time over the NAT's matched segments (seconds; over the guest's
   * when the NAT sent none), and whether it was applied; `skewIn` the same over the guest's segments.
   */
  skew: number | null;
  skewIn: number | null;
  skewApplied: boolean;
}

/** Clocks that agree within this are taken as the same clock (the engine's time is the exact one). */
const SAME_CLOCK = 0.05;

export function mergeOntoCapture(capture: CaptureIngest, trace: TraceRead): MergeResult {
  const result: MergeResult = { engines: [], matched: 0, segments: 0, unmatchedFlows: 0, skew: null, skewIn: null, skewApplied: false };
  const co = capture.flows.timeOrigin;
  const to = trace.ingest.capture.flows.timeOrigin;
  const originDelta = to.sec - co.sec + (to.nsec - co.nsec) * 1e-9;
  const pairs: { t: Flow; c: Flow; flipped: boolean; map: Int32Array }[] = [];
  // Capture time − engine time of matched segments, by who sent them: the NAT's own segments tell
  // where its decisions land on the capture's axis (its clock and the path from it to the capture).
  const skews: [number[], number[]] = [[], []];
  for (const t of trace.ingest.flows) {
    const engine = trace.ingest.engines[t.id];
    if (!engine) continue;
    result.segments += t.packets.length;
    let best: { c: Flow; flipped: boolean; map: Int32Array; n: number } | undefined;
    for (const c of capture.flows.flows) {
      const flipped = c.a === t.b && c.b === t.a;
      if (!flipped && !(c.a === t.a && c.b === t.b)) continue;
      const { map, n } = matchPackets(t, c, flipped);
      if (n > (best?.n ?? 0)) best = { c, flipped, map, n };
    }
    if (!best) {
      result.unmatchedFlows++;
      continue;
    }
    result.matched += best.n;
    pairs.push({ t, c: best.c, flipped: best.flipped, map: best.map });
    for (let i = 0; i < best.map.length; i++) {
      if (best.map[i] < 0) continue;
      const fromNat = t.packets.dir[i] === engine.natSide ? 0 : 1;
      skews[fromNat].push(best.c.packets.time[best.map[i]] - (t.packets.time[i] + originDelta));
    }
  }
  const median = (xs: number[]) => (xs.length ? xs.sort((x, y) => x - y)[xs.length >> 1] : null);
  result.skew = median(skews[0]) ?? median(skews[1]);
  result.skewIn = median(skews[1]);
  if (result.skew !== null) {
    // A realtime engine clock that agrees with the capture's is kept exact; any other is moved onto it.
    result.skewApplied = trace.header?.clock !== 'realtime' || Math.abs(result.skew) > SAME_CLOCK;
  }
  const shift = originDelta + (result.skewApplied ? result.skew! : 0);
  for (const { t, c, flipped, map } of pairs) {
    if (result.engines[c.id]) continue; // a second engine flow for the same captured flow adds nothing
    result.engines[c.id] = carry(trace.ingest.engines[t.id]!, c, flipped, map, shift);
  }
  return result;
}

/** For each engine packet, the captured packet it is (or -1). */
function matchPackets(t: Flow, c: Flow, flipped: boolean): { map: Int32Array; n: number } {
  const cp = c.packets;
  const queues = new Map<string, { list: number[]; next: number }>();
  for (let j = 0; j < cp.length; j++) {
    const key = `${cp.dir[j]}:${cp.seq[j]}:${cp.ack[j]}:${cp.len[j]}`;
    const q = queues.get(key);
    if (q) q.list.push(j);
    else queues.set(key, { list: [j], next: 0 });
  }
  const tp = t.packets;
  const map = new Int32Array(tp.length).fill(-1);
  let n = 0;
  for (let i = 0; i < tp.length; i++) {
    const dir = flipped ? 1 - tp.dir[i] : tp.dir[i];
    const q = queues.get(`${dir}:${tp.seq[i]}:${tp.ack[i]}:${tp.len[i]}`);
    if (!q || q.next === q.list.length) continue;
    map[i] = q.list[q.next++];
    n++;
  }
  return { map, n };
}

function carry(e: EngineFlow, c: Flow, flipped: boolean, map: Int32Array, shift: number): EngineFlow {
  const natSide = (flipped ? 1 - e.natSide : e.natSide) as 0 | 1;
  const out = new EngineFlow(natSide, e.reasonNames);
  for (let k = 0; k < e.length; k++) out.addSample(e.time[k] + shift, e.recvq[k], e.buffer[k]);
  for (const r of e.reopen) out.reopen.push({ ...r, time: r.time + shift });
  for (const t of e.reopened) out.reopened.push(t + shift);
  for (const t of e.closed) out.closed.push(t + shift);
  out.hasWinEvents = e.hasWinEvents;
  for (const d of e.drops) out.drops.push({ ...d, index: d.index >= 0 ? map[d.index] : -1, time: d.index >= 0 && map[d.index] >= 0 ? c.packets.time[map[d.index]] : d.time + shift });
  for (let i = 0; i < map.length; i++) {
    const reason = e.reason(i);
    if (reason !== undefined && map[i] >= 0) out.setReason(map[i], reason);
  }
  // The capture's own handshake says what the scale is; only without one does the log's assumption stand.
  out.scaleAssumed = c.handshake[natSide].synFrame ? null : e.scaleAssumed;
  return out;
}
