/** What each side's SYN negotiated, for the report's handshake table. */
import { TcpOpt } from '../decode/segment';
import { type Flow, packetIndexOfFrame } from '../flows/flow';

export interface SideHandshake {
  endpoint: string;
  /** False when this side's SYN is not in the capture: the other fields are then unknown (null). */
  synSeen: boolean;
  mss: number | null;
  /** The shift its SYN offered; null when it offered none (or no SYN was seen). */
  windowScale: number | null;
  sackPermitted: boolean | null;
  timestamps: boolean | null;
}

export function handshakeOf(flow: Flow): [SideHandshake, SideHandshake] {
  return [side(flow, 0), side(flow, 1)];
}

function side(flow: Flow, s: 0 | 1): SideHandshake {
  const h = flow.handshake[s];
  const endpoint = s === 0 ? flow.a : flow.b;
  const i = h.synFrame > 0 ? packetIndexOfFrame(flow, h.synFrame) : -1;
  if (i < 0) return { endpoint, synSeen: false, mss: h.mss ?? null, windowScale: null, sackPermitted: null, timestamps: null };
  return {
    endpoint,
    synSeen: true,
    mss: h.mss ?? null,
    windowScale: h.windowScale !== undefined && h.windowScale >= 0 ? h.windowScale : null,
    sackPermitted: h.sackPermitted,
    timestamps: (flow.packets.opts[i] & TcpOpt.TIMESTAMP) !== 0,
  };
}
