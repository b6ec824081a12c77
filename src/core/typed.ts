/** Typed-array helpers for the columnar stores. */

export type TypedArray = Float64Array | Uint32Array | Int32Array | Uint16Array | Int8Array | Uint8Array;

/** A copy of `a` with room for `capacity` elements (the columns grow by doubling). */
export function grow<T extends TypedArray>(a: T, capacity: number): T {
  const b = new (a.constructor as new (n: number) => T)(capacity);
  b.set(a);
  return b;
}
