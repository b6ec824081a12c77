/** Typed arrays inside JSON, as the CLI sends the series to this page: {"$typed": "Float64Array", "data": [...]}. */
const CTORS = { Float64Array, Float32Array, Uint32Array, Int32Array, Uint16Array, Int16Array, Uint8Array, Int8Array } as const;

export function decodeTyped<T>(value: unknown): T {
  if (Array.isArray(value)) return value.map((v) => decodeTyped(v)) as T;
  if (value !== null && typeof value === 'object') {
    const o = value as { $typed?: keyof typeof CTORS; data?: number[] };
    if (typeof o.$typed === 'string' && Array.isArray(o.data) && o.$typed in CTORS) return CTORS[o.$typed].from(o.data) as T;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decodeTyped(v)])) as T;
  }
  return value as T;
}
