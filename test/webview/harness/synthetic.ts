/**
 * Builds test/webview/fixtures/synthetic.json: host messages for a made-up capture with one flow
 * that owes window updates (NAT bug), one healthy flow that stalls but reopens on its own, and
 * small filler flows. Series answers are decimated to the pixel grid like the host's, at the full
 * extent and around each stall. Run: `npx tsx test/webview/harness/synthetic.ts`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUFFER, MSS, type Pkt, type SimResult, simulate } from './synthetic-sim';
import { encodeTyped, type Fixture } from './fixture';

const flows = [
  { a: '172.20.0.2:51514', b: '172.20.0.1:8443', sim: simulate({ start: 0.05, bytes: 24 * 64 * 1024, healthy: false, drainDelay: 0.03, gap: 0.0002, firstFrame: 1 }) },
  { a: '10.77.0.1:35344', b: '10.77.0.2:5001', sim: simulate({ start: 0.35, bytes: 4 * 64 * 1024, healthy: true, drainDelay: 0.06, gap: 0.0002, firstFrame: 10000 }) },
];
for (let i = 0; i < 28; i++) {
  flows.push({ a: `192.168.1.${20 + (i % 7)}:${40000 + i * 37}`, b: `93.184.216.${(i * 13) % 250}:${i % 3 === 0 ? 80 : 443}`, sim: simulate({ start: 0.1 + i * 0.05, bytes: 3000 + i * 4100, healthy: true, drainDelay: 0.01, gap: 0.0003, firstFrame: 20000 + i * 100 }) });
}

type Series = Fixture['series'][number]['result'];

function decimated<T extends { time: number }>(rows: T[], t0: number, t1: number, px: number, merge: (col: T[]) => T[]): T[] {
  const inRange = rows.filter((r) => r.time >= t0 && r.time <= t1);
  if (inRange.length <= px) return inRange;
  const cols = new Map<number, T[]>();
  for (const r of inRange) {
    const c = Math.min(px - 1, Math.floor(((r.time - t0) / (t1 - t0)) * px));
    if (!cols.has(c)) cols.set(c, []);
    cols.get(c)!.push(r);
  }
  return [...cols.keys()].sort((a, b) => a - b).flatMap((c) => merge(cols.get(c)!));
}

/** Min and max of a column, in time order (the host's line decimation). */
function minMax<T extends { time: number }>(value: (r: T) => number) {
  return (col: T[]) => {
    if (col.length <= 2) return col;
    let lo = col[0];
    let hi = col[0];
    for (const r of col) {
      if (value(r) < value(lo)) lo = r;
      if (value(r) > value(hi)) hi = r;
    }
    return lo === hi ? [lo] : [lo, hi].sort((a, b) => a.time - b.time);
  };
}

function series(flowId: number, sim: SimResult, direction: 'ab' | 'ba', t0: number, t1: number, pixelWidth: number): Series {
  const first = sim.packets[0].time;
  const last = sim.packets[sim.packets.length - 1].time;
  const extent = { t0: first, t1: last, seqMax: sim.payload + 2, windowMax: BUFFER, recvQMax: BUFFER };
  const f64 = (xs: number[]) => Float64Array.from(xs);
  const u32 = (xs: number[]) => Uint32Array.from(xs);
  const query = { flowId, direction, t0, t1, pixelWidth };
  if (direction === 'ba') {
    const e = new Float64Array(0);
    return { query, segments: { time: e, seq: e, end: e, count: new Uint32Array(0), frame: new Uint32Array(0), flags: new Uint32Array(0) }, acks: { time: e, ack: e, rightEdge: e }, sacks: { time: e, left: e, right: e }, window: { time: e, bytes: e }, bytesInFlight: { time: e, bytes: e }, recvQ: { time: e, bytes: e, source: 'inferred' }, threshold: MSS, windowScale: 'handshake', markers: { time: e, value: e, kind: new Uint8Array(0), frame: new Uint32Array(0) }, extent };
  }
  type Bar = { time: number; seq: number; end: number; count: number; frame: number; flags: number };
  // As the host does: data segments, and SYN/FIN counting one; zero-length probes come as markers only.
  const synFin = (p: Pkt) => /SYN|FIN/.test(p.tcpFlags);
  const bars: Bar[] = sim.packets.filter((p) => p.dir === 'ab' && (p.len > 0 || synFin(p))).map((p) => ({ time: p.time, seq: p.seq, end: p.seq + p.len + (synFin(p) ? 1 : 0), count: 1, frame: p.frame, flags: p.flags }));
  const segs = decimated(bars, t0, t1, pixelWidth, (col) => [{ time: col[0].time, seq: Math.min(...col.map((b) => b.seq)), end: Math.max(...col.map((b) => b.end)), count: col.reduce((n, b) => n + b.count, 0), frame: col[0].frame, flags: col.reduce((f, b) => f | b.flags, 0) }]);
  const ackRows = sim.packets.filter((p): p is Pkt => p.dir === 'ba' && p.tcpFlags.includes('ACK')).map((p) => ({ time: p.time, ack: p.ack, edge: p.ack + p.win, win: p.win }));
  const acks = decimated(ackRows, t0, t1, pixelWidth, minMax((r) => r.edge));
  const bifRows = sim.packets.filter((p) => p.bif !== null).map((p) => ({ time: p.time, bytes: p.bif! }));
  const bif = decimated(bifRows, t0, t1, pixelWidth, minMax((r) => r.bytes));
  // Healthy flows have no trace: their Recv-Q is inferred from the windows, as the host does without samples.
  const measured = flowId === 0;
  const qRows = measured ? sim.recvQ : ackRows.map((r) => ({ time: r.time, bytes: BUFFER - 512 - Math.min(r.win, BUFFER - 512) }));
  const q = decimated(qRows, t0, t1, pixelWidth, minMax((r) => r.bytes));
  const marks = sim.markers.filter((m) => m.time >= t0 && m.time <= t1);
  return {
    query,
    segments: { time: f64(segs.map((s) => s.time)), seq: f64(segs.map((s) => s.seq)), end: f64(segs.map((s) => s.end)), count: u32(segs.map((s) => s.count)), frame: u32(segs.map((s) => s.frame)), flags: u32(segs.map((s) => s.flags)) },
    acks: { time: f64(acks.map((r) => r.time)), ack: f64(acks.map((r) => r.ack)), rightEdge: f64(acks.map((r) => r.edge)) },
    sacks: { time: f64([]), left: f64([]), right: f64([]) },
    window: { time: f64(acks.map((r) => r.time)), bytes: f64(acks.map((r) => r.win)) },
    bytesInFlight: { time: f64(bif.map((r) => r.time)), bytes: f64(bif.map((r) => r.bytes)) },
    recvQ: { time: f64(q.map((r) => r.time)), bytes: f64(q.map((r) => r.bytes)), source: measured ? 'nat-trace' : 'inferred' },
    threshold: MSS,
    windowScale: 'handshake',
    markers: { time: f64(marks.map((m) => m.time)), value: f64(marks.map((m) => m.value)), kind: Uint8Array.from(marks.map((m) => m.kind)), frame: u32(marks.map((m) => m.frame)) },
    extent,
  };
}

function build(): Fixture {
  const allPackets = flows.flatMap((f) => f.sim.packets);
  const stalls = flows.flatMap((f, id) => f.sim.stalls.map((s) => ({ flowId: id, receiver: 'b' as const, ...s })));
  const findings = flows
    .flatMap((f, id) => [
      ...f.sim.stalls.flatMap((s) => [
        ...(s.owed ? [{ flowId: id, kind: 'window_update_owed', time: s.owed.moment, end: s.end, frames: [s.startFrame, s.endFrame], severity: 'error' as const, message: `${f.b} had room again at ${s.owed.moment.toFixed(6)} s but sent no window update; the update came only in its reply to a persist probe (frame ${s.endFrame}), ${(s.owed.seconds * 1000).toFixed(0)} ms later.` }] : []),
        { flowId: id, kind: 'stall', time: s.start, end: s.end, frames: [s.startFrame, s.endFrame], severity: 'warning' as const, message: `${f.b} advertised less than ${MSS} bytes of window from frame ${s.startFrame} for ${((s.end - s.start) * 1000).toFixed(0)} ms while its peer had data waiting (${s.probes} persist probes); the stall ended by ${s.endedBy.replace('_', ' ')} at frame ${s.endFrame}.` },
      ]),
      ...f.sim.markers.filter((m) => m.kind === 2).map((m) => ({ flowId: id, kind: 'out_of_window', time: m.time, frames: [m.frame], severity: 'error' as const, message: `Frame ${m.frame} from ${f.a} is outside ${f.b}'s receive window (seq ${m.value}); the receiver must drop it as an unacceptable segment.` })),
    ])
    .sort((x, y) => x.time - y.time)
    .map((x, id) => ({ id, ...x }));
  const capture = {
    fileName: 'synthetic.pcapng',
    filePath: '/captures/synthetic.pcapng',
    format: 'pcapng',
    packets: allPackets.length + 12,
    tcpPackets: allPackets.length,
    linkTypes: [{ name: 'Ethernet', packets: allPackets.length + 12, decoded: true }],
    warnings: [],
    flows: flows.map((f, id) => {
      const p = f.sim.packets;
      const ab = p.filter((x) => x.dir === 'ab');
      return { id, a: f.a, b: f.b, packetsAtoB: ab.length, packetsBtoA: p.length - ab.length, payloadAtoB: ab.reduce((n, x) => n + x.len, 0), payloadBtoA: 0, start: p[0].time, duration: p[p.length - 1].time - p[0].time, windowScale: { a: 7, b: 7 }, mss: { a: MSS, b: MSS } };
    }),
    health: flows.map((f, id) => ({
      stallSeconds: f.sim.stalls.reduce((n, s) => n + s.end - s.start, 0),
      owedSeconds: f.sim.stalls.reduce((n, s) => n + (s.owed?.seconds ?? 0), 0),
      findings: findings.filter((x) => x.flowId === id).reduce<Record<string, number>>((m, x) => ({ ...m, [x.kind]: (m[x.kind] ?? 0) + 1 }), {}),
    })),
    stalls,
    findings,
    partial: false,
  };
  const queries: Fixture['series'] = [];
  flows.forEach((f, id) => {
    const p = f.sim.packets;
    const [t0, t1] = [p[0].time, p[p.length - 1].time];
    for (const px of id > 1 ? [900] : [900, 1800]) queries.push({ query: { flowId: id, direction: 'ab', t0, t1, pixelWidth: px }, result: series(id, f.sim, 'ab', t0, t1, px) });
    queries.push({ query: { flowId: id, direction: 'ba', t0, t1, pixelWidth: 900 }, result: series(id, f.sim, 'ba', t0, t1, 900) });
    if (id > 1) return;
    for (const s of f.sim.stalls.slice(0, 6)) {
      const pad = (s.end - s.start) * 0.6;
      // Not decimated at this zoom, so one resolution serves every view inside it.
      queries.push({ query: { flowId: id, direction: 'ab', t0: s.start - pad, t1: s.end + pad, pixelWidth: 1800 }, result: series(id, f.sim, 'ab', s.start - pad, s.end + pad, 1800) });
    }
  });
  const packets = flows.slice(0, 2).flatMap((f, id) =>
    f.sim.packets.filter((p) => id === 1 || p.frame < 600).map((p) => ({ flowId: id, frame: p.frame, details: { frame: p.frame, time: p.time, direction: p.dir, seq: p.seq, ack: p.ack, len: p.len, win: p.win, winRaw: p.win >> 7, tcpFlags: p.tcpFlags, flags: flagNames(p.flags), bytesInFlight: p.bif, rtt: null } })),
  );
  return { name: 'synthetic', messages: [{ type: 'summary', capture }], series: queries, packets } as unknown as Fixture;
}

function flagNames(bits: number): string[] {
  const names: [number, string][] = [[1, 'zero_window'], [8, 'window_update'], [16, 'window_full'], [32, 'keep_alive'], [256, 'retransmission'], [1 << 14, 'persist_probe']];
  return names.filter(([b]) => bits & b).map(([, n]) => n);
}

if (process.argv[1]?.endsWith('synthetic.ts')) {
  const out = join(__dirname, '../fixtures/synthetic.json');
  writeFileSync(out, JSON.stringify(encodeTyped(build())));
  console.log(`wrote ${out}`);
}
