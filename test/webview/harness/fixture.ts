/**
 * Fixture files: host messages recorded (or synthesized) for one capture, replayed by the harness.
 * Typed arrays are stored as {"$typed":"Float64Array","data":[…]}, the format of
 * test/webview/typed-json.ts; this module reads it in the browser and in node.
 */
import type { PacketDetails, SeriesQuery, SeriesResult, ToWebviewMessage } from '../../../src/protocol';

export interface Fixture {
  name: string;
  /** Posted in order after the webview says ready (progress, then the summary). */
  messages: ToWebviewMessage[];
  /** Series answers; a request gets the recorded answer whose query is nearest. */
  series: { query: SeriesQuery; result: SeriesResult }[];
  packets: { flowId: number; frame: number; details: PacketDetails }[];
  /** A growing capture (test/webview/record-live.ts): later summaries, each with the series answers of its time; `__harness.advance()` posts the next. */
  revisions?: { messages: ToWebviewMessage[]; series: { query: SeriesQuery; result: SeriesResult }[] }[];
}

const CTORS = { Float64Array, Float32Array, Uint32Array, Int32Array, Uint16Array, Int16Array, Uint8Array, Int8Array } as const;
type CtorName = keyof typeof CTORS;

export function encodeTyped(value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return { $typed: value.constructor.name, data: Array.from(value as unknown as ArrayLike<number>) };
  }
  if (Array.isArray(value)) return value.map(encodeTyped);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeTyped(v)]));
  return value;
}

export function decodeTyped<T>(value: unknown): T {
  if (Array.isArray(value)) return value.map((v) => decodeTyped(v)) as T;
  if (value && typeof value === 'object') {
    const o = value as { $typed?: string; data?: number[] };
    if (typeof o.$typed === 'string' && Array.isArray(o.data) && o.$typed in CTORS) return CTORS[o.$typed as CtorName].from(o.data) as T;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeTyped(v)])) as T;
  }
  return value as T;
}

/** How far a recorded query is from an asked one: same flow and direction first, then overlap and resolution. */
export function queryDistance(asked: SeriesQuery, recorded: SeriesQuery): number {
  if (asked.flowId !== recorded.flowId) return Infinity;
  let d = asked.direction === recorded.direction ? 0 : 1e6;
  const spanA = Math.max(asked.t1 - asked.t0, 1e-9);
  const spanR = Math.max(recorded.t1 - recorded.t0, 1e-9);
  const overlap = Math.max(0, Math.min(asked.t1, recorded.t1) - Math.max(asked.t0, recorded.t0));
  d += 10 * (1 - overlap / spanA); // uncovered share of the asked range
  d += Math.abs(Math.log(spanR / spanA)); // zoom level
  d += 0.1 * Math.abs(Math.log(Math.max(1, recorded.pixelWidth) / Math.max(1, asked.pixelWidth)));
  return d;
}
