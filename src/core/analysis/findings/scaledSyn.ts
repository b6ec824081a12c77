/** `scaled_syn_window`: a SYN window that looks already scaled (RFC 7323 §2.2). */
import { TcpFlag, TcpOpt } from '../../decode/segment';
import type { Flow } from '../../flows/flow';
import { side } from './common';
import type { Finding } from './index';

/** Largest SYN window that looks like a scaled value when the option is present. */
const SCALED_LOOKING_WINDOW = 1024;

/**
 * A SYN or SYN-ACK whose window looks already scaled (RFC 7323 §2.2: the window in a SYN is never
 * scaled): tiny beside a window-scale option, or equal to the raw value the same side advertises
 * once scaling applies.
 */
export function scaledSynFindings(flow: Flow): Finding[] {
  const p = flow.packets;
  const found: Finding[] = [];
  for (const s of [0, 1] as const) {
    let syn = -1;
    let firstAfter = -1;
    for (let i = 0; i < p.length && firstAfter < 0; i++) {
      if (p.dir[i] !== s) continue;
      if (p.tcpFlags[i] & TcpFlag.SYN) {
        if (syn < 0) syn = i;
      } else if (syn >= 0 && p.tcpFlags[i] & TcpFlag.ACK) firstAfter = i;
    }
    if (syn < 0 || !(p.opts[syn] & TcpOpt.WSCALE)) continue;
    const shift = flow.optionShift(syn) ?? 0;
    const win = p.winRaw[syn];
    const tiny = shift > 0 && win <= SCALED_LOOKING_WINDOW;
    const sameRaw = shift > 0 && firstAfter >= 0 && p.winRaw[firstAfter] === win && win < 8192;
    if (!tiny && !sameRaw) continue;
    const kind = p.tcpFlags[syn] & TcpFlag.ACK ? 'SYN-ACK' : 'SYN';
    found.push({
      kind: 'scaled_syn_window',
      flow: flow.id,
      time: p.time[syn],
      frames: firstAfter >= 0 ? [p.frame[syn], p.frame[firstAfter]] : [p.frame[syn]],
      severity: 'warning',
      message: `The ${kind} from ${side(flow, s)} (frame ${p.frame[syn]}) advertises ${win} bytes next to a window-scale shift of ${shift}: it looks scaled (${win} << ${shift} = ${win * 2 ** shift}), but RFC 7323 §2.2 says windows in SYN segments are never scaled, so the peer may send only ${win} bytes until the next ACK.`,
    });
  }
  return found;
}
