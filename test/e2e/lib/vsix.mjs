// What a .vsix holds: its entries read from the zip's central directory (a .vsix is a zip), so that
// no unzip tool is needed.
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;

/** The zip's entries: `{ name, size }` with `size` uncompressed, `compressed` as stored. */
export function vsixEntries(path) {
  return centralDirectory(readFileSync(path), path).map(({ name, size, compressed }) => ({ name, size, compressed }));
}

/** One entry's contents (stored or deflated, the two methods vsce uses). */
export function readVsixEntry(path, name) {
  const zip = readFileSync(path);
  const entry = centralDirectory(zip, path).find((e) => e.name === name);
  if (!entry) throw new Error(`${name} is not in ${path}`);
  // The local header repeats name and extra field (its extra field may differ in length).
  const start = entry.local + 30 + zip.readUInt16LE(entry.local + 26) + zip.readUInt16LE(entry.local + 28);
  const data = zip.subarray(start, start + entry.compressed);
  if (entry.method === 0) return data;
  if (entry.method === 8) return inflateRawSync(data);
  throw new Error(`${name}: compression method ${entry.method} is not supported`);
}

function centralDirectory(zip, path) {
  // The end-of-central-directory record is in the last 22 + 65535 bytes (after it, only a comment).
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${path} is not a zip file`);
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  const entries = [];
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(offset) !== CENTRAL) throw new Error(`${path}: bad central directory entry at ${offset}`);
    const method = zip.readUInt16LE(offset + 10);
    const compressed = zip.readUInt32LE(offset + 20);
    const size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const local = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    entries.push({ name, size, compressed, method, local });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** A listing like `unzip -l`, sizes in KiB, largest first. */
export function formatListing(entries) {
  const width = Math.max(...entries.map((e) => e.name.length));
  return [...entries]
    .sort((a, b) => b.size - a.size)
    .map((e) => `  ${e.name.padEnd(width)}  ${(e.size / 1024).toFixed(1).padStart(8)} KiB`)
    .join('\n');
}
