/** Turns the core's capture summary into the plain view data the webview shows (see src/protocol.ts). */
import type { CaptureSummary } from '../core/summary';
import type { CaptureView } from '../protocol';

export function toCaptureView(summary: CaptureSummary, fileName: string): CaptureView {
  return {
    fileName,
    filePath: summary.file,
    format: summary.format,
    packets: summary.packets,
    tcpPackets: summary.tcpPackets,
    linkTypes: summary.linkTypes.map(({ name, packets, decoded }) => ({ name, packets, decoded })),
    warnings: summary.warnings.map(({ offset, message }) => ({ offset, message })),
    flows: summary.flows.map((f) => ({
      id: f.id,
      a: f.a,
      b: f.b,
      packetsAtoB: f.packetsAtoB,
      packetsBtoA: f.packetsBtoA,
      payloadAtoB: f.payloadAtoB,
      payloadBtoA: f.payloadBtoA,
      start: f.start,
      duration: f.duration,
      windowScale: { ...f.windowScale },
      mss: { ...f.mss },
    })),
  };
}
