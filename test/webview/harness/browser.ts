/**
 * Debian's Chromium, headless, driven by playwright-core (no browser download): playwright gives
 * each launch a fresh temporary profile; no network services, no GPU.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { WebviewState } from '../../../src/protocol';
import { type HarnessServer, startHarness } from './server';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface OpenOptions {
  fixture?: string;
  theme?: string;
  width?: number;
  height?: number;
  /** devicePixelRatio: 1 for 100 %, 2 for 200 %. */
  scale?: number;
  reducedMotion?: boolean;
  /** View state to start with, as VS Code would hand it back (set before the page's scripts run). */
  state?: WebviewState;
}

export interface Session {
  server: HarnessServer;
  browser: Browser;
  /** Opens the harness with a fixture and theme in a new context (own state), and waits for the flow list. */
  open(options?: OpenOptions): Promise<Page>;
  close(): Promise<void>;
}

export async function startSession(): Promise<Session> {
  const [server, home] = await Promise.all([startHarness(), mkdtemp(join(tmpdir(), 'tfl-chromium-'))]);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--font-render-hinting=none'],
    env: { ...process.env, XDG_CONFIG_HOME: home, XDG_CACHE_HOME: home, HOME: home },
  });
  return {
    server,
    browser,
    async open({ fixture = 'synthetic', theme = 'dark', width = 1400, height = 900, scale = 1, reducedMotion = true, state } = {}) {
      const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: scale, reducedMotion: reducedMotion ? 'reduce' : 'no-preference' });
      if (state) await context.addInitScript((s) => sessionStorage.setItem('tcp-flow-lens-harness-state', s), JSON.stringify(state));
      const page = await context.newPage();
      await page.goto(`${server.url}/?fixture=${fixture}&theme=${theme}`);
      await page.waitForSelector('.flow-spacer [data-flow-id]');
      return page;
    },
    async close() {
      await browser.close();
      await server.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}
