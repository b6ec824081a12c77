/** Lane legends, notes (scale unknown, Recv-Q inferred) and the canvases' text alternatives. */
import type { NoteRow, SeriesResult, StallRow } from '../../src/protocol';
import { formatDuration } from '../format';
import { type Lane, type LaneId, setLegend, setNote } from './laneDom';

export function updateLegends(lanes: Lane[], data: SeriesResult | undefined): void {
  for (const lane of lanes) {
    const key = `${lane.id}:${data?.windowScale ?? ''}:${data?.recvQ.source ?? ''}`;
    if (lane.element.dataset.legendKey === key) continue;
    lane.element.dataset.legendKey = key;
    if (lane.id === 'sequence') {
      setLegend(lane, [
        ['sw-data', 'data'],
        ['sw-ack', 'ACK'],
        ['sw-window', 'ACK + window'],
        ['sw-retrans', 'retransmission'],
        ['sw-probe', 'probe'],
        ['sw-oow', 'out of window'],
        ['sw-stall', 'stall (window < 1 segment)'],
        ['sw-owed', 'update owed'],
        ['sw-note', 'note'],
      ]);
      setNote(lane, '');
    } else if (lane.id === 'window') {
      setLegend(lane, [
        ['sw-window', 'advertised window'],
        ['sw-data', 'bytes in flight'],
        ['sw-threshold', '1 segment'],
        ['sw-zero', 'zero window'],
      ]);
      const scale = data?.windowScale;
      if (scale === 'unknown') setNote(lane, 'Window scale unknown (handshake not captured): raw 16-bit values, dashed', 'warning');
      else if (scale === 'inferred') setNote(lane, 'Window scale inferred from the data: dotted', 'info');
      else if (scale === 'assumed') setNote(lane, "Window scale assumed: the NAT's log does not say (setting tcpFlowLens.natLog.windowScale): dotted", 'warning');
      else setNote(lane, '');
    } else {
      const measured = data && data.recvQ.source !== 'inferred';
      setLegend(lane, [[measured ? 'sw-recvq' : 'sw-recvq-inferred', measured ? `Recv-Q measured (${data.recvQ.source === 'ss' ? 'ss samples' : "from the NAT's trace"})` : 'Recv-Q inferred']]);
      setNote(lane, data && !measured ? 'Inferred from the capture (largest window − current window); no ss samples or NAT trace' : '', 'info');
    }
  }
}

/** What a screen reader hears for each lane canvas; the flow list and findings panel carry the details. */
export function describeLanes(id: LaneId, data: SeriesResult | undefined, stalls: StallRow[], notes: readonly NoteRow[] = []): string {
  const text = describeLane(id, data, stalls);
  return notes.length === 0 ? text : `${text}; ${notes.length} note${notes.length === 1 ? '' : 's'} (${notes.map((n) => n.label).join(', ')})`;
}

function describeLane(id: LaneId, data: SeriesResult | undefined, stalls: StallRow[]): string {
  const owed = stalls.filter((s) => s.owed);
  const stallText = stalls.length === 0 ? 'no stalls' : `${stalls.length} stall${stalls.length === 1 ? '' : 's'} totalling ${formatDuration(stalls.reduce((a, s) => a + s.end - s.start, 0))}`;
  const owedText = owed.length === 0 ? 'no owed window updates' : `${owed.length} owed window update${owed.length === 1 ? '' : 's'}`;
  if (!data) return `${id} lane, loading; ${stallText}, ${owedText}`;
  switch (id) {
    case 'sequence':
      return `Sequence lane: ${data.segments.time.length} data segments shown, ACK and window lines; ${stallText}, ${owedText}`;
    case 'window':
      return `Window lane: advertised window (${data.windowScale === 'unknown' ? 'raw, scale unknown' : data.windowScale}), bytes in flight, stall threshold (one segment of the sender's) ${data.threshold} bytes`;
    default:
      return `Recv-Q lane: ${data.recvQ.source === 'inferred' ? 'inferred' : 'measured'} receive queue, ${data.recvQ.time.length} points`;
  }
}
