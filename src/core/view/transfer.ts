/**
 * Typed arrays cross threads as transferred ArrayBuffers. A view into a larger buffer would transfer
 * (and detach) all of it, so such views are sliced to their own buffer first.
 */

/** `value` with every typed array owning its whole buffer (sliced where it did not), and those buffers. */
export function forTransfer<T>(value: T): { value: T; transfer: ArrayBuffer[] } {
  const transfer = new Set<ArrayBuffer>();
  const out = walk(value, transfer) as T;
  return { value: out, transfer: [...transfer] };
}

function walk(value: unknown, transfer: Set<ArrayBuffer>): unknown {
  if (ArrayBuffer.isView(value)) {
    const view = value as Uint8Array;
    const owns = view.byteOffset === 0 && view.byteLength === view.buffer.byteLength && view.buffer instanceof ArrayBuffer && !transfer.has(view.buffer);
    const own = owns ? view : view.slice();
    transfer.add(own.buffer as ArrayBuffer);
    return own;
  }
  if (Array.isArray(value)) return value.map((v) => walk(v, transfer));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = walk(v, transfer);
    return out;
  }
  return value;
}
