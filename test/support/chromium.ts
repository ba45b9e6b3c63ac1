/**
 * Finding and launching a system Chromium for the browser tests, through
 * playwright-core (which downloads nothing). `npx playwright install` cannot
 * download here; Debian's package can: `apt-get install chromium`.
 */
import { existsSync } from 'node:fs';
import { type BrowserContext, chromium } from 'playwright-core';

const CANDIDATES = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];

/** Quiet, reproducible, and runnable as root in a container. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const INSTALL_HINT =
  'Install Chromium to run it: `apt-get install chromium` (Debian/Ubuntu), or set CHROMIUM_PATH to a Chromium or Chrome binary.';

/** The first Chromium found: `CHROMIUM_PATH`, then the usual install paths; null when there is none. */
export function findChromium(): string | null {
  for (const path of CANDIDATES) if (path && existsSync(path)) return path;
  return null;
}

export interface LaunchedBrowser {
  /** The first browser context (a fresh profile). */
  context: BrowserContext;
  /** Another context in the same browser: its own cookies, storage and connection pool, like a second person. */
  newContext(): Promise<BrowserContext>;
  close(): Promise<void>;
}

/**
 * A headless Chromium; Playwright gives it a fresh, temporary user-data dir
 * and removes it on close. Every context gets the same viewport and accepts downloads.
 */
export async function launchChromium(
  executablePath: string,
  viewport = { width: 1440, height: 900 },
): Promise<LaunchedBrowser> {
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  const newContext = (): Promise<BrowserContext> => browser.newContext({ viewport, acceptDownloads: true });
  const context = await newContext();
  return {
    context,
    newContext,
    async close() {
      await browser.close().catch(() => {});
    },
  };
}
