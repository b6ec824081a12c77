/** Reads a capture back through the real reader (and optionally the whole ingest pipeline) for assertions. */
import { CaptureReader } from '../../src/core/capture/reader';
import { CaptureError, type CaptureInterface, type CaptureSink, type CaptureWarning, type PacketRecord } from '../../src/core/capture/types';

/** A copy of what the reader handed the sink for one packet (the reader reuses its record). */
export interface RecordCopy {
  frame: number;
  linkType: number;
  interfaceId: number;
  tsSec: number;
  tsNsec: number;
  capLen: number;
  origLen: number;
  fcsLen: number;
  fileOffset: number;
  comment: string | undefined;
  bytes: Uint8Array;
}

export interface ReadBack {
  records: RecordCopy[];
  warnings: CaptureWarning[];
  interfaces: CaptureInterface[];
  format: string | undefined;
  /** Set when the reader refused the input; anything else it throws propagates. */
  error: { offset: number; reason: string } | undefined;
}

/** A plain Uint8Array copy even when the reader's buffer is a Buffer (whose `slice` is a view). */
export function copyRecord(r: PacketRecord): RecordCopy {
  const { frame, linkType, interfaceId, tsSec, tsNsec, capLen, origLen, fcsLen, fileOffset, comment } = r;
  return { frame, linkType, interfaceId, tsSec, tsNsec, capLen, origLen, fcsLen, fileOffset, comment, bytes: Uint8Array.from(r.data.subarray(r.offset, r.offset + capLen)) };
}

export interface FeedOptions {
  /** Stream offsets at which to cut the input into chunks (ascending). Default: one chunk. */
  splitAt?: readonly number[];
  /** Cut into chunks of this size instead. */
  chunkSize?: number;
  /** Also handed every record, after the copy is taken. */
  sink?: CaptureSink;
}

/** The chunk boundaries for a fixed chunk size. */
export function everyNBytes(length: number, n: number): number[] {
  const cuts: number[] = [];
  for (let at = n; at < length; at += n) cuts.push(at);
  return cuts;
}

/** Feed `input` to a fresh reader in the given chunks and collect everything it reports. */
export function readBack(input: Uint8Array, options: FeedOptions = {}): ReadBack {
  const records: RecordCopy[] = [];
  const reader = new CaptureReader({
    packet(r) {
      records.push(copyRecord(r));
      options.sink?.packet(r);
    },
  });
  const cuts = options.chunkSize ? everyNBytes(input.length, options.chunkSize) : (options.splitAt ?? []);
  let error: ReadBack['error'];
  try {
    // One scratch buffer, scribbled over after every push, as readCaptureFile reuses its read buffer:
    // a reader keeping a reference to a chunk instead of copying the tail would read garbage.
    const scratch = new Uint8Array(input.length);
    let from = 0;
    for (const to of [...cuts, input.length]) {
      if (to <= from) continue;
      scratch.set(input.subarray(from, to));
      reader.push(scratch.subarray(0, to - from));
      scratch.fill(0xee);
      from = to;
    }
    reader.end();
  } catch (err) {
    if (!(err instanceof CaptureError)) throw err;
    error = { offset: err.offset, reason: err.reason };
  }
  return { records, warnings: [...reader.warnings], interfaces: [...reader.interfaces], format: reader.format, error };
}
