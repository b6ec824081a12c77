/** Helpers the finding rules share. */
import type { Flow } from '../../flows/flow';

/** The endpoint of side `s` ('10.0.0.1:443'). */
export const side = (flow: Flow, s: 0 | 1) => (s === 0 ? flow.a : flow.b);
export const ms = (seconds: number) => `${(seconds * 1000).toFixed(0)} ms`;
