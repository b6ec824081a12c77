/** Exact conversion of 64-bit pcapng timestamps to (seconds, nanoseconds) without BigInt on the hot path. */

/** Result slots, reused: read them right after a call. */
export const ts = { sec: 0, nsec: 0 };

const TWO16 = 65536;
// Long division by 16-bit limbs stays exact while remainder * 2^16 < 2^53, i.e. divisor < 2^37.
const LIMB_SAFE_DIVISOR = 2 ** 37;

/**
 * Split the timestamp `hi * 2^32 + lo`, counted in units of 1/`unitsPerSecond` s, into whole
 * seconds and nanoseconds (truncated below 1 ns). Writes `ts.sec` and `ts.nsec`.
 */
export function splitTimestamp(hi: number, lo: number, unitsPerSecond: number): void {
  if (unitsPerSecond < LIMB_SAFE_DIVISOR && Number.isInteger(unitsPerSecond)) {
    const d = unitsPerSecond;
    const l3 = hi >>> 16, l2 = hi & 0xffff, l1 = lo >>> 16, l0 = lo & 0xffff;
    let r = 0;
    const q3 = Math.floor((r * TWO16 + l3) / d); r = r * TWO16 + l3 - q3 * d;
    const q2 = Math.floor((r * TWO16 + l2) / d); r = r * TWO16 + l2 - q2 * d;
    const q1 = Math.floor((r * TWO16 + l1) / d); r = r * TWO16 + l1 - q1 * d;
    const q0 = Math.floor((r * TWO16 + l0) / d); r = r * TWO16 + l0 - q0 * d;
    ts.sec = ((q3 * TWO16 + q2) * TWO16 + q1) * TWO16 + q0;
    if (d === 1e9) ts.nsec = r;
    else if (r * 1e9 <= Number.MAX_SAFE_INTEGER) ts.nsec = Math.floor((r * 1e9) / d);
    else ts.nsec = Number((BigInt(r) * 1_000_000_000n) / BigInt(d)); // resolutions finer than ~10^7 units/s
    return;
  }
  // Exotic resolutions (finer than ~7 ps): rare enough for BigInt.
  const v = (BigInt(hi) << 32n) | BigInt(lo);
  const d = BigInt(unitsPerSecond);
  ts.sec = Number(v / d);
  ts.nsec = Number(((v % d) * 1_000_000_000n) / d);
}

/** Units per second for an `if_tsresol` byte: MSB clear = 10^-n, set = 2^-n. */
export function unitsPerSecond(base: 10 | 2, exponent: number): number {
  return base === 10 ? 10 ** exponent : 2 ** exponent;
}
