/**
 * Where a capture was taken along the path, from the handshake's timing. A capture point at one end
 * sees that end answer at once and the far end answer a round trip later: near the client, SYN →
 * SYN-ACK takes the whole RTT and SYN-ACK → ACK almost nothing; near the server, the reverse.
 * docs/analysis.md, "Where the capture was taken".
 */
import { TcpFlag } from '../decode/segment';
import type { Flow } from '../flows/flow';

/** Where the capture point sat relative to the data sender, and how far that can move an instant. */
export interface Vantage {
  near: 'sender' | 'receiver' | 'unknown';
  /**
   * Seconds by which an instant seen in the capture may differ from the sender's own clock of events:
   * the round trip between the capture point and the sender (the short handshake leg near the
   * sender; the whole RTT near the receiver or when unknown).
   */
  errorBound: number;
}

/** One leg must be this many times shorter than the other to say which end the capture sat at. */
const CLEAR_RATIO = 4;

/** The vantage for data sent by side `sender` (0 = a); `rtt` is the flow's RTT estimate, the bound when the handshake does not tell. */
export function captureVantage(flow: Flow, sender: 0 | 1, rtt: number): Vantage {
  const p = flow.packets;
  let syn = -1;
  let synAck = -1;
  let ack = -1;
  for (let i = 0; i < p.length && ack < 0; i++) {
    const f = p.tcpFlags[i];
    if (f & TcpFlag.SYN && !(f & TcpFlag.ACK)) {
      syn = i;
      synAck = -1;
    } else if (syn >= 0 && f & TcpFlag.SYN && p.dir[i] !== p.dir[syn]) synAck = i;
    else if (synAck >= 0 && f & TcpFlag.ACK && p.dir[i] === p.dir[syn]) ack = i;
  }
  if (ack < 0) return { near: 'unknown', errorBound: rtt };
  const toServer = p.time[synAck] - p.time[syn]; // the server's leg: capture → server → capture
  const toClient = p.time[ack] - p.time[synAck]; // the client's leg
  const whole = toServer + toClient;
  const client = p.dir[syn] as 0 | 1;
  let nearClient: boolean | null = null;
  if (toClient * CLEAR_RATIO <= toServer) nearClient = true;
  else if (toServer * CLEAR_RATIO <= toClient) nearClient = false;
  if (nearClient === null) return { near: 'unknown', errorBound: whole };
  const nearSender = nearClient === (client === sender);
  // The leg to the sender is how late (or early) the capture sees what the sender did.
  return { near: nearSender ? 'sender' : 'receiver', errorBound: sender === client ? toClient : toServer };
}
