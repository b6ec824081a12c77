/**
 * The hover tooltip: what the series knows about the packet at once (frame, time, seq, len), then
 * the rest (ack, window, TCP and analysis flags) when the host's packet details arrive; plus the
 * lane's value at that instant and, inside a stall, the episode and any owed update.
 */
import type { MarkerKind, PacketDetails, StallRow } from '../../src/protocol';
import { h } from '../dom';
import { formatCount, formatDuration, formatInstant } from '../format';
import type { Theme } from '../theme';
import { markerStyle } from './draw';
import type { Hit } from './hit';

export interface TooltipContext {
  hit: Hit | null;
  details: PacketDetails | null;
  /** The lane's own reading at the pointer's time, e.g. "window 0 B · in flight 2,896 B". */
  reading: string | null;
  stall: StallRow | null;
  time: number;
}

export class Tooltip {
  readonly element = h('div', { class: 'tooltip', role: 'tooltip', id: 'timeline-tooltip', hidden: '' });

  constructor(private readonly theme: () => Theme) {}

  hide(): void {
    this.element.hidden = true;
    delete this.element.dataset.frame;
  }

  show(ctx: TooltipContext, left: number, top: number, bounds: { width: number; height: number }): void {
    this.showLines(this.lines(ctx), left, top, bounds, ctx.hit?.frame);
  }

  /** Shows prepared lines at (left, top) in the timeline's coordinates (the limited-by strip's tooltip). */
  showLines(lines: HTMLElement[], left: number, top: number, bounds: { width: number; height: number }, frame?: number): void {
    if (lines.length === 0) return this.hide();
    this.element.replaceChildren(...lines);
    if (frame !== undefined) this.element.dataset.frame = String(frame);
    else delete this.element.dataset.frame;
    this.element.hidden = false;
    // Keep it inside the timeline: flip to the pointer's left/top near the edges.
    const w = this.element.offsetWidth;
    const hgt = this.element.offsetHeight;
    const x = left + 14 + w > bounds.width ? left - 14 - w : left + 14;
    const y = top + 14 + hgt > bounds.height ? Math.max(0, top - 14 - hgt) : top + 14;
    this.element.style.left = `${Math.max(0, x)}px`;
    this.element.style.top = `${y}px`;
  }

  private lines(ctx: TooltipContext): HTMLElement[] {
    const out: HTMLElement[] = [];
    const { hit, details } = ctx;
    if (hit && hit.count > 1) {
      out.push(h('div', { class: 'tt-title' }, `${formatCount(hit.count)} segments in this pixel column`));
      out.push(h('div', {}, `from frame ${hit.frame} · seq ${formatCount(hit.seq)}–${formatCount(hit.end)}`));
      out.push(h('div', { class: 'muted' }, 'Zoom in to pick one packet.'));
    } else if (hit) {
      out.push(h('div', { class: 'tt-title' }, `Frame ${hit.frame}`, h('span', { class: 'muted' }, ` · ${formatInstant(details?.time ?? hit.time)}`)));
      const len = details?.len ?? hit.end - hit.seq;
      out.push(row('seq', `${formatCount(details?.seq ?? hit.seq)}`, 'len', formatCount(len)));
      if (details) {
        out.push(row('ack', formatCount(details.ack), 'win', `${formatCount(details.win)} (raw ${formatCount(details.winRaw)})`));
        out.push(row('flags', details.tcpFlags || '—'));
        if (details.flags.length > 0) out.push(h('div', { class: 'tt-flags' }, details.flags.join(', ')));
        const extra: string[] = [];
        if (details.bytesInFlight !== null) extra.push(`in flight ${formatCount(details.bytesInFlight)} B`);
        if (details.rtt !== null) extra.push(`RTT ${(details.rtt * 1000).toFixed(3)} ms`);
        if (extra.length) out.push(h('div', { class: 'muted' }, extra.join(' · ')));
      } else {
        out.push(h('div', { class: 'muted' }, 'ack, win, flags…'));
      }
      if (hit.marker !== undefined) {
        const style = markerStyle(hit.marker as MarkerKind, this.theme());
        if (style) out.push(h('div', { class: 'tt-marker' }, style.label));
      }
    }
    if (ctx.reading) out.push(h('div', { class: 'tt-reading' }, ctx.reading));
    if (ctx.stall) out.push(...stallLines(ctx.stall));
    if (out.length > 0 && !hit) out.unshift(h('div', { class: 'tt-title' }, formatInstant(ctx.time)));
    return out;
  }
}

function row(k1: string, v1: string, k2?: string, v2?: string): HTMLElement {
  return h('div', { class: 'tt-row' }, h('span', { class: 'k' }, k1), ' ', h('span', { class: 'v' }, v1), k2 ? ' ' : null, k2 ? h('span', { class: 'k gap' }, k2) : null, k2 ? ' ' : null, v2 ? h('span', { class: 'v' }, v2) : null);
}

function stallLines(st: StallRow): HTMLElement[] {
  const lines = [h('div', { class: 'tt-stall' }, `Stall ${formatDuration(st.end - st.start)} · ${st.probes} probe${st.probes === 1 ? '' : 's'} · ended by ${st.endedBy.replace(/_/g, ' ')}`)];
  if (st.owed) lines.push(h('div', { class: 'tt-owed' }, `Update owed ${formatDuration(st.end - st.owed.moment)} (${st.owed.confidence} confidence)`));
  return lines;
}
