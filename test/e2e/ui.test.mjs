// The extension the way a user meets it: installed from the .vsix into a fresh code-server, driven in
// headless Chromium. Open captures from the Explorer, look at the flow list, timelines and findings,
// run the palette commands, hover for a tooltip, open a damaged capture, and read the extension
// host's log. The tests share one workbench page and run in order. A feature the build does not
// have yet (lib/features.mjs reads its sources) is reported as not there yet; once it is there, its
// checks are hard failures. Screenshots go to test-results/e2e/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { changedCanvases, isDrawn, pictureKey, sampleCanvases, settledCanvases } from './lib/canvas.mjs';
import { natBugCapture, truncatePcap } from './lib/captures.mjs';
import { startCodeServer } from './lib/codeServer.mjs';
import { e2eSteps } from './lib/steps.mjs';
import { e2eConfig, repo } from './lib/config.mjs';
import { readFeatures } from './lib/features.mjs';
import { extensionHostErrors, formatEntries } from './lib/logs.mjs';
import {
  activeTab, captureFrame, errorToasts, launchChromium, openFromExplorer, openWorkbench, runCommand, screenshot, SLOW, waitForExplorer,
} from './lib/workbench.mjs';

const config = e2eConfig();
const features = readFeatures(config);
const demo = readFileSync(join(repo, 'test', 'fixtures', 'demo.pcap'));
const damaged = truncatePcap(demo, 0.6);
// The reference NAT's nat-flow-trace/1 recording of a buggy run (docs/nat-flow-trace.md): two closures, both owed.
const natTrace = readFileSync(join(repo, 'test', 'fixtures', 'nat-trace', 'natbug-buggy.jsonl'));

let session;
let browser;
let page;
let consoleErrors;

/** Says that a check waits for a feature the build does not have yet (a note, not a failure). */
function notYet(t, what) {
  t.diagnostic(`not there yet: ${what}`);
}

/** The number as the webview may format it: 81332, 81,332, 81 332 or 81.332. */
function numberPattern(n) {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '[,.\\s\\u202f]?');
}

async function shot(name) {
  const path = await screenshot(page, config.artifacts, name);
  return path;
}

const { step, finish } = e2eSteps(shot);

/** Closes every editor, so that exactly one capture webview is on screen. */
async function closeAllEditors() {
  await runCommand(page, 'View: Close All Editors');
  await page.locator('iframe.webview.ready >> visible=true').waitFor({ state: 'detached', timeout: 10_000 }).catch(() => {});
}

async function openCapture(t, name) {
  await closeAllEditors();
  const clicks = await openFromExplorer(page, name);
  if (clicks > 1) t.diagnostic(`${name} opened in the capture editor on click ${clicks} (the first landed in the text editor before the extension was known)`);
  await assert.doesNotReject(activeTab(page).filter({ hasText: name }).waitFor(), `the active tab does not name ${name}`);
  return captureFrame(page);
}

/** Waits until the timelines have what they asked for: no "Loading…" status, canvases settled. */
async function timelinesIdle(frame, what) {
  if (!features.timeline) return;
  const busy = frame.locator('[role="status"]:visible', { hasText: /loading|reading/i });
  const idle = await busy.first().waitFor({ state: 'detached', timeout: SLOW }).then(() => true, () => false);
  if (!idle) assert.fail(`${what}: the timelines still say ${JSON.stringify(await busy.allInnerTexts())} after ${SLOW / 1000} s`);
  await settledCanvases(page, frame);
}

/** Status and alert messages on screen in the capture editor that report a failure. */
async function troubleShown(frame) {
  const texts = await frame.locator('[role="status"]:visible, [role="alert"]:visible').allInnerTexts();
  return texts.filter((text) => /could not|failed|error|not available/i.test(text));
}

async function expectNoErrorToasts(what) {
  const toasts = await errorToasts(page);
  assert.deepEqual(toasts, [], `${what} showed an error notification`);
}

describe('TCP Flow Lens in code-server', { timeout: 10 * 60_000 }, () => {
  let natbug;

  before(async () => {
    natbug = await natBugCapture(repo);
    if (!natbug.bytes) throw new Error(natbug.reason);
    const files = { 'demo.pcap': demo, 'natbug-buggy.pcap': natbug.bytes, 'damaged.pcap': damaged.bytes, 'natbug-buggy.jsonl': natTrace };
    session = await startCodeServer({ vsix: config.vsix, files });
    browser = await launchChromium(session.dirs.tmp);
    ({ page, consoleErrors } = await openWorkbench(browser, session));
    await page.goto(session.url());
    await waitForExplorer(page, 'demo.pcap');
  });

  after(() => finish({ page, browser, session }, 'failure'));

  step('demo.pcap opens from the Explorer in the capture editor and lists its flow', async (t) => {
    const frame = await openCapture(t, 'demo.pcap');
    const rows = frame.locator('[data-flow-id]');
    await rows.first().waitFor({ timeout: SLOW });
    assert.ok((await rows.count()) >= 1, 'no flow rows');
    assert.match(await frame.locator('body').innerText(), /10\.77\.0\.1:35344/, 'the demo flow\'s endpoint is not shown');
    t.diagnostic(`screenshot ${await shot('demo-flow-list')}`);
  });

  step('the timelines of the demo flow are drawn', async (t) => {
    if (!features.timeline) return notYet(t, 'timeline canvases in the webview');
    const frame = captureFrame(page);
    await frame.locator('[data-flow-id]').first().click();
    await frame.locator('canvas').first().waitFor({ timeout: SLOW });
    let samples = [];
    const deadline = Date.now() + SLOW;
    while (Date.now() < deadline) {
      samples = await sampleCanvases(frame);
      if (samples.length > 0 && samples.every(isDrawn)) break;
      await page.waitForTimeout(500);
    }
    t.diagnostic(`canvases: ${samples.map((s) => `${s.width}x${s.height} ${(s.inked * 100).toFixed(1)}% inked, ${s.colours} colours`).join('; ')}`);
    assert.ok(samples.length > 0, 'no visible canvas');
    assert.ok(samples.every(isDrawn), `a timeline canvas is blank: ${JSON.stringify(samples)}`);
    // Axes and stall shading alone would pass the pixel check: the series must have arrived too.
    assert.deepEqual(await troubleShown(frame), [], 'the timelines report a problem');
    if (features.laneDescriptions) {
      const labels = samples.map((s) => s.label);
      t.diagnostic(`lanes: ${labels.join(' | ')}`);
      assert.ok(labels.some((l) => /[1-9][\d,]* data segments/.test(l)), `no lane says it shows data segments: ${JSON.stringify(labels)}`);
    } else notYet(t, 'lane descriptions saying what the canvases show');
    await timelinesIdle(frame, 'after selecting the demo flow');
    t.diagnostic(`screenshot ${await shot('demo-timelines')}`);
  });

  step('natbug-buggy.pcap: the flow with stalls shows its owed window updates', async (t) => {
    t.diagnostic(`capture: ${natbug.source}`);
    const frame = await openCapture(t, 'natbug-buggy.pcap');
    const row = frame.locator('[data-flow-id]').first();
    await row.waitFor({ timeout: SLOW });
    await row.click();
    if (!features.findingsPanel) return notYet(t, 'the findings panel ([data-finding-kind])');
    const owed = frame.locator('[data-finding-kind="window_update_owed"]');
    await owed.first().waitFor({ timeout: SLOW });
    t.diagnostic(`${await owed.count()} owed-update findings listed`);
    if (features.owedMarkerLabel) {
      // The lanes describe what they draw for screen readers, the owed markers included.
      const labels = (await sampleCanvases(frame)).map((s) => s.label);
      t.diagnostic(`lanes: ${labels.join(' | ')}`);
      assert.ok(labels.some((l) => /[1-9]\d* owed window updates?/.test(l)), `no canvas says it draws owed updates: ${JSON.stringify(labels)}`);
    } else {
      notYet(t, 'owed-update markers described on the timeline canvases');
    }
    if (features.timeline) {
      await timelinesIdle(frame, 'after selecting the NAT-bug flow');
      assert.deepEqual(await troubleShown(frame), [], 'the timelines report a problem');
    }
    t.diagnostic(`screenshot ${await shot('natbug-owed-updates')}`);
  });

  step('the flows view in the Explorer lists the flow; a finding there reveals it in the editor', async (t) => {
    const view = features.view('tcpFlowLens.flows');
    if (!view) return notYet(t, 'the tcpFlowLens.flows tree view');
    const pane = page.locator('.pane').filter({ has: page.locator('.pane-header', { hasText: view.name }) });
    const header = pane.locator('.pane-header');
    await header.waitFor({ timeout: SLOW });
    if ((await header.getAttribute('aria-expanded')) === 'false') await header.click();
    const flowRow = pane.locator('.monaco-list-row[aria-level="1"]').first();
    await flowRow.waitFor({ timeout: SLOW });
    t.diagnostic(`flow: ${(await flowRow.innerText()).replace(/\s+/g, ' ')}`);
    if ((await flowRow.getAttribute('aria-expanded')) === 'false') await flowRow.locator('.monaco-tl-twistie').click();
    const owedRows = pane.locator('.monaco-list-row[aria-level="2"]', { hasText: /window update owed/i });
    await owedRows.first().waitFor({ timeout: SLOW });
    const target = owedRows.last();
    const targetText = (await target.innerText()).replace(/\s+/g, ' ');
    const time = Number(/(\d+\.\d+) s/.exec(targetText)?.[1]);
    assert.ok(Number.isFinite(time), `no time in the finding's row: ${targetText}`);
    // The pane is short: with the limited-by finding listed too, the last owed row can sit half below its edge.
    await target.scrollIntoViewIfNeeded();
    await target.click();
    const selected = captureFrame(page).locator('[data-finding-kind="window_update_owed"][aria-selected="true"]');
    await selected.waitFor({ timeout: SLOW });
    const shown = Number(/(\d+\.\d+) s/.exec(await selected.innerText())?.[1]);
    t.diagnostic(`clicked "${targetText}"; the editor selected the owed update at ${shown} s`);
    assert.ok(Math.abs(shown - time) < 0.001, `the editor selected the finding at ${shown} s, not the one at ${time} s`);
    await timelinesIdle(captureFrame(page), 'after revealing a finding from the flows view');
    t.diagnostic(`screenshot ${await shot('natbug-flows-view')}`);
  });

  step('palette commands act on the capture editor', async (t) => {
    const frame = captureFrame(page);
    const selected = frame.locator('[data-finding-kind][aria-selected="true"]');
    const timeline = features.timeline ? async () => pictureKey(await settledCanvases(page, frame)) : async () => '';

    const next = features.paletteTitle('Next Finding');
    if (next) {
      await runCommand(page, next);
      await expectNoErrorToasts(next);
      if (features.findingsPanel) {
        await selected.first().waitFor({ timeout: SLOW });
        const first = await selected.first().getAttribute('data-finding-id');
        if ((await frame.locator('[data-finding-kind]').count()) > 1) {
          await runCommand(page, next);
          await assert.doesNotReject(
            frame.locator(`[data-finding-kind][aria-selected="true"]:not([data-finding-id="${first}"])`).waitFor({ timeout: SLOW }),
            `${next} twice did not move the selection on from finding ${first}`,
          );
        }
      }
    } else notYet(t, 'the "Next Finding" command');

    const reset = features.paletteTitle('Reset Zoom');
    if (reset) {
      const before = await timeline();
      await runCommand(page, reset);
      await expectNoErrorToasts(reset);
      // After "Next Finding" zoomed in to a finding, resetting shows the whole flow: a new picture.
      if (features.timeline && next) assert.ok(await changedCanvases(page, frame, before), `${reset} did not change the timelines`);
    } else notYet(t, 'the "Reset Zoom" command');

    const switchDirection = features.paletteTitle('Switch Direction');
    if (switchDirection) {
      const before = await timeline();
      await runCommand(page, switchDirection);
      await expectNoErrorToasts(switchDirection);
      if (features.timeline) assert.ok(await changedCanvases(page, frame, before), `${switchDirection} did not change the timelines`);
      await runCommand(page, switchDirection); // back to the data direction for the next steps
      if (features.timeline) await changedCanvases(page, frame, await timeline(), { timeoutMs: 5_000 });
    } else notYet(t, 'the "Switch Direction" command');

    const copy = features.paletteTitle('Copy Finding as Text');
    if (copy) {
      await page.evaluate(() => navigator.clipboard.writeText('')).catch(() => {});
      if (next && features.findingsPanel && (await selected.count()) === 0) await runCommand(page, next);
      await runCommand(page, copy);
      await expectNoErrorToasts(copy);
      const message = features.findingsPanel ? await selected.first().getAttribute('title') : null;
      let text = null;
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        text = await page.evaluate(() => navigator.clipboard.readText()).catch((err) => `unreadable: ${err.message}`);
        if (text) break;
        await page.waitForTimeout(200);
      }
      if (text?.startsWith('unreadable:')) {
        t.diagnostic(`the clipboard is not readable here (${text}); the command ran without an error notification`);
      } else {
        t.diagnostic(`clipboard: ${text}`);
        assert.match(text ?? '', /natbug-buggy\.pcap/, 'the copied text does not name the capture');
        if (message) assert.ok(text.includes(message), `the copied text does not hold the selected finding's message ${JSON.stringify(message)}`);
      }
    } else notYet(t, 'the "Copy Finding as Text" command');
    await timelinesIdle(frame, 'after the palette commands');
    t.diagnostic(`screenshot ${await shot('natbug-after-commands')}`);
  });

  step('hovering the timeline shows a tooltip', async (t) => {
    if (!features.tooltip) return notYet(t, 'the timeline tooltip (webview/timeline/tooltip.ts)');
    const frame = captureFrame(page);
    const canvas = frame.locator('canvas').first();
    await canvas.waitFor({ timeout: SLOW });
    const tooltip = frame.locator('[role="tooltip"]');
    const box = await canvas.boundingBox();
    assert.ok(box, 'the timeline canvas has no box');
    // Sweep across the middle of the first lane until something is under the pointer.
    let shown = false;
    for (const fx of [0.5, 0.3, 0.7, 0.2, 0.8, 0.4, 0.6]) {
      await page.mouse.move(box.x + box.width * fx, box.y + box.height * 0.5, { steps: 4 });
      shown = await tooltip.first().waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false);
      if (shown) break;
    }
    assert.ok(shown, 'no tooltip appeared while hovering the timeline');
    const text = await tooltip.first().innerText();
    t.diagnostic(`tooltip: ${text.replace(/\s+/g, ' ')}`);
    assert.ok(text.trim().length > 0, 'the tooltip is empty');
    t.diagnostic(`screenshot ${await shot('natbug-tooltip')}`);
    await page.mouse.move(1, 1);
  });

  step('"Open Demo Capture…" offers the NAT demo first; it opens with its owed window updates', async (t) => {
    await closeAllEditors();
    await runCommand(page, 'TCP Flow Lens: Open Demo Capture…', { opensQuickPick: true });
    const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.first().waitFor({ timeout: SLOW });
    const offered = (await rows.allInnerTexts()).map((text) => text.replace(/\s+/g, ' '));
    t.diagnostic(`offered: ${offered.join(' | ')}`);
    assert.equal(offered.length, 2, 'two demos');
    assert.match(offered[0], /NAT that never reopens its window/, 'the NAT demo is not first');
    assert.match(offered[1], /reads exactly n bytes/);
    await page.keyboard.press('Enter');
    await assert.doesNotReject(activeTab(page).filter({ hasText: 'natbug-buggy.pcap' }).waitFor(), 'the NAT demo did not open');
    const owed = captureFrame(page).locator('[data-finding-kind="window_update_owed"]');
    await owed.first().waitFor({ timeout: SLOW });
    t.diagnostic(`${await owed.count()} owed-update findings in the NAT demo`);
    assert.ok((await owed.count()) >= 3, 'the NAT demo shows fewer than 3 owed updates');
  });

  step('the NAT demo: the flow list says what limited the flow, the findings panel says it in one sentence', async (t) => {
    if (!features.limitedByColumn) return notYet(t, 'the flow list\'s "Limited by" column');
    const frame = captureFrame(page);
    await frame.locator('.flow-head .col-limited').waitFor({ timeout: SLOW });
    assert.equal((await frame.locator('.flow-head .col-limited').innerText()).trim(), 'Limited by');
    const cell = frame.locator('.flow-spacer .flow-row .col-limited').first();
    await cell.waitFor({ timeout: SLOW });
    const text = (await cell.innerText()).trim();
    const tip = await cell.getAttribute('title');
    t.diagnostic(`Limited by: ${text}; tooltip: ${tip?.replace(/\n/g, ' | ')}`);
    // The NAT that never reopens its window: its sender waits on the receiver's window nearly all the time.
    const share = Number(/^receiver window (\d+) %$/.exec(text)?.[1]);
    assert.ok(share >= 90, `the NAT demo's flow is not limited by the receiver window ≥ 90 %: ${JSON.stringify(text)}`);
    assert.match(tip ?? '', /waiting for owed window updates/);
    assert.equal(await frame.locator('.state-strip .legend-item').count(), 5, 'the limited-by strip has a legend entry per state');
    if (!features.limitedByFinding) return notYet(t, 'the limited-by finding');
    const finding = frame.locator('[data-finding-kind="limited_by"]');
    await finding.first().waitFor({ timeout: SLOW });
    const sentence = (await finding.first().getAttribute('title')) ?? '';
    t.diagnostic(`finding: ${sentence}`);
    assert.match(sentence, /receiver window limited \d+ % of the busy time/);
    assert.match(sentence, /waiting for window updates that were owed/);
    t.diagnostic(`screenshot ${await shot('natbug-limited-by')}`);
  });

  step('"Open NAT Trace or Log…" opens a nat-flow-trace/1 file: the flow, its owed updates and the Recv-Q measured from the trace', async (t) => {
    const title = features.paletteTitle('Open NAT Trace or Log…');
    if (!title) return notYet(t, 'the "Open NAT Trace or Log…" command');
    await closeAllEditors();
    // code-server's open dialog is VS Code's simple file dialog: a quick input holding a path.
    await runCommand(page, title, { opensQuickPick: true });
    const input = page.locator('.quick-input-widget input');
    const path = join(session.dirs.workspace, 'natbug-buggy.jsonl');
    await input.fill(path);
    // The dialog lists the folder's entries as the path is typed; accept once the file is the one offered.
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'natbug-buggy.jsonl' }).first().waitFor({ timeout: SLOW }).catch(() => {});
    await page.keyboard.press('Enter');
    await assert.doesNotReject(activeTab(page).filter({ hasText: 'natbug-buggy.jsonl' }).waitFor({ timeout: SLOW }), 'the trace did not open in an editor');
    await page.locator('iframe.webview.ready >> visible=true').first().waitFor({ timeout: SLOW });
    const frame = captureFrame(page);
    const row = frame.locator('[data-flow-id]').first();
    await row.waitFor({ timeout: SLOW });
    const rowText = (await row.innerText()).replace(/\s+/g, ' ');
    t.diagnostic(`flow row: ${rowText}`);
    assert.match(rowText, /10\.88\.0\.1:58390/, "the trace's guest endpoint is not in the flow row");
    assert.match(rowText, /10\.88\.0\.2:5001/, "the trace's remote endpoint is not in the flow row");
    await row.click();
    if (!features.findingsPanel) return notYet(t, 'the findings panel ([data-finding-kind])');
    const owed = frame.locator('[data-finding-kind="window_update_owed"]');
    await owed.first().waitFor({ timeout: SLOW });
    // analyze on the same file: 2 stalls, both owed (116 and 119 ms from the engine's reopen_possible), 2 probes dropped.
    assert.equal(await owed.count(), 2, 'owed-update findings listed');
    const owedTexts = (await owed.allInnerTexts()).map((x) => x.replace(/\s+/g, ' '));
    t.diagnostic(`owed: ${owedTexts.join(' | ')}`);
    assert.equal(await frame.locator('[data-finding-kind="segment_dropped"]').count(), 2, "the NAT's dropped probes as findings");
    if (features.timeline) {
      await timelinesIdle(frame, 'after selecting the trace\'s flow');
      const body = await frame.locator('body').innerText();
      assert.match(body, /Recv-Q measured \(from the NAT's trace\)/, 'the Recv-Q lane is not labelled as measured from the trace');
      assert.deepEqual(await troubleShown(frame), [], 'the timelines report a problem');
    }
    await expectNoErrorToasts(title);
    t.diagnostic(`screenshot ${await shot('nat-trace-owed-updates')}`);
  });

  // Issue 14: notes and bug reports, on the NAT-bug capture. The three steps run in order: a note
  // added with `m`, a finding pinned as a second note, then a report that carries both.
  const NOTE_TEXT = 'e2e: the NAT answers the probe with the same zero window';
  const SIDECAR = 'natbug-buggy.pcap.tcpflowlens.json';
  let noted; // { flowId, a, b, where } of the note added with `m`
  let pinned; // the pinned finding's message

  /** The sidecar in the workspace once it holds `count` notes (the host writes it a moment after the input box closes). */
  async function sidecarWith(count) {
    const path = join(session.dirs.workspace, SIDECAR);
    const deadline = Date.now() + SLOW;
    let last = 'missing';
    while (Date.now() < deadline) {
      try {
        const doc = JSON.parse(await readFile(path, 'utf8'));
        if (doc.notes?.length === count) return doc;
        last = `${doc.notes?.length} notes`;
      } catch (err) {
        last = err.code === 'ENOENT' ? 'missing' : err.message;
      }
      await page.waitForTimeout(200);
    }
    assert.fail(`${SIDECAR} in the workspace does not hold ${count} note(s) after ${SLOW / 1000} s (${last})`);
  }

  /** The texts of the Notes list, in its order, once it says "Notes (count)". */
  async function notesListed(frame, count) {
    await frame.locator('#notes-title', { hasText: new RegExp(`^Notes \\(${count}\\)$`) }).waitFor({ timeout: SLOW });
    return frame.locator('.note-list li.note').evaluateAll((items) =>
      items.map((li) => ({ id: li.dataset.noteId, label: li.querySelector('.note-badge')?.textContent, where: li.querySelector('.note-where')?.textContent, text: li.querySelector('.note-text')?.textContent })),
    );
  }

  /** The lanes' accessible labels, once every one of them ends with what it says about the notes. */
  async function laneLabelsEndWith(frame, suffix) {
    const canvases = frame.locator('canvas.plot');
    const deadline = Date.now() + SLOW;
    let labels = [];
    while (Date.now() < deadline) {
      labels = await canvases.evaluateAll((cs) => cs.map((c) => c.getAttribute('aria-label') ?? ''));
      if (labels.length === 3 && labels.every((l) => l.endsWith(suffix))) return labels;
      await page.waitForTimeout(200);
    }
    assert.fail(`the lanes do not end their labels with ${JSON.stringify(suffix)}: ${JSON.stringify(labels)}`);
  }

  async function selectFirstFlow(frame) {
    const row = frame.locator('[data-flow-id]').first();
    await row.waitFor({ timeout: SLOW });
    await row.click();
    await timelinesIdle(frame, 'after selecting the NAT-bug flow');
    return Number(await row.getAttribute('data-flow-id'));
  }

  step('a note added with m shows in the Notes list and on the lanes, is written beside the capture, and is there after reopening it', async (t) => {
    let frame = await openCapture(t, 'natbug-buggy.pcap');
    const flowId = await selectFirstFlow(frame);
    assert.deepEqual(await notesListed(frame, 0), [], 'the capture has notes before the test added any');
    const canvas = frame.locator('canvas.plot').first();
    const box = await canvas.boundingBox();
    assert.ok(box, 'the Sequence lane has no box');
    // Hover the middle of the Sequence lane (the webview gets the focus with the click), then `m`.
    await page.mouse.click(box.x + box.width * 0.5, box.y + box.height * 0.5);
    await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.5, { steps: 3 });
    await page.keyboard.press('m');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: SLOW });
    const prompt = await page.locator('.quick-input-widget .quick-input-title').innerText();
    t.diagnostic(`input box: ${prompt}`);
    const asked = new RegExp(`^Add a note to flow ${flowId}, (frame \\d+|at \\d+\\.\\d+ s)$`).exec(prompt);
    assert.ok(asked, `the input box asks ${JSON.stringify(prompt)}`);
    await input.fill(NOTE_TEXT);
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });

    const listed = await notesListed(frame, 1);
    t.diagnostic(`Notes list: ${JSON.stringify(listed)}`);
    assert.deepEqual(listed.map(({ label, where, text }) => ({ label, where, text })), [{ label: '1', where: asked[1], text: NOTE_TEXT }]);
    await laneLabelsEndWith(frame, '; 1 note (1)');

    const doc = await sidecarWith(1);
    assert.equal(doc.format, 'tcp-flow-lens-notes');
    assert.equal(doc.version, 1);
    const [note] = doc.notes;
    assert.equal(note.text, NOTE_TEXT);
    assert.equal(note.id, listed[0].id, 'the sidecar\'s note id is not the listed one');
    assert.match(`${note.flow?.a} ${note.flow?.b}`, /^\S+:\d+ \S+:\d+$/, `the note's flow: ${JSON.stringify(note.flow)}`);
    if (asked[1].startsWith('frame')) assert.equal(`frame ${note.frame}`, asked[1]);
    else assert.equal(note.frame, undefined, 'an instant note has a frame');
    noted = { flowId, a: note.flow.a, b: note.flow.b };
    t.diagnostic(`sidecar note: ${JSON.stringify(note)}`);
    assert.deepEqual(await errorToasts(page), [], 'adding the note showed an error');
    t.diagnostic(`screenshot ${await shot('natbug-note-added')}`);

    // Closed and opened again, the capture reads its notes from the sidecar.
    await closeAllEditors();
    frame = await openCapture(t, 'natbug-buggy.pcap');
    await selectFirstFlow(frame);
    const again = await notesListed(frame, 1);
    assert.deepEqual(again.map(({ label, where, text }) => ({ label, where, text })), [{ label: '1', where: asked[1], text: NOTE_TEXT }], 'the note is not listed after reopening the capture');
    await laneLabelsEndWith(frame, '; 1 note (1)');
    t.diagnostic(`screenshot ${await shot('natbug-note-reopened')}`);
  });

  step('"Pin the selected finding as a note" in the findings panel adds the finding as a note', async (t) => {
    assert.ok(noted, 'the note step did not run');
    const frame = captureFrame(page);
    const finding = frame.locator('[data-finding-kind="window_update_owed"]').first();
    await finding.waitFor({ timeout: SLOW });
    await finding.click();
    await frame.locator('[data-finding-kind="window_update_owed"][aria-selected="true"]').first().waitFor({ timeout: SLOW });
    pinned = await finding.getAttribute('title');
    assert.ok(pinned, 'the finding has no message');
    await frame.locator('button.pin-finding').click();
    const listed = await notesListed(frame, 2);
    t.diagnostic(`Notes list: ${JSON.stringify(listed)}`);
    const texts = listed.map((n) => n.text);
    assert.deepEqual([...texts].sort(), [NOTE_TEXT, pinned].sort(), 'the Notes list does not hold the note and the pinned finding');
    const pin = listed.find((n) => n.text === pinned);
    assert.match(pin.where, /^\d+\.\d+ s – \d+\.\d+ s$/, `the pinned finding is not a range note: ${pin.where}`);
    await laneLabelsEndWith(frame, '; 2 notes (1, 2)');
    const doc = await sidecarWith(2);
    const stored = doc.notes.find((n) => n.text === pinned);
    assert.ok(stored, `the sidecar has no note ${JSON.stringify(pinned)}: ${JSON.stringify(doc.notes)}`);
    assert.equal(stored.finding?.kind, 'window_update_owed', 'the pinned note does not say which finding it was');
    assert.ok(stored.finding.frames.length > 0, 'the pinned note names no frames');
    assert.deepEqual(stored.flow, { a: noted.a, b: noted.b }, 'the pinned note is on another flow');
    assert.deepEqual(await errorToasts(page), [], 'pinning showed an error');
  });

  step('"Create Bug Report…" writes report.md, timeline.svg, timeline.png and flow.pcapng into a folder beside the capture', async (t) => {
    assert.ok(noted && pinned, 'the note steps did not run');
    const frame = captureFrame(page);
    await runCommand(page, 'TCP Flow Lens: Reset Zoom'); // the whole flow, so that both notes are in the report's range
    await timelinesIdle(frame, 'after Reset Zoom');
    const folder = `natbug-buggy-flow${noted.flowId}-report`;
    await runCommand(page, 'TCP Flow Lens: Create Bug Report…', { opensQuickPick: true });
    const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await rows.first().waitFor({ timeout: SLOW });
    // Each row: label, description and detail (the path), as VS Code shows them.
    const offered = await rows.evaluateAll((items) =>
      items.map((row) => [row.querySelector('.label-name')?.textContent?.trim(), row.querySelector('.label-description')?.textContent?.trim(), row.textContent.includes('/') ? 'a path' : 'no path', row.textContent]),
    );
    t.diagnostic(`offered: ${JSON.stringify(offered)}`);
    assert.deepEqual(offered.map((row) => row.slice(0, 3)), [
      [folder, 'a new folder beside the capture', 'a path'],
      ['Choose a Folder…', 'an existing folder', 'no path'],
    ]);
    assert.ok(offered[0][3].includes(join(session.dirs.workspace, folder)), `the first choice does not show its path: ${offered[0][3]}`);
    await rows.first().click();
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    // The report opens in the Markdown preview when it is written; a failure shows an error notification.
    const outcome = await Promise.race([
      activeTab(page).filter({ hasText: 'report.md' }).waitFor({ timeout: 2 * SLOW }).then(() => 'opened'),
      page.locator('.notifications-toasts .notification-list-item').filter({ has: page.locator('.codicon-error') }).first().waitFor({ timeout: 2 * SLOW }).then(() => 'error'),
    ]).catch(() => 'timeout');
    assert.deepEqual(await errorToasts(page), [], 'the report showed an error');
    assert.equal(outcome, 'opened', 'report.md did not open');
    const out = join(session.dirs.workspace, folder);
    const written = (await readdir(out)).sort();
    t.diagnostic(`${folder}: ${written.join(', ')}`);
    assert.deepEqual(written, ['flow.pcapng', 'report.md', 'timeline.png', 'timeline.svg']);
    const report = await readFile(join(out, 'report.md'), 'utf8');
    const heading = `# TCP flow ${noted.flowId}: ${noted.a} → ${noted.b}`;
    assert.equal(report.split('\n')[0], heading, 'report.md does not name the flow');
    assert.ok(report.includes(`- **Flow ${noted.flowId}**: ${noted.a} → ${noted.b}, frames `), 'report.md has no flow line');
    assert.ok(report.includes(`: ${NOTE_TEXT}\n`), 'report.md does not list the note');
    assert.ok(report.includes(`: ${pinned}\n`), 'report.md does not list the pinned finding');
    assert.ok(report.includes('](timeline.png)'), 'report.md does not show timeline.png');
    const png = await readFile(join(out, 'timeline.png'));
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG', 'timeline.png is not a PNG');
    assert.match(await readFile(join(out, 'timeline.svg'), 'utf8'), /<svg[\s>]/, 'timeline.svg is not an SVG');
    const pcapng = await readFile(join(out, 'flow.pcapng'));
    assert.equal(pcapng.readUInt32LE(0), 0x0a0d0d0a, 'flow.pcapng does not start with a section header block');
    t.diagnostic(`report.md: ${report.split('\n').length} lines; timeline.png ${png.length} bytes; flow.pcapng ${pcapng.length} bytes`);
    t.diagnostic(`screenshot ${await shot('natbug-report')}`);
  });

  step('a damaged capture shows the warning with its byte offset and the part that was read', async (t) => {
    const frame = await openCapture(t, 'damaged.pcap');
    const rows = frame.locator('[data-flow-id]');
    await rows.first().waitFor({ timeout: SLOW });
    const text = await frame.locator('body').innerText();
    assert.match(text, new RegExp(`\\b${numberPattern(damaged.cutRecordOffset)}\\b`), `the byte offset ${damaged.cutRecordOffset} of the cut record is not shown`);
    assert.match(text, /cut short|truncated/i, 'no warning says the capture is cut short');
    assert.match(text, new RegExp(`\\b${numberPattern(damaged.wholeRecords)}\\b`), `the ${damaged.wholeRecords} packets that were read are not shown`);
    t.diagnostic(`cut inside the record at byte ${damaged.cutRecordOffset}; ${damaged.wholeRecords} whole packets before it; ${await rows.count()} flow rows`);
    t.diagnostic(`screenshot ${await shot('damaged')}`);
  });

  step('the extension host and the webview logged no errors', async (t) => {
    const { failing, other } = await extensionHostErrors(session.dirs.userData);
    if (other.length > 0) t.diagnostic(`other extension-host errors (not ours):\n${formatEntries(other, 200)}`);
    assert.deepEqual(failing, [], `extension-host errors:\n${formatEntries(failing)}`);
    // The webview's own console: script errors and Content-Security-Policy refusals.
    const ours = consoleErrors.filter((e) => /webview\.js|Content Security Policy|Refused to|pageerror/.test(e) && !/ENOTFOUND|open-vsx/.test(e));
    assert.deepEqual(ours, [], 'the webview logged errors');
  });
});
