/**
 * Reader of OpenVMM's consomme TCP trace (`OPENVMM_LOG=consomme=trace,net_consomme=debug`): one
 * `tcp packet` line per segment, numbers in hex, and `tx packet ignored error=…` for a dropped guest
 * segment. The log names no connection for a drop, so it goes to the flow of the `recv` line before
 * it; it has no window scale, so a SYN's logged option is used, else the NAT's usual shift (7, or the
 * `windowScale` option) is assumed and the summary says so. Timestamps are seconds of uptime unless
 * an epoch for uptime 0 is given.
 */
import { TcpFlag } from '../decode/segment';
import { TraceLineReader } from './lines';
import { parseEndpoint, parseFlagNames } from './tcpText';
import type { DescribedSegment, TraceIngest } from './traceIngest';

export interface ConsommeOptions {
  /** Shift assumed for the NAT's (and guest's) windows when a SYN does not log one; default 7. */
  windowScale?: number;
  /** Epoch seconds of uptime 0, so times line up with a capture; default: none (times stay uptime). A decimal string keeps every digit. */
  uptimeEpoch?: number | string;
}

/** The usual consomme receive shift when the guest offers scaling. */
export const CONSOMME_DEFAULT_SCALE = 7;

/** `12.725381164s` (uptime) or an RFC 3339 time at the start of a line (ANSI colours removed). */
const TIME = /^\s*(?:(\d+)\.(\d{1,9})s|(\d+)s|(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:?\d\d))\s/;
/** key=value, the value quoted, a Debug-printed wrapper (`flags=TcpFlags(SYN | ACK)`), or a bare token. */
const FIELD = /([A-Za-z_][\w.]*)=("(?:[^"\\]|\\.)*"|\w+\([^)]*\)|\S+)/g;
const REQUIRED = ['src', 'dst', 'seq', 'window'] as const;

/** Hex (`0x1f`) or decimal. */
function unsigned(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = /^0x[0-9a-f]{1,8}$/i.test(text) ? parseInt(text.slice(2), 16) : /^\d{1,10}$/.test(text) ? Number(text) : NaN;
  return Number.isInteger(v) && v <= 0xffffffff ? v : undefined;
}

/** Seconds as [whole, nanoseconds]: exact from a decimal string (a double holds only ~0.2 µs of an epoch). */
function splitSeconds(value: number | string): [number, number] {
  const m = typeof value === 'string' ? /^\s*(\d+)(?:\.(\d{1,9})\d*)?\s*$/.exec(value) : null;
  if (m) return [Number(m[1]), Number((m[2] ?? '').padEnd(9, '0'))];
  const v = Number(value);
  if (!Number.isFinite(v) || v < 0) return [0, 0];
  const sec = Math.floor(v);
  return [sec, Math.min(999_999_999, Math.round((v - sec) * 1e9))];
}

export class ConsommeLogReader extends TraceLineReader {
  /** `tcp packet` lines read, drop lines read, and lines in uptime seconds (vs wall-clock times). */
  segments = 0;
  drops = 0;
  uptimeLines = 0;
  private readonly epochSec: number;
  private readonly epochNsec: number;

  constructor(
    ingest: TraceIngest,
    readonly options: ConsommeOptions = {},
  ) {
    super(ingest);
    const scale = options.windowScale ?? CONSOMME_DEFAULT_SCALE;
    ingest.scaleAssumed = Number.isInteger(scale) && scale >= 0 && scale <= 14 ? scale : CONSOMME_DEFAULT_SCALE;
    [this.epochSec, this.epochNsec] = splitSeconds(options.uptimeEpoch ?? 0);
  }

  line(raw: string, n: number, cut = false, unterminated = false): void {
    const problems = this.ingest.problems;
    if (cut) return problems.bad(n, 'line longer than 64 KiB');
    const text = raw.includes('\x1b') ? raw.replace(/\x1b\[[0-9;]*m/g, '') : raw;
    const isPacket = text.includes('tcp packet');
    const isDrop = !isPacket && text.includes('tx packet ignored');
    if (!isPacket && !isDrop) {
      if (text.trim()) problems.otherLines++;
      return;
    }
    const time = this.time(text);
    if (!time) return problems.bad(n, unterminated ? 'the last line is cut short (file still being written, or truncated)' : 'no timestamp at the start of the line');
    if (isDrop) {
      const at = text.indexOf('error=');
      const reason = at >= 0 ? text.slice(at + 6).trim().replace(/^"(.*)"$/, '$1') : 'tx packet ignored';
      this.drops++;
      return this.ingest.drop(undefined, time[0], time[1], reason, n);
    }
    const f: Record<string, string> = {};
    for (const m of text.matchAll(FIELD)) f[m[1]] = m[2].startsWith('"') ? m[2].slice(1, -1) : m[2];
    const missing = REQUIRED.find((k) => f[k] === undefined);
    if (missing) return problems.bad(n, unterminated ? 'the last line is cut short (file still being written, or truncated)' : `tcp packet without ${missing}=`);
    const seg = this.segment(f, n, time, unterminated);
    if (typeof seg === 'string') return problems.bad(n, seg);
    this.segments++;
    this.ingest.segment(seg);
  }

  private segment(f: Record<string, string>, n: number, [sec, nsec]: [number, number], unterminated: boolean): DescribedSegment | string {
    const label = f.label ?? '';
    const fromGuest = label === 'recv';
    if (!fromGuest && !/^(xmit|ack|rst xmit|rst|fin xmit|syn xmit)$/.test(label)) return `unknown label "${label}"`;
    const src = parseEndpoint(f.src);
    const dst = parseEndpoint(f.dst);
    if (!src || !dst || src.version !== dst.version) return `src/dst are not ip:port endpoints ("${f.src}", "${f.dst}")`;
    const seq = unsigned(f.seq);
    const win = unsigned(f.window);
    const ack = unsigned(f.ack);
    const next = unsigned(f.next_seq);
    if (seq === undefined) return `seq=${f.seq} is not a 32-bit number`;
    if (win === undefined || win > 0xffff) return `window=${f.window} is not a 16-bit value`;
    if (f.ack !== undefined && ack === undefined) return `ack=${f.ack} is not a 32-bit number`;
    const flags = parseFlagNames((f.flags ?? '').replace(/^\w*Flags\((.*)\)$/, '$1'));
    for (const name of flags.unknown) this.ingest.problems.count(this.ingest.problems.unknownFields, `flag ${name}`);
    let bits = flags.bits;
    if (label.startsWith('rst')) bits |= TcpFlag.RST;
    // Every segment after the guest's first SYN acknowledges something; that SYN logs ack 0.
    if (ack !== undefined && !(fromGuest && bits & TcpFlag.SYN && ack === 0)) bits |= TcpFlag.ACK;
    const synFin = (bits & TcpFlag.SYN ? 1 : 0) + (bits & TcpFlag.FIN ? 1 : 0);
    let len = unsigned(f.payload_len);
    if (len === undefined && next !== undefined) len = (next - seq - synFin) >>> 0;
    if (len === undefined || len > 0xffff) return unterminated ? 'the last line is cut short (file still being written, or truncated)' : 'no payload_len= (or next_seq=)';
    const [guest, remote] = fromGuest ? [src, dst] : [dst, src];
    const wscale = unsigned(f.wscale ?? f.window_scale);
    const mss = unsigned(f.mss);
    return { conn: `${fromGuest ? f.src : f.dst}-${fromGuest ? f.dst : f.src}`, guest, remote, fromGuest, seq, ack: ack ?? 0, flags: bits, len, winRaw: win, mss, wscale, line: n, sec, nsec };
  }

  /** The line's time as [sec, nsec]: uptime plus the configured epoch, or wall-clock time. */
  private time(text: string): [number, number] | undefined {
    const m = TIME.exec(text);
    if (!m) return undefined;
    if (m[1] !== undefined || m[3] !== undefined) {
      this.uptimeLines++;
      const frac = m[2] ?? '';
      let sec = Number(m[1] ?? m[3]) + this.epochSec;
      let nsec = Number(frac.padEnd(9, '0')) + this.epochNsec;
      if (nsec >= 1e9) {
        sec++;
        nsec -= 1e9;
      }
      return [sec, nsec];
    }
    const ms = Date.parse(`${m[4]}${m[6]}`);
    if (!Number.isFinite(ms)) return undefined;
    return [Math.floor(ms / 1000), Number((m[5] ?? '').padEnd(9, '0'))];
  }
}
