/** FlowTable through the whole pipeline: sides, directions, connection instances, handshake values, columns. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TcpFlag, TcpOpt } from '../../src/core/decode/segment';
import { CaptureIngest } from '../../src/core/ingest';
import { tcpSegment, writePcap, type Frame, type TcpSegmentSpec } from '../support/capture-writer';
import { readBack } from '../support/read-back';

/** Write the frames as a nanosecond pcap and run them through reader, decoder and flow table. */
function ingest(frames: Frame[]): CaptureIngest {
  const sink = new CaptureIngest();
  const got = readBack(writePcap(frames, { nanos: true }), { sink });
  assert.equal(got.error, undefined);
  assert.deepEqual(got.warnings, []);
  return sink;
}

const CLIENT = '10.0.0.1:40000';
const SERVER = '10.0.0.2:80';

/** A segment from the client, or from the server. */
function c(spec: Omit<TcpSegmentSpec, 'src' | 'dst'>): Frame {
  return tcpSegment({ src: CLIENT, dst: SERVER, ...spec });
}
function s(spec: Omit<TcpSegmentSpec, 'src' | 'dst'>): Frame {
  return tcpSegment({ src: SERVER, dst: CLIENT, ...spec });
}

/** Handshake, 100 bytes up, 300 bytes down, FIN/ACKs: one packet every 10 ms from `startSec`. */
function connection(isn = 1000, serverIsn = 9000, startSec = 0): Frame[] {
  const at = (k: number) => ({ sec: startSec, nsec: k * 10_000_000 });
  return [
    c({ seq: isn, flags: 'S', options: { mss: 1460, wscale: 7, sackPerm: true }, time: at(0) }),
    s({ seq: serverIsn, ack: isn + 1, flags: 'SA', options: { mss: 1400 }, time: at(1) }),
    c({ seq: isn + 1, ack: serverIsn + 1, flags: 'A', time: at(2) }),
    c({ seq: isn + 1, ack: serverIsn + 1, flags: 'PA', len: 100, time: at(3) }),
    s({ seq: serverIsn + 1, ack: isn + 101, flags: 'PA', len: 300, time: at(4) }),
    c({ seq: isn + 101, ack: serverIsn + 301, flags: 'FA', time: at(5) }),
    s({ seq: serverIsn + 301, ack: isn + 102, flags: 'FA', time: at(6) }),
    c({ seq: isn + 102, ack: serverIsn + 302, flags: 'A', time: at(7) }),
  ];
}

describe('flow identity', () => {
  it('files both directions of a connection under one flow, side a = the SYN sender', () => {
    const { flows } = ingest(connection()).flows;
    assert.equal(flows.length, 1);
    const [flow] = flows;
    assert.deepEqual([flow.id, flow.a, flow.b, flow.ipVersion], [0, CLIENT, SERVER, 4]);
    assert.deepEqual([...flow.packets.dir.subarray(0, flow.packets.length)], [0, 1, 0, 0, 1, 0, 1, 0]);
    assert.deepEqual([flow.firstFrame, flow.lastFrame], [1, 8]);
  });

  it('makes side a the source of the first packet even when that is the server', () => {
    const { flows } = ingest(connection().slice(1)).flows;
    assert.equal(flows.length, 1);
    assert.deepEqual([flows[0].a, flows[0].b], [SERVER, CLIENT]);
    assert.deepEqual([...flows[0].packets.dir.subarray(0, 7)], [0, 1, 1, 0, 1, 0, 1]);
  });

  it('starts a new flow, with the next id, at a SYN with a different ISN on the same 4-tuple', () => {
    const frames = [...connection(1000, 9000, 0), ...connection(555_000, 777_000, 10)];
    const { flows } = ingest(frames).flows;
    assert.equal(flows.length, 2);
    assert.deepEqual(flows.map((f) => [f.id, f.a, f.firstFrame, f.lastFrame, f.packets.length]), [
      [0, CLIENT, 1, 8, 8],
      [1, CLIENT, 9, 16, 8],
    ]);
    assert.equal(flows[1].packets.seq[1], 777_000);
  });

  it('keeps a retransmitted SYN (same ISN) in the same flow', () => {
    const [syn, ...rest] = connection();
    const { flows } = ingest([syn, { ...syn, sec: 1 }, ...rest]).flows;
    assert.equal(flows.length, 1);
    assert.deepEqual(flows[0].packetCount, [6, 3]);
  });

  it('does not start a new flow at a SYN-ACK with another sequence number', () => {
    const frames = connection();
    frames.push(s({ seq: 123, ack: 1001, flags: 'SA', time: 1 }));
    const { flows } = ingest(frames).flows;
    assert.equal(flows.length, 1);
  });

  it('keeps IPv4 and IPv6 flows with the same ports (and the same leading address bytes) apart', () => {
    // 0a00:0001:: starts with the bytes of 10.0.0.1.
    const v6 = { src: '[a00:1::]:40000', dst: '[a00:2::]:80' };
    const frames = [c({ seq: 1, flags: 'S' }), tcpSegment({ ...v6, seq: 1, flags: 'S' }), s({ seq: 5, ack: 2, flags: 'SA' })];
    frames.push(tcpSegment({ src: v6.dst, dst: v6.src, seq: 5, ack: 2, flags: 'SA' }));
    const { flows } = ingest(frames).flows;
    assert.deepEqual(flows.map((f) => [f.ipVersion, f.a, f.b, f.packetCount]), [
      [4, CLIENT, SERVER, [1, 1]],
      [6, '[a00:1::]:40000', '[a00:2::]:80', [1, 1]],
    ]);
  });

  it('tells apart flows that share one endpoint, and flows with swapped ports', () => {
    const frames = [
      tcpSegment({ src: '10.0.0.1:1000', dst: '10.0.0.2:2000' }),
      tcpSegment({ src: '10.0.0.1:1000', dst: '10.0.0.3:2000' }),
      tcpSegment({ src: '10.0.0.1:2000', dst: '10.0.0.2:1000' }),
      tcpSegment({ src: '10.0.0.2:2000', dst: '10.0.0.1:1000' }),
    ];
    const { flows } = ingest(frames).flows;
    assert.deepEqual(flows.map((f) => [f.a, f.b, f.packetCount]), [
      ['10.0.0.1:1000', '10.0.0.2:2000', [1, 1]],
      ['10.0.0.1:1000', '10.0.0.3:2000', [1, 0]],
      ['10.0.0.1:2000', '10.0.0.2:1000', [1, 0]],
    ]);
  });
});

describe('flow contents', () => {
  it('counts packets, payload and frame bytes per direction', () => {
    const frames = connection();
    const flow = ingest(frames).flows.flows[0];
    const wire = (dir: 0 | 1) => frames.filter((_, i) => flow.packets.dir[i] === dir).reduce((n, f) => n + f.origLen, 0);
    assert.deepEqual(flow.packetCount, [5, 3]);
    assert.deepEqual(flow.payloadBytes, [100, 300]);
    assert.deepEqual(flow.wireBytes, [wire(0), wire(1)]);
  });

  it("keeps each side's handshake MSS, window scale and SACK-permitted", () => {
    const flow = ingest(connection()).flows.flows[0];
    assert.deepEqual(flow.handshake, [
      { windowScale: 7, mss: 1460, sackPermitted: true, synFrame: 1 },
      { windowScale: -1, mss: 1400, sackPermitted: false, synFrame: 2 },
    ]);
  });

  it('leaves the handshake values unknown when no SYN was captured', () => {
    const flow = ingest(connection().slice(2)).flows.flows[0];
    assert.deepEqual(flow.handshake.map((h) => [h.windowScale, h.mss, h.synFrame]), [[undefined, undefined, 0], [undefined, undefined, 0]]);
  });

  it('keeps times relative to the first packet, and exact', () => {
    const frames = connection(1000, 9000, 1_700_000_000);
    frames[7] = { ...frames[7], sec: 1_700_000_003, nsec: 123_456_789 };
    const flow = ingest(frames).flows.flows[0];
    const p = flow.packets;
    assert.equal(p.time[0], 0);
    assert.ok(Math.abs(p.time[1] - 0.01) < 1e-12);
    assert.deepEqual([p.secDelta(7), p.nsec[7]], [3, 123_456_789]);
    assert.ok(Math.abs(p.time[7] - 3.123456789) < 1e-12);
  });

  it('records the per-packet columns', () => {
    const flow = ingest(connection()).flows.flows[0];
    const p = flow.packets;
    assert.deepEqual([p.frame[4], p.seq[4], p.ack[4], p.len[4], p.winRaw[4], p.tcpFlags[4]], [5, 9001, 1101, 300, 65535, TcpFlag.PSH | TcpFlag.ACK]);
    assert.equal(p.opts[0], TcpOpt.MSS | TcpOpt.WSCALE | TcpOpt.SACK_PERM);
  });
});

describe('columns', () => {
  it('grow past their initial capacity without losing a value (10 000 packets, SACK on every third)', () => {
    const count = 10_000;
    const frames: Frame[] = [];
    for (let i = 0; i < count; i++) {
      const up = i % 2 === 0;
      const sack: [number, number][] | undefined = i % 3 === 0 ? [[i * 10, i * 10 + 5], [i * 10 + 7, i * 10 + 9]] : undefined;
      const seq = (0xfffff000 + i * 100) >>> 0; // wraps past 2^32 on the way
      frames.push((up ? c : s)({ seq, ack: i, flags: 'A', len: i % 50, options: sack ? { sack } : undefined, time: i * 0.001 }));
    }
    const flow = ingest(frames).flows.flows[0];
    const p = flow.packets;
    assert.equal(p.length, count);
    assert.ok(p.capacity >= count);
    for (let i = 0; i < count; i++) {
      const row = [p.frame[i], p.dir[i], p.seq[i], p.ack[i], p.len[i]];
      assert.deepEqual(row, [i + 1, i % 2, (0xfffff000 + i * 100) >>> 0, i, i % 50], `packet ${i}`);
      if (i % 3 === 0) {
        assert.ok(p.opts[i] & TcpOpt.SACK);
        assert.equal(p.sackCount[i], 2);
        const at = p.sackAt(i);
        assert.deepEqual([...p.sackEdges.subarray(at, at + 4)], [i * 10, i * 10 + 5, i * 10 + 7, i * 10 + 9], `SACK of packet ${i}`);
      } else {
        assert.equal(p.opts[i] & TcpOpt.SACK, 0);
      }
    }
    assert.deepEqual(flow.packetCount, [count / 2, count / 2]);
  });
});
