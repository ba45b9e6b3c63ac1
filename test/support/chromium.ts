/**
 * Finding and launching a system Chromium for the browser tests, through
 * playwright-core (which downloads nothing). `npx playwright install` cannot
 * download here; Debian's package can: `apt-get install chromium`.
 */
import { existsSync } from 'node:fs';
import { type BrowserContext, chromium } from 'playwright-core';
import { describe, it } from 'vitest';

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

/**
 * A browser suite: `body` gets the Chromium to launch. Without one it is skipped
 * with a line saying why and how to install it, except under `CI=true`, where a
 * missing browser is a failing test: CI promises the browser suite ran.
 */
export function describeInChromium(name: string, body: (executable: string) => void): void {
  const executable = findChromium();
  if (executable) {
    describe(name, () => body(executable));
  } else if (process.env.CI === 'true') {
    describe(`${name} (CI)`, () => {
      it('finds a Chromium to run the browser suite', () => {
        throw new Error(`CI=true but no Chromium was found. ${INSTALL_HINT}`);
      });
    });
  } else {
    console.warn(`[${name}] browser suite skipped: no Chromium found. ${INSTALL_HINT}`);
    describe.skip(`${name} — skipped: no Chromium found. ${INSTALL_HINT}`, () => {
      it('needs Chromium', () => {});
    });
  }
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
