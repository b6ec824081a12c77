/**
 * A minimal pcapng writer (draft-ietf-opsawg-pcapng): one little-endian section, one interface per
 * link type and FCS length of the input, nanosecond timestamps, and Enhanced Packet Blocks that
 * carry comments (`opt_comment`, shown by Wireshark as frame.comment). Blocks go to `write` as they
 * are made, so a large trim never sits in memory.
 */

const SHB = 0x0a0d0d0a;
const IDB = 1;
const EPB = 6;
const BYTE_ORDER_MAGIC = 0x1a2b3c4d;
const OPT_COMMENT = 1;
const SHB_USERAPPL = 4;
const IF_TSRESOL = 9;
const IF_FCSLEN = 13;
const NANOSECONDS = 9;

const utf8 = new TextEncoder();

/** One option: code, length, value padded to 32 bits. */
function option(code: number, value: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + ((value.length + 3) & ~3));
  const view = new DataView(out.buffer);
  view.setUint16(0, code, true);
  view.setUint16(2, value.length, true);
  out.set(value, 4);
  return out;
}

/** A block: type, total length, body, options (ended by opt_endofopt when there are any), total length. */
function block(type: number, body: Uint8Array, options: Uint8Array[]): Uint8Array {
  const opts = options.length > 0 ? [...options, new Uint8Array(4)] : []; // opt_endofopt: code 0, length 0
  const bodyLen = (body.length + 3) & ~3;
  const length = 12 + bodyLen + opts.reduce((n, o) => n + o.length, 0);
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  view.setUint32(0, type, true);
  view.setUint32(4, length, true);
  out.set(body, 8);
  let at = 8 + bodyLen;
  for (const o of opts) {
    out.set(o, at);
    at += o.length;
  }
  view.setUint32(length - 4, length, true);
  return out;
}

export class PcapngWriter {
  private readonly interfaces = new Map<string, number>();
  packets = 0;
  comments = 0;

  constructor(
    private readonly write: (bytes: Uint8Array) => void,
    application: string,
  ) {
    const body = new Uint8Array(16);
    const view = new DataView(body.buffer);
    view.setUint32(0, BYTE_ORDER_MAGIC, true);
    view.setUint16(4, 1, true);
    view.setUint16(6, 0, true);
    view.setBigInt64(8, -1n, true); // section length not specified
    this.write(block(SHB, body, [option(SHB_USERAPPL, utf8.encode(application))]));
  }

  /** The interface id for a link type and FCS length, describing it on first use. */
  private interfaceFor(linkType: number, fcsLen: number): number {
    const key = `${linkType}:${fcsLen}`;
    let id = this.interfaces.get(key);
    if (id !== undefined) return id;
    id = this.interfaces.size;
    this.interfaces.set(key, id);
    const body = new Uint8Array(8);
    const view = new DataView(body.buffer);
    view.setUint16(0, linkType, true);
    view.setUint32(4, 0, true); // snap length: no limit
    const options = [option(IF_TSRESOL, Uint8Array.of(NANOSECONDS))];
    if (fcsLen > 0) options.push(option(IF_FCSLEN, Uint8Array.of(fcsLen)));
    this.write(block(IDB, body, options));
    return id;
  }

  /** One packet with its absolute time (epoch seconds and nanoseconds) and any comments, each its own opt_comment. */
  packet(p: { linkType: number; fcsLen: number; tsSec: number; tsNsec: number; data: Uint8Array; origLen: number; comments: readonly string[] }): void {
    const ifId = this.interfaceFor(p.linkType, p.fcsLen);
    const body = new Uint8Array(20 + p.data.length);
    const view = new DataView(body.buffer);
    const ts = BigInt(p.tsSec) * 1_000_000_000n + BigInt(p.tsNsec);
    view.setUint32(0, ifId, true);
    view.setUint32(4, Number(ts >> 32n), true);
    view.setUint32(8, Number(ts & 0xffffffffn), true);
    view.setUint32(12, p.data.length, true);
    view.setUint32(16, p.origLen, true);
    body.set(p.data, 20);
    const options = p.comments.map((c) => option(OPT_COMMENT, utf8.encode(c)));
    this.write(block(EPB, body, options));
    this.packets++;
    this.comments += p.comments.length;
  }
}
