/**
 * Socket-queue samples from Linux `ss -tinm`, in the tab-separated form the sampler writes
 * (`#epoch, ns, state, recv_q, send_q, local, peer, info`): one line per socket per sample.
 */

/** One sample of one socket. */
export interface SsSample {
  /** Seconds since the epoch (the capture's clock). */
  epoch: number;
  /** 1-based line in the file, for messages. */
  line: number;
  state: string;
  recvQ: number;
  sendQ: number;
  local: string;
  peer: string;
  /** skmem r: receive memory charged (bytes, per-segment overhead included), when present. */
  rmemAlloc?: number;
  /** skmem rb: the receive buffer limit (bytes). */
  rcvBuf?: number;
  /** `wscale:snd,rcv`: the peer's shift and ours. */
  wscale?: { snd: number; rcv: number };
  /**
   * The kernel's sender-limit chronographs (tcp_info, Linux ≥ 4.10), cumulative milliseconds: `busy:`
   * is printed once the socket was ever busy; `rwnd_limited:` and `sndbuf_limited:` only when not zero,
   * so beside `busy` their absence means 0. All absent on older kernels or an idle socket.
   */
  busyMs?: number;
  rwndLimitedMs?: number;
  sndbufLimitedMs?: number;
}

export interface SsParseResult {
  samples: SsSample[];
  warnings: { line: number; message: string }[];
}

const FIELDS = 8;

/** Parse the sampler's TSV; a bad line is a warning with its number, the rest is kept. */
export function parseSsSamples(text: string): SsParseResult {
  const samples: SsSample[] = [];
  const warnings: SsParseResult['warnings'] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n].replace(/\r$/, '');
    if (!raw.trim() || raw.startsWith('#')) continue;
    const f = raw.split('\t');
    if (f.length < FIELDS - 1) {
      warnings.push({ line: n + 1, message: `expected ${FIELDS} tab-separated fields, found ${f.length}` });
      continue;
    }
    const epoch = Number(f[0]);
    const recvQ = Number(f[3]);
    const sendQ = Number(f[4]);
    if (!Number.isFinite(epoch) || !Number.isInteger(recvQ) || !Number.isInteger(sendQ) || recvQ < 0 || sendQ < 0) {
      warnings.push({ line: n + 1, message: `epoch, Recv-Q and Send-Q must be numbers (got "${f[0]}", "${f[3]}", "${f[4]}")` });
      continue;
    }
    const sample: SsSample = { epoch, line: n + 1, state: f[2], recvQ, sendQ, local: f[5], peer: f[6] };
    addSsInfo(sample, f[7] ?? '');
    samples.push(sample);
  }
  return { samples, warnings };
}

/** Adds what the info line says (skmem r and rb, wscale, the sender-limit chronographs) to `sample`; the rest of the line is not used. */
export function addSsInfo(sample: SsSample, info: string): void {
  const skmem = /skmem:\(([^)]*)\)/.exec(info);
  if (skmem) {
    const r = /(?:^|,)r(\d+)/.exec(skmem[1]);
    const rb = /(?:^|,)rb(\d+)/.exec(skmem[1]);
    if (r) sample.rmemAlloc = Number(r[1]);
    if (rb) sample.rcvBuf = Number(rb[1]);
  }
  const ws = /wscale:(\d+),(\d+)/.exec(info);
  if (ws) sample.wscale = { snd: Number(ws[1]), rcv: Number(ws[2]) };
  const busy = /(?:^|\s)busy:(\d+)ms/.exec(info);
  if (busy) {
    sample.busyMs = Number(busy[1]);
    sample.rwndLimitedMs = Number(/(?:^|\s)rwnd_limited:(\d+)ms/.exec(info)?.[1] ?? 0);
    sample.sndbufLimitedMs = Number(/(?:^|\s)sndbuf_limited:(\d+)ms/.exec(info)?.[1] ?? 0);
  }
}

/** Endpoints compare as `addr:port` with IPv6 in brackets on our side; ss writes `[addr]:port` too, or bare. */
export function sameEndpoint(ours: string, theirs: string): boolean {
  if (ours === theirs) return true;
  // ss prints a link-local scope after the bracket ([fe80::1]%veth0:22); it is not part of the 4-tuple.
  const strip = (e: string) => e.replace(/%[^:\]]*(?=[\]:])|\]%[^:]*:/, (m) => (m.startsWith(']') ? ']:' : '')).replace(/^\[(.*)\]:(\d+)$/, '$1:$2').replace(/^::ffff:/, '');
  return strip(ours) === strip(theirs);
}
