/**
 * JSON with typed arrays, for the webview fixtures: a typed array is stored as
 * {"$typed":"Float64Array","data":[…numbers]} and read back as the same kind of array
 * (test/webview/harness/fixture.ts reads the same format in the browser).
 */

const CTORS = { Float64Array, Float32Array, Uint32Array, Int32Array, Uint16Array, Int16Array, Uint8Array, Int8Array } as const;
type CtorName = keyof typeof CTORS;

interface TypedJson {
  $typed: CtorName;
  data: number[];
}

/** `value` with every typed array replaced by its {"$typed", "data"} form (plain objects and arrays walked). */
export function encodeTyped(value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const name = value.constructor.name;
    if (!(name in CTORS)) throw new TypeError(`cannot store a ${name}`);
    return { $typed: name as CtorName, data: Array.from(value as unknown as ArrayLike<number>) } satisfies TypedJson;
  }
  if (Array.isArray(value)) return value.map(encodeTyped);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeTyped(v)]));
  return value;
}

/** The inverse of `encodeTyped`. */
export function decodeTyped<T>(value: unknown): T {
  if (Array.isArray(value)) return value.map((v) => decodeTyped(v)) as T;
  if (value !== null && typeof value === 'object') {
    const o = value as Partial<TypedJson>;
    if (typeof o.$typed === 'string' && Array.isArray(o.data) && o.$typed in CTORS) return CTORS[o.$typed].from(o.data) as T;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeTyped(v)])) as T;
  }
  return value as T;
}

export function stringifyTyped(value: unknown): string {
  return JSON.stringify(encodeTyped(value));
}

export function parseTyped<T>(text: string): T {
  return decodeTyped<T>(JSON.parse(text));
}
