/**
 * FlowTable on its own (src/core/flows/table.ts), fed decoded segments directly: which flow and
 * direction each packet is filed under, connection instances on port reuse, times from the
 * capture's origin, base sequence numbers and handshake values, and ICMP errors.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PacketRecord } from '../../src/core/capture/types';
import { IcmpQuote } from '../../src/core/decode/icmp';
import { TcpFlag, TcpOpt, TcpSegment } from '../../src/core/decode/segment';
import { FlowTable } from '../../src/core/flows/table';

interface Spec {
  src: string;
  dst: string;
  seq?: number;
  ack?: number;
  flags?: number;
  len?: number;
  /** Seconds since the epoch, with nanoseconds. */
  at?: [number, number];
  mss?: number;
  wscale?: number;
  v6?: boolean;
}

let frame = 0;

/** A record and a decoded segment as the decoder would hand them over. */
function packet(s: Spec): [PacketRecord, TcpSegment] {
  const seg = new TcpSegment();
  const [src, srcPort] = s.src.split(':');
  const [dst, dstPort] = s.dst.split(':');
  seg.ipVersion = s.v6 ? 6 : 4;
  seg.src.set(src.split('.').map(Number));
  seg.dst.set(dst.split('.').map(Number));
  seg.srcPort = Number(srcPort);
  seg.dstPort = Number(dstPort);
  seg.seq = s.seq ?? 0;
  seg.ack = s.ack ?? 0;
  seg.flags = s.flags ?? TcpFlag.ACK;
  seg.payloadLen = s.len ?? 0;
  seg.window = 1000;
  if (s.mss !== undefined) {
    seg.options |= TcpOpt.MSS;
    seg.mss = s.mss;
  }
  if (s.wscale !== undefined) {
    seg.options |= TcpOpt.WSCALE;
    seg.windowScale = s.wscale;
  }
  const [tsSec, tsNsec] = s.at ?? [100, 0];
  const rec: PacketRecord = { frame: ++frame, linkType: 101, interfaceId: 0, tsSec, tsNsec, data: new Uint8Array(0), offset: 0, capLen: 0, origLen: 54 + seg.payloadLen, fcsLen: 0, fileOffset: 0, comment: undefined };
  return [rec, seg];
}

const C = '10.0.0.1:40000';
const S = '10.0.0.2:80';
const SYN = TcpFlag.SYN;
const SYN_ACK = TcpFlag.SYN | TcpFlag.ACK;

describe('FlowTable.add', () => {
  it('files both directions under one flow; side a is the source of its first packet', () => {
    const table = new FlowTable();
    const f1 = table.add(...packet({ src: S, dst: C, seq: 7 }));
    const f2 = table.add(...packet({ src: C, dst: S, seq: 3 }));
    const f3 = table.add(...packet({ src: S, dst: C, seq: 7 }));
    assert.equal(table.flows.length, 1);
    assert.ok(f1 === f2 && f2 === f3);
    assert.deepEqual([f1.a, f1.b], [S, C]);
    assert.deepEqual(Array.from(f1.packets.dir.subarray(0, 3)), [0, 1, 0]);
    assert.deepEqual(f1.packetCount, [2, 1]);
  });

  it('keeps interleaved connections apart, and finds each again after the other', () => {
    const table = new FlowTable();
    const x = table.add(...packet({ src: C, dst: S }));
    const y = table.add(...packet({ src: '10.0.0.1:40001', dst: S }));
    const x2 = table.add(...packet({ src: S, dst: C }));
    const y2 = table.add(...packet({ src: S, dst: '10.0.0.1:40001' }));
    assert.deepEqual([x.id, y.id, x2.id, y2.id], [0, 1, 0, 1]);
    assert.deepEqual([x.packets.length, y.packets.length], [2, 2]);
  });

  it('tells IPv4 from IPv6 with the same leading address bytes and ports', () => {
    const table = new FlowTable();
    const v4 = table.add(...packet({ src: C, dst: S }));
    const v6 = table.add(...packet({ src: C, dst: S, v6: true }));
    assert.notEqual(v4, v6);
    assert.deepEqual([v4.ipVersion, v6.ipVersion], [4, 6]);
  });

  it('opens a new instance when a SYN reuses the 4-tuple with another sequence number, not for a retransmitted SYN', () => {
    const table = new FlowTable();
    const first = table.add(...packet({ src: C, dst: S, seq: 1000, flags: SYN }));
    assert.equal(table.add(...packet({ src: C, dst: S, seq: 1000, flags: SYN })), first);
    table.add(...packet({ src: S, dst: C, seq: 5000, ack: 1001, flags: SYN_ACK }));
    const second = table.add(...packet({ src: C, dst: S, seq: 2000, flags: SYN }));
    assert.notEqual(second, first);
    assert.equal(second.id, 1);
    // Later packets of the 4-tuple go to the newest instance.
    assert.equal(table.add(...packet({ src: S, dst: C, seq: 6000, ack: 2001, flags: SYN_ACK })), second);
    assert.deepEqual([first.packets.length, second.packets.length], [3, 2]);
  });

  it('finds every one of more flows than its first chain table holds (1024)', () => {
    const table = new FlowTable();
    const port = (k: number) => `10.0.${k >> 8}.${k & 255}:${1000 + k}`;
    for (let k = 0; k < 1100; k++) table.add(...packet({ src: port(k), dst: S }));
    for (let k = 1099; k >= 0; k--) assert.equal(table.add(...packet({ src: S, dst: port(k) })).id, k);
    assert.equal(table.flows.length, 1100);
  });

  it('times packets from the first packet, in seconds, exactly across second boundaries', () => {
    const table = new FlowTable();
    const flow = table.add(...packet({ src: C, dst: S, at: [100, 900_000_000] }));
    table.add(...packet({ src: S, dst: C, at: [101, 100_000_000] }));
    table.add(...packet({ src: C, dst: S, at: [103, 900_000_001] }));
    assert.deepEqual(table.timeOrigin, { sec: 100, nsec: 900_000_000 });
    const p = flow.packets;
    assert.deepEqual([0, 1, 2].map((i) => p.secDelta(i)), [0, 1, 3]);
    assert.deepEqual(Array.from(p.nsec.subarray(0, 3)), [900_000_000, 100_000_000, 900_000_001]);
    assert.ok(Math.abs(p.time[1] - 0.2) < 1e-12 && Math.abs(p.time[2] - 3.000000001) < 1e-12, `${p.time[1]} ${p.time[2]}`);
  });

  it('takes a time origin set before the first packet (a non-TCP packet came first)', () => {
    const table = new FlowTable();
    table.setTimeOrigin(99, 500_000_000);
    const flow = table.add(...packet({ src: C, dst: S, at: [100, 0] }));
    assert.equal(flow.packets.time[0], 0.5);
  });

  it('bases sequence numbers on the SYN, or one before the first seq seen (as tshark)', () => {
    const table = new FlowTable();
    const flow = table.add(...packet({ src: C, dst: S, seq: 1000, flags: SYN }));
    table.add(...packet({ src: S, dst: C, seq: 0, ack: 1001, len: 10 }));
    assert.deepEqual(flow.baseSeq, [1000, 0xffffffff]);
  });

  it('takes MSS and window scale from the SYN, and from other segments only while no SYN was seen', () => {
    const table = new FlowTable();
    const flow = table.add(...packet({ src: C, dst: S, seq: 1, flags: SYN, mss: 1460, wscale: 7 }));
    table.add(...packet({ src: C, dst: S, seq: 2, mss: 500, wscale: 2 }));
    table.add(...packet({ src: S, dst: C, seq: 9, mss: 1400, wscale: 3 }));
    table.add(...packet({ src: S, dst: C, seq: 9, mss: 1200, wscale: 4 }));
    assert.deepEqual(flow.handshake[0], { windowScale: 7, mss: 1460, sackPermitted: false, synFrame: frame - 3 });
    assert.deepEqual(flow.handshake[1], { windowScale: 3, mss: 1400, sackPermitted: false, synFrame: 0 });
    // Every packet with either option keeps its values: mss * 256 + shift.
    assert.deepEqual([0, 1, 2, 3].map((i) => flow.optionShift(i)), [7, 2, 3, 4]);
    assert.equal(flow.optionValues.get(0), 1460 * 256 + 7);
  });

  it('counts payload and wire bytes per direction and records first and last frame', () => {
    const table = new FlowTable();
    const flow = table.add(...packet({ src: C, dst: S, len: 100 }));
    const first = frame;
    table.add(...packet({ src: S, dst: C, len: 0 }));
    table.add(...packet({ src: C, dst: S, len: 20 }));
    assert.deepEqual([flow.payloadBytes, flow.wireBytes], [[120, 0], [54 + 100 + 54 + 20, 54]]);
    assert.deepEqual([flow.firstFrame, flow.lastFrame], [first, first + 2]);
  });
});

describe('FlowTable.addIcmpError', () => {
  function quote(src: string, dst: string): [PacketRecord, IcmpQuote] {
    const [rec] = packet({ src, dst, at: [100, 250_000_000] });
    const q = new IcmpQuote();
    const [sa, sp] = src.split(':');
    const [da, dp] = dst.split(':');
    q.src.set(sa.split('.').map(Number));
    q.dst.set(da.split('.').map(Number));
    q.srcPort = Number(sp);
    q.dstPort = Number(dp);
    q.reporter.set([192, 0, 2, 1]);
    q.type = 3;
    q.code = 4;
    q.mtu = 1400;
    q.seq = 77;
    q.datagramLength = 1500;
    return [rec, q];
  }

  it('files an error with the flow it quotes, in the direction of the quoted segment', () => {
    const table = new FlowTable();
    const flow = table.add(...packet({ src: C, dst: S, at: [100, 0] }));
    const [rec, q] = quote(S, C);
    assert.equal(table.addIcmpError(rec, q), flow);
    assert.deepEqual(flow.icmpErrors, [{ frame: rec.frame, time: 0.25, version: 4, type: 3, code: 4, mtu: 1400, reporter: '192.0.2.1', dir: 1, seq: 77, datagramLength: 1500 }]);
  });

  it('drops an error that quotes no known flow', () => {
    const table = new FlowTable();
    table.add(...packet({ src: C, dst: S }));
    assert.equal(table.addIcmpError(...quote('10.9.9.9:1', S)), undefined);
    assert.equal(table.flows[0].icmpErrors.length, 0);
  });
});
