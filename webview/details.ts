/** The packet details pane: everything the host knows about the packet clicked in the timelines. */
import type { PacketDetails } from '../src/protocol';
import { h } from './dom';
import { formatCount, formatInstant } from './format';

export class DetailsPanel {
  readonly element: HTMLElement;
  private readonly body = h('div', { class: 'details-body' });

  constructor() {
    this.element = h('section', { class: 'packet-details', 'aria-label': 'Packet details', 'aria-live': 'polite' }, h('div', { class: 'panel-bar' }, h('h2', {}, 'Packet')), this.body);
    this.clear();
  }

  clear(): void {
    this.element.removeAttribute('data-frame');
    this.body.replaceChildren(h('p', { class: 'muted' }, 'Click a packet in the timelines to see its details.'));
  }

  loading(frame: number): void {
    this.element.dataset.frame = String(frame);
    this.body.replaceChildren(h('p', { class: 'muted' }, `Frame ${frame}…`));
  }

  error(frame: number, message: string): void {
    this.body.replaceChildren(h('p', { class: 'request-error' }, `Frame ${frame}: ${message}`));
  }

  show(d: PacketDetails, endpoints: { from: string; to: string }): void {
    this.element.dataset.frame = String(d.frame);
    const fact = (label: string, value: string) => [h('dt', {}, label), h('dd', {}, value)];
    this.body.replaceChildren(
      h(
        'dl',
        {},
        ...fact('Frame', String(d.frame)),
        ...fact('Time', formatInstant(d.time)),
        ...fact('From', endpoints.from),
        ...fact('To', endpoints.to),
        ...fact('Seq', formatCount(d.seq)),
        ...fact('Ack', formatCount(d.ack)),
        ...fact('Len', formatCount(d.len)),
        ...fact('Window', `${formatCount(d.win)} B (raw ${formatCount(d.winRaw)})`),
        ...fact('TCP flags', d.tcpFlags || '—'),
        ...fact('Analysis', d.flags.length ? d.flags.join(', ') : '—'),
        ...fact('In flight', d.bytesInFlight === null ? '—' : `${formatCount(d.bytesInFlight)} B`),
        ...fact('ACK RTT', d.rtt === null ? '—' : `${(d.rtt * 1000).toFixed(3)} ms`),
        ...(d.engine?.reason ? fact('NAT sent it', d.engine.reason.replaceAll('_', ' ')) : []),
        ...(d.engine?.dropped ? fact('NAT dropped it', d.engine.dropped) : []),
        ...(d.engine && d.engine.recvq !== null ? fact("NAT's Recv-Q", `${formatCount(d.engine.recvq)} B`) : []),
      ),
    );
  }
}
