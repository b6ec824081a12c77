/** TCP values written as text by NAT engines: endpoints (`ip:port`, IPv6 in brackets) and flag names. */
import { TcpFlag } from '../decode/segment';

/** One endpoint as bytes, ready for a TcpSegment. */
export interface Endpoint {
  version: 4 | 6;
  addr: Uint8Array;
  port: number;
}

function parseIpv4(text: string, out: Uint8Array, at: number): boolean {
  const parts = text.split('.');
  if (parts.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    if (!/^\d{1,3}$/.test(parts[i]) || Number(parts[i]) > 255) return false;
    out[at + i] = Number(parts[i]);
  }
  return true;
}

/** RFC 4291 §2.2 text forms: `::` compression and a trailing dotted quad. */
function parseIpv6(text: string, out: Uint8Array): boolean {
  const zone = text.indexOf('%'); // a link-local zone is not part of the address
  if (zone >= 0) text = text.slice(0, zone);
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const words = (s: string) => (s ? s.split(':') : []);
  const head = words(halves[0]);
  const tail = halves.length === 2 ? words(halves[1]) : [];
  const groups: number[] = [];
  const take = (list: string[], isLast: boolean): boolean => {
    for (let k = 0; k < list.length; k++) {
      const w = list[k];
      if (isLast && k === list.length - 1 && w.includes('.')) {
        const v4 = new Uint8Array(4);
        if (!parseIpv4(w, v4, 0)) return false;
        groups.push((v4[0] << 8) | v4[1], (v4[2] << 8) | v4[3]);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(w)) groups.push(parseInt(w, 16));
      else return false;
    }
    return true;
  };
  if (!take(head, halves.length === 1)) return false;
  const headCount = groups.length;
  if (!take(tail, true)) return false;
  const fill = 8 - groups.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return false;
  const all = [...groups.slice(0, headCount), ...new Array<number>(halves.length === 2 ? fill : 0).fill(0), ...groups.slice(headCount)];
  for (let i = 0; i < 8; i++) {
    out[2 * i] = all[i] >> 8;
    out[2 * i + 1] = all[i] & 0xff;
  }
  return true;
}

/** `10.0.0.1:80`, `[fd00::1]:443` (or a bare IPv6 address before the last colon); undefined when not an endpoint. */
export function parseEndpoint(text: string): Endpoint | undefined {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const portText = text.slice(colon + 1);
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) return undefined;
  let host = text.slice(0, colon);
  const addr = new Uint8Array(16);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  else if (parseIpv4(host, addr, 0)) return { version: 4, addr, port: Number(portText) };
  if (host.includes(':') && parseIpv6(host, addr)) {
    // An IPv4-mapped address (::ffff:a.b.c.d) is the IPv4 flow it stands for, as `ss` prints it.
    const mapped = addr.subarray(0, 10).every((b) => b === 0) && addr[10] === 0xff && addr[11] === 0xff;
    if (mapped) return { version: 4, addr: addr.slice(12, 16), port: Number(portText) };
    return { version: 6, addr, port: Number(portText) };
  }
  return undefined;
}

const FLAG_BITS: Record<string, number> = {
  FIN: TcpFlag.FIN,
  SYN: TcpFlag.SYN,
  RST: TcpFlag.RST,
  PSH: TcpFlag.PSH,
  ACK: TcpFlag.ACK,
  URG: TcpFlag.URG,
  ECE: TcpFlag.ECE,
  CWR: TcpFlag.CWR,
  NS: TcpFlag.NS,
  AE: TcpFlag.NS,
};

/** Flag names joined by `|`, spaces or commas ("SYN|ACK", "PSH ACK", "fin,ack"); unknown names are returned apart. */
export function parseFlagNames(text: string): { bits: number; unknown: string[] } {
  let bits = 0;
  const unknown: string[] = [];
  for (const name of text.split(/[|,\s]+/)) {
    if (!name) continue;
    const bit = FLAG_BITS[name.toUpperCase()];
    if (bit === undefined) unknown.push(name);
    else bits |= bit;
  }
  return { bits, unknown };
}

/** A NAT trace's connection: `guest:port-remote:port`, the guest side first. */
export function parseConn(text: string): { guest: Endpoint; remote: Endpoint } | undefined {
  // The separator is the '-' after the first endpoint's port (IPv6 addresses contain no '-').
  const m = /^(\[[^\]]+\]:\d+|[^-[\]]+:\d+)-(.+)$/.exec(text);
  if (!m) return undefined;
  const guest = parseEndpoint(m[1]);
  const remote = parseEndpoint(m[2]);
  return guest && remote && guest.version === remote.version ? { guest, remote } : undefined;
}
