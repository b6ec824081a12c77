/**
 * The growing CaptureModel (issue 13) under a synthetic live capture (bench/liveStream.ts). Run by
 * `npm run bench` through bench/live-run.mjs, which bundles this file like the worker is bundled (the
 * numbers are those of the shipped code) and runs each part in a fresh process:
 * `node --expose-gc bench/out/live.cjs --part bytes|ingest|paced|memory|first [--quick]`.
 *
 *  1. Bytes retained per packet: the packet and analysis columns' capacity over the packets held,
 *     for a file read in one go (loadModel) and for a stream refreshed as it grows.
 *  2. Live ingest: the stream pushed as fast as the model takes it, with an update (refresh() and
 *     view(), what the worker posts) about every 250 ms, paced as the worker paces them
 *     (updatePacing.ts): events per second sustained (target ≥ 50,000), and the latency from a chunk
 *     pushed to the end of the update that includes it (target: p99 within 250 ms of the live edge).
 *  3. Memory: a stream whose timestamps span 10 minutes, bounded by the default live history (10 min
 *     or 2,000,000 packets): RSS and heap sampled; flat once the history is full.
 *  4. First flows of a 1 GiB capture file: the editor's worker (dist/parseWorker.js, `npm run build`)
 *     opens a synthetic 1 GiB pcap (made once in the OS temp dir): time to its first update with
 *     flows (target < 1 s), and the updates in the 5 s after.
 *
 * Each part prints its lines and, last, its result as one JSON line (live-run.mjs collects them into
 * bench/out/live.json). Targets print PASS or MISS (shared machines are noisy; a miss does not fail).
 */
import { closeSync, existsSync, openSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadModel } from '../src/core/load';
import { CaptureModel } from '../src/core/model/captureModel';
import { DEFAULT_LIVE_HISTORY } from '../src/core/model/history';
import { LIVE_EDGE_MS, LIVE_REFRESH_BUDGET_MS, UpdatePacer } from '../src/core/model/updatePacing';
import { CaptureWorker } from '../src/host/parseClient';
import { SyntheticStream, type StreamOptions } from './liveStream';

const QUICK = process.argv.includes('--quick');
const TARGET_EVENTS = 50_000;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mb = (n: number) => Math.round((n / 2 ** 20) * 10) / 10;

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN;
}

function pass(ok: boolean): string {
  return ok ? 'PASS' : 'MISS';
}

/** 1. Bytes per packet held, for a file and for a stream refreshed as it grows. */
async function bytesPerPacket(): Promise<Record<string, number>> {
  const packets = QUICK ? 200_000 : 1_000_000;
  const file = join(tmpdir(), `tfl-live-bench-${packets}.pcap`);
  const stream = new SyntheticStream({ packets, seconds: 60 });
  const growing = new CaptureModel({ name: 'stream' });
  const chunks: Uint8Array[] = [];
  for (let chunk = stream.next(), k = 0; chunk; chunk = stream.next(), k++) {
    chunks.push(chunk);
    growing.push(chunk);
    if (k % 64 === 0) growing.refresh();
  }
  growing.end();
  growing.refresh();
  writeFileSync(file, Buffer.concat(chunks));
  const loaded = (await loadModel(file)).model;
  const result = {
    packets,
    file: Math.round((loaded.retainedBytes() / loaded.retainedPackets) * 10) / 10,
    stream: Math.round((growing.retainedBytes() / growing.retainedPackets) * 10) / 10,
  };
  console.log(`bytes retained per packet (${packets} packets): file ${result.file} B, stream refreshed as it grows ${result.stream} B`);
  return result;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  if (ms > 0) Atomics.wait(sleeper, 0, 0, ms);
}

/**
 * 2. Pushed as fast as the model takes it (or at `pace` packets a second, as a live source delivers
 * them), with an update about every 250 ms, paced like the worker's and refreshed like the worker's:
 * within LIVE_REFRESH_BUDGET_MS, the flow on screen always (the editor's selected flow: here the one
 * with the most packets among those still growing, as a user would pick). Latency is measured per
 * flow, from the first packet pushed that its row or timelines do not show yet to the end of the
 * update that shows it: for the flow on screen (the editor's live edge, target p99 ≤ 250 ms) and for
 * every flow's row in the list.
 */
function ingest(pace?: number, one = false): Record<string, number | string> {
  const seconds = QUICK ? 5 : one ? 30 : 15;
  // `one`: a single connection that never ends (an iperf through the NAT), the case a budget cannot split.
  const stream = new SyntheticStream({ packets: 50_000_000, seconds: 3600, ...(one ? { concurrent: 1, flowPackets: 1e9 } : {}) });
  const model = new CaptureModel({ name: 'bench', history: DEFAULT_LIVE_HISTORY });
  model.setLive('synthetic', 'attached');
  const onScreen: number[] = [];
  const rows: number[] = [];
  const updates: number[] = [];
  const waiting: number[] = [];
  /** Per flow id: packets at its last analysis, and when the first packet after that was pushed. */
  const shown: number[] = [];
  const since: (number | undefined)[] = [];
  let events = 0;
  let findings = 0;
  let focus = -1;
  let focusedAt = 0;
  const start = performance.now();
  let nextUpdate = start + LIVE_EDGE_MS;
  const pacer = new UpdatePacer();
  const update = () => {
    const began = performance.now();
    // The editor's flow: kept while it grows, else the largest of those growing.
    if (focus < 0 || since[focus] === undefined) {
      const growing = model.flows.filter((f) => since[f.id] !== undefined);
      focus = growing.reduce((a, f) => (a && a.packets.length >= f.packets.length ? a : f), growing[0])?.id ?? -1;
      model.focus(focus >= 0 ? [focus] : []);
      focusedAt = began;
    }
    const u = model.refresh(LIVE_REFRESH_BUDGET_MS);
    model.view('bench', 0);
    const done = performance.now();
    events += u.events.length;
    findings += u.events.filter((e) => e.kind === 'finding').length;
    updates.push(done - began);
    waiting.push(u.waiting);
    for (const id of u.changedFlows) {
      const f = model.flows[id];
      const first = since[id];
      // The flow on screen since before these packets came (a newly chosen one is analysed at once, as a click's query does).
      if (first !== undefined) (id === focus && first >= focusedAt ? onScreen : rows).push(done - first);
      shown[id] = f.packets.length + (f.trimmed ?? 0);
      since[id] = undefined;
    }
    nextUpdate = done + pacer.pauseAfter(done - began);
  };
  let chunk = stream.next()!;
  while (performance.now() - start < seconds * 1000) {
    // A paced source: this chunk's packets arrive when the rate says, not before; the worker's timer
    // may come first (an update of what arrived so far).
    const arrival = pace ? start + (stream.written / pace) * 1000 : 0;
    if (pace && nextUpdate < arrival) {
      sleep(nextUpdate - performance.now());
      update();
      continue;
    }
    sleep(arrival - performance.now());
    model.push(chunk);
    const pushed = performance.now();
    for (const f of model.flows) if (since[f.id] === undefined && f.packets.length + (f.trimmed ?? 0) !== (shown[f.id] ?? 0)) since[f.id] = pushed;
    if (pushed >= nextUpdate) update();
    chunk = stream.next()!;
  }
  const took = (performance.now() - start) / 1000;
  const rate = Math.round(model.packets / took);
  const all = [...onScreen, ...rows];
  const result = {
    seconds: Math.round(took * 10) / 10,
    packets: model.packets,
    eventsPerSecond: rate,
    flows: model.flows.length,
    reportedEvents: events,
    findings,
    updateMsP50: Math.round(quantile(updates, 0.5) * 10) / 10,
    updateMsMax: Math.round(Math.max(...updates) * 10) / 10,
    waitingMax: Math.max(...waiting),
    latencyMsP50: Math.round(quantile(onScreen, 0.5)),
    latencyMsP99: Math.round(quantile(onScreen, 0.99)),
    latencyMsMax: Math.round(Math.max(...onScreen)),
    rowLatencyMsP50: Math.round(quantile(all, 0.5)),
    rowLatencyMsP99: Math.round(quantile(all, 0.99)),
    rowLatencyMsMax: Math.round(Math.max(...all)),
    // A paced run sustains its pace (within 1 %: the last chunk's wait); a free run the target.
    eventsTarget: pass(rate >= (pace ?? TARGET_EVENTS) * 0.99),
    // The edge is a paced source's: pushed as fast as it goes, the source is never waited for.
    lagTarget: pace ? pass(quantile(onScreen, 0.99) <= LIVE_EDGE_MS) : '(no live edge: not paced)',
  };
  console.log(
    pace
      ? `live ingest paced at ${pace} packets/s${one ? ', one connection' : ''}: ${rate} packets/s over ${result.seconds} s (${result.packets} packets, ${result.flows} flows, ${events} events of which ${findings} findings) ${result.eventsTarget}`
      : `live ingest as fast as it goes: ${rate} packets/s sustained over ${result.seconds} s (${result.packets} packets, ${result.flows} flows, ${events} events of which ${findings} findings) ${result.eventsTarget} (≥ ${TARGET_EVENTS}/s)`,
  );
  console.log(
    `  update (refresh + view, budget ${LIVE_REFRESH_BUDGET_MS} ms) ${result.updateMsP50} ms median, ${result.updateMsMax} ms max, up to ${result.waitingMax} flows left for the next one; ` +
      `flow on screen behind the edge: ${result.latencyMsP50} ms median, ${result.latencyMsP99} ms p99, ${result.latencyMsMax} ms max ${result.lagTarget}; ` +
      `every flow's row: ${result.rowLatencyMsP50} ms median, ${result.rowLatencyMsP99} ms p99, ${result.rowLatencyMsMax} ms max`,
  );
  return result;
}

/** 3. Ten simulated minutes through the default history bound: memory sampled as it goes. */
function memory(): Record<string, unknown> {
  const packets = QUICK ? 3_000_000 : 6_000_000;
  const options: StreamOptions = { packets, seconds: 600 };
  const stream = new SyntheticStream(options);
  const history = QUICK ? { seconds: 600, packets: 1_000_000 } : DEFAULT_LIVE_HISTORY;
  const model = new CaptureModel({ name: 'memory', history });
  model.setLive('synthetic', 'attached');
  const samples: { packets: number; held: number; rssMB: number; heapMB: number; arrayBuffersMB: number }[] = [];
  const every = Math.floor(packets / 24);
  let nextSample = every;
  let nextUpdate = performance.now() + LIVE_EDGE_MS;
  const pacer = new UpdatePacer();
  for (let chunk = stream.next(); chunk; chunk = stream.next()) {
    model.push(chunk);
    if (performance.now() >= nextUpdate) {
      const t0 = performance.now();
      model.refresh();
      model.view('memory');
      const done = performance.now();
      nextUpdate = done + pacer.pauseAfter(done - t0);
    }
    if (model.packets >= nextSample) {
      model.refresh();
      gc();
      const m = process.memoryUsage();
      samples.push({ packets: model.packets, held: model.retainedPackets, rssMB: mb(m.rss), heapMB: mb(m.heapUsed), arrayBuffersMB: mb(m.arrayBuffers) });
      nextSample += every;
    }
  }
  model.end();
  const summary = model.summary();
  // Once full (the first trim), the columns' capacity settles within one more history's worth of packets.
  const full = samples.filter((s) => s.packets >= history.packets * 1.5);
  const rss = full.map((s) => s.rssMB);
  const heap = full.map((s) => s.heapMB + s.arrayBuffersMB);
  const growth = { rssMB: Math.round((Math.max(...rss) - Math.min(...rss)) * 10) / 10, heapMB: Math.round((Math.max(...heap) - Math.min(...heap)) * 10) / 10 };
  const span = model.flows.length ? Math.max(...model.flows.map((f) => f.packets.time[f.packets.length - 1] ?? 0)) : 0;
  // Flat: RSS within 10% of its mean from 1.5 histories on (the data held itself swings by the 10% trim headroom).
  const mean = rss.reduce((a, b) => a + b, 0) / rss.length;
  const flat = rss.every((r) => Math.abs(r - mean) <= 0.1 * mean);
  console.log(`memory over ${Math.round(span)} simulated s (${packets} packets, history ${history.seconds} s / ${history.packets} packets, ${summary.flows.length} flows kept in the summary):`);
  for (const s of samples) console.log(`  ${String(s.packets).padStart(9)} packets (${String(s.held).padStart(8)} held): RSS ${s.rssMB} MB, heap ${s.heapMB} MB, array buffers ${s.arrayBuffersMB} MB`);
  console.log(
    `  from ${Math.round(history.packets * 1.5)} packets on: RSS ${Math.min(...rss)}–${Math.max(...rss)} MB (varies by ${growth.rssMB} MB), heap + array buffers ${Math.round(Math.min(...heap))}–${Math.round(Math.max(...heap))} MB ${pass(flat)} (flat: RSS within 10% of its mean)`,
  );
  return { packets, simulatedSeconds: Math.round(span), history, samples, growthOnceFull: growth, flat: pass(flat), stalls: summary.flows.reduce((n, f) => n + f.stalls.length, 0) };
}

/** 4. The worker on a 1 GiB file: how soon the first flows are shown. */
async function firstFlows(): Promise<Record<string, unknown>> {
  const size = QUICK ? 256 << 20 : 1 << 30;
  const file = join(tmpdir(), `tfl-live-bench-${size >> 20}MiB.pcap`);
  if (!existsSync(file) || statSync(file).size < size) {
    const stream = new SyntheticStream({ packets: Number.MAX_SAFE_INTEGER, seconds: 3600 * 24, chunkBytes: 1 << 20 });
    const fd = openSync(`${file}.part`, 'w');
    for (let written = 0; written < size; ) {
      const chunk = stream.next()!;
      writeSync(fd, chunk);
      written += chunk.length;
    }
    closeSync(fd);
    renameSync(`${file}.part`, file);
  }
  const workerPath = join(__dirname, '..', '..', 'dist', 'parseWorker.js');
  const start = performance.now();
  const updates: { ms: number; flows: number; findings: number; bytesRead: number }[] = [];
  let first: () => void = () => undefined;
  const firstSeen = new Promise<void>((resolve) => (first = resolve));
  const worker = new CaptureWorker(workerPath, { path: file, fileName: 'big.pcap' }, (p) => {
    updates.push({ ms: Math.round(performance.now() - start), flows: p.capture.flows.length, findings: p.capture.findings.length, bytesRead: p.bytesRead });
    first();
  });
  await Promise.race([firstSeen, worker.result]);
  await new Promise((resolve) => setTimeout(resolve, 5000));
  worker.dispose();
  const firstMs = updates[0]?.ms ?? NaN;
  console.log(
    `first flows of a ${size >> 20} MiB capture in the editor's worker: ${firstMs} ms (${updates[0]?.flows} flows, ${updates[0]?.bytesRead} bytes read) ${pass(firstMs < 1000)} (< 1 s); ${updates.length} updates in the first ${Math.round((performance.now() - start) / 1000)} s, ${updates[updates.length - 1]?.findings} findings by then`,
  );
  return { fileBytes: size, firstUpdateMs: firstMs, updates };
}

async function main(): Promise<void> {
  if (!(globalThis as { gc?: unknown }).gc) console.log('(run with node --expose-gc for exact heap samples)');
  const part = process.argv[process.argv.indexOf('--part') + 1];
  const result =
    part === 'bytes'
      ? await bytesPerPacket()
      : part === 'ingest'
        ? ingest()
        : part === 'paced'
          ? ingest(TARGET_EVENTS)
          : part === 'paced2x'
            ? ingest(2 * TARGET_EVENTS)
            : part === 'one'
              ? ingest(TARGET_EVENTS, true)
            : part === 'memory'
              ? memory()
              : part === 'first'
                ? await firstFlows()
                : undefined;
  if (!result) throw new Error('--part bytes, ingest, paced, paced2x, one, memory or first');
  console.log(JSON.stringify({ part, result }));
}

void main();
