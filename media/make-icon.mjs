// Draws media/icon.png (128×128): a TCP sequence staircase that stalls on a plateau (the zero-window
// stall this extension points at), marked in amber. Raw RGBA, PNG-encoded with node:zlib; no
// dependencies. Run: node media/make-icon.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const rgba = new Float64Array(SIZE * SIZE * 4);

/** Source-over blend of a colour at coverage `alpha` (0..1) into pixel (x, y). */
function blend(x, y, [r, g, b], alpha) {
  if (x < 0 || y < 0 || x >= SIZE || y >= SIZE || alpha <= 0) return;
  const i = (y * SIZE + x) * 4;
  const a0 = rgba[i + 3];
  const a = alpha + a0 * (1 - alpha);
  for (const [k, c] of [[0, r], [1, g], [2, b]]) rgba[i + k] = (c * alpha + rgba[i + k] * a0 * (1 - alpha)) / a;
  rgba[i + 3] = a;
}

/** Fill every pixel whose centre's signed distance `sdf(px, py)` is negative, antialiased over one pixel. */
function fill(sdf, colour) {
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) blend(x, y, colour, Math.min(1, Math.max(0, 0.5 - sdf(x + 0.5, y + 0.5))));
  }
}

const roundedRect = (x0, y0, x1, y1, r) => (px, py) => {
  const qx = Math.max(x0 + r - px, px - (x1 - r), 0);
  const qy = Math.max(y0 + r - py, py - (y1 - r), 0);
  const inside = Math.min(Math.max(x0 + r - px, px - (x1 - r), y0 + r - py, py - (y1 - r)), 0);
  return Math.hypot(qx, qy) + inside - r;
};

/** Distance to a polyline, minus half the stroke width. */
const polyline = (points, width) => (px, py) => {
  let best = Infinity;
  for (let i = 1; i < points.length; i++) {
    const [ax, ay] = points[i - 1];
    const [bx, by] = points[i];
    const dx = bx - ax;
    const dy = by - ay;
    const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
    best = Math.min(best, Math.hypot(px - ax - t * dx, py - ay - t * dy));
  }
  return best - width / 2;
};

const background = [30, 41, 59];
const grid = [71, 85, 105];
const sequence = [56, 189, 248];
const stall = [251, 191, 36];

fill(roundedRect(4, 4, 124, 124, 22), background);
for (const y of [40, 64, 88]) fill(polyline([[20, y], [108, y]], 1.5), grid);
// The stall: a band over the plateau where the window was closed.
fill(roundedRect(54, 22, 82, 106, 4), [...stall.map((c) => c * 0.35 + background[0] * 0.2)]);
fill(polyline([[20, 100], [34, 100], [34, 84], [46, 84], [46, 68], [58, 68], [80, 68], [80, 50], [92, 50], [92, 32], [108, 32]], 7), sequence);
fill(polyline([[58, 68], [80, 68]], 7), stall);

// PNG: signature, IHDR, one IDAT (filter byte 0 per row), IEND.
const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
  raw[y * (SIZE * 4 + 1)] = 0;
  for (let x = 0; x < SIZE * 4; x++) {
    const i = y * SIZE * 4 + x;
    const v = x % 4 === 3 ? rgba[i] * 255 : rgba[i];
    raw[y * (SIZE * 4 + 1) + 1 + x] = Math.round(Math.max(0, Math.min(255, v)));
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // colour type: RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(new URL('./icon.png', import.meta.url), png);
console.log(`media/icon.png: ${png.length} bytes`);
