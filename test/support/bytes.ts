/** A growable byte buffer with an explicit byte order, for building test captures field by field. */
export class ByteWriter {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  length = 0;

  /** Protocol headers are big-endian (network order); capture files choose per file or section. */
  constructor(readonly littleEndian = false) {}

  u8(value: number): this {
    this.room(1).setUint8(this.length, value);
    this.length += 1;
    return this;
  }

  u16(value: number): this {
    this.room(2).setUint16(this.length, value, this.littleEndian);
    this.length += 2;
    return this;
  }

  u32(value: number): this {
    this.room(4).setUint32(this.length, value >>> 0, this.littleEndian);
    this.length += 4;
    return this;
  }

  u64(value: bigint): this {
    this.room(8).setBigUint64(this.length, BigInt.asUintN(64, value), this.littleEndian);
    this.length += 8;
    return this;
  }

  bytes(data: Uint8Array | readonly number[]): this {
    this.room(data.length);
    this.buf.set(data, this.length);
    this.length += data.length;
    return this;
  }

  zeros(count: number): this {
    this.room(count);
    this.buf.fill(0, this.length, this.length + count);
    this.length += count;
    return this;
  }

  /** Zero-pad to a multiple of four bytes (pcapng bodies and options). */
  pad4(): this {
    return this.zeros((4 - (this.length % 4)) % 4);
  }

  /** Overwrite a 32-bit field written earlier, e.g. a block length once the body is known. */
  setU32(at: number, value: number): this {
    this.view.setUint32(at, value >>> 0, this.littleEndian);
    return this;
  }

  setU16(at: number, value: number): this {
    this.view.setUint16(at, value, this.littleEndian);
    return this;
  }

  /** A copy of the bytes written so far. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }

  private room(extra: number): DataView {
    if (this.length + extra > this.buf.length) {
      const grown = new Uint8Array(Math.max(this.length + extra, this.buf.length * 2));
      grown.set(this.buf.subarray(0, this.length));
      this.buf = grown;
      this.view = new DataView(grown.buffer);
    }
    return this.view;
  }
}

/** Concatenate byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `bytes` cut into pieces of the given sizes, cycled (the last piece may be shorter): a stream as a source delivers it. */
export function cutInto<T extends Uint8Array>(bytes: T, sizes: readonly number[]): T[] {
  const pieces: T[] = [];
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const n = sizes[k % sizes.length];
    pieces.push(bytes.subarray(at, at + n) as T);
    at += n;
  }
  return pieces;
}
