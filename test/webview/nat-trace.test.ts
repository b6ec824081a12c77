/**
 * The editor on a NAT's nat-flow-trace/1 trace (recorded from test/fixtures/nat-trace/natbug-buggy.jsonl
 * with test/webview/record.ts): the Recv-Q lane is measured and says it comes from the NAT's trace,
 * the owed updates and the engine's drops are there, the trace's warnings are shown; and a screenshot
 * for the README (test-results/screenshot-nat-trace-light@1x.png → docs/screenshot-nat-trace.png).
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Session, startSession } from './harness/browser';
import { captureOf, loadFixture, settled } from './harness/probe';

const FIXTURE = 'nat-trace';
const OUT = join(__dirname, '../../test-results');
let session: Session;
before(async () => {
  session = await startSession();
  await mkdir(OUT, { recursive: true });
});
after(async () => {
  await session?.close();
});

test("a NAT trace: Recv-Q measured from the NAT's trace, owed updates, drops, the trace's warnings", async () => {
  const view = captureOf(loadFixture(FIXTURE));
  assert.equal(view.format, 'nat-flow-trace');
  assert.equal(view.stalls.filter((s) => s.owed).length, 2);
  const page = await session.open({ fixture: FIXTURE, theme: 'light', width: 1400, height: 860 });
  try {
    await settled(page);
    const text = await page.locator('body').innerText();
    assert.match(text, /Recv-Q measured \(from the NAT's trace\)/);
    assert.doesNotMatch(text, /Recv-Q inferred/);
    assert.match(text, /nat-flow-trace/, 'the format in the header');
    assert.match(text, /Warnings \(1\)/, "the trace's warning (its header's unknown field), collapsed");
    assert.match(text, /dropped the guest's segment/, 'the drops in the findings panel');
    await page.screenshot({ path: join(OUT, 'screenshot-nat-trace-light@1x.png') });
    assert.deepEqual(await page.evaluate(() => (window as unknown as { __harness: { errors: string[] } }).__harness.errors), []);
  } finally {
    await page.context().close();
  }
});
