/**
 * The whole shared corpus against tshark's oracle: packet and TCP-packet counts, the flows in
 * tcp.stream order with their endpoints, frame range, per-direction packet and payload counts,
 * and window scale / MSS from the handshake. Every place we differ is listed below with its reason.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readCaptureFile } from '../../src/core/capture/file';
import { CaptureError } from '../../src/core/capture/types';
import { CaptureIngest } from '../../src/core/ingest';
import { formatEpoch, summarizeCapture, type FlowSummary } from '../../src/core/summary';
import { corpusAvailable, oracleEntries, tsharkEndpoint, type Oracle, type OracleStream } from '../support/corpus';

interface KnownDifference {
  reason: string;
  /** Our TCP packet count where it differs from tshark's. */
  tcpPackets?: number;
  /** Our flow count where it differs. */
  flows?: number;
  /** Frame → the epoch time we report where tshark prints something else. */
  epochs?: Record<number, string>;
  /** Fields of a tshark stream that we report differently. */
  streams?: Record<number, Partial<OracleStream>>;
}

/** Where we deliberately or knowingly differ from tshark 4.0.17, with the exact numbers we report instead. */
const KNOWN_DIFFERENCES: Record<string, KnownDifference> = {
  'libpcap__http_PPI.pcap': { reason: 'PPI carrying IEEE 802.11 frames: 802.11 is not decoded (counted and reported)', tcpPackets: 0, flows: 0 },
  'tcpdump__bigtcp-ipv6.pcap': {
    reason: 'BIG TCP over IPv6 (payload length 0, no jumbo option): tshark 4.0 gives up on the packet; we take the length from the frame, as the kernel meant it',
    tcpPackets: 1,
    flows: 1,
  },
  'tcpdump__bgp-capabilities-oobr-1.pcap': {
    reason: 'fuzzed segment (reserved flag bits, SYN+URG+PSH): tshark stops before it sets tcp.len; we report the payload its IP length implies',
    streams: { 0: { payload_a_to_b: 4075 } },
  },
  'tcpdump__timestamp_invalid_micro.pcap': {
    reason: 'record fractions of 1 000 000 µs and more: tshark prints them unnormalised ("…370.1000000000"); we carry whole seconds out of the fraction and warn',
    epochs: { 2: '1418145371.000000000', 3: '1418147517.483648000' },
  },
  'tcpdump__timestamp_invalid_nano.pcap': {
    reason: 'record fractions of 10^9 ns and more: tshark prints them unnormalised or negative; we carry whole seconds out of the fraction and warn',
    epochs: { 2: '1418145371.000000000', 3: '1418145372.147483648' },
  },
  'zeek__smtp.pcap': {
    reason:
      "frames 26, 28, 29 and 30 are ICMP 'fragmentation needed' errors quoting the flow's TCP header: tshark puts them in tcp.stream but not in its conversation table; we do not count them as segments but file them with the flow as icmp_error findings (asserted below)",
    tcpPackets: 118,
    streams: { 0: { frames_b_to_a: 25 } },
  },
};

function ours(f: FlowSummary): Partial<OracleStream> {
  return {
    a: tsharkEndpoint(f.a),
    b: tsharkEndpoint(f.b),
    first_frame: f.firstFrame,
    last_frame: f.lastFrame,
    frames_a_to_b: f.packetsAtoB,
    frames_b_to_a: f.packetsBtoA,
    payload_a_to_b: f.payloadAtoB,
    payload_b_to_a: f.payloadBtoA,
    wscale_shift_a: f.windowScale.a,
    wscale_shift_b: f.windowScale.b,
    mss_a: f.mss.a,
    mss_b: f.mss.b,
  };
}

/** A row of tshark's `-z conv,tcp` table as the oracle keeps it. */
interface ConversationRow {
  a: string;
  b: string;
  frames_a_to_b: number;
  frames_b_to_a: number;
}

const portOf = (endpoint: string) => endpoint.slice(endpoint.lastIndexOf(':') + 1);

/**
 * tshark's endpoints for a stream. The oracle names a stream by the first ip.src / ip.dst of its
 * first frame, which for TCP inside a tunnel (GRE, Geneve, IPv6 in IPv6) is the outer header;
 * tshark's conversation table names the inner endpoints, as we do. Take those from the row with the
 * stream's ports and per-direction frame counts.
 */
function conversationEndpoints(oracle: Oracle, o: OracleStream): { a: string; b: string } {
  const rows = (oracle as Oracle & { conv_tcp?: ConversationRow[] }).conv_tcp ?? [];
  if (rows.some((c) => (c.a === o.a && c.b === o.b) || (c.a === o.b && c.b === o.a))) return { a: o.a, b: o.b };
  const same = rows.filter((c) => portOf(c.a) === portOf(o.a) && portOf(c.b) === portOf(o.b) && c.frames_a_to_b === o.frames_a_to_b && c.frames_b_to_a === o.frames_b_to_a);
  const swapped = rows.filter((c) => portOf(c.b) === portOf(o.a) && portOf(c.a) === portOf(o.b) && c.frames_b_to_a === o.frames_a_to_b && c.frames_a_to_b === o.frames_b_to_a);
  if (same.length + swapped.length !== 1) return { a: o.a, b: o.b };
  return same.length ? { a: same[0].a, b: same[0].b } : { a: swapped[0].b, b: swapped[0].a };
}

function expected(oracle: Oracle, o: OracleStream, patch: Partial<OracleStream> | undefined): Partial<OracleStream> {
  const e: Partial<OracleStream> = {
    ...conversationEndpoints(oracle, o),
    first_frame: o.first_frame,
    last_frame: o.last_frame,
    frames_a_to_b: o.frames_a_to_b,
    frames_b_to_a: o.frames_b_to_a,
    payload_a_to_b: o.payload_a_to_b,
    payload_b_to_a: o.payload_b_to_a,
    wscale_shift_a: o.wscale_shift_a,
    wscale_shift_b: o.wscale_shift_b,
    mss_a: o.mss_a,
    mss_b: o.mss_b,
  };
  return { ...e, ...patch };
}

/** Every TCP packet against tshark's row: flow, direction, exact epoch time, seq, ack, length, flags, raw window. */
function comparePackets(ingest: CaptureIngest, oracle: Oracle, known: KnownDifference | undefined): void {
  const col = (n: string) => oracle.cols.indexOf(n);
  const [cFrame, cTime, cStream, cDir, cLen, cSeq, cAck, cFlags, cWin] = [
    'frame', 'time_epoch', 'stream', 'dir', 'tcp_len', 'seq_raw', 'ack_raw', 'tcp_flags', 'win_raw',
  ].map(col);
  const rows = new Map(oracle.rows.map((r) => [r[cFrame] as number, r]));
  const origin = ingest.flows.timeOrigin;
  let compared = 0;
  for (const flow of ingest.flows.flows) {
    const p = flow.packets;
    for (let i = 0; i < p.length; i++) {
      const row = rows.get(p.frame[i]);
      if (!row) {
        assert.equal(oracle.rows_mode, 'flagged', `frame ${p.frame[i]}: tshark saw no TCP here`);
        continue;
      }
      const tcpLen = known?.streams?.[flow.id]?.payload_a_to_b !== undefined ? p.len[i] : row[cLen];
      assert.deepEqual(
        [flow.id, p.dir[i], formatEpoch(origin.sec + p.secDelta(i), p.nsec[i]), p.len[i], p.seq[i], p.ack[i], p.tcpFlags[i], p.winRaw[i]],
        [row[cStream], row[cDir], known?.epochs?.[p.frame[i]] ?? row[cTime], tcpLen, row[cSeq], row[cAck], row[cFlags], row[cWin]],
        `frame ${p.frame[i]}: flow, dir, epoch, len, seq, ack, flags, window`,
      );
      compared++;
    }
  }
  if (oracle.rows_mode === 'all') assert.equal(compared, known?.tcpPackets ?? oracle.tcp_packets);
}

if (!corpusAvailable()) {
  test('corpus agreement with tshark', { skip: 'shared capture corpus not found next to the checkout' }, () => {});
} else {
  const entries = oracleEntries();
  test('the corpus is complete', () => {
    assert.ok(entries.length >= 100, `only ${entries.length} captures with an oracle`);
    for (const name of Object.keys(KNOWN_DIFFERENCES)) {
      assert.ok(entries.some((e) => e.capture.endsWith(`/${name}`)), `known difference for a capture that is not in the corpus: ${name}`);
    }
  });

  for (const { capture, oracle } of entries) {
    const name = capture.slice(capture.lastIndexOf('/') + 1);
    test(`agrees with tshark: ${name}`, async () => {
      const ingest = new CaptureIngest();
      let summary;
      try {
        summary = summarizeCapture(capture, await readCaptureFile(capture, ingest), ingest);
      } catch (err) {
        assert.ok(err instanceof CaptureError, `unexpected ${(err as Error).stack}`);
        // tshark refused the file too, before any packet.
        assert.equal(oracle.tshark_rc, 2, `we refused a file tshark reads: ${err.message}`);
        assert.equal(oracle.packets, 0, `we refused a file in which tshark read ${oracle.packets} packets: ${err.message}`);
        return;
      }
      assert.equal(summary.packets, oracle.packets, 'packets');
      if (oracle.tshark_rc === 2) {
        assert.ok(summary.warnings.length > 0, `tshark stopped with "${oracle.tshark_stderr.join(' ')}"; we must warn too`);
      }
      const known = KNOWN_DIFFERENCES[name];
      assert.equal(summary.tcpPackets, known?.tcpPackets ?? oracle.tcp_packets, 'TCP packets');
      assert.equal(summary.flows.length, known?.flows ?? oracle.streams.length, 'flows');
      if (known?.flows !== undefined) return;
      summary.flows.forEach((f, i) => {
        assert.deepEqual(ours(f), expected(oracle, oracle.streams[i], known?.streams?.[i]), `flow ${i}`);
      });
      comparePackets(ingest, oracle, known);
    });
  }

  test("zeek__smtp.pcap: the four ICMP 'fragmentation needed' errors are findings of flow 0 with their next-hop MTU", async () => {
    const entry = entries.find((e) => e.capture.endsWith('/zeek__smtp.pcap'));
    assert.ok(entry);
    const ingest = new CaptureIngest();
    const summary = summarizeCapture(entry.capture, await readCaptureFile(entry.capture, ingest), ingest);
    const icmp = summary.flows.flatMap((f) => f.findings.filter((x) => x.kind === 'icmp_error' || x.kind === 'pmtu_black_hole').map((x) => ({ flow: f.id, ...x })));
    // Each quotes one of the four 1460-byte segments of frames 22-25; the sender then sends 1452 bytes (1492 - 40): no black hole.
    assert.deepEqual(
      icmp.map((x) => [x.flow, x.kind, x.frames, x.severity, x.icmp?.type, x.icmp?.code, x.icmp?.mtu, x.icmp?.from]),
      [
        [0, 'icmp_error', [26, 22], 'warning', 3, 4, 1492, '192.168.1.1'],
        [0, 'icmp_error', [28, 23], 'warning', 3, 4, 1492, '192.168.1.1'],
        [0, 'icmp_error', [29, 24], 'warning', 3, 4, 1492, '192.168.1.1'],
        [0, 'icmp_error', [30, 25], 'warning', 3, 4, 1492, '192.168.1.1'],
      ],
    );
    assert.equal(icmp[0].time.toFixed(6), '3.203055');
    assert.equal(
      icmp[0].message,
      "ICMP destination unreachable (fragmentation needed) from 192.168.1.1 at frame 26: the 1500-byte packet carrying the segment at seq 151 (frame 22) from 10.10.1.4:1470 does not fit the next hop's MTU of 1492; segments from 10.10.1.4:1470 must carry at most 1452 bytes (RFC 1191 path MTU discovery).",
    );
  });

  test('tunnel captures name their encapsulation on every flow', async () => {
    const expectedEncapsulation: Record<string, string> = {
      'zeek__erspan.pcap': 'GRE',
      'libpcap__geneve.pcap': 'Geneve',
      'zeek__pppoe-over-qinq.pcap': 'PPPoE',
      'libpcap__AH-IPcomp-IPv6.pcap': 'IPComp/6in6',
    };
    for (const [name, encapsulation] of Object.entries(expectedEncapsulation)) {
      const entry = entries.find((e) => e.capture.endsWith(`/${name}`));
      assert.ok(entry, name);
      const ingest = new CaptureIngest();
      const summary = summarizeCapture(entry.capture, await readCaptureFile(entry.capture, ingest), ingest);
      assert.ok(summary.flows.length > 0, name);
      for (const f of summary.flows) assert.equal(f.encapsulation, encapsulation, `${name} flow ${f.id}`);
    }
  });
}
