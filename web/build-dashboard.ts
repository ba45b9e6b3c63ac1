/**
 * Builds the dashboard (`web/dist`) when it is missing or older than its
 * sources, so `npm start` and the browser tests always serve the current page
 * without a separate build step. Vite is imported only when a build is needed:
 * a lab with a fresh `web/dist` starts without loading it.
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB_DIR = fileURLToPath(new URL('.', import.meta.url));
const REPO_DIR = join(WEB_DIR, '..');
/** The folder the lab serves; pass it to `buildApp({ webRoot })`. */
export const DIST_DIR = join(WEB_DIR, 'dist');
/** Everything the page is built from: a change to any of these makes `web/dist` stale. */
const SOURCES = [
  join(WEB_DIR, 'src'),
  join(WEB_DIR, 'index.html'),
  join(WEB_DIR, 'vite.config.ts'),
  join(REPO_DIR, 'clients'),
  join(REPO_DIR, 'protocol'),
  // Bundled into the page as text (`?raw`).
  join(REPO_DIR, 'docs', 'connection-limit.md'),
];

let building: Promise<string> | null = null;

/**
 * Builds `web/dist` with Vite's JS API when it is missing or stale (by mtime)
 * and returns its path. Concurrent calls in one process share one build; a
 * build in another process cannot leave a half-written `dist` behind, because
 * each build writes to its own folder and is swapped in with renames.
 */
export function ensureDashboardBuilt(): Promise<string> {
  if (!isStale()) return Promise.resolve(DIST_DIR);
  building ??= build().finally(() => {
    building = null;
  });
  return building;
}

/** True when `web/dist/index.html` is missing or older than any source file. */
export function isStale(): boolean {
  const builtAt = mtimeOf(join(DIST_DIR, 'index.html'));
  if (builtAt === null) return true;
  return SOURCES.some((source) => newestMtime(source) > builtAt);
}

async function build(): Promise<string> {
  const { build: viteBuild } = await import('vite');
  const outDir = join(WEB_DIR, `.dist-${process.pid}-${Date.now()}`);
  // Vite and the React plugin read NODE_ENV to choose production or development React
  // (and JSX); under Vitest it is `test`. A build is always production, so pin it meanwhile.
  const inheritedNodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await viteBuild({
      configFile: join(WEB_DIR, 'vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
      build: { outDir, emptyOutDir: true },
    });
    // Swap: the old dist (if any) moves aside, the new one takes its name, the old one goes.
    const old = join(WEB_DIR, `.dist-old-${process.pid}-${Date.now()}`);
    if (existsSync(DIST_DIR)) renameSync(DIST_DIR, old);
    try {
      renameSync(outDir, DIST_DIR);
    } catch (error) {
      // Another process swapped its own fresh build in meanwhile: that one serves as well.
      if (!existsSync(DIST_DIR)) throw error;
    }
    rmSync(old, { recursive: true, force: true });
  } finally {
    if (inheritedNodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = inheritedNodeEnv;
    rmSync(outDir, { recursive: true, force: true });
  }
  return DIST_DIR;
}

function mtimeOf(path: string): number | null {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return null;
  }
}

/** The newest mtime of a file, or of any file below a folder (0 when missing). */
function newestMtime(path: string): number {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}
