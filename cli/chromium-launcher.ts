/**
 * A system Chromium for the command-line tools and the browser tests, driven
 * by playwright-core (which downloads nothing): found at the usual paths or
 * `CHROMIUM_PATH`, started headless with a fresh profile that is removed on
 * close. `npx playwright install` cannot download here; Debian's package can.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** Quiet, reproducible and runnable as root in a container; nothing phones home. (Playwright adds --headless.) */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export const CHROMIUM_INSTALL_HINT =
  'install Chromium (`apt-get install chromium` on Debian/Ubuntu) or set CHROMIUM_PATH to a Chromium or Chrome binary';

/** The first Chromium found: `CHROMIUM_PATH`, then the usual install paths; null when there is none. */
export function findChromium(): string | null {
  for (const path of CANDIDATES) if (path && existsSync(path)) return path;
  return null;
}

export interface LaunchedChromium {
  context: BrowserContext;
  /** Closes the browser and removes its profile folder. */
  close(): Promise<void>;
}

/**
 * A headless Chromium with a fresh user-data dir of its own (a persistent context is how Playwright takes one).
 * @param extraArgs more command-line switches, e.g. `--ignore-certificate-errors-spki-list=<hash>` to trust
 *   the lab's self-signed certificate by its key (Chromium honours it only with a user-data dir, as here)
 */
export async function launchChromium(executablePath: string, extraArgs: string[] = []): Promise<LaunchedChromium> {
  const profile = await mkdtemp(join(tmpdir(), 'transport-lab-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: [...CHROMIUM_ARGS, ...extraArgs],
    });
    return {
      context,
      async close() {
        await context.close().catch(() => {});
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
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
 * A headless Chromium that can hold several contexts; Playwright gives it a
 * fresh, temporary user-data dir and removes it on close. Every context gets
 * the same viewport (CSS pixels, default 1440 × 900) and accepts downloads.
 */
export async function launchBrowser(
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
