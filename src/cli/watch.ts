/**
 * `tcp-flow-lens watch SOURCE [--json] [--idle SECONDS] [--ss | --ss-prefix CMD] [--save FILE]`: attach
 * to a live source (a growing file, stdin, a TCP or Unix socket), print each stall, owed window update
 * and finding as the model detects it, and the `analyze` summary at the end. docs/live.md.
 */
import type { LiveSpec, SsSamplingSpec } from '../core/live/types';
import { attachModel } from '../core/live/attachModel';
import { CaptureModel, DEFAULT_LIVE_HISTORY, type ModelUpdate } from '../core/model/captureModel';
import { InputError, parseCommand, print, UsageError } from './common';
import { formatSummaryText } from './text';
import { eventJson, eventText } from './watchEvents';

const OPTIONS = {
  json: { type: 'boolean' },
  idle: { type: 'string' },
  ss: { type: 'boolean' },
  'ss-prefix': { type: 'string' },
  'ss-interval': { type: 'string' },
  save: { type: 'string' },
  'window-scale': { type: 'string' },
  'uptime-epoch': { type: 'string' },
  'update-ms': { type: 'string' },
} as const;

/** SOURCE as the user wrote it. */
export function watchSpec(source: string): LiveSpec {
  if (source === '-') return { kind: 'stdin' };
  if (/^(tcp|unix):/.test(source)) return { kind: 'socket', address: source };
  return { kind: 'file', path: source };
}

function positive(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} needs a positive number, not ${JSON.stringify(value)}`);
  return n;
}

export async function watchCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommand(argv, OPTIONS);
  if (positionals.length !== 1) throw new UsageError('watch takes one SOURCE: a file to follow, - for stdin, tcp:HOST:PORT or unix:PATH');
  const idleSeconds = positive('idle', values.idle);
  const windowScale = values['window-scale'] === undefined ? undefined : Number(values['window-scale']);
  if (windowScale !== undefined && !(Number.isInteger(windowScale) && windowScale >= 0 && windowScale <= 14)) throw new UsageError('--window-scale must be a whole number from 0 to 14');
  const uptimeEpoch = values['uptime-epoch'];
  if (uptimeEpoch !== undefined && !/^\d+(\.\d+)?$/.test(uptimeEpoch)) throw new UsageError('--uptime-epoch must be epoch seconds, e.g. 1796447449.25');
  const prefix = values['ss-prefix']?.trim().split(/\s+/).filter(Boolean);
  const ss: SsSamplingSpec | undefined = values.ss || prefix ? { prefix, intervalMs: positive('ss-interval', values['ss-interval']) ?? 500 } : undefined;
  const spec = watchSpec(positionals[0]);
  const name = spec.kind === 'stdin' ? 'stdin' : positionals[0];
  const json = values.json === true;

  // An endless stream keeps the default live history; its stalls and findings stay in the summary.
  const model = new CaptureModel({ name, consomme: { windowScale, uptimeEpoch }, history: DEFAULT_LIVE_HISTORY });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const onUpdate = (update: ModelUpdate) => {
    const now = Date.now() / 1000;
    const origin = model.ingest.flows.timeOrigin;
    const epoch0 = origin.sec + origin.nsec / 1e9;
    for (const e of update.events) {
      const flow = model.flows[e.flowId];
      out(json ? JSON.stringify(eventJson(e, flow, epoch0, now)) : eventText(e, flow));
    }
  };
  const session = attachModel(spec, model, {
    idleSeconds,
    ss,
    intervalMs: positive('update-ms', values['update-ms']) ?? 250,
    onUpdate,
    onStatus: (status, message) => {
      if (status === 'reconnecting' || status === 'attached') process.stderr.write(`tcp-flow-lens watch: ${status}${message ? `: ${message}` : ''}\n`);
    },
    onWarning: (message) => process.stderr.write(`tcp-flow-lens watch: warning: ${message}\n`),
    recordIn: values.save ? undefined : false,
  });
  // Ctrl-C ends the watch with the summary; a second one gives up at once.
  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(130);
    session.stop();
  };
  process.on('SIGINT', onSigint);
  const end = await session.done;
  process.removeListener('SIGINT', onSigint);
  if (spec.kind === 'stdin') process.stdin.destroy();

  let saved = '';
  if (values.save && session.recording) {
    try {
      const s = await session.recording.saveTo(values.save);
      saved = `session saved to ${s.path} (${s.format}, ${s.bytes} bytes in ${s.segments} stream${s.segments === 1 ? '' : 's'})`;
    } catch (err) {
      process.stderr.write(`tcp-flow-lens watch: cannot save the session to ${values.save}: ${(err as Error).message}\n`);
    } finally {
      session.recording.dispose();
    }
  }
  if (end.error && model.packets === 0) throw new InputError(end.reason);
  const summary = model.summary();
  if (json) await print(`${JSON.stringify({ event: 'end', reason: end.reason, error: end.error, ...(saved ? { saved: values.save } : {}), summary })}\n`);
  else await print(`\nwatch ended: ${end.reason}${saved ? `; ${saved}` : ''}\n${formatSummaryText(summary)}`);
  return end.error ? 2 : 0;
}
