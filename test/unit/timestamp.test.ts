/** splitTimestamp: 64-bit pcapng timestamps to (seconds, nanoseconds), checked against BigInt. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { splitTimestamp, ts, unitsPerSecond } from '../../src/core/capture/timestamp';
import { Random } from '../support/random';

const NS = 1_000_000_000n;
const U64_MAX = (1n << 64n) - 1n;

/** What splitTimestamp must give: whole seconds, and the nanoseconds truncated. */
function reference(units: bigint, perSecond: bigint): [number, number] {
  return [Number(units / perSecond), Number(((units % perSecond) * NS) / perSecond)];
}

function split(units: bigint, perSecond: number): [number, number] {
  splitTimestamp(Number(units >> 32n), Number(units & 0xffffffffn), perSecond);
  return [ts.sec, ts.nsec];
}

function gcd(a: bigint, b: bigint): bigint {
  return b === 0n ? a : gcd(b, a % b);
}

/** x with a·x ≡ 1 (mod m), for a coprime to m. */
function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1, s0, s1] = [a % m, m, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return ((s0 % m) + m) % m;
}

/**
 * Remainders r < d whose r·10^9 / d falls as short of the next whole nanosecond as possible: where
 * a rounded product (instead of an exact one) would carry into the next nanosecond.
 */
function hardestRemainders(d: bigint): bigint[] {
  const g = gcd(NS, d);
  const m = d / g;
  if (m === 1n) return [d - 1n];
  // r·(10^9/g) ≡ -1 (mod d/g) makes r·10^9 mod d = d - g, the largest it can be.
  const r0 = (m - modInverse((NS / g) % m, m)) % m;
  return [r0, r0 + (g / 2n) * m, r0 + (g - 1n) * m];
}

const RESOLUTIONS = [
  ...Array.from({ length: 10 }, (_, n) => ({ name: `10^-${n}`, perSecond: 10 ** n })),
  ...Array.from({ length: 40 }, (_, i) => ({ name: `2^-${i + 1}`, perSecond: 2 ** (i + 1) })),
];

describe('splitTimestamp', () => {
  for (const { name, perSecond } of RESOLUTIONS) {
    const d = BigInt(perSecond);

    it(`${name} s: random 64-bit values match BigInt division`, () => {
      const random = new Random(perSecond % 0x7fffffff);
      for (let i = 0; i < 400; i++) {
        // Half uniform over 64 bits, half around today's epoch where real captures are (when 64 bits reach it).
        const sec = BigInt(1_700_000_000 + random.int(2 ** 30)) % (U64_MAX / d);
        const units = i % 2 === 0 ? random.u64() : sec * d + (random.u64() % d);
        assert.deepEqual(split(units, perSecond), reference(units, d), `${units} units`);
      }
    });

    it(`${name} s: edge values match BigInt division`, () => {
      const edges = [0n, 1n, d - 1n, d, d + 1n, 0xffffffffn, 1n << 32n, (1n << 53n) - 1n, 1n << 53n, U64_MAX - 1n, U64_MAX];
      for (const r of hardestRemainders(d)) edges.push(r, 1_700_000_000n * d + r, (U64_MAX / d - 1n) * d + r);
      for (const units of edges.filter((u) => u >= 0n && u <= U64_MAX)) {
        assert.deepEqual(split(units, perSecond), reference(units, d), `${units} units`);
      }
    });
  }

  it('never reports 10^9 or more nanoseconds', () => {
    for (const { perSecond } of RESOLUTIONS) {
      const d = BigInt(perSecond);
      split(1_700_000_000n * d + d - 1n, perSecond);
      assert.ok(ts.nsec < 1e9 && Number.isInteger(ts.nsec), `${perSecond}: ${ts.nsec}`);
    }
  });
});

describe('unitsPerSecond', () => {
  it('reads if_tsresol as 10^n or 2^n units per second', () => {
    assert.equal(unitsPerSecond(10, 6), 1_000_000);
    assert.equal(unitsPerSecond(10, 9), 1e9);
    assert.equal(unitsPerSecond(2, 20), 1_048_576);
    assert.equal(unitsPerSecond(10, 0), 1);
  });
});
