/** The header's live line: what the editor is attached to and in which state, its rate, and what the bounded history dropped. */
import type { CaptureView, LiveState } from '../src/protocol';
import { h } from './dom';
import { formatCount, formatDuration } from './format';
import { icon } from './icons';

const STATE_TEXT: Record<LiveState['state'], string> = {
  connecting: 'connecting…',
  attached: 'attached',
  paused: 'paused',
  reconnecting: 'reconnecting…',
  ended: 'ended',
};

/** Packets as a short count: 950, 12,400, 1.2 M. */
function shortCount(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : formatCount(n);
}

/** The live line under the header, or null for a file read once. A file still being read says so too. */
export function renderLiveState(view: CaptureView): HTMLElement | null {
  const live = view.live;
  if (!live) return null;
  const parts: (HTMLElement | string)[] = [
    h('span', { class: 'live-badge' }, icon('pulse'), ' Live'),
    h('span', { class: 'live-status' }, STATE_TEXT[live.state]),
    h('span', { class: 'live-source', title: live.source }, live.source),
  ];
  if (live.state === 'attached') parts.push(h('span', { class: 'live-rate muted' }, `${formatCount(live.eventsPerSecond)} events/s`));
  if (live.message && live.message !== live.source) parts.push(h('span', { class: 'live-message muted' }, live.message));
  const open = live.gaps.filter((g) => g.end === null).length;
  if (live.gaps.length > 0) parts.push(h('span', { class: 'live-gaps muted' }, `${live.gaps.length} gap${live.gaps.length === 1 ? '' : 's'}${open ? ' (cut off now)' : ''}`));
  const line = h('div', { class: 'live-state', role: 'status', 'data-state': live.state }, ...parts);
  if (!live.dropped) return line;
  const dropped = h(
    'p',
    { class: 'live-dropped muted', 'data-before': String(live.dropped.before) },
    icon('info'),
    ` Data older than ${formatDuration(live.dropped.before)} into the session dropped (${shortCount(live.dropped.packets)} packets); flows, stalls and findings kept.`,
  );
  return h('div', { class: 'live' }, line, dropped);
}

/** A growing capture with no TCP flow yet: not "empty", just early. */
export function renderWaiting(view: CaptureView): HTMLElement {
  const what = view.packets === 0 ? 'Waiting for data…' : `${formatCount(view.packets)} packets so far, none of them TCP yet…`;
  return h('section', { class: 'state waiting', role: 'status' }, h('h2', {}, icon('pulse'), ' ', what), h('p', { class: 'muted' }, 'The flow list and timelines appear with the first TCP segment.'));
}
