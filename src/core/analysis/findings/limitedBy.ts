/** `limited_by`: what held the data sender back, in one sentence (limitedBy.ts). */
import type { Flow } from '../../flows/flow';
import type { FlowLimits } from '../limitedBy';
import { side } from './common';
import type { Finding } from './index';

/** A flow busy for less than this says nothing worth a line (a request, a handshake's worth of data). */
const MIN_BUSY = 0.1;

const NAMES = { receiverWindow: 'receiver window', network: 'network', sendBuffer: 'send buffer' } as const;

/**
 * One finding per flow that was busy at least 100 ms: the busy state that held longest and its share
 * of the busy time, the other two, and the receiver-window time spent waiting for window updates that
 * were owed; first, when the sender spent more time with nothing to send than busy, that share. A warning when the receiver window dominated and updates were owed (the receiver's fault
 * to fix), else info. At the first data segment.
 */
export function limitedByFindings(flow: Flow, limits: FlowLimits | null | undefined): Finding[] {
  if (!limits || limits.busy < MIN_BUSY) return [];
  const p = flow.packets;
  let first = -1;
  for (let i = 0; i < p.length && first < 0; i++) if (p.dir[i] === limits.dir && p.len[i] > 0) first = i;
  if (first < 0) return [];
  const keys = (Object.keys(NAMES) as (keyof typeof NAMES)[]).sort((x, y) => limits.seconds[y] - limits.seconds[x]);
  const pct = (k: keyof typeof NAMES) => {
    const share = limits.seconds[k] / limits.busy;
    return share > 0 && share < 0.01 ? '<1 %' : `${Math.round(share * 100)} %`;
  };
  const [top, ...others] = keys;
  const owed = top === 'receiverWindow' && limits.owedSeconds > 0 ? `; ${limits.owedSeconds.toFixed(limits.owedSeconds < 1 ? 3 : 1)} s of it waiting for window updates that were owed` : '';
  const receiver = side(flow, limits.dir === 0 ? 1 : 0);
  const busy = `${limits.busy.toFixed(2)} s busy from frame ${p.frame[first]}; ${others.map((k) => `${NAMES[k]} ${pct(k)}`).join(', ')}`;
  const application = limits.seconds.application;
  // A sender mostly without data to send is the application's doing, whatever limited its bursts.
  const what =
    application > limits.busy
      ? `the sender had nothing to send ${Math.round((100 * application) / (application + limits.busy))} % of the time (application); when busy, ${NAMES[top]} limited ${pct(top)} (${busy})`
      : `${NAMES[top]} limited ${pct(top)} of the busy time (${busy})`;
  return [
    {
      kind: 'limited_by',
      flow: flow.id,
      time: p.time[first],
      frames: [p.frame[first]],
      severity: owed ? 'warning' : 'info',
      message: `${side(flow, limits.dir)} → ${receiver}: ${what}${owed}.`,
    },
  ];
}
