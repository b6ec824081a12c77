/**
 * Typed-array helpers for the columnar stores: one column that grows (`Growable`), and a set of
 * parallel columns declared once by a schema that are allocated, grown and sliced together
 * (`ColumnSet`, or `columnFields` / `growColumns` for a class that keeps its columns as fields).
 */

export type TypedArray = Float64Array | Uint32Array | Int32Array | Uint16Array | Int8Array | Uint8Array | Float32Array;
type TypedCtor = { new (n: number): TypedArray };

/** A copy of `a` with room for `capacity` elements (fewer than it has: the first `capacity` of them). */
export function grow<T extends TypedArray>(a: T, capacity: number): T {
  const b = new (a.constructor as new (n: number) => T)(capacity);
  b.set(a.length > capacity ? a.subarray(0, capacity) : a);
  return b;
}

/** A typed array that grows by doubling; `done()` returns an exact-length copy with its own buffer. */
export class Growable<T extends TypedArray> {
  private data: T;
  length = 0;

  constructor(ctor: { new (n: number): T }) {
    this.data = new ctor(64);
  }

  push(v: number): void {
    if (this.length === this.data.length) this.data = grow(this.data, this.data.length * 2);
    this.data[this.length++] = v;
  }

  done(): T {
    return this.data.slice(0, this.length) as T;
  }
}

/** The columns of a set by name, each with its typed-array constructor: `{ time: Float64Array, frame: Uint32Array }`. */
export type ColumnSchema = Record<string, TypedCtor>;
/** The arrays of a schema's columns (their doc comments carry over from the schema). */
export type ColumnsOf<S extends ColumnSchema> = { -readonly [K in keyof S]: InstanceType<S[K]> };

/** Each column of `schema` allocated with room for `capacity` rows. */
export function allocColumns<S extends ColumnSchema>(schema: S, capacity: number): ColumnsOf<S> {
  const out = {} as Record<string, TypedArray>;
  for (const name in schema) out[name] = new schema[name](capacity);
  return out as ColumnsOf<S>;
}

/** Replace each column of `schema` in `target` by a copy with room for `capacity` rows. */
export function growColumns<S extends ColumnSchema>(target: ColumnsOf<S>, schema: S, capacity: number): void {
  const t = target as Record<string, TypedArray>;
  for (const name in schema) t[name] = grow(t[name], capacity);
}

/**
 * A base class whose instances hold each column of `schema` as a field (`p.seq[i]` in hot loops),
 * allocated with room for `capacity` rows; grow them with `growColumns(this, schema, n)`.
 */
export function columnFields<S extends ColumnSchema>(schema: S): new (capacity: number) => ColumnsOf<S> {
  return class {
    constructor(capacity: number) {
      Object.assign(this, allocColumns(schema, capacity));
    }
  } as unknown as new (capacity: number) => ColumnsOf<S>;
}

/**
 * Rows of parallel columns written one row at a time: `next()` makes room (all columns grow
 * together, by doubling) and returns the row index to fill through `columns`, which stays the same
 * object while its arrays are replaced. `done()` returns exact-length copies with their own buffers.
 */
export class ColumnSet<S extends ColumnSchema> {
  length = 0;
  readonly columns: ColumnsOf<S>;
  private capacity: number;

  constructor(
    private readonly schema: S,
    capacity = 64,
  ) {
    this.columns = allocColumns(schema, capacity);
    this.capacity = capacity;
  }

  /** Room for one more row; returns its index. */
  next(): number {
    if (this.length === this.capacity) {
      this.capacity *= 2;
      growColumns(this.columns, this.schema, this.capacity);
    }
    return this.length++;
  }

  /** Append one row: a value for each column. */
  push(row: { [K in keyof S]: number }): void {
    const k = this.next();
    const columns = this.columns as Record<string, TypedArray>;
    for (const name in this.schema) columns[name][k] = row[name];
  }

  done(): ColumnsOf<S> {
    const out = {} as Record<string, TypedArray>;
    const columns = this.columns as Record<string, TypedArray>;
    for (const name in this.schema) out[name] = columns[name].slice(0, this.length);
    return out as ColumnsOf<S>;
  }
}
