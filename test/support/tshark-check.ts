/**
 * Cross-checks of scripted conversations (tcp-script.ts) against tshark 4.0.17: all scripts of a
 * test file go into one capture and one tshark run, then each test compares its packets.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { writePcap } from './capture-writer';
import type { Conversation, PacketResult, ScriptAnalysis } from './tcp-script';

/** tshark's flag fields, named as ours (flags.ts), so lists compare directly. */
const TSHARK_FLAGS = [
  'zero_window', 'zero_window_probe', 'zero_window_probe_ack', 'window_update', 'window_full', 'keep_alive', 'keep_alive_ack',
  'duplicate_ack', 'retransmission', 'fast_retransmission', 'spurious_retransmission', 'out_of_order', 'lost_segment', 'ack_lost_segment',
];
const TSHARK_VALUES = [
  'frame.number', 'tcp.window_size', 'tcp.window_size_scalefactor', 'tcp.analysis.bytes_in_flight', 'tcp.analysis.duplicate_ack_num',
  'tcp.analysis.ack_rtt', 'tcp.analysis.initial_rtt',
];
/** The oracle's preferences (captures/tools/oracle.py), all tshark defaults, stated so a user profile cannot change them. */
const TSHARK_PREFS = [
  'tcp.analyze_sequence_numbers:TRUE', 'tcp.relative_sequence_numbers:TRUE', 'tcp.track_bytes_in_flight:TRUE', 'tcp.bif_seq_based:FALSE',
  'tcp.calculate_timestamps:TRUE', 'tcp.default_window_scaling:-1', 'tcp.fastrt_supersedes_ooo:TRUE', 'tcp.reassemble_out_of_order:FALSE',
];

/** tshark's view of one packet, in the terms of PacketResult. */
export interface TsharkPacket {
  frame: number;
  flags: string[];
  win: number | null;
  /** tcp.window_size_scalefactor turned into a shift like ours: -1, -2, 0..14; -3 when absent (SYN). */
  winShift: number;
  bif: number | null;
  dupAck: number;
  ackRtt: number | null;
  initialRtt: number | null;
}

let tsharkPresent: boolean | undefined;

/** Why the tshark cross-check cannot run, or false when it can. With CI=true a missing tshark is an error. */
export function tsharkSkipReason(): string | false {
  tsharkPresent ??= spawnSync('tshark', ['--version']).status === 0;
  if (tsharkPresent) return false;
  if (process.env.CI === 'true') throw new Error('tshark is required when CI=true (the analysis tests cross-check against it)');
  return 'tshark not installed: cross-check with tshark skipped';
}

/**
 * The scripts of one test file, read by one tshark run: each script is a separate conversation
 * (its own port), so they can share a capture and tshark's per-conversation analysis keeps them
 * apart. Register scripts at module level, before the tests run.
 */
export class TsharkBatch {
  private readonly scripts: Conversation[] = [];
  private results: Map<Conversation, TsharkPacket[]> | undefined;

  /** Register a script for the batch run; returns it. */
  add<T extends Conversation>(c: T): T {
    if (this.results) throw new Error('register scripts before the first cross-check');
    if (this.scripts.some((s) => s.a === c.a && s.b === c.b)) throw new Error(`two scripts share ${c.a} ↔ ${c.b}`);
    this.scripts.push(c);
    return c;
  }

  /** tshark's rows for a registered script, renumbered from frame 1. */
  packets(c: Conversation): TsharkPacket[] {
    this.results ??= this.run();
    const rows = this.results.get(c);
    if (!rows) throw new Error('script not registered with this batch');
    return rows;
  }

  private run(): Map<Conversation, TsharkPacket[]> {
    const dir = mkdtempSync(join(tmpdir(), 'tfl-tshark-'));
    try {
      const file = join(dir, 'batch.pcap');
      writeFileSync(file, writePcap(this.scripts.flatMap((s) => s.frames), { nanos: true }));
      const fields = [...TSHARK_VALUES, ...TSHARK_FLAGS.map((f) => `tcp.analysis.${f}`)];
      const args = ['-n', '-r', file, ...TSHARK_PREFS.flatMap((p) => ['-o', p]), '-T', 'fields', '-E', 'occurrence=f'];
      const text = execFileSync('tshark', [...args, ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      const rows = text.split('\n').filter((l) => l !== '').map((l) => parseRow(l.split('\t')));
      const out = new Map<Conversation, TsharkPacket[]>();
      let at = 0;
      for (const s of this.scripts) {
        out.set(s, rows.slice(at, at + s.frames.length).map((r) => ({ ...r, frame: r.frame - at })));
        at += s.frames.length;
      }
      return out;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

function parseRow(v: string[]): TsharkPacket {
  const num = (s: string | undefined) => (s === undefined || s === '' ? null : Number(s));
  const factor = num(v[2]);
  return {
    frame: Number(v[0]),
    win: num(v[1]),
    winShift: factor === null ? -3 : factor < 0 ? factor : Math.log2(factor),
    bif: num(v[3]),
    dupAck: num(v[4]) ?? 0,
    ackRtt: num(v[5]),
    initialRtt: num(v[6]),
    flags: TSHARK_FLAGS.filter((_, k) => (v[TSHARK_VALUES.length + k] ?? '') !== ''),
  };
}

/** What to compare beyond the flags (which are always compared, on every packet). */
export type CrossCheckField = 'window' | 'bif' | 'dupAck' | 'ackRtt' | 'initialRtt';

/**
 * Subtest: tshark analyses the same capture and agrees with us on every packet's flags (ours
 * without persist_probe, which tshark does not have) and on the given fields. Skipped with a
 * message where tshark is absent; an error then when CI=true.
 */
export async function crossCheck(t: TestContext, batch: TsharkBatch, c: Conversation, ours: ScriptAnalysis, fields: CrossCheckField[] = []): Promise<void> {
  await t.test('agrees with tshark', { skip: tsharkSkipReason() }, () => {
    const theirs = batch.packets(c);
    assert.equal(theirs.length, ours.packets.length, 'tshark read the same number of packets');
    const ns = (s: number | null) => (s === null ? null : Math.round(s * 1e9));
    const pick = (p: PacketResult | TsharkPacket) => {
      const row: Record<string, unknown> = { frame: p.frame, flags: p.flags.filter((f) => f !== 'persist_probe') };
      if (fields.includes('window')) Object.assign(row, { win: p.win, winShift: p.winShift });
      if (fields.includes('bif')) row.bif = p.bif;
      if (fields.includes('dupAck')) row.dupAck = p.dupAck;
      if (fields.includes('ackRtt')) row.ackRtt = ns(p.ackRtt);
      return row;
    };
    assert.deepEqual(ours.packets.map(pick), theirs.map(pick));
    if (fields.includes('initialRtt')) {
      const shown = theirs.find((p) => p.initialRtt !== null)?.initialRtt ?? null;
      assert.equal(ns(ours.analysis.initialRtt), ns(shown), 'initial RTT');
    }
  });
}

/** Subtest: tshark flags exactly these frames (frame → flag names), whatever our analysis says. */
export async function tsharkFlags(t: TestContext, batch: TsharkBatch, c: Conversation, expected: Record<number, string[]>): Promise<void> {
  await t.test('tshark flags these frames', { skip: tsharkSkipReason() }, () => {
    const theirs: Record<number, string[]> = {};
    for (const p of batch.packets(c)) if (p.flags.length > 0) theirs[p.frame] = p.flags;
    assert.deepEqual(theirs, expected);
  });
}
