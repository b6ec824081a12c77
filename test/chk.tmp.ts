import { SyntheticStream } from '../bench/liveStream';
import { CaptureModel } from '../src/core/model/captureModel';
const s = new SyntheticStream({ packets: 50_000_000, seconds: 3600, concurrent: 1, flowPackets: 1e9, stallEvery: 400 });
const m = new CaptureModel({ name: 'x', history: { seconds: 600, packets: 2_000_000 } });
let n = 0;
for (let c = s.next(); c && s.written < 1_000_000; c = s.next()) { m.push(c); if (++n % 50 === 0) m.refresh(); }
m.refresh();
for (let round = 0; round < 4; round++) {
  for (let k = 0; k < 20; k++) m.push(s.next()!);
  const t = performance.now(); m.refresh(); const r = performance.now() - t;
  const t2 = performance.now(); m.view('x'); const v = performance.now() - t2;
  console.log(`packets ${m.flow(0)!.packets.length} refresh ${r.toFixed(1)} view ${v.toFixed(1)}`);
}
