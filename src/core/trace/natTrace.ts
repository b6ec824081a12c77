/**
 * Reader of `nat-flow-trace/1` (docs/nat-flow-trace.md): JSON Lines from a NAT engine. Lines are
 * pushed as they come (a file in chunks, a pipe, a socket) and filed into a TraceIngest. Unknown
 * events and fields are counted and ignored; a line is rejected (with its number and reason) only
 * when it is not JSON, or a required field of a known event is missing or has the wrong type.
 */
import { parseConn, parseFlagNames, type Endpoint } from './tcpText';
import { TraceLineReader } from './lines';
import { TcpFlag } from '../decode/segment';
import type { TraceIngest } from './traceIngest';

type Kind = 'int' | 'u32' | 'u32?' | 'u16' | 'str' | 'int?' | 'bool';
type Spec = { required: Record<string, Kind>; optional: Record<string, Kind> };

const SEG_COMMON: Record<string, Kind> = { end_seq: 'u32', win_bytes: 'int', recvq: 'int', mss: 'int', wscale: 'int', sack_perm: 'bool' };
const EVENTS: Record<string, Spec> = {
  hdr: { required: {}, optional: { engine: 'str', engine_version: 'str', clock: 'str' } },
  conn_open: {
    required: { rx_cap: 'int' },
    optional: { guest_mss: 'int?', guest_wscale: 'int?', rx_wscale: 'int?', rx_cap_max: 'int?', iss: 'u32', irs: 'u32', guest_sack_perm: 'bool', guest_ts: 'bool', rx_mss: 'int?' },
  },
  seg_in: { required: { seq: 'u32', len: 'u32', flags: 'str', win_raw: 'u16' }, optional: { ...SEG_COMMON, ack: 'u32?', rcv_nxt: 'u32', verdict: 'str', error: 'str' } },
  seg_out: { required: { seq: 'u32', ack: 'u32', len: 'u32', flags: 'str', win_raw: 'u16' }, optional: { ...SEG_COMMON, reason: 'str' } },
  host_io: { required: { op: 'str', len: 'int', result: 'str' }, optional: { recvq: 'int' } },
  win: { required: { state: 'str' }, optional: { cap: 'int', win_raw: 'int', win_bytes: 'int', recvq: 'int', threshold: 'int', how: 'str' } },
  drop: { required: { reason: 'str' }, optional: { seq: 'u32', end_seq: 'u32', len: 'int', flags: 'str', rcv_nxt: 'u32', rcv_avail: 'int' } },
  conn_close: { required: {}, optional: { reason: 'str', bytes_rx: 'int' } },
  stats: { required: {}, optional: {} },
};
const COMMON = new Set(['v', 't', 'ev', 'conn']);

function fits(kind: Kind, v: unknown): boolean {
  switch (kind) {
    case 'int':
      return Number.isSafeInteger(v) && (v as number) >= 0;
    case 'u32':
      return Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffffffff;
    case 'u32?':
      return v === null || fits('u32', v);
    case 'u16':
      return Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffff;
    case 'int?':
      return v === null || (Number.isSafeInteger(v) && (v as number) >= 0);
    case 'str':
      return typeof v === 'string';
    case 'bool':
      return typeof v === 'boolean';
  }
}

/** Header facts: which engine, and which clock its `t` counts. */
export interface TraceHeader {
  engine: string | null;
  engineVersion: string | null;
  clock: string | null;
}

export class NatTraceReader extends TraceLineReader {
  readonly header: TraceHeader = { engine: null, engineVersion: null, clock: null };
  /** Events read per kind. */
  readonly events = new Map<string, number>();
  private readonly conns = new Map<string, { guest: Endpoint; remote: Endpoint } | null>();

  constructor(ingest: TraceIngest) {
    super(ingest);
    ingest.describesConnections = true;
  }

  line(text: string, n: number, cut = false, unterminated = false): void {
    const problems = this.ingest.problems;
    if (cut) return problems.bad(n, 'line longer than 64 KiB');
    if (!text.trim()) return;
    let obj: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return problems.bad(n, 'not a JSON object');
      obj = parsed as Record<string, unknown>;
    } catch (err) {
      const why = unterminated ? 'the last line is cut short (file still being written, or truncated)' : `not JSON (${(err as Error).message})`;
      return problems.bad(n, why);
    }
    if (obj.v !== 1) return problems.bad(n, `format version ${JSON.stringify(obj.v)}, expected 1`);
    if (typeof obj.ev !== 'string') return problems.bad(n, 'no "ev" (event kind)');
    const spec = EVENTS[obj.ev];
    if (!spec) return problems.count(problems.unknownEvents, obj.ev);
    const time = this.time(text, obj.t);
    if (!time) return problems.bad(n, '"t" must be a whole number of nanoseconds');
    for (const [name, kind] of Object.entries(spec.required)) {
      if (!(name in obj)) return problems.bad(n, `${obj.ev} without "${name}"`);
      if (!fits(kind, obj[name])) return problems.bad(n, `${obj.ev}: "${name}" is ${JSON.stringify(obj[name])}, not ${kind === 'str' ? 'a string' : 'a number in range'}`);
    }
    for (const name of Object.keys(obj)) {
      if (COMMON.has(name) || name in spec.required) continue;
      const kind = spec.optional[name];
      if (kind === undefined) {
        if (obj.ev !== 'stats') problems.count(problems.unknownFields, `${obj.ev}.${name}`);
      } else if (!fits(kind, obj[name])) {
        problems.count(problems.unknownFields, `${obj.ev}.${name} (wrong type, ignored)`);
        delete obj[name];
      }
    }
    if (obj.ev === 'hdr') return this.onHeader(obj);
    const conn = typeof obj.conn === 'string' ? this.conn(obj.conn) : null;
    if (obj.ev === 'stats' && !conn) return this.count('stats');
    if (!conn) return problems.bad(n, `${obj.ev}: "conn" must be "guestip:port-remoteip:port"`);
    this.count(obj.ev);
    this.onEvent(obj, obj.conn as string, conn, n, time[0], time[1]);
  }

  private onEvent(o: Record<string, unknown>, key: string, conn: { guest: Endpoint; remote: Endpoint }, n: number, sec: number, nsec: number): void {
    const ingest = this.ingest;
    const num = (name: string) => (typeof o[name] === 'number' ? (o[name] as number) : undefined);
    switch (o.ev) {
      case 'conn_open': {
        const orNull = (name: string) => (typeof o[name] === 'number' ? (o[name] as number) : null);
        const open = { irs: orNull('irs'), guestMss: orNull('guest_mss'), guestWscale: orNull('guest_wscale'), guestSackPerm: o.guest_sack_perm === true, rxWscale: orNull('rx_wscale'), rxCap: orNull('rx_cap'), rxMss: orNull('rx_mss') };
        return ingest.connOpen(key, conn.guest, conn.remote, open, n, sec, nsec);
      }
      case 'seg_in':
      case 'seg_out': {
        const flags = parseFlagNames(o.flags as string);
        for (const name of flags.unknown) ingest.problems.count(ingest.problems.unknownFields, `flag ${name}`);
        const fromGuest = o.ev === 'seg_in';
        let bits = flags.bits;
        const ack = typeof o.ack === 'number' ? o.ack >>> 0 : 0;
        if (fromGuest && o.ack === null) bits &= ~TcpFlag.ACK; // no ACK field without the ACK flag
        else if (o.ack !== undefined) bits |= TcpFlag.ACK;
        const seg = { conn: key, ...conn, fromGuest, seq: o.seq as number, ack, flags: bits, len: o.len as number, winRaw: o.win_raw as number, mss: num('mss'), wscale: num('wscale'), sackPerm: o.sack_perm as boolean | undefined, line: n, sec, nsec };
        ingest.segment(seg, num('recvq'), fromGuest ? undefined : (o.reason as string | undefined));
        if (fromGuest && (o.verdict === 'drop' || (o.verdict === undefined && typeof o.error === 'string'))) ingest.drop(key, sec, nsec, (o.error as string | undefined) ?? 'dropped', n);
        return;
      }
      case 'host_io':
        if (num('recvq') !== undefined) ingest.sample(key, sec, nsec, num('recvq')!);
        return;
      case 'win':
        ingest.winEvents(key);
        if (num('recvq') !== undefined) ingest.sample(key, sec, nsec, num('recvq')!, num('cap'));
        if (o.state === 'reopen_possible') ingest.reopenPossible(key, sec, nsec, num('threshold') ?? NaN, num('win_bytes') ?? NaN);
        else if (o.state === 'reopened') ingest.reopenedAt(key, sec, nsec);
        else if (o.state === 'closed') ingest.closedAt(key, sec, nsec);
        return;
      case 'drop':
        return ingest.drop(key, sec, nsec, o.reason as string, n);
      default:
        return; // conn_close, stats: counted only
    }
  }

  private onHeader(o: Record<string, unknown>): void {
    this.count('hdr');
    this.header.engine = (o.engine as string | undefined) ?? null;
    this.header.engineVersion = (o.engine_version as string | undefined) ?? null;
    this.header.clock = (o.clock as string | undefined) ?? null;
  }

  private count(ev: string): void {
    this.events.set(ev, (this.events.get(ev) ?? 0) + 1);
  }

  private conn(text: string): { guest: Endpoint; remote: Endpoint } | null {
    let c = this.conns.get(text);
    if (c === undefined) {
      c = parseConn(text) ?? null;
      if (this.conns.size < 100_000) this.conns.set(text, c);
    }
    return c;
  }

  /**
   * `t` as whole seconds and nanoseconds, from the line's digits: a realtime nanosecond count has 19
   * digits and would lose its last three in a double.
   */
  private time(text: string, t: unknown): [number, number] | undefined {
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) return undefined;
    const m = /"t"\s*:\s*(\d{1,30})\s*[,}]/.exec(text);
    if (m && Math.abs(Number(m[1]) - t) <= Math.max(1, t * 1e-12)) {
      const d = m[1];
      return [Number(d.slice(0, -9) || '0'), Number(d.slice(-9))];
    }
    if (!Number.isInteger(t)) return undefined;
    return [Math.floor(t / 1e9), t % 1e9];
  }

}
