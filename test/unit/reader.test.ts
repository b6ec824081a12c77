/** CaptureReader: pcap and pcapng variants, streaming at any chunk boundary, damage and refusal. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CaptureReader } from '../../src/core/capture/reader';
import { readCaptureFile } from '../../src/core/capture/file';
import { MAX_RECORD_BYTES } from '../../src/core/capture/context';
import {
  ByteWriter,
  PCAP_FILE_HEADER_BYTES,
  PCAP_RECORD_HEADER_BYTES,
  frame,
  patterned,
  tcpSegment,
  writePcap,
  writePcapng,
  type Frame,
  type PcapngSection,
} from '../support/capture-writer';
import { copyRecord, readBack, type RecordCopy } from '../support/read-back';

const T0 = 1_700_000_000;

/** A handshake, some data and an IPv6 packet, at nanosecond times that a µs file cannot hold. */
const FRAMES: Frame[] = [
  tcpSegment({ src: '10.0.0.1:40000', dst: '10.0.0.2:80', seq: 1000, flags: 'S', options: { mss: 1460, wscale: 7 }, time: { sec: T0, nsec: 123_456_789 } }),
  tcpSegment({ src: '10.0.0.2:80', dst: '10.0.0.1:40000', seq: 5000, ack: 1001, flags: 'SA', time: { sec: T0, nsec: 999_999_999 } }),
  tcpSegment({ src: '10.0.0.1:40000', dst: '10.0.0.2:80', seq: 1001, ack: 5001, flags: 'PA', len: 301, time: { sec: T0 + 1, nsec: 1 } }),
  tcpSegment({ src: '[fd00::1]:5000', dst: '[fd00::2]:443', seq: 7, flags: 'A', len: 5, time: { sec: T0 + 4000, nsec: 0 } }),
];

/** What a reader should report for `frames`, with times cut to `resolutionNs`. */
function expected(frames: Frame[], resolutionNs = 1): Pick<RecordCopy, 'frame' | 'tsSec' | 'tsNsec' | 'capLen' | 'origLen' | 'bytes'>[] {
  return frames.map((f, i) => ({
    frame: i + 1,
    tsSec: f.sec,
    tsNsec: f.nsec - (f.nsec % resolutionNs),
    capLen: f.data.length,
    origLen: f.origLen,
    bytes: f.data,
  }));
}

function essentials(records: RecordCopy[]) {
  return records.map(({ frame, tsSec, tsNsec, capLen, origLen, bytes }) => ({ frame, tsSec, tsNsec, capLen, origLen, bytes }));
}

function u32At(bytes: Uint8Array, at: number, littleEndian = true): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(at, littleEndian);
}

function setU32At(bytes: Uint8Array, at: number, value: number, littleEndian = true): void {
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(at, value, littleEndian);
}

/** Offsets of each pcap record header. */
function pcapRecordOffsets(frames: Frame[]): number[] {
  let at = PCAP_FILE_HEADER_BYTES;
  return frames.map((f) => {
    const here = at;
    at += PCAP_RECORD_HEADER_BYTES + f.data.length;
    return here;
  });
}

describe('pcap', () => {
  const variants = [
    { nanos: false, bigEndian: false, magic: 'd4c3b2a1' },
    { nanos: false, bigEndian: true, magic: 'a1b2c3d4' },
    { nanos: true, bigEndian: false, magic: '4d3cb2a1' },
    { nanos: true, bigEndian: true, magic: 'a1b23c4d' },
  ];
  for (const { nanos, bigEndian, magic } of variants) {
    it(`magic ${magic} (${nanos ? 'ns' : 'µs'}, ${bigEndian ? 'big' : 'little'}-endian) gives the packets and exact times`, () => {
      const file = writePcap(FRAMES, { nanos, bigEndian });
      assert.equal(Buffer.from(file.subarray(0, 4)).toString('hex'), magic);
      const got = readBack(file);
      assert.equal(got.error, undefined);
      assert.equal(got.format, 'pcap');
      assert.deepEqual(got.warnings, []);
      assert.deepEqual(essentials(got.records), expected(FRAMES, nanos ? 1 : 1000));
      assert.deepEqual(got.records.map((r) => r.fileOffset), pcapRecordOffsets(FRAMES));
      assert.deepEqual(got.interfaces.map((i) => i.tsResolution), [{ base: 10, exponent: nanos ? 9 : 6 }]);
    });
  }

  it('keeps the link type and the original length of a frame cut by the snapshot length', () => {
    const got = readBack(writePcap(FRAMES, { linkType: 1, snaplen: 60, nanos: true }));
    assert.deepEqual(got.records.map((r) => [r.linkType, r.capLen, r.origLen]), FRAMES.map((f) => [1, Math.min(60, f.data.length), f.data.length]));
    assert.deepEqual(got.records[2].bytes, FRAMES[2].data.subarray(0, 60));
  });

  it('refuses a major version other than 2, at the version field', () => {
    const got = readBack(writePcap(FRAMES, { version: [1, 0] }));
    assert.equal(got.error?.offset, 4);
    assert.match(got.error?.reason ?? '', /major version 1\.0/);
    assert.equal(got.records.length, 0);
  });

  it('accepts any 2.x minor version', () => {
    assert.equal(readBack(writePcap(FRAMES, { version: [2, 2] })).records.length, FRAMES.length);
  });

  it('refuses reserved bits in the link-type field, at that field', () => {
    const got = readBack(writePcap(FRAMES, { reservedBits: 0x30 }));
    assert.equal(got.error?.offset, 20);
    assert.match(got.error?.reason ?? '', /reserved bits/);
  });

  it('takes the FCS length from bits 28-31 only when bit 26 says they are valid', () => {
    const withFcs = readBack(writePcap(FRAMES, { fcsLen: 4 }));
    assert.deepEqual(withFcs.records.map((r) => r.fcsLen), [4, 4, 4, 4]);
    assert.equal(withFcs.records[0].linkType, 1);
    assert.equal(withFcs.interfaces[0].fcsLen, 4);

    const file = writePcap(FRAMES);
    setU32At(file, 20, 1 | (2 << 28)); // length bits without the "valid" bit 26
    const without = readBack(file);
    assert.deepEqual(without.records.map((r) => [r.linkType, r.fcsLen]), [[1, 0], [1, 0], [1, 0], [1, 0]]);
  });

  it('carries a fraction of a second ≥ 1 s into the seconds, with one warning', () => {
    const file = writePcap(FRAMES.slice(0, 2));
    const [first, second] = pcapRecordOffsets(FRAMES);
    setU32At(file, first + 4, 2_500_000); // 2.5 s of microseconds
    setU32At(file, second + 4, 1_000_000);
    const got = readBack(file);
    assert.deepEqual(got.records.map((r) => [r.tsSec, r.tsNsec]), [[T0 + 2, 500_000_000], [T0 + 1, 0]]);
    assert.equal(got.warnings.length, 1);
    assert.equal(got.warnings[0].offset, first);
  });
});

/** Two sections of opposite byte order, three interfaces, every block type. */
const MULTI: PcapngSection[] = [
  {
    interfaces: [{ linkType: 1, tsresol: 9, name: 'eth0' }],
    blocks: [
      { type: 'epb', frame: FRAMES[0], comment: 'first' },
      { type: 'nrb' },
      { type: 'epb', frame: FRAMES[1] },
      { type: 'isb' },
    ],
  },
  {
    bigEndian: true,
    interfaces: [
      { linkType: 101, tsresol: 3 },
      { linkType: 1, tsresol: 9 },
    ],
    blocks: [
      { type: 'dsb' },
      { type: 'epb', interfaceId: 1, frame: FRAMES[2], comment: ['two', 'lines'] },
      { type: 'custom' },
      { type: 'epb', interfaceId: 0, frame: frame(FRAMES[3].data.subarray(14), { sec: T0 + 4000, nsec: 0 }) },
      { type: 'unknown', code: 0x7777 },
    ],
  },
];

describe('pcapng', () => {
  for (const bigEndian of [false, true]) {
    it(`reads a ${bigEndian ? 'big' : 'little'}-endian section with exact µs and ns times`, () => {
      const micro = readBack(writePcapng([{ bigEndian, interfaces: [{ linkType: 1 }], blocks: FRAMES.map((f) => ({ type: 'epb', frame: f })) }]));
      assert.equal(micro.error, undefined);
      assert.equal(micro.format, 'pcapng');
      assert.deepEqual(micro.warnings, []);
      assert.deepEqual(essentials(micro.records), expected(FRAMES, 1000));

      const nano = readBack(writePcapng([{ bigEndian, interfaces: [{ linkType: 1, tsresol: 9 }], blocks: FRAMES.map((f) => ({ type: 'epb', frame: f })) }]));
      assert.deepEqual(essentials(nano.records), expected(FRAMES));
    });
  }

  it('numbers frames from 1 across sections of different byte orders and interfaces', () => {
    const got = readBack(writePcapng(MULTI));
    assert.deepEqual(got.warnings, []);
    assert.deepEqual(
      got.records.map((r) => [r.frame, r.interfaceId, r.linkType, r.tsSec, r.tsNsec]),
      [
        [1, 0, 1, T0, 123_456_789],
        [2, 0, 1, T0, 999_999_999],
        [3, 2, 1, T0 + 1, 1],
        [4, 1, 101, T0 + 4000, 0],
      ],
    );
    assert.deepEqual(got.records[3].bytes, FRAMES[3].data.subarray(14));
    assert.deepEqual(got.interfaces.map((i) => [i.linkType, i.tsResolution.exponent, i.name]), [[1, 9, 'eth0'], [101, 3, undefined], [1, 9, undefined]]);
  });

  it('keeps opt_comment on its record only, several joined by newlines', () => {
    const got = readBack(writePcapng(MULTI));
    assert.deepEqual(got.records.map((r) => r.comment), ['first', undefined, 'two\nlines', undefined]);
    const unicode = readBack(writePcapng([{ interfaces: [{ linkType: 1 }], blocks: [{ type: 'obsoletePB', frame: FRAMES[0], comment: 'zéro fenêtre ✓' }] }]));
    assert.equal(unicode.records[0].comment, 'zéro fenêtre ✓');
  });

  it('skips NRB, ISB, DSB, custom and unknown blocks without a warning', () => {
    const others = ['nrb', 'isb', 'dsb', 'custom'] as const;
    const got = readBack(writePcapng([{
      interfaces: [{ linkType: 1 }],
      blocks: [...others.map((type) => ({ type, comment: 'not a packet' })), { type: 'unknown', code: 0x40000001 }, { type: 'epb', frame: FRAMES[0] }],
    }]));
    assert.deepEqual(got.warnings, []);
    assert.deepEqual(got.records.map((r) => [r.frame, r.comment]), [[1, undefined]]);
  });

  const resolutions = [
    { tsresol: 9, units: 1_700_000_000_123_456_789n, sec: 1_700_000_000, nsec: 123_456_789 },
    { tsresol: 3, units: 1_700_000_000_999n, sec: 1_700_000_000, nsec: 999_000_000 },
    { tsresol: 0, units: 1_700_000_000n, sec: 1_700_000_000, nsec: 0 },
    // 2^-20 s: the nanoseconds are floor(fraction × 10^9 / 2^20).
    { tsresol: 0x80 | 20, units: (1_700_000_000n << 20n) + (1n << 20n) - 1n, sec: 1_700_000_000, nsec: 999_999_046 },
    { tsresol: 0x80 | 20, units: (1_700_000_000n << 20n) + 1n, sec: 1_700_000_000, nsec: 953 },
    { tsresol: 0x80 | 30, units: (1n << 62n) + 3n, sec: 2 ** 32, nsec: 2 },
  ];
  for (const r of resolutions) {
    it(`if_tsresol 0x${r.tsresol.toString(16)}: ${r.units} units is ${r.sec} s ${r.nsec} ns exactly`, () => {
      const got = readBack(writePcapng([{ interfaces: [{ linkType: 1, tsresol: r.tsresol }], blocks: [{ type: 'epb', frame: FRAMES[0], timestamp: r.units }] }]));
      assert.deepEqual([got.records[0].tsSec, got.records[0].tsNsec], [r.sec, r.nsec]);
    });
  }

  it('adds if_tsoffset seconds, positive or negative', () => {
    const units = 700_000_000_000_005n; // µs
    const got = readBack(writePcapng([{
      interfaces: [{ linkType: 1, tsoffset: 1_000_000_000 }, { linkType: 1, tsoffset: -100 }],
      blocks: [
        { type: 'epb', interfaceId: 0, frame: FRAMES[0], timestamp: units },
        { type: 'epb', interfaceId: 1, frame: FRAMES[0], timestamp: units },
      ],
    }]));
    assert.deepEqual(got.records.map((r) => [r.tsSec, r.tsNsec]), [[1_700_000_000, 5000], [699_999_900, 5000]]);
  });

  it('reads a simple packet block with caplen = min(original length, snaplen) and no time', () => {
    const long = frame(patterned(100));
    const short = frame(patterned(41));
    const got = readBack(writePcapng([{ interfaces: [{ linkType: 1, snaplen: 64 }], blocks: [{ type: 'spb', frame: long }, { type: 'spb', frame: short }] }]));
    assert.deepEqual(got.records.map((r) => [r.capLen, r.origLen, r.tsSec, r.tsNsec, r.interfaceId]), [[64, 100, 0, 0, 0], [41, 41, 0, 0, 0]]);
    assert.deepEqual(got.records[0].bytes, patterned(64));
    assert.deepEqual(got.records[1].bytes, patterned(41));
  });

  it('reads the obsolete Packet Block like an EPB', () => {
    const got = readBack(writePcapng([{
      bigEndian: true,
      interfaces: [{ linkType: 1 }, { linkType: 1, tsresol: 9 }],
      blocks: [{ type: 'obsoletePB', interfaceId: 1, frame: FRAMES[0], comment: 'old' }],
    }]));
    assert.deepEqual(essentials(got.records), expected(FRAMES.slice(0, 1)));
    assert.deepEqual([got.records[0].interfaceId, got.records[0].comment], [1, 'old']);
  });

  it('refuses a section header without the byte-order magic, at offset 0', () => {
    const file = writePcapng(MULTI);
    setU32At(file, 8, 0x12345678);
    const got = readBack(file);
    assert.equal(got.error?.offset, 0);
    assert.match(got.error?.reason ?? '', /byte-order magic/);
  });
});

const MULTI_FILE = writePcapng(MULTI);

/** Both formats, and the pcapng sample cut short as a capture still being written looks. */
const STREAMS = {
  pcap: writePcap(FRAMES, { nanos: true, bigEndian: true }),
  pcapng: MULTI_FILE,
  'pcapng cut short': MULTI_FILE.subarray(0, MULTI_FILE.length - 30),
};

describe('streaming', () => {
  for (const [name, input] of Object.entries(STREAMS)) {
    it(`${name}: a split at every position gives the same output as one buffer`, () => {
      const whole = readBack(input);
      assert.ok(whole.records.length >= 3);
      for (let at = 1; at < input.length; at++) {
        assert.deepEqual(readBack(input, { splitAt: [at] }), whole, `split at ${at}`);
      }
    });

    it(`${name}: 1-byte and other small chunks give the same output as one buffer`, () => {
      const whole = readBack(input);
      for (const chunkSize of [1, 2, 3, 5, 7, 13, 16, 17, 28, 64, 255]) {
        assert.deepEqual(readBack(input, { chunkSize }), whole, `chunks of ${chunkSize}`);
      }
    });
  }
});

describe('truncation and damage', () => {
  it('warns about a final pcap record cut short, at its offset, and keeps the others', () => {
    const file = writePcap(FRAMES);
    const last = pcapRecordOffsets(FRAMES)[3];
    for (const cut of [last + 5, last + PCAP_RECORD_HEADER_BYTES + 3]) {
      const got = readBack(file.subarray(0, cut));
      assert.equal(got.error, undefined);
      assert.equal(got.records.length, 3);
      assert.equal(got.warnings.length, 1);
      assert.equal(got.warnings[0].offset, last);
      assert.match(got.warnings[0].message, /cut short/);
    }
  });

  it('warns about a final pcapng block cut short, at its offset', () => {
    const file = writePcapng([{ interfaces: [{ linkType: 1 }], blocks: FRAMES.map((f) => ({ type: 'epb', frame: f })) }]);
    const lastBlock = file.length - u32At(file, file.length - 4);
    const got = readBack(file.subarray(0, file.length - 1));
    assert.equal(got.records.length, 3);
    assert.deepEqual(got.warnings.map((w) => w.offset), [lastBlock]);
  });

  it('refuses a non-capture at offset 0, naming what it starts with', () => {
    const got = readBack(new TextEncoder().encode('hello, this is a text file\n'));
    assert.equal(got.error?.offset, 0);
    assert.match(got.error?.reason ?? '', /not a pcap or pcapng file \(starts with 68 65 6c 6c\)/);
  });

  it('refuses an empty file and one too short to hold a magic', () => {
    assert.deepEqual(readBack(new Uint8Array(0)).error, { offset: 0, reason: 'the file is empty' });
    assert.match(readBack(Uint8Array.of(0xd4, 0xc3, 0xb2)).error?.reason ?? '', /too short/);
  });

  it('refuses a pcap file header cut short', () => {
    const got = readBack(writePcap([]).subarray(0, 20));
    assert.equal(got.error?.offset, 0);
    assert.match(got.error?.reason ?? '', /header cut short/);
  });

  it('reads a pcap file header with no packets as an empty capture', () => {
    const got = readBack(writePcap([]));
    assert.deepEqual([got.error, got.records, got.warnings, got.format], [undefined, [], [], 'pcap']);
  });

  it('stops at a pcap record claiming more than the record limit, keeping earlier packets', () => {
    const file = writePcap(FRAMES);
    const third = pcapRecordOffsets(FRAMES)[2];
    setU32At(file, third + 8, 0xfffffff0);
    const got = readBack(file);
    assert.equal(got.error, undefined);
    assert.deepEqual(essentials(got.records), expected(FRAMES.slice(0, 2), 1000));
    assert.deepEqual(got.warnings.map((w) => w.offset), [third]);
    assert.match(got.warnings[0].message, /4294967280/);
  });

  for (const [damage, patch] of [
    ['an invalid block length', (file: Uint8Array, at: number) => setU32At(file, at + 4, 30)],
    ['mismatched leading and trailing lengths', (file: Uint8Array, at: number) => setU32At(file, at + u32At(file, at + 4) - 4, 8)],
  ] as const) {
    it(`stops at a pcapng block with ${damage} after packets, keeping them`, () => {
      const file = writePcapng([{ interfaces: [{ linkType: 1 }], blocks: FRAMES.map((f) => ({ type: 'epb', frame: f })) }]);
      const blocks = blockOffsets(file);
      const third = blocks[4]; // SHB, IDB, EPB, EPB, EPB…
      patch(file, third);
      const got = readBack(file);
      assert.equal(got.error, undefined);
      assert.equal(got.records.length, 2);
      assert.deepEqual(got.warnings.map((w) => w.offset), [third]);
      assert.match(got.warnings[0].message, /rest of the file is unreadable/);
    });
  }

  it('does not allocate the length a record claims, only the bytes that arrive', () => {
    const claim = MAX_RECORD_BYTES - 1024;
    const header = writePcap([]);
    const record = new ByteWriter(true).u32(T0).u32(0).u32(claim).u32(claim).bytes(patterned(4096)).finish();
    const before = process.memoryUsage().arrayBuffers;
    const reader = new CaptureReader({ packet: () => assert.fail('no packet is complete') });
    reader.push(header);
    for (let at = 0; at < record.length; at += 512) reader.push(record.subarray(at, at + 512));
    const grown = process.memoryUsage().arrayBuffers - before;
    reader.end();
    assert.ok(grown < 8 << 20, `buffered ${grown} bytes for a ${claim}-byte claim`);
    assert.equal(reader.warnings.length, 1);
    assert.equal(reader.warnings[0].offset, PCAP_FILE_HEADER_BYTES);
  });
});

/** Offsets of the blocks of a little-endian pcapng file. */
function blockOffsets(file: Uint8Array): number[] {
  const offsets: number[] = [];
  for (let at = 0; at < file.length; at += u32At(file, at + 4)) offsets.push(at);
  return offsets;
}

describe('readCaptureFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tfl-reader-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const capture = writePcapng(MULTI);
  const readFile = async (path: string, chunkSize?: number) => {
    const records: RecordCopy[] = [];
    const reader = await readCaptureFile(path, { packet: (r) => records.push(copyRecord(r)) }, { chunkSize });
    return { records, warnings: [...reader.warnings] };
  };

  it('reads a file in small chunks like one buffer', async () => {
    const path = join(dir, 'plain.pcapng');
    writeFileSync(path, capture);
    const whole = readBack(capture);
    for (const chunkSize of [7, 64, 1 << 20]) {
      assert.deepEqual(await readFile(path, chunkSize), { records: whole.records, warnings: whole.warnings });
    }
  });

  it('decompresses a gzip-compressed capture on the fly', async () => {
    const path = join(dir, 'capture.pcapng.gz');
    writeFileSync(path, gzipSync(capture));
    const whole = readBack(capture);
    assert.deepEqual(await readFile(path), { records: whole.records, warnings: [] });
  });

  it('keeps what a cut-short gzip stream held, with a warning', async () => {
    const many = writePcap(Array.from({ length: 400 }, (_, i) => tcpSegment({ src: '10.0.0.1:1', dst: '10.0.0.2:2', seq: i, len: 200, time: i })));
    const gz = gzipSync(many);
    const path = join(dir, 'cut.pcap.gz');
    writeFileSync(path, gz.subarray(0, gz.length - 40));
    const got = await readFile(path);
    assert.ok(got.records.length > 300, `${got.records.length} packets kept`);
    assert.ok(got.warnings.some((w) => /gzip/.test(w.message)));
  });
});

describe('offsets past 4 GiB', () => {
  // The same 16 MiB chunk pushed 257 times is a 4.2 GB stream that costs one allocation.
  const payload = 16 << 20;
  const repeats = 257;

  it('pcap: record offsets and the cut-short warning stay exact', () => {
    const big = new ByteWriter(true).u32(T0).u32(0).u32(payload).u32(payload).zeros(payload).finish();
    const offsets: number[] = [];
    const reader = new CaptureReader({ packet: (r) => offsets.push(r.fileOffset) });
    reader.push(writePcap([], { snaplen: payload }));
    for (let i = 0; i < repeats; i++) reader.push(big);
    const tail = writePcap(FRAMES.slice(0, 1)).subarray(PCAP_FILE_HEADER_BYTES);
    reader.push(tail);
    reader.push(tail.subarray(0, 10));
    reader.end();
    const afterBig = PCAP_FILE_HEADER_BYTES + repeats * big.length;
    assert.ok(afterBig > 2 ** 32);
    assert.equal(offsets.length, repeats + 1);
    assert.equal(offsets[repeats - 1], afterBig - big.length);
    assert.equal(offsets[repeats], afterBig);
    assert.deepEqual(reader.warnings.map((w) => w.offset), [afterBig + tail.length]);
  });

  it('pcapng: block offsets stay exact', () => {
    const file = writePcapng([{ interfaces: [{ linkType: 1 }], blocks: [{ type: 'epb', frame: frame(new Uint8Array(payload)) }] }]);
    const epb = blockOffsets(file)[2]; // after the SHB and IDB
    const big = file.subarray(epb);
    const offsets: number[] = [];
    const reader = new CaptureReader({ packet: (r) => offsets.push(r.fileOffset) });
    reader.push(file.subarray(0, epb));
    for (let i = 0; i < repeats; i++) reader.push(big);
    reader.end();
    assert.equal(offsets.length, repeats);
    assert.equal(offsets[repeats - 1], epb + (repeats - 1) * big.length);
    assert.ok(offsets[repeats - 1] > 2 ** 32);
  });
});
