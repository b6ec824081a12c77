/** The limited-by line(s) `analyze` prints per flow, and the kernel's own totals beside ours when `ss` samples gave them. */
import type { BusySplit } from '../core/analysis/kernelLimits';
import type { FlowSummary } from '../core/summary';

const NAMES: Record<keyof Omit<BusySplit, 'busy'>, string> = { receiverWindow: 'receiver window', network: 'network', sendBuffer: 'send buffer' };

/** "flow 3 a→b limited by receiver window 96 % of busy (3.7 s owed) · network 3 % · send buffer 1 %; busy 3.90 s, application 0.20 s, idle 0.57 s". */
export function limitLines(f: FlowSummary): string[] {
  const l = f.limitedBy;
  if (!l) return [];
  const head = `flow ${f.id} ${l.direction}`;
  const rest = `application ${l.sender.application.toFixed(2)} s, idle ${l.idle.toFixed(2)} s`;
  if (l.busy <= 0) return [`${head} never busy: ${rest}`];
  const parts = shares({ busy: l.busy, receiverWindow: l.receiverWindow, network: l.network, sendBuffer: l.sender.sendBuffer });
  const owed = l.owed > 0 ? ` (${l.owed.toFixed(l.owed < 1 ? 3 : 1)} s owed)` : '';
  const [first, ...others] = parts.map(([key, text]) => (key === 'receiverWindow' ? `${text}${owed}` : text));
  const out = [`${head} limited by ${first.replace(' %', ' % of busy')}${others.length ? ` · ${others.join(' · ')}` : ''}; busy ${l.busy.toFixed(2)} s, ${rest}`];
  if (l.vantage.near !== 'sender' && l.vantage.errorBound >= 0.001) out.push(`  capture point ${l.vantage.near === 'receiver' ? 'near the receiver' : 'not known from the handshake'}: instants may be off by up to ${ms(l.vantage.errorBound)}`);
  const k = l.kernel;
  if (k) {
    const theirs = shares(k).map(([, text]) => text).join(' · ');
    const d = k.difference;
    const diff = (['busy', 'receiverWindow', 'network', 'sendBuffer'] as const).map((key) => `${key === 'busy' ? 'busy' : NAMES[key]} ${signed(d[key])} s (${signed((100 * d[key]) / Math.max(k.busy, 1e-9), 1)} % of busy)`);
    out.push(`  kernel (ss, ${k.samples} samples): busy ${k.busy.toFixed(2)} s, ${theirs}`);
    out.push(`  ours − kernel: ${diff.join(', ')}`);
  }
  return out;
}

/** The busy parts, largest first, as "network 3 %". */
function shares(s: BusySplit): [keyof typeof NAMES, string][] {
  return (Object.keys(NAMES) as (keyof typeof NAMES)[])
    .map((key) => [key, s[key] / Math.max(s.busy, 1e-9)] as const)
    .sort((x, y) => y[1] - x[1])
    .map(([key, share]) => [key, `${NAMES[key]} ${percent(share)} %`]);
}

function percent(share: number): string {
  if (share > 0 && share < 0.01) return '<1';
  return String(Math.round(share * 100));
}

function signed(v: number, digits = 3): string {
  const t = v.toFixed(digits);
  return Number(t) === 0 ? t.replace('-', '') : v > 0 ? `+${t}` : t;
}

function ms(seconds: number): string {
  return seconds < 1 ? `${(seconds * 1000).toFixed(1)} ms` : `${seconds.toFixed(2)} s`;
}
