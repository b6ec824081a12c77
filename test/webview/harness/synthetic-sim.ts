/**
 * A tiny TCP bulk-transfer simulator for the webview's synthetic fixture: a Linux-like sender
 * against a receiver whose buffer fills, closes its window, and reopens either on its own (healthy)
 * or only in its reply to a persist probe (the NAT bug of docs/stories.md, story 1). It produces the
 * per-packet rows the host would derive, which synthetic.ts turns into protocol messages.
 */

export const MSS = 1448;
export const BUFFER = 65536;
export const WSCALE = 7;

/** Flag bits as src/core/analysis/flags.ts defines them. */
export const F = { ZERO_WINDOW: 1 << 0, WINDOW_UPDATE: 1 << 3, WINDOW_FULL: 1 << 4, KEEP_ALIVE: 1 << 5, RETRANSMISSION: 1 << 8, PERSIST_PROBE: 1 << 14 };
/** MarkerKind values of src/protocol/marks.ts. */
export const M = { Retransmission: 1, OutOfWindow: 2, PersistProbe: 3, ZeroWindow: 4, WindowFull: 5, WindowUpdate: 9 };

export interface Pkt {
  frame: number;
  time: number;
  /** 'ab': from the data sender a to the receiver b. */
  dir: 'ab' | 'ba';
  seq: number;
  ack: number;
  len: number;
  win: number;
  tcpFlags: string;
  flags: number;
  bif: number | null;
}

export interface Stall {
  start: number;
  end: number;
  startFrame: number;
  endFrame: number;
  endedBy: string;
  probes: number;
  owed: { seconds: number; confidence: string; moment: number; evidence: string } | null;
}

export interface SimResult {
  packets: Pkt[];
  stalls: Stall[];
  markers: { time: number; value: number; kind: number; frame: number }[];
  recvQ: { time: number; bytes: number }[];
  payload: number;
}

export interface SimSpec {
  start: number;
  /** Bytes to send. */
  bytes: number;
  /** Whether the receiver sends its own window update when its queue drains. */
  healthy: boolean;
  /** Seconds the receiving application takes to drain after the window closed. */
  drainDelay: number;
  /** Seconds between data segments on the wire. */
  gap: number;
  firstFrame: number;
}

export function simulate(spec: SimSpec): SimResult {
  const packets: Pkt[] = [];
  const stalls: Stall[] = [];
  const markers: SimResult['markers'] = [];
  const recvQ: SimResult['recvQ'] = [];
  let frame = spec.firstFrame;
  let t = spec.start;
  const emit = (p: Omit<Pkt, 'frame'>) => {
    // Microsecond timestamps, like a pcap's; also keeps the fixture small.
    const pkt = { ...p, time: Math.round(p.time * 1e6) / 1e6, frame: frame++ };
    packets.push(pkt);
    return pkt;
  };
  const rtt = 0.0004;
  emit({ time: t, dir: 'ab', seq: 0, ack: 0, len: 0, win: 64240, tcpFlags: 'SYN', flags: 0, bif: null });
  emit({ time: (t += rtt), dir: 'ba', seq: 0, ack: 1, len: 0, win: 64240, tcpFlags: 'SYN, ACK', flags: 0, bif: null });
  emit({ time: (t += rtt / 4), dir: 'ab', seq: 1, ack: 1, len: 0, win: 64256, tcpFlags: 'ACK', flags: 0, bif: null });
  let una = 1;
  let nxt = 1;
  let rcvWnd = BUFFER;
  let queue = 0;
  const end = 1 + spec.bytes;
  let episode = 0;
  const scaled = (free: number) => Math.floor(free / (1 << WSCALE)) << WSCALE;
  while (una < end) {
    // Burst: send while the window allows; the receiver ACKs every second segment.
    let sinceAck = 0;
    while (nxt < end) {
      const len = Math.min(MSS, end - nxt, una + rcvWnd - nxt);
      if (len < Math.min(MSS, end - nxt)) break;
      t += spec.gap;
      const full = nxt + len === una + rcvWnd;
      const p = emit({ time: t, dir: 'ab', seq: nxt, ack: 1, len, win: 64256, tcpFlags: 'ACK, PSH', flags: full ? F.WINDOW_FULL : 0, bif: nxt + len - una });
      if (full) markers.push({ time: t, value: nxt + len, kind: M.WindowFull, frame: p.frame });
      nxt += len;
      queue += len;
      recvQ.push({ time: Math.round((t + rtt / 2) * 1e6) / 1e6, bytes: queue });
      if (++sinceAck === 2 || nxt >= end || full) {
        sinceAck = 0;
        una = nxt;
        rcvWnd = scaled(BUFFER - queue);
        if (rcvWnd < MSS) rcvWnd = 0;
        const a = emit({ time: t + rtt / 2, dir: 'ba', seq: 1, ack: una, len: 0, win: rcvWnd, tcpFlags: 'ACK', flags: rcvWnd === 0 ? F.ZERO_WINDOW : 0, bif: null });
        // Receiver marks carry the window in bytes, sender marks the relative seq (src/core/view/laneIndex.ts).
        if (rcvWnd === 0) markers.push({ time: a.time, value: 0, kind: M.ZeroWindow, frame: a.frame });
        if (rcvWnd === 0) break;
      }
    }
    if (una >= end) break;
    // Stall: the window is closed; the application drains after drainDelay.
    const zw = packets[packets.length - 1];
    const drained = Math.round((zw.time + spec.drainDelay) * 1e6) / 1e6;
    recvQ.push({ time: drained, bytes: 0 });
    queue = 0;
    let reopen: Pkt;
    let probes = 0;
    let owed: Stall['owed'] = null;
    if (spec.healthy) {
      reopen = emit({ time: drained + 0.00005, dir: 'ba', seq: 1, ack: una, len: 0, win: BUFFER - 512, tcpFlags: 'ACK', flags: F.WINDOW_UPDATE, bif: null });
      markers.push({ time: reopen.time, value: reopen.win, kind: M.WindowUpdate, frame: reopen.frame });
    } else {
      // Linux persist timer: max(RTO, 200 ms); the probe is a zero-length ACK at SND.UNA − 1, which the NAT rejects as out of window.
      const probe = emit({ time: zw.time + 0.2 + episode * 0.001, dir: 'ab', seq: una - 1, ack: 1, len: 0, win: 64256, tcpFlags: 'ACK', flags: F.PERSIST_PROBE | F.KEEP_ALIVE, bif: nxt - una });
      probes = 1;
      markers.push({ time: probe.time, value: una - 1, kind: M.PersistProbe, frame: probe.frame });
      markers.push({ time: probe.time, value: una - 1, kind: M.OutOfWindow, frame: probe.frame });
      reopen = emit({ time: probe.time + rtt / 2, dir: 'ba', seq: 1, ack: una, len: 0, win: BUFFER - 512, tcpFlags: 'ACK', flags: F.WINDOW_UPDATE, bif: null });
      markers.push({ time: reopen.time, value: reopen.win, kind: M.WindowUpdate, frame: reopen.frame });
      owed = { seconds: reopen.time - drained, confidence: 'high', moment: drained, evidence: `NAT trace: Recv-Q 0 at ${drained.toFixed(6)} s, window last advertised 0` };
    }
    stalls.push({ start: zw.time, end: reopen.time, startFrame: zw.frame, endFrame: reopen.frame, endedBy: spec.healthy ? 'window_update' : 'probe_reply', probes, owed });
    rcvWnd = reopen.win;
    t = reopen.time + rtt / 2;
    // One retransmission in the fourth episode, so the lane shows one.
    if (episode === 3) {
      const r = emit({ time: (t += spec.gap), dir: 'ab', seq: una - MSS, ack: 1, len: MSS, win: 64256, tcpFlags: 'ACK', flags: F.RETRANSMISSION, bif: MSS });
      markers.push({ time: r.time, value: una - MSS, kind: M.Retransmission, frame: r.frame });
    }
    episode++;
  }
  emit({ time: (t += 0.0002), dir: 'ab', seq: nxt, ack: 1, len: 0, win: 64256, tcpFlags: 'FIN, ACK', flags: 0, bif: null });
  emit({ time: (t += rtt / 2), dir: 'ba', seq: 1, ack: nxt + 1, len: 0, win: BUFFER - 512, tcpFlags: 'FIN, ACK', flags: 0, bif: null });
  emit({ time: (t += rtt / 2), dir: 'ab', seq: nxt + 1, ack: 2, len: 0, win: 64256, tcpFlags: 'ACK', flags: 0, bif: null });
  return { packets, stalls, markers: markers.sort((a, b) => a.time - b.time), recvQ, payload: spec.bytes };
}
