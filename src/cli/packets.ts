import type { Writable } from 'node:stream';
import type { FlowAnalysis } from '../core/analysis/analyze';
import { flagNames } from '../core/analysis/flags';
import type { CaptureIngest } from '../core/ingest';
import { formatEpoch } from '../core/summary';

/** Lines are batched into chunks of about this many bytes before writing. */
const BATCH_BYTES = 1 << 16;

/**
 * Print one JSON object per TCP packet in file order (dir 0 = a→b, 1 = b→a):
 * `{frame, flow, dir, time, epoch, seq, ack, len, winRaw, tcpFlags, win, winScale, bytesInFlight,
 * dupAckNum, rtt, flags}`, plus `comment` for a pcapng packet comment. `win` is the calculated window and `winScale` Wireshark's scale factor
 * (a multiplier; -1 unknown, -2 not used; null on SYN segments); `rtt` is the ACK RTT in seconds.
 */
export async function writePacketLines(ingest: CaptureIngest, analyses: readonly FlowAnalysis[], out: Writable): Promise<void> {
  const flows = ingest.flows.flows;
  // Flows are filed in frame order already; merge them by frame number.
  // A NAT trace's frames are its line numbers, which run past the packet count.
  let maxFrame = ingest.packets;
  for (const flow of flows) if (flow.lastFrame > maxFrame) maxFrame = flow.lastFrame;
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
    const a = analyses[id].analyzer.out;
    const i = indexOf[frame];
    const epoch = formatEpoch(origin.sec + p.secDelta(i), p.nsec[i]);
    const shift = a.winShift[i];
    const winScale = shift === -3 ? null : shift >= 0 ? 2 ** shift : shift;
    const bif = a.bytesInFlight[i] >= 0 ? a.bytesInFlight[i] : null;
    const ackRtt = a.ackRtt(i);
    const rtt = Number.isNaN(ackRtt) ? null : ackRtt.toFixed(9);
    const flags = a.flags[i] ? `"${flagNames(a.flags[i]).join('","')}"` : '';
    batch +=
      `{"frame":${frame},"flow":${id},"dir":${p.dir[i]},"time":${p.time[i].toFixed(9)},"epoch":"${epoch}",` +
      `"seq":${p.seq[i]},"ack":${p.ack[i]},"len":${p.len[i]},"winRaw":${p.winRaw[i]},"tcpFlags":${p.tcpFlags[i]},` +
      `"win":${a.window(i)},"winScale":${winScale},"bytesInFlight":${bif},"dupAckNum":${a.dupAck(i) || null},"rtt":${rtt},"flags":[${flags}]` +
      (ingest.comments.has(frame) ? `,"comment":${JSON.stringify(ingest.comments.get(frame))}}\n` : '}\n');
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
