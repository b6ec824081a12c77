/**
 * A flow's limited-by split as the flow list and the strip's tooltip show it (LimitShareRow): the
 * state that held longest outside idle and its share of that time, from the analysis' FlowLimits.
 */
import type { FlowLimits } from '../analysis/limitedBy';
import { LIMIT_STATES, type LimitShareRow, type LimitState } from '../../protocol';

export function limitShareRow(limits: FlowLimits | null | undefined): LimitShareRow | null {
  if (!limits) return null;
  let dominant: LimitState = 'idle';
  let active = 0;
  for (const s of LIMIT_STATES) {
    if (s === 'idle') continue;
    active += limits.seconds[s];
    // Strictly more: a tie goes to the earlier state, receiver window first.
    if (dominant === 'idle' ? limits.seconds[s] > 0 : limits.seconds[s] > limits.seconds[dominant]) dominant = s;
  }
  return {
    direction: limits.dir === 0 ? 'ab' : 'ba',
    dominant,
    share: active > 0 && dominant !== 'idle' ? limits.seconds[dominant] / active : 1,
    seconds: { ...limits.seconds },
    busy: limits.busy,
    owedSeconds: limits.owedSeconds,
  };
}
