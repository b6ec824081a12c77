import type { Writable } from 'node:stream';
import type { CaptureIngest } from '../core/ingest';
import { formatEpoch } from '../core/summary';

/** Lines are batched into chunks of about this many bytes before writing. */
const BATCH_BYTES = 1 << 16;

/**
 * Print one JSON object per TCP packet in file order:
 * `{frame, flow, dir, time, epoch, seq, ack, len, winRaw, tcpFlags}` (dir 0 = a→b, 1 = b→a).
 */
export async function writePacketLines(ingest: CaptureIngest, out: Writable): Promise<void> {
  const flows = ingest.flows.flows;
  // Flows are filed in frame order already; merge them by frame number.
  const maxFrame = ingest.packets;
  const flowOf = new Int32Array(maxFrame + 1).fill(-1);
  const indexOf = new Uint32Array(maxFrame + 1);
  for (const flow of flows) {
    const p = flow.packets;
    for (let i = 0; i < p.length; i++) {
      flowOf[p.frame[i]] = flow.id;
      indexOf[p.frame[i]] = i;
    }
  }
  const origin = ingest.flows.timeOrigin;
  let batch = '';
  for (let frame = 1; frame <= maxFrame; frame++) {
    const id = flowOf[frame];
    if (id < 0) continue;
    const p = flows[id].packets;
    const i = indexOf[frame];
    const epoch = formatEpoch(origin.sec + p.secDelta[i], p.nsec[i]);
    batch += `{"frame":${frame},"flow":${id},"dir":${p.dir[i]},"time":${p.time[i].toFixed(9)},"epoch":"${epoch}","seq":${p.seq[i]},"ack":${p.ack[i]},"len":${p.len[i]},"winRaw":${p.winRaw[i]},"tcpFlags":${p.tcpFlags[i]}}\n`;
    if (batch.length >= BATCH_BYTES) {
      if (!(await write(out, batch))) return;
      batch = '';
    }
  }
  if (batch) await write(out, batch);
}

/** Write with backpressure; false when the reader went away (e.g. `| head`). */
function write(out: Writable, text: string): Promise<boolean> {
  return new Promise((resolve) => {
    const onError = () => resolve(false);
    out.once('error', onError);
    out.write(text, (err) => {
      out.off('error', onError);
      resolve(!err);
    });
  });
}
