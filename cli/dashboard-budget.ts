/**
 * `npm run bench:dashboard [-- --seconds 60]`: the dashboard's performance
 * budget, measured in headless Chromium. All four transports on at 50
 * events/s; no task on the renderer's main thread may take over 50 ms of CPU.
 * Chromium's trace gives the CPU time of each main-thread task (the page's own
 * cost); the Long Tasks API's wall-clock figures, which on a busy machine
 * include time the OS gave to other processes, are printed beside it.
 * Also prints the first page's size (gzip), budget 300 KB.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildApp } from '../server/app.ts';
import { wholeNumberFlag, parseFlags } from '../server/flag-values.ts';
import { findChromium, INSTALL_HINT, launchChromium } from '../test/support/chromium.ts';
import { ensureDashboardBuilt } from '../web/build-dashboard.ts';

const CPU_BUDGET_MS = 50;
const BUNDLE_BUDGET_KB = 300;

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), { seconds: { type: 'string' } });
  const seconds = wholeNumberFlag('--seconds', flags.seconds as string | undefined, 5, 600, 60);
  const executable = findChromium();
  if (!executable) throw new Error(`no Chromium found. ${INSTALL_HINT}`);

  const webRoot = await ensureDashboardBuilt();
  const bundleKb = firstPageGzipKb(webRoot);
  const app = await buildApp({ webRoot, ratePerSecond: 50 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const browser = await launchChromium(executable);
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.evaluate(() => {
      const w = window as unknown as { __longTasks: number[] };
      w.__longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.__longTasks.push(Math.round(entry.duration));
      }).observe({ type: 'longtask' });
    });
    const cdp = await browser.context.newCDPSession(page);
    const threads = new Map<string, string>();
    const tasks: Array<{ thread: string; wallMs: number; cpuMs: number }> = [];
    cdp.on('Tracing.dataCollected', ({ value }) => {
      for (const e of value as Array<Record<string, unknown>>) {
        const thread = `${String(e.pid)}:${String(e.tid)}`;
        const args = e.args as { name?: string } | undefined;
        if (e.ph === 'M' && e.name === 'thread_name' && args?.name) threads.set(thread, args.name);
        if (e.ph === 'X' && e.name === 'ThreadControllerImpl::RunTask' && Number(e.dur) > 10_000) {
          tasks.push({ thread, wallMs: Number(e.dur) / 1000, cpuMs: Number(e.tdur ?? 0) / 1000 });
        }
      }
    });
    const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.start', { categories: 'toplevel', transferMode: 'ReportEvents' });
    console.error(`measuring for ${seconds} s at 50 events/s…`);
    await page.waitForTimeout(seconds * 1000);
    await cdp.send('Tracing.end');
    await complete;
    const main = tasks.filter((t) => threads.get(t.thread) === 'CrRendererMain');
    const cpuMax = Math.max(0, ...main.map((t) => t.cpuMs));
    const wallLong = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
    console.log(`first page: ${bundleKb.toFixed(1)} KB gzip (budget ${BUNDLE_BUDGET_KB} KB)`);
    console.log(
      `${seconds} s at 50 events/s: main-thread tasks over 10 ms: ${main.length}; longest CPU time ${cpuMax.toFixed(1)} ms (budget ${CPU_BUDGET_MS} ms)`,
    );
    console.log(`Long Tasks API (wall time, > 50 ms): ${wallLong.length ? wallLong.join(', ') : 'none'}`);
    if (main.length === 0) throw new Error('the trace has no renderer main thread tasks: nothing was measured');
    process.exitCode = cpuMax < CPU_BUDGET_MS && bundleKb <= BUNDLE_BUDGET_KB ? 0 : 1;
  } finally {
    await browser.close();
    await app.close();
  }
}

/** index.html plus every script and stylesheet it loads, gzip-compressed (level 9). */
function firstPageGzipKb(webRoot: string): number {
  const files = [
    join(webRoot, 'index.html'),
    ...readdirSync(join(webRoot, 'assets'))
      .filter((f) => /\.(js|css)$/.test(f))
      .map((f) => join(webRoot, 'assets', f)),
  ];
  return files.reduce((sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length, 0) / 1024;
}

main().catch((error: unknown) => {
  console.error(`error: ${(error as Error).message}`);
  process.exit(2);
});
