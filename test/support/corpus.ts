/** Access to the shared capture corpus and its tshark oracle (../shared/captures). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const CORPUS_DIR = resolve(__dirname, '../../../shared/captures');
export const ORACLE_DIR = join(CORPUS_DIR, 'oracle');

export interface OracleStream {
  stream: number;
  a: string;
  b: string;
  first_frame: number;
  last_frame: number;
  frames_a_to_b: number;
  frames_b_to_a: number;
  bytes_a_to_b: number;
  bytes_b_to_a: number;
  payload_a_to_b: number;
  payload_b_to_a: number;
  wscale_shift_a: number | null;
  wscale_shift_b: number | null;
  mss_a: number | null;
  mss_b: number | null;
}

export interface Oracle {
  file: string;
  packets: number;
  tcp_packets: number;
  tshark_rc: number;
  tshark_stderr: string[];
  streams: OracleStream[];
  cols: string[];
  rows: unknown[][];
  rows_mode: 'all' | 'flagged';
}

/** True when the corpus is here; with CI=true a missing corpus is an error, not a skip. */
export function corpusAvailable(): boolean {
  const ok = existsSync(ORACLE_DIR);
  if (!ok && process.env.CI === 'true') throw new Error(`capture corpus missing at ${CORPUS_DIR} (required when CI=true)`);
  return ok;
}

/** Every oracle file with the capture it describes, skipping captures not present (big.pcap). */
export function oracleEntries(): { capture: string; oracle: Oracle }[] {
  return readdirSync(ORACLE_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const oracle = JSON.parse(readFileSync(join(ORACLE_DIR, f), 'utf8')) as Oracle;
      return { capture: join(CORPUS_DIR, oracle.file), oracle };
    })
    .filter((e) => existsSync(e.capture));
}

/** Our endpoint notation puts IPv6 addresses in brackets; tshark's does not. */
export function tsharkEndpoint(endpoint: string): string {
  const m = /^\[(.*)\]:(\d+)$/.exec(endpoint);
  return m ? `${m[1]}:${m[2]}` : endpoint;
}
