// A live source for the e2e tests: writes a classic pcap to stdout the way `tcpdump -U -w -` does,
// its header at once and then a few records every tick, and stays running (like a capture that
// sees no more traffic) until it is stopped.
//   node slowCapture.mjs CAPTURE.pcap [RECORDS_PER_TICK] [TICK_MS]
import { readFileSync } from 'node:fs';

const [path, perTick = '6', tickMs = '100'] = process.argv.slice(2);
const bytes = readFileSync(path);
const records = [];
for (let o = 24; o + 16 <= bytes.length; ) {
  const end = o + 16 + bytes.readUInt32LE(o + 8);
  records.push(bytes.subarray(o, end));
  o = end;
}
process.stdout.write(bytes.subarray(0, 24));
let next = 0;
const timer = setInterval(() => {
  if (next >= records.length) return clearInterval(timer) || setInterval(() => {}, 1 << 30);
  process.stdout.write(Buffer.concat(records.slice(next, next + Number(perTick))));
  next += Number(perTick);
}, Number(tickMs));
process.on('SIGTERM', () => process.exit(0));
