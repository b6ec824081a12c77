/**
 * What "Attach…" offers, as plain data (no `vscode` here, so the rules are unit-tested): the commands
 * from the `tcpFlowLens.liveSources` setting, checked; a socket address typed by the user, checked;
 * the `ss` sampling setting; the recent sources list; and the command line a confirmation shows.
 */
import type { LiveSpec, SsSamplingSpec } from '../../core/live/types';

/** One entry of the `tcpFlowLens.liveSources` setting. */
export interface ConfiguredSource {
  label: string;
  command: string;
  args: string[];
}

/** The setting's entries that are well formed, and one reason per entry that is not (index, why). */
export function configuredSources(setting: unknown): { sources: ConfiguredSource[]; problems: string[] } {
  const sources: ConfiguredSource[] = [];
  const problems: string[] = [];
  if (setting === undefined || setting === null) return { sources, problems };
  if (!Array.isArray(setting)) return { sources, problems: ['tcpFlowLens.liveSources is not a list'] };
  setting.forEach((entry: unknown, i) => {
    const e = entry as Partial<ConfiguredSource> | null;
    const where = `tcpFlowLens.liveSources[${i}]`;
    if (!e || typeof e !== 'object') return problems.push(`${where} is not an object`);
    if (typeof e.command !== 'string' || e.command.trim() === '') return problems.push(`${where}: "command" must be a program name or path`);
    const args = e.args ?? [];
    if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) return problems.push(`${where}: "args" must be a list of strings`);
    const label = typeof e.label === 'string' && e.label.trim() ? e.label.trim() : commandLine(e.command, args);
    sources.push({ label, command: e.command, args });
  });
  return { sources, problems };
}

/**
 * `tcp:HOST:PORT` (IPv6 in brackets) or `unix:PATH` (a named pipe on Windows: `unix:\\.\pipe\NAME`),
 * as the user types it: the spec's address, or the reason it is not one.
 */
export function checkSocketAddress(text: string): { address: string } | { error: string } {
  const value = text.trim();
  if (value.startsWith('unix:')) {
    return value.length > 'unix:'.length ? { address: value } : { error: 'unix: needs a path, e.g. unix:/run/nat/trace.sock' };
  }
  if (!value.startsWith('tcp:')) return { error: 'Type tcp:HOST:PORT or unix:PATH' };
  const m = /^tcp:(\[[0-9a-fA-F:.]+\]|[^:[\]\s]+):(\d+)$/.exec(value);
  if (!m) return { error: 'tcp: needs a host and a port, e.g. tcp:127.0.0.1:9000 or tcp:[::1]:9000' };
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return { error: `Port ${m[2]} is out of range (1–65535)` };
  return { address: value };
}

/** `tcpFlowLens.ssSampling`: null when off or malformed (the reason in `problem`). */
export function ssSampling(setting: unknown): { spec: SsSamplingSpec | null; problem?: string } {
  if (setting === undefined || setting === null) return { spec: null };
  const s = setting as { prefix?: unknown; intervalMs?: unknown };
  if (typeof s !== 'object') return { spec: null, problem: 'tcpFlowLens.ssSampling must be an object' };
  const prefix = s.prefix ?? [];
  if (!Array.isArray(prefix) || !prefix.every((p) => typeof p === 'string')) return { spec: null, problem: 'tcpFlowLens.ssSampling.prefix must be a list of strings' };
  const intervalMs = s.intervalMs ?? 200;
  if (typeof intervalMs !== 'number' || !Number.isFinite(intervalMs) || intervalMs < 20) return { spec: null, problem: 'tcpFlowLens.ssSampling.intervalMs must be a number of milliseconds, at least 20' };
  return { spec: { ...(prefix.length ? { prefix } : {}), intervalMs } };
}

/** A command line as a confirmation shows it: arguments with spaces or quotes quoted, so what runs is what is read. */
export function commandLine(command: string, args: readonly string[]): string {
  const quote = (a: string) => (a === '' || /[\s'"\\$`|&;<>()*?]/.test(a) ? `'${a.replaceAll("'", `'\\''`)}'` : a);
  return [command, ...args].map(quote).join(' ');
}

/** What the sampler runs after the prefix (core/live/ssSampler.ts SS_ARGS). */
const SS_ARGS = ['ss', '-n', '-tinm'];

/** The command line `ss` sampling runs (after its prefix, if any). */
export function ssCommandLine(spec: SsSamplingSpec): string {
  const [command, ...args] = [...(spec.prefix ?? []), ...SS_ARGS];
  return commandLine(command, args);
}

/** Whether a spec starts a process or opens a socket: refused in an untrusted workspace. */
export function needsTrust(spec: LiveSpec, ss: SsSamplingSpec | null): boolean {
  return spec.kind === 'command' || spec.kind === 'socket' || spec.kind === 'stdin' || ss !== null;
}

/** What a session is called: in the editor's title, the status bar and the recent list. */
export function sourceTitle(spec: LiveSpec): string {
  switch (spec.kind) {
    case 'command':
      return spec.label;
    case 'file':
      return spec.path.split(/[\\/]/).pop() || spec.path;
    case 'socket':
      return spec.address;
    case 'stdin':
      return 'standard input';
  }
}

/** A recent source, as kept in globalState. */
export interface RecentSource {
  spec: LiveSpec;
  ss: boolean;
}

const RECENT_MAX = 8;

/** `recent` with `added` first, without an earlier copy of it, at most RECENT_MAX long. */
export function addRecent(recent: readonly RecentSource[], added: RecentSource): RecentSource[] {
  const key = JSON.stringify(added.spec);
  return [added, ...recent.filter((r) => JSON.stringify(r.spec) !== key)].slice(0, RECENT_MAX);
}

/**
 * The recent sources that may still be offered: a command only while the setting still lists it
 * (commands come from settings, never from anything else), a file or socket always.
 */
export function usableRecents(recent: unknown, configured: readonly ConfiguredSource[]): RecentSource[] {
  if (!Array.isArray(recent)) return [];
  const listed = new Set(configured.map((c) => JSON.stringify([c.label, c.command, c.args])));
  return recent.filter((r: RecentSource) => {
    const spec = r?.spec;
    if (!spec || typeof spec !== 'object') return false;
    if (spec.kind === 'command') return listed.has(JSON.stringify([spec.label, spec.command, spec.args]));
    if (spec.kind === 'file') return typeof spec.path === 'string';
    if (spec.kind === 'socket') return typeof spec.address === 'string' && 'address' in checkSocketAddress(spec.address);
    return false;
  });
}
