/**
 * Seeded mutation fuzzing of both NAT trace readers → flow table → analysis → summary. Whatever the
 * lines, nothing throws, every skipped line is accounted for, and the answer does not depend on how
 * the input is cut into chunks.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeFlows } from '../../src/core/analysis/analyze';
import { summarizeCapture } from '../../src/core/summary';
import { ConsommeLogReader } from '../../src/core/trace/consomme';
import { NatTraceReader } from '../../src/core/trace/natTrace';
import { TraceIngest } from '../../src/core/trace/traceIngest';
import { Random } from '../support/random';

const SEED = 0x12c0de;
const MUTATIONS = 400;
const BUDGET_MS = 30_000;
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'nat-trace');

/** Tokens that tend to break parsers: wrong types, edges of ranges, broken quoting. */
const TOKENS = ['null', '-1', '4294967296', '1e400', '0x', '0xffffffffff', '"', '{', '}', '[]', ',', ':', '\\', '\u0000', '😀', 'NaN', '9007199254740993', '""', 'true', ' ', '\r', '-', '[::1]:0', '300.1.1.1:80', 'label="rst xmit"', 'flags="SYN"', 'window=0x0', 'SYN|ACK|FIN|RST'];

function mutate(lines: string[], rng: Random): string {
  const out = lines.slice();
  const edits = 1 + rng.int(6);
  for (let e = 0; e < edits; e++) {
    const k = rng.int(out.length);
    const line = out[k];
    const at = rng.int(line.length + 1);
    switch (rng.int(8)) {
      case 0: // flip a character
        out[k] = line.slice(0, at) + String.fromCharCode(rng.int(128)) + line.slice(at + 1);
        break;
      case 1: // cut the line
        out[k] = line.slice(0, at);
        break;
      case 2: // insert a token
        out[k] = line.slice(0, at) + rng.pick(TOKENS) + line.slice(at);
        break;
      case 3: // replace a number with a token
        out[k] = line.replace(/\d+/, rng.pick(TOKENS));
        break;
      case 4: // duplicate a line elsewhere (a retransmission, or a replayed event)
        out.splice(rng.int(out.length), 0, line);
        break;
      case 5: // swap two lines (events out of order, time going backwards)
        [out[k], out[(k + 1) % out.length]] = [out[(k + 1) % out.length], line];
        break;
      case 6: // drop a line
        out.splice(k, 1);
        break;
      default: // join two lines (a lost newline)
        out[k] = line + (out[k + 1] ?? '');
        out.splice(k + 1, 1);
    }
  }
  return out.join(rng.int(4) === 0 ? '\r\n' : '\n');
}

type Kind = 'trace' | 'log';

function run(kind: Kind, text: string, chunk: number) {
  const ingest = new TraceIngest();
  const reader = kind === 'trace' ? new NatTraceReader(ingest) : new ConsommeLogReader(ingest);
  for (let i = 0; i < text.length; i += chunk) reader.push(text.slice(i, i + chunk));
  reader.end();
  const analyses = analyzeFlows(ingest.flows, { engine: ingest.engines });
  const summary = summarizeCapture('fuzz', undefined, ingest.capture, analyses);
  return { lines: reader.lines, packets: ingest.capture.packets, malformed: ingest.problems.malformed, json: JSON.stringify(summary) };
}

describe('trace readers under mutated input', () => {
  for (const [kind, file] of [['trace', 'natbug-buggy.jsonl'], ['log', 'natbug-buggy.log']] as [Kind, string][]) {
    it(`${kind}: never throws, and chunking does not change the answer`, () => {
      const lines = readFileSync(join(FIXTURES, file), 'utf8').trimEnd().split('\n');
      const rng = new Random(SEED + kind.length);
      const started = Date.now();
      let n = 0;
      for (; n < MUTATIONS && Date.now() - started < BUDGET_MS; n++) {
        const text = mutate(lines, rng);
        const whole = run(kind, text, text.length || 1);
        assert.ok(whole.packets + whole.malformed <= whole.lines, `mutation ${n}: more packets and bad lines than lines`);
        const cut = run(kind, text, 1 + rng.int(300));
        assert.deepEqual(cut, whole, `mutation ${n}: chunking changed the result`);
      }
      assert.ok(n >= 50, `only ${n} mutations within the budget`);
    });
  }

  it('random bytes are lines like any other: counted, never fatal', () => {
    const rng = new Random(SEED);
    for (let k = 0; k < 50; k++) {
      const bytes = new Uint8Array(1 + rng.int(4000));
      for (let i = 0; i < bytes.length; i++) bytes[i] = rng.int(256);
      for (const kind of ['trace', 'log'] as Kind[]) {
        const ingest = new TraceIngest();
        const reader = kind === 'trace' ? new NatTraceReader(ingest) : new ConsommeLogReader(ingest);
        reader.push(bytes);
        reader.end();
        analyzeFlows(ingest.flows, { engine: ingest.engines });
      }
    }
  });
});
