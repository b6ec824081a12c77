#!/usr/bin/env node
// Synthetic benchmark capture: a classic pcap (µs, little-endian, LINKTYPE_ETHERNET, snaplen 128 = headers only)
// with N TCP packets over a few IPv4 flows, shaped like the real-kernel bulk capture made by make_big.sh:
//   * 5 connections 10.88.0.1:4xxxx -> 10.88.0.2:5001 sharing a 1 Gbit/s link (≈12 µs per full-size frame);
//   * SYN / SYN-ACK / ACK with MSS, SACK-permitted, timestamps and window-scale options;
//   * 1448-byte segments carrying the timestamps option (TCP header 32 bytes, frame 1514 bytes, 128 captured),
//     a delayed ACK for every second segment, valid IPv4 header and TCP checksums (payload taken as zeros);
//   * connection 0 has a stalling reader (3 rounds of 1.0 s stall, 0.3 s drain, 3 MB receive buffer): its
//     advertised window falls to zero, the sender sends zero-length window probes (Linux style, seq = snd_una-1)
//     with exponential back-off, and the receiver sends a window update when it reads again;
//   * FIN / FIN-ACK / ACK at the end. The file holds exactly N packets.
// It is a load generator for the parser, decoder and flow table, not a model of TCP dynamics (no loss, no
// congestion control, no retransmissions).
//
// usage: node bench/synth.mjs OUT.pcap [--packets N] [--flows F]
import { openSync, writeSync, closeSync, renameSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const SNAPLEN = 128;
const MSS = 1448; // 1460 - 12 bytes of timestamps option
const LINK_BPS = 1e9;
const WIRE_OVERHEAD = 24; // preamble + SFD + FCS + inter-frame gap, per frame on the wire
const PORT_SERVER = 5001;
const CLIENT_IP = [10, 88, 0, 1];
const SERVER_IP = [10, 88, 0, 2];
const MAC_CLIENT = [0x02, 0x00, 0x5e, 0x10, 0x00, 0x01];
const MAC_SERVER = [0x02, 0x00, 0x5e, 0x10, 0x00, 0x02];

const F_FIN = 0x01;
const F_SYN = 0x02;
const F_PSH = 0x08;
const F_ACK = 0x10;

/** Buffered little-endian pcap writer. */
class PcapWriter {
  constructor(path) {
    this.fd = openSync(path, 'w');
    this.buf = Buffer.alloc(4 << 20);
    this.off = 0;
    this.count = 0;
    const h = this.buf;
    h.writeUInt32LE(0xa1b2c3d4, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeInt32LE(0, 8);
    h.writeUInt32LE(0, 12);
    h.writeUInt32LE(SNAPLEN, 16);
    h.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
    this.off = 24;
  }
  /** Reserve room for one record; returns the offset of the frame data. */
  begin(tsUs, capLen, origLen) {
    if (this.off + 16 + capLen > this.buf.length) this.flush();
    const b = this.buf;
    const o = this.off;
    b.writeUInt32LE(Math.floor(tsUs / 1e6), o);
    b.writeUInt32LE(tsUs % 1e6, o + 4);
    b.writeUInt32LE(capLen, o + 8);
    b.writeUInt32LE(origLen, o + 12);
    b.fill(0, o + 16, o + 16 + capLen);
    this.off = o + 16 + capLen;
    this.count++;
    return o + 16;
  }
  flush() {
    let done = 0;
    while (done < this.off) done += writeSync(this.fd, this.buf, done, this.off - done);
    this.off = 0;
  }
  close() {
    this.flush();
    closeSync(this.fd);
  }
}

function sum16(b, start, end, acc) {
  let s = acc;
  for (let i = start; i + 1 < end; i += 2) s += (b[i] << 8) | b[i + 1];
  if ((end - start) & 1) s += b[end - 1] << 8;
  return s;
}
function fold(s) {
  while (s > 0xffff) s = (s & 0xffff) + (s >>> 16);
  return ~s & 0xffff;
}

/**
 * Write one Ethernet/IPv4/TCP frame. `dir` 0 = client->server, 1 = server->client.
 * opts: array of option bytes (already padded to a multiple of 4).
 */
function writeSegment(w, tsUs, f, dir, flags, seq, ack, win, payloadLen, opts) {
  const tcpLen = 20 + opts.length;
  const ipLen = 20 + tcpLen + payloadLen;
  const origLen = 14 + ipLen;
  const capLen = Math.min(origLen, SNAPLEN);
  const o = w.begin(tsUs, capLen, origLen);
  const b = w.buf;
  // Ethernet
  const dst = dir === 0 ? MAC_SERVER : MAC_CLIENT;
  const src = dir === 0 ? MAC_CLIENT : MAC_SERVER;
  for (let i = 0; i < 6; i++) {
    b[o + i] = dst[i];
    b[o + 6 + i] = src[i];
  }
  b[o + 12] = 0x08;
  b[o + 13] = 0x00;
  // IPv4
  const ip = o + 14;
  const sip = dir === 0 ? CLIENT_IP : SERVER_IP;
  const dip = dir === 0 ? SERVER_IP : CLIENT_IP;
  b[ip] = 0x45;
  b[ip + 1] = 0;
  b.writeUInt16BE(ipLen, ip + 2);
  b.writeUInt16BE(f.ipId[dir]++ & 0xffff, ip + 4);
  b.writeUInt16BE(0x4000, ip + 6); // DF
  b[ip + 8] = 64;
  b[ip + 9] = 6;
  for (let i = 0; i < 4; i++) {
    b[ip + 12 + i] = sip[i];
    b[ip + 16 + i] = dip[i];
  }
  b.writeUInt16BE(fold(sum16(b, ip, ip + 20, 0)), ip + 10);
  // TCP
  const t = ip + 20;
  const sport = dir === 0 ? f.cport : PORT_SERVER;
  const dport = dir === 0 ? PORT_SERVER : f.cport;
  b.writeUInt16BE(sport, t);
  b.writeUInt16BE(dport, t + 2);
  b.writeUInt32BE(seq >>> 0, t + 4);
  b.writeUInt32BE(ack >>> 0, t + 8);
  b[t + 12] = (tcpLen / 4) << 4;
  b[t + 13] = flags;
  b.writeUInt16BE(win, t + 14);
  for (let i = 0; i < opts.length; i++) b[t + 20 + i] = opts[i];
  // checksum over pseudo header + TCP header (payload bytes are zeros and add nothing)
  let s = sum16(b, ip + 12, ip + 20, 0) + 6 + tcpLen + payloadLen;
  s = sum16(b, t, t + tcpLen, s);
  b.writeUInt16BE(fold(s), t + 16);
}

function tsOption(tsval, tsecr) {
  return [1, 1, 8, 10, (tsval >>> 24) & 255, (tsval >>> 16) & 255, (tsval >>> 8) & 255, tsval & 255,
    (tsecr >>> 24) & 255, (tsecr >>> 16) & 255, (tsecr >>> 8) & 255, tsecr & 255];
}
function synOptions(tsval, tsecr, wscale) {
  // MSS 1460, SACK permitted, timestamps, NOP, window scale  (the Linux SYN layout, 20 bytes)
  return [2, 4, 0x05, 0xb4, 4, 2, 8, 10, (tsval >>> 24) & 255, (tsval >>> 16) & 255, (tsval >>> 8) & 255,
    tsval & 255, (tsecr >>> 24) & 255, (tsecr >>> 16) & 255, (tsecr >>> 8) & 255, tsecr & 255, 1, 3, 3, wscale];
}

/** Deterministic PRNG (mulberry32) so the same N gives the same file. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Write the synthetic capture. Returns { packets, bytes, flows, zeroWindowAcks, probes, durationS }.
 */
export function writeSyntheticPcap(path, { packets = 1_100_000, flows: nFlows = 5 } = {}) {
  if (!Number.isInteger(packets) || packets < 12 * nFlows) throw new Error(`--packets must be >= ${12 * nFlows}`);
  const rand = rng(0x7f1e5 ^ packets);
  const tmp = `${path}.tmp-${process.pid}`;
  const w = new PcapWriter(tmp);
  const t0 = 1_767_225_600 * 1e6; // 2026-01-01T00:00:00Z in µs
  let now = t0; // µs, float
  const us = () => Math.round(now);
  const tsvalAt = (host) => (Math.floor((now - t0) / 1000) + (host ? 0x5eed0000 : 0x1ee70000)) >>> 0; // ms clocks
  const stats = { zeroWindowAcks: 0, probes: 0, windowUpdates: 0 };

  const flows = [];
  for (let i = 0; i < nFlows; i++) {
    flows.push({
      cport: 40000 + Math.floor(rand() * 20000),
      ipId: [Math.floor(rand() * 65536), Math.floor(rand() * 65536)],
      isn: [Math.floor(rand() * 2 ** 32), Math.floor(rand() * 2 ** 32)],
      sndNxt: 0, // bytes sent by the client (relative)
      sndUna: 0, // bytes acknowledged by the server (relative)
      unacked: 0, // segments since the last ACK
      rcvBuf: i === 0 ? 3 << 20 : 6 << 20,
      unread: 0, // bytes queued at the receiver, not yet read by the application
      advWin: 0, // bytes the receiver last advertised
      wscale: 7,
      stalling: i === 0,
      persistAt: Infinity, // time of the next zero-window probe
      persistBackoff: 200_000,
      lastTsvalPeer: [0, 0],
      open: false,
    });
  }
  const reserveForClose = 3 * nFlows;
  const budget = () => packets - reserveForClose - w.count;

  // handshakes, staggered by ~0.2 ms
  for (const f of flows) {
    const cts = tsvalAt(0);
    writeSegment(w, us(), f, 0, F_SYN, f.isn[0], 0, 64240, 0, synOptions(cts, 0, 7));
    now += 48 + rand() * 20;
    const sts = tsvalAt(1);
    writeSegment(w, us(), f, 1, F_SYN | F_ACK, f.isn[1], f.isn[0] + 1, 65160, 0, synOptions(sts, cts, f.wscale));
    now += 30 + rand() * 10;
    f.lastTsvalPeer = [sts, cts];
    f.advWin = 64256; // first window after the handshake, unscaled-equivalent; opens up with the first ACKs
    writeSegment(w, us(), f, 0, F_ACK, f.isn[0] + 1, f.isn[1] + 1, 502, 0, tsOption(tsvalAt(0), sts));
    f.open = true;
    now += 150 + rand() * 100;
  }

  // Stalling reader on flow 0: schedule [start, end) of each stall, relative to the first data.
  const dataStart = now;
  const stalls = [];
  {
    let t = dataStart + 300_000;
    for (let r = 0; r < 3; r++) {
      stalls.push([t, t + 1_000_000]);
      t += 1_300_000; // 1.0 s stall + 0.3 s drain
    }
  }
  const inStall = (t) => stalls.some(([a, b]) => t >= a && t < b);
  const frameTimeUs = (bytes) => ((bytes + WIRE_OVERHEAD) * 8 * 1e6) / LINK_BPS;

  const serverAck = (f, flags = F_ACK) => {
    // receiver: the application reads everything unless it is stalling
    if (!(f.stalling && inStall(now))) f.unread = 0;
    const free = f.rcvBuf - f.unread;
    const win = free < MSS ? 0 : free; // receiver-side silly window avoidance
    f.advWin = win;
    if (win === 0) stats.zeroWindowAcks++;
    const sts = tsvalAt(1);
    writeSegment(w, us(), f, 1, flags, f.isn[1] + 1, f.isn[0] + 1 + f.sndNxt, Math.min(65535, win >>> f.wscale), 0,
      tsOption(sts, f.lastTsvalPeer[1]));
    f.lastTsvalPeer[0] = sts;
    f.sndUna = f.sndNxt;
    f.unacked = 0;
  };

  let rr = 0;
  while (budget() > 0) {
    // flow 0 timers: zero-window probe, or window update when the reader resumes
    const f0 = flows[0];
    if (f0.advWin === 0 && budget() > 0) {
      if (!inStall(now)) {
        // application read the queue: window update
        f0.unread = 0;
        stats.windowUpdates++;
        serverAck(f0);
        f0.persistAt = Infinity;
        f0.persistBackoff = 200_000;
        now += 2;
        continue;
      }
      if (f0.persistAt === Infinity) f0.persistAt = now + f0.persistBackoff;
      if (now >= f0.persistAt && budget() >= 2) {
        const cts = tsvalAt(0);
        writeSegment(w, us(), f0, 0, F_ACK, f0.isn[0] + f0.sndNxt, f0.isn[1] + 1, 502, 0, tsOption(cts, f0.lastTsvalPeer[0]));
        f0.lastTsvalPeer[1] = cts;
        stats.probes++;
        now += 35 + rand() * 10;
        serverAck(f0);
        f0.persistBackoff = Math.min(f0.persistBackoff * 2, 120e6);
        f0.persistAt = f0.advWin === 0 ? now + f0.persistBackoff : Infinity;
        now += 2;
        continue;
      }
    }
    // pick the next flow (round robin) that may send a full segment
    let f = null;
    for (let k = 0; k < nFlows; k++) {
      const c = flows[(rr + k) % nFlows];
      if (c.sndNxt + MSS - c.sndUna <= c.advWin) {
        f = c;
        rr = (rr + k + 1) % nFlows;
        break;
      }
    }
    if (!f) {
      now += 50; // all blocked (only happens with a single flow): let time pass
      continue;
    }
    const cts = tsvalAt(0);
    writeSegment(w, us(), f, 0, F_ACK | (rand() < 0.05 ? F_PSH : 0), f.isn[0] + 1 + f.sndNxt, f.isn[1] + 1, 502, MSS,
      tsOption(cts, f.lastTsvalPeer[0]));
    f.lastTsvalPeer[1] = cts;
    f.sndNxt += MSS;
    f.unread += MSS;
    f.unacked++;
    now += frameTimeUs(14 + 20 + 32 + MSS);
    // delayed ACK every second segment, or at once when the buffer is (nearly) full
    const nearlyFull = f.rcvBuf - f.unread < 2 * MSS && f.stalling && inStall(now);
    if ((f.unacked >= 2 || nearlyFull) && budget() > 0) {
      serverAck(f);
      now += frameTimeUs(66) * 0.1; // the ACK travels the other way; it barely shares the link
    }
  }

  // close: FIN from the client, FIN-ACK from the server, final ACK
  for (const f of flows) {
    const cts = tsvalAt(0);
    writeSegment(w, us(), f, 0, F_FIN | F_ACK, f.isn[0] + 1 + f.sndNxt, f.isn[1] + 1, 502, 0, tsOption(cts, f.lastTsvalPeer[0]));
    now += 40;
    f.sndNxt += 1;
    const sts = tsvalAt(1);
    writeSegment(w, us(), f, 1, F_FIN | F_ACK, f.isn[1] + 1, f.isn[0] + 1 + f.sndNxt, Math.min(65535, f.rcvBuf >>> f.wscale), 0,
      tsOption(sts, cts));
    now += 40;
    writeSegment(w, us(), f, 0, F_ACK, f.isn[0] + 1 + f.sndNxt, f.isn[1] + 2, 502, 0, tsOption(tsvalAt(0), sts));
    now += 20;
  }
  const count = w.count;
  w.close();
  renameSync(tmp, path);
  return {
    packets: count,
    bytes: statSync(path).size,
    flows: nFlows,
    durationS: (now - t0) / 1e6,
    zeroWindowAcks: stats.zeroWindowAcks,
    probes: stats.probes,
    windowUpdates: stats.windowUpdates,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { packets: { type: 'string' }, flows: { type: 'string' } },
  });
  if (positionals.length !== 1) {
    process.stderr.write('usage: node bench/synth.mjs OUT.pcap [--packets N] [--flows F]\n');
    process.exit(1);
  }
  const t = process.hrtime.bigint();
  const r = writeSyntheticPcap(positionals[0], {
    packets: values.packets ? Number(values.packets) : undefined,
    flows: values.flows ? Number(values.flows) : undefined,
  });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  process.stdout.write(`${JSON.stringify({ file: positionals[0], ...r, writeMs: Math.round(ms) })}\n`);
}
