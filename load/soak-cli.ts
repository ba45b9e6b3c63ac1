/**
 * `npm run soak -- --minutes 10`: a lab (its own process) under moderate load
 * from every transport for a long while, its RSS and heap sampled from inside
 * it. After a warm-up (the first fifth, at least a minute) RSS should grow
 * < 5%: a leak per event or per request shows as steady growth.
 *
 * RSS follows the heap V8 reserves, which swings by tens of MB between major
 * collections, so single samples mislead: the growth compares the median of
 * the first window after warm-up with the median of the last window (each a
 * fifth of the measured time). The lab keeps only as many events for resume as
 * arrive in half the warm-up (`--history`), so its bounded ring is full before
 * measuring starts and any growth left is a leak.
 * Fails (exit 1) when the growth is over the bound or an event was lost or duplicated.
 */
import { createFeedClient } from '../clients/client-registry.ts';
import type { FeedClient } from '../clients/feed-client.ts';
import { TRANSPORT_NAMES } from '../protocol/feed-event.ts';
import { median } from '../protocol/figures.ts';
import type { ProcessFigures } from '../protocol/lab-status.ts';
import { decimalFlag, parseFlags, wholeNumberFlag } from '../server/flag-values.ts';
import { runCli } from './cli-support.ts';
import { readProcess } from './lab-api.ts';
import { createLoadEnv, type LoadEnv } from './load-client-env.ts';
import { prebuildDashboard, startServerProcess } from './server-process.ts';

const GROWTH_BOUND = 0.05;

runCli(async () => {
  const flags = parseFlags(process.argv.slice(2), {
    minutes: { type: 'string' },
    clients: { type: 'string' },
    rate: { type: 'string' },
    'sample-seconds': { type: 'string' },
  });
  const minutes = decimalFlag('--minutes', (flags.minutes as string | undefined) ?? '10', 0.5, 240);
  const perTransport = wholeNumberFlag('--clients', flags.clients as string | undefined, 1, 2000, 25);
  const rate = decimalFlag('--rate', (flags.rate as string | undefined) ?? '20', 0.1, 1000);
  const sampleSeconds = wholeNumberFlag('--sample-seconds', flags['sample-seconds'] as string | undefined, 1, 600, 10);

  const warmUpS = Math.max(60, (minutes * 60) / 5);
  const history = Math.max(100, Math.round((rate * warmUpS) / 2));
  await prebuildDashboard();
  const lab = await startServerProcess('server/main.ts', [
    '--history',
    String(history),
    '--port',
    '0',
    '--conditioner-port',
    'off',
    '--rate',
    String(rate),
  ]);
  const envs: LoadEnv[] = [];
  const clients: FeedClient[] = [];
  try {
    for (const transport of TRANSPORT_NAMES) {
      const load = createLoadEnv(transport, 'node', lab.url);
      envs.push(load);
      for (let i = 0; i < perTransport; i++) {
        const client = createFeedClient(transport, {
          baseUrl: lab.url,
          clientId: `soak-${transport}-${i}`,
          env: load.env,
          keepLatencySamples: 0,
        });
        clients.push(client);
        client.start();
      }
    }
    console.log(
      `Soak: ${minutes} min, ${perTransport} clients per transport, ${rate} events/s, ${history} events kept, lab ${lab.url}`,
    );
    console.log('elapsed_s  rss_MB  heap_MB  heap_total_MB  buffers_MB  connections  messages');

    const samples: { atS: number; figures: ProcessFigures }[] = [];
    const started = Date.now();
    const endAt = started + minutes * 60_000;
    while (Date.now() < endAt) {
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(sampleSeconds * 1000, Math.max(0, endAt - Date.now()))),
      );
      const figures = await readProcess(lab.url, false);
      if (!figures) throw new Error('the lab does not answer GET /api/process');
      const atS = Math.round((Date.now() - started) / 1000);
      samples.push({ atS, figures });
      const messages = clients.reduce((sum, c) => sum + c.stats().messages, 0);
      console.log(
        `${String(atS).padStart(9)}  ${mb(figures.rssBytes).padStart(6)}  ${mb(figures.heapUsedBytes).padStart(7)}  ${mb(figures.heapTotalBytes).padStart(13)}  ` +
          `${mb(figures.arrayBuffersBytes).padStart(10)}  ${String(figures.connections).padStart(11)}  ${messages}`,
      );
    }

    const measured = samples.filter((s) => s.atS >= warmUpS);
    if (measured.length === 0) throw new Error('no samples were taken after the warm-up');
    const window = Math.max(1, Math.floor(measured.length / 5));
    const first = median(measured.slice(0, window).map((s) => s.figures.rssBytes)) ?? 0;
    const last = median(measured.slice(-window).map((s) => s.figures.rssBytes)) ?? 0;
    const growth = (last - first) / first;
    const stats = clients.map((c) => c.stats());
    const gaps = stats.reduce((sum, s) => sum + s.gaps, 0);
    const duplicates = stats.reduce((sum, s) => sum + s.duplicates, 0);
    const peakRss = Math.max(...samples.map((s) => s.figures.rssBytes));
    console.log(
      `\nRSS (median of ${window} samples) after the warm-up of ${warmUpS} s: ${mb(first)} MB; at the end: ${mb(last)} MB; ` +
        `growth ${(growth * 100).toFixed(1)}% (bound ${GROWTH_BOUND * 100}%); peak ${mb(peakRss)} MB`,
    );
    console.log(
      `clients: ${stats.reduce((sum, s) => sum + s.messages, 0)} events delivered, ${gaps} gaps, ${duplicates} duplicates`,
    );
    if (!(growth < GROWTH_BOUND && gaps === 0 && duplicates === 0)) {
      throw new Error('soak failed: RSS grew past the bound, or a client saw a gap or a duplicate');
    }
  } finally {
    for (const client of clients) client.stop();
    await Promise.all(envs.map((e) => e.close()));
    await lab.stop();
  }
});

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}
