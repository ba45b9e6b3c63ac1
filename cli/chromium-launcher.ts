/**
 * A system Chromium for the command-line tools, driven by playwright-core
 * (which downloads nothing): found at the usual paths or `CHROMIUM_PATH`,
 * started headless with a fresh profile that is removed on close.
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

/** Quiet and runnable as root in a container; nothing phones home. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
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

/** A headless Chromium with a fresh user-data dir of its own (a persistent context is how Playwright takes one). */
export async function launchChromium(executablePath: string): Promise<LaunchedChromium> {
  const profile = await mkdtemp(join(tmpdir(), 'transport-lab-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
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
