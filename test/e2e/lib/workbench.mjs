// Driving the code-server workbench from playwright-core in Debian's Chromium: launching the
// browser, opening files from the Explorer, the command palette, notifications, the capture
// editor's webview frame, and screenshots. Selectors are the ones of docs/e2e.md; waits are
// on results with generous timeouts, never fixed sleeps, because the machine may be busy.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { findChromium } from './chromium.mjs';

// scripts/e2e.mjs points TCP_FLOW_LENS_PLAYWRIGHT at a cached copy when node_modules has none.
const { chromium } = await import(process.env.TCP_FLOW_LENS_PLAYWRIGHT ?? 'playwright-core');

/** Generous: the workbench, the extension host and the parse worker share two busy cores. */
export const SLOW = 60_000;

/** Headless Chromium with a fresh profile (playwright makes one) and its config folder in `tmp`. */
export async function launchChromium(tmp) {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('no Chromium found (Debian: apt-get install chromium; or set CHROMIUM_PATH)');
  return chromium.launch({
    executablePath,
    headless: true,
    env: { ...process.env, XDG_CONFIG_HOME: join(tmp, 'chromium-config'), XDG_CACHE_HOME: join(tmp, 'chromium-cache') },
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
    ],
  });
}

/** A page on the workbench, with the clipboard readable (for "Copy Finding as Text"). */
export async function openWorkbench(browser, session, { viewport = { width: 1440, height: 900 } } = {}) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: session.origin });
  const page = await context.newPage();
  page.setDefaultTimeout(SLOW);
  const consoleErrors = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err.message}`));
  return { context, page, consoleErrors };
}

/** Waits until the Explorer lists `name` (the workbench and the remote file system are up). */
export async function waitForExplorer(page, name) {
  await explorerRow(page, name).waitFor({ timeout: 2 * SLOW });
}

export function explorerRow(page, name) {
  return page.locator('.explorer-folders-view .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${escapeRegExp(name)}$`) }) });
}

/** The active editor tab's label. */
export function activeTab(page) {
  return page.locator('.tabs-container .tab.active');
}

/**
 * Opens `name` from the Explorer with a click, as a user does, and waits for the capture editor.
 * Right after start-up the workbench may not know the extension's custom editor yet and opens the
 * binary-file notice of the text editor instead (docs/e2e.md, pitfalls): then it closes that editor and
 * clicks again.
 */
export async function openFromExplorer(page, name, { attempts = 6 } = {}) {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    await explorerRow(page, name).click();
    const outcome = await Promise.race([
      activeWebview(page).waitFor({ timeout: SLOW }).then(() => 'webview'),
      page.locator('.editor-group-container.active .monaco-editor-pane-placeholder, .editor-group-container.active .monaco-editor')
        .first().waitFor({ timeout: SLOW }).then(() => 'text'),
    ]).catch(() => 'timeout');
    if (outcome === 'webview') {
      await activeTab(page).filter({ hasText: name }).waitFor();
      return attempt;
    }
    await runCommand(page, 'View: Close All Editors');
    await page.waitForTimeout(1000 * attempt); // give the extension registry time to arrive
  }
  throw new Error(`${name} did not open in the capture editor after ${attempts} clicks`);
}

/** The webview iframe of the active editor group (VS Code keeps hidden webviews' iframes around). */
function activeWebview(page) {
  return page.locator('iframe.webview.ready').locator('visible=true').first();
}

/** The capture editor's document: the inner `#active-frame` of the visible webview. */
export function captureFrame(page) {
  return page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('#active-frame');
}

/**
 * Runs a palette command by its title ("Category: Title"), as typed after F1. With
 * `{ opensQuickPick: true }` the command shows a quick pick of its own: wait for that instead of
 * the palette closing.
 */
export async function runCommand(page, title, { opensQuickPick = false } = {}) {
  // Escape only closes a quick input left open; pressed in the webview it could change the view.
  if (await page.locator('.quick-input-widget').isVisible()) await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: title }).first();
  await row.waitFor();
  await row.click();
  if (!opensQuickPick) return page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  // The palette's input starts with '>'; the command's own quick pick starts empty.
  const deadline = Date.now() + SLOW;
  while (((await input.inputValue().catch(() => '>')) ?? '>').startsWith('>')) {
    if (Date.now() > deadline) throw new Error(`${title} did not show its quick pick`);
    await page.waitForTimeout(100);
  }
}

/** Whether the palette lists a command with this title (without running it). */
export async function paletteHas(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: title });
  const found = await row.first().waitFor({ timeout: 5_000 }).then(() => true, () => false);
  await page.keyboard.press('Escape');
  return found;
}

/** Texts of the error notifications on screen (toasts with the error icon). */
export async function errorToasts(page) {
  return page.locator('.notifications-toasts .notification-list-item').filter({ has: page.locator('.codicon-error') }).allInnerTexts();
}

/** Saves a screenshot to `dir/<name>.png` and returns its path. */
export async function screenshot(page, dir, name) {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
