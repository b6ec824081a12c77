#!/usr/bin/env node
// Baseline for the benchmark: iterate a classic pcap with pcap-parser (0.2.x) and count its 'packet' events.
// No decoding at all, so this is a lower bound for any analyzer built on that library.
// usage: node bench/pcap-parser-iterate.cjs FILE.pcap   -> prints the packet count on stdout
'use strict';
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS script by design (the library is CommonJS)
const pcapParser = require('pcap-parser');

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node bench/pcap-parser-iterate.cjs FILE.pcap\n');
  process.exit(1);
}
let count = 0;
const parser = pcapParser.parse(file);
parser.on('packet', () => {
  count++;
});
parser.on('error', (err) => {
  process.stderr.write(`pcap-parser: ${err.message}\n`);
  process.exitCode = 2;
});
parser.on('end', () => {
  process.stdout.write(`${count}\n`);
});
