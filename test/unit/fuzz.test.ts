/**
 * Seeded mutation fuzzing of reader → decoder → flow table. Whatever the bytes, the pipeline only
 * ever refuses with a CaptureError, finishes quickly, reports no more packets than the input can
 * hold, and gives the same answer however the input is cut into chunks.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_RECORD_BYTES } from '../../src/core/capture/context';
import { CaptureIngest } from '../../src/core/ingest';
import { CORPUS_DIR } from '../support/corpus';
import {
  AF,
  ETHERTYPE,
  concat,
  ethernetFrame,
  frame,
  ipv4Packet,
  ipv6Packet,
  nullFrame,
  sll2Frame,
  tcpHeader,
  tcpPacket,
  tcpSegment,
  writePcap,
  writePcapng,
  type Frame,
} from '../support/capture-writer';
import { Random } from '../support/random';
import { readBack, type FeedOptions } from '../support/read-back';

const SEED = 0x7cf10e5;
const MUTATIONS_PER_INPUT = 600;
/** Inputs up to this size are also cut at every byte. */
const TRUNCATE_EVERYWHERE_UP_TO = 1600;
const BUDGET_MS = 60_000;
const SINGLE_RUN_LIMIT_MS = 1000;

function sampleFrames(): Frame[] {
  const client = '10.0.0.1:40000';
  const server = '10.0.0.2:80';
  return [
    tcpSegment({ src: client, dst: server, seq: 1, flags: 'S', options: { mss: 1460, sackPerm: true, ts: [1, 0], wscale: 7 }, time: 1 }),
    tcpSegment({ src: server, dst: client, seq: 900, ack: 2, flags: 'SA', options: { mss: 1400, wscale: 2 }, time: 1.001 }),
    tcpSegment({ src: client, dst: server, seq: 2, ack: 901, flags: 'PA', len: 120, options: { ts: [2, 9] }, time: 1.002 }),
    tcpSegment({ src: server, dst: client, seq: 901, ack: 122, flags: 'A', options: { sack: [[200, 300], [400, 500]] }, time: 1.003 }),
    tcpSegment({ src: '[fd00::1]:5000', dst: '[fd00::2]:443', seq: 7, flags: 'S', time: 1.004 }),
    tcpSegment({ src: client, dst: server, seq: 122, ack: 901, flags: 'FA', time: 1.005 }),
  ];
}

/** Raw-IP packets with IPv4 options, fragments and IPv6 extension headers. */
function rawIpFrames(): Frame[] {
  const tcp = tcpHeader({ srcPort: 1, dstPort: 2, seq: 5, flags: 'PA', len: 30, options: { ts: [1, 2] } });
  return [
    frame(ipv4Packet({ src: '192.0.2.1', dst: '192.0.2.2', options: Uint8Array.of(0x94, 4, 0, 0), payload: tcp }), { sec: 5, nsec: 1 }),
    frame(ipv4Packet({ src: '192.0.2.1', dst: '192.0.2.2', totalLength: 0, payload: tcp }), { sec: 5, nsec: 2 }),
    frame(ipv4Packet({ src: '192.0.2.1', dst: '192.0.2.2', fragmentOffset: 8, payload: tcp }), { sec: 5, nsec: 3 }),
    frame(ipv6Packet({ src: 'fd00::1', dst: 'fd00::2', extensions: [{ type: 'hopByHop' }, { type: 'routing' }, { type: 'destOpts' }, { type: 'fragment', more: true }], payload: tcp }), { sec: 5, nsec: 4 }),
    frame(ipv6Packet({ src: 'fd00::1', dst: 'fd00::2', extensions: [{ type: 'ah' }], payload: tcp }), { sec: 5, nsec: 5 }),
  ];
}

function writerInputs(): [string, Uint8Array][] {
  const frames = sampleFrames();
  const ip = rawIpFrames();
  const multi = writePcapng([
    {
      comment: 'fuzz',
      interfaces: [{ linkType: 1, tsresol: 9, name: 'eth0' }, { linkType: 0, tsresol: 0x80 | 20 }],
      blocks: [
        { type: 'epb', frame: frames[0], comment: 'syn' },
        { type: 'epb', interfaceId: 1, frame: frame(nullFrame(tcpPacket({ src: '[fd00::1]:1', dst: '[fd00::2]:2' }), AF.INET6_BSD), 2) },
        { type: 'nrb' },
        { type: 'epb', frame: frames[1] },
        { type: 'isb', comment: 'stats' },
      ],
    },
    {
      bigEndian: true,
      interfaces: [{ linkType: 276, snaplen: 80 }, { linkType: 1, tsoffset: 1 }],
      blocks: [
        { type: 'spb', frame: frame(sll2Frame(tcpPacket({ src: '10.1.0.1:9', dst: '10.1.0.2:10', len: 100 }))) },
        { type: 'obsoletePB', interfaceId: 1, frame: { ...frames[2], data: ethernetFrame(frames[2].data.subarray(14), { tags: [{ tpid: ETHERTYPE.QINQ, vid: 5 }, { tpid: ETHERTYPE.VLAN, vid: 6 }] }) } },
        { type: 'dsb' },
        { type: 'custom' },
        { type: 'epb', interfaceId: 1, frame: frames[3], comment: ['a', 'b'] },
        { type: 'unknown', code: 0x1234 },
      ],
    },
  ]);
  return [
    ['pcap µs little-endian', writePcap(frames)],
    ['pcap ns big-endian raw IP', writePcap(ip, { nanos: true, bigEndian: true, linkType: 101 })],
    ['pcap ns little-endian snaplen 60', writePcap(frames, { nanos: true, snaplen: 60 })],
    ['pcapng two sections', multi],
  ];
}

const REAL_SAMPLES = [
  'chris__tcp_teardown.pcapng',
  'tcpdump__tcp-handshake-nano.pcap',
  'gopacket__pcapng-be-test008.pcapng',
  'gopacket__pcapng-le-test201.pcapng',
  'tcpdump__ipv4_tcp_http_xml-vlan.pcap',
  'tcpdump__bgp-orf-sll-ipv6.pcapng',
];

function realInputs(): [string, Uint8Array][] {
  return REAL_SAMPLES.map((name) => join(CORPUS_DIR, 'real', name))
    .filter((path) => existsSync(path))
    .map((path): [string, Uint8Array] => [path.slice(path.lastIndexOf('/') + 1), new Uint8Array(readFileSync(path))]);
}

/** FNV-1a over the bytes of a view: enough to compare runs without keeping every copy around. */
function hash(view: ArrayBufferView): number {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  return h >>> 0;
}

/** Everything the pipeline produced, as comparable plain data. */
function runPipeline(input: Uint8Array, feed: FeedOptions) {
  const sink = new CaptureIngest();
  const got = readBack(input, { ...feed, sink });
  const records = got.records.map((r) => [r.frame, r.linkType, r.interfaceId, r.tsSec, r.tsNsec, r.capLen, r.origLen, r.fcsLen, r.fileOffset, r.comment, hash(r.bytes)]);
  const flows = sink.flows.flows.map((f) => {
    const p = f.packets;
    const n = p.length;
    const columns = [p.frame, p.time, p.dir, p.seq, p.ack, p.len, p.winRaw, p.tcpFlags, p.opts].map((c) => hash(c.subarray(0, n)));
    return [f.a, f.b, f.packetCount, f.payloadBytes, f.wireBytes, f.handshake, f.firstFrame, f.lastFrame, columns, hash(p.sackEdges.subarray(0, p.sackUsed))];
  });
  const pipeline = { packets: sink.packets, tcp: sink.tcpPackets, truncated: sink.tcpTruncated, skipped: sink.skipped, flows };
  return { error: got.error, warnings: got.warnings, format: got.format, records, pipeline, copies: got.records };
}

/** Offsets of length fields in the unmutated input: record lengths, block lengths, captured lengths. */
function lengthFields(input: Uint8Array): number[] {
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const fields: number[] = [];
  if (input.length < 24) return fields;
  const magic = view.getUint32(0, true);
  if (magic === 0x0a0d0d0a) {
    let le = true;
    for (let at = 0; at + 12 <= input.length; ) {
      if (view.getUint32(at, true) === 0x0a0d0d0a) le = view.getUint32(at + 8, true) === 0x1a2b3c4d;
      const length = view.getUint32(at + 4, le);
      if (length < 12 || at + length > input.length) break;
      fields.push(at + 4, at + length - 4);
      const type = view.getUint32(at, le);
      if (type === 6 || type === 2) fields.push(at + 20, at + 24);
      if (type === 3) fields.push(at + 8);
      at += length;
    }
  } else {
    const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
    for (let at = 24; at + 16 <= input.length; at += 16 + view.getUint32(at + 8, le)) fields.push(at + 8, at + 12);
  }
  return fields;
}

const INTERESTING_LENGTHS = [0, 1, 3, 4, 11, 12, 13, 16, 28, 0xffff, 0x10000, MAX_RECORD_BYTES, MAX_RECORD_BYTES + 4, 0x7fffffff, 0xfffffff0, 0xffffffff];

interface Mutation {
  describe: string;
  /** Mutates a copy of the input in place, or returns a resized one. */
  apply: (input: Uint8Array) => Uint8Array;
}

function randomMutation(random: Random, input: Uint8Array, lengths: number[]): Mutation {
  const at = random.int(input.length);
  switch (lengths.length > 0 ? random.int(6) : random.pick([0, 1, 2, 4, 5])) {
    case 0: {
      const bits = Array.from({ length: 1 + random.int(4) }, () => random.int(input.length * 8));
      return {
        describe: `flip bits ${bits.join(',')}`,
        apply: (b) => {
          for (const bit of bits) b[bit >> 3] ^= 1 << (bit & 7);
          return b;
        },
      };
    }
    case 1: {
      const value = random.pick([0x00, 0xff, random.int(256)]);
      const count = 1 + random.int(8);
      return { describe: `overwrite ${count} bytes at ${at} with ${value}`, apply: (b) => b.fill(value, at, at + count) };
    }
    case 2: {
      const places = Array.from({ length: 1 + random.int(6) }, () => [random.int(input.length), random.int(256)]);
      return {
        describe: `random bytes ${JSON.stringify(places)}`,
        apply: (b) => {
          for (const [p, v] of places) b[p] = v;
          return b;
        },
      };
    }
    case 3: {
      const field = random.pick(lengths);
      const value = random.int(3) === 0 ? random.u32() : random.pick(INTERESTING_LENGTHS);
      const le = random.int(2) === 0;
      return {
        describe: `length field at ${field} := ${value} (${le ? 'LE' : 'BE'})`,
        apply: (b) => {
          new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(field, value, le);
          return b;
        },
      };
    }
    case 4: {
      const count = 1 + random.int(40);
      return { describe: `delete ${count} bytes at ${at}`, apply: (b) => concat(b.subarray(0, at), b.subarray(at + count)) };
    }
    default: {
      const from = random.int(input.length);
      const count = 1 + random.int(64);
      return {
        describe: `insert ${count} bytes from ${from} at ${at}`,
        apply: (b) => concat(b.subarray(0, at), b.slice(from, from + count), b.subarray(at)),
      };
    }
  }
}

/** Random cut points, sometimes every byte. */
function randomCuts(random: Random, length: number): number[] {
  if (length <= 400 && random.int(8) === 0) return Array.from({ length: Math.max(0, length - 1) }, (_, i) => i + 1);
  const cuts: number[] = [];
  for (let at = 1 + random.int(64); at < length; at += 1 + random.int(random.pick([3, 17, 64, 300]))) cuts.push(at);
  return cuts;
}

interface Stats {
  runs: number;
  slowest: number;
}

/** Run one mutated input whole and chunked, and check every property. */
function check(name: string, what: string, input: Uint8Array, random: Random, stats: Stats): void {
  const label = `${name}, ${what}`;
  const started = performance.now();
  let whole, chunked;
  const cuts = randomCuts(random, input.length);
  try {
    whole = runPipeline(input, {});
    chunked = runPipeline(input, { splitAt: cuts });
  } catch (err) {
    assert.fail(`${label}: threw ${(err as Error).stack ?? err}`);
  }
  const ms = performance.now() - started;
  stats.runs++;
  stats.slowest = Math.max(stats.slowest, ms);
  assert.ok(ms < SINGLE_RUN_LIMIT_MS, `${label}: ${ms.toFixed(0)} ms`);
  const { copies, ...outcome } = whole;
  const { copies: _chunkedCopies, ...chunkedOutcome } = chunked;
  assert.deepEqual(chunkedOutcome, outcome, `${label}: chunked at ${cuts.length} points differs from one buffer`);
  // Every packet needs at least a 16-byte record header or block after a 24-byte file header.
  const maxPackets = Math.max(0, Math.floor((input.length - 24) / 16));
  assert.ok(copies.length <= maxPackets, `${label}: ${copies.length} packets from ${input.length} bytes`);
  assert.equal(outcome.pipeline.packets, copies.length, label);
  assert.ok(outcome.pipeline.tcp <= copies.length, label);
  for (const r of copies) {
    assert.ok(r.fileOffset >= 0 && r.fileOffset + r.capLen <= input.length, `${label}: frame ${r.frame} at ${r.fileOffset} + ${r.capLen}`);
    assert.equal(r.bytes.length, r.capLen, label);
  }
}

describe('mutation fuzzing', () => {
  const inputs = [...writerInputs(), ...realInputs()];
  if (process.env.CI === 'true') assert.equal(inputs.length, 4 + REAL_SAMPLES.length, 'real samples missing from the corpus');

  it(`survives ${MUTATIONS_PER_INPUT} mutations of each of ${inputs.length} captures, plus every truncation of the small ones`, { timeout: 180_000 }, () => {
    const started = performance.now();
    const stats: Stats = { runs: 0, slowest: 0 };
    for (const [index, [name, original]] of inputs.entries()) {
      const random = new Random(SEED + index);
      check(name, 'unmutated', original.slice(), random, stats);
      assert.equal(runPipeline(original, {}).error, undefined, `${name} should read cleanly before mutation`);
      const lengths = lengthFields(original);
      for (let i = 0; i < MUTATIONS_PER_INPUT; i++) {
        const mutation = randomMutation(random, original, lengths);
        const mutated = mutation.apply(original.slice());
        check(name, `mutation ${i}: ${mutation.describe}`, mutated, random, stats);
      }
      if (original.length <= TRUNCATE_EVERYWHERE_UP_TO) {
        for (let cut = 0; cut < original.length; cut++) check(name, `cut at ${cut}`, original.slice(0, cut), random, stats);
      }
    }
    const elapsed = performance.now() - started;
    assert.ok(stats.runs > 3000, `${stats.runs} inputs checked`);
    assert.ok(elapsed < BUDGET_MS, `fuzzing took ${elapsed.toFixed(0)} ms for ${stats.runs} inputs (slowest ${stats.slowest.toFixed(1)} ms)`);
  });
});
