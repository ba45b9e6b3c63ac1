/**
 * The dashboard in a real browser: a lab in this process serving the built
 * page, and Debian's Chromium driven by playwright-core. Checks what a
 * learner relies on: live columns, agreement on seq, scenario switching, the
 * wire inspector, upstream round trips, downloads, and a clean console.
 * Saves full-page screenshots to test-artifacts/ for a human to look at.
 *
 * No Chromium: the suite is skipped with a hint, except on CI, where that is a failure.
 * The 60-second performance budget is a benchmark of its own: `npm run bench:dashboard`.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRANSPORT_NAMES, type TransportName } from '../protocol/feed-event.ts';
import { buildApp } from '../server/app.ts';
import { ensureDashboardBuilt } from '../web/build-dashboard.ts';
import { findChromium, INSTALL_HINT, type LaunchedBrowser, launchChromium } from './support/chromium.ts';

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const executable = findChromium();
const onCi = process.env.CI === 'true';

// With a Chromium, nothing here is skipped. Without one: a failure on CI, a skip that says why elsewhere.
if (!executable && onCi) {
  describe('dashboard in Chromium (CI)', () => {
    it('finds a Chromium to run the browser suite', () => {
      throw new Error(`CI=true but no Chromium was found. ${INSTALL_HINT}`);
    });
  });
} else if (!executable) {
  console.warn(`[dashboard.e2e] browser suite skipped: no Chromium found. ${INSTALL_HINT}`);
  describe.skip(`dashboard in Chromium — skipped: no Chromium found. ${INSTALL_HINT}`, () => {
    it('needs Chromium', () => {});
  });
}

describe.runIf(executable !== null)('dashboard in Chromium', () => {
  let app: FastifyInstance;
  let url: string;
  let browser: LaunchedBrowser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    const webRoot = await ensureDashboardBuilt();
    app = await buildApp({ webRoot, seed: 1 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('lab did not bind a TCP port');
    url = `http://127.0.0.1:${address.port}/`;
    browser = await launchChromium(executable ?? '');
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.goto(url);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const metric = async (transport: TransportName, name: string): Promise<number> => {
    const text = await page.locator(`[data-transport="${transport}"] [data-metric="${name}"]`).textContent();
    return Number(text);
  };

  /** Polls `read` until `accept` holds; returns the last value read. */
  async function until<T>(
    read: () => Promise<T>,
    accept: (value: T) => boolean,
    timeoutMs: number,
    what: string,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let value = await read();
    while (!accept(value)) {
      if (Date.now() > deadline)
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(value)}`);
      await page.waitForTimeout(100);
      value = await read();
    }
    return value;
  }

  it('loads, and every column shows a growing message count and a latency', async () => {
    await expect(page.title()).resolves.toBe('Transport Lab');
    for (const transport of TRANSPORT_NAMES) {
      expect(await page.locator(`[data-transport="${transport}"]`).count(), transport).toBe(1);
    }
    const first = await until(
      () => Promise.all(TRANSPORT_NAMES.map((t) => metric(t, 'messages'))),
      (counts) => counts.every((n) => n > 0),
      10_000,
      'every column to receive events',
    );
    await until(
      () => Promise.all(TRANSPORT_NAMES.map((t) => metric(t, 'messages'))),
      (counts) => counts.every((n, i) => n > (first[i] ?? 0)),
      5_000,
      'every message count to grow',
    );
    for (const transport of TRANSPORT_NAMES) {
      const p50 = await metric(transport, 'latency-p50');
      const p99 = await metric(transport, 'latency-p99');
      expect(p50, `${transport} p50`).toBeGreaterThan(0);
      expect(p99, `${transport} p99`).toBeGreaterThanOrEqual(p50);
      expect(await metric(transport, 'gaps')).toBe(0);
    }
    // Polling pays a request per answer; the streams pay one request for the whole connection.
    expect(await metric('long-poll', 'requests')).toBeGreaterThan(await metric('sse', 'requests'));
    expect(await metric('websocket', 'bytes-payload')).toBeGreaterThan(0);
  }, 20_000);

  it('the four columns report the same newest seq once the feed pauses', async () => {
    await page.click('[data-control="pause"]');
    await until(
      () => Promise.resolve(app.feed.running),
      (running) => !running,
      5_000,
      'the feed to pause',
    );
    const newest = app.feed.newestSeq;
    const seqs = await until(
      () => Promise.all(TRANSPORT_NAMES.map((t) => metric(t, 'last-seq'))),
      (values) => values.every((v) => v === newest),
      5_000,
      `all four columns at seq ${newest}`,
    );
    expect(seqs).toEqual([newest, newest, newest, newest]);
    await page.click('[data-control="pause"]');
    await until(
      () => Promise.resolve(app.feed.running),
      (running) => running,
      5_000,
      'the feed to resume',
    );
  }, 15_000);

  it('shows the round trip of an upstream message, over WebSocket and over HTTP', async () => {
    for (const transport of ['websocket', 'sse'] as const) {
      await page.selectOption('[data-control="upstream-transport"]', transport);
      await page.fill('[data-control="upstream-text"]', `hello over ${transport}`);
      await page.click('[data-control="upstream-send"]');
      const roundTrip = await until(
        async () => {
          const result = page.locator(`[data-upstream-transport="${transport}"] [data-upstream="round-trip"]`);
          return (await result.count()) > 0 ? Number(await result.textContent()) : 0;
        },
        (ms) => ms > 0,
        5_000,
        `a round trip over ${transport}`,
      );
      expect(roundTrip).toBeLessThan(5_000);
    }
  }, 15_000);

  it('saves full-page screenshots, normal and in presenter mode', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.waitForTimeout(1_500); // let the charts take their turns once more
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    await page.check('[data-control="presenter"]');
    await expect(page.evaluate(() => document.documentElement.classList.contains('presenter'))).resolves.toBe(true);
    expect(page.url()).toContain('presenter=1');
    await page.waitForTimeout(1_500);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-presenter.png'), fullPage: true });
    await page.uncheck('[data-control="presenter"]');
  }, 20_000);

  it('downloads the numbers as JSON and CSV, and a chart as PNG', async () => {
    const [json] = await Promise.all([page.waitForEvent('download'), page.click('button:text-is("JSON")')]);
    const numbers = JSON.parse(readFileSync((await json.path()) ?? '', 'utf8')) as {
      transports: Array<{ transport: string }>;
    };
    expect(numbers.transports.map((t) => t.transport)).toEqual([...TRANSPORT_NAMES]);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('button:text-is("CSV")')]);
    const lines = readFileSync((await csv.path()) ?? '', 'utf8')
      .trim()
      .split('\n');
    expect(lines).toHaveLength(1 + TRANSPORT_NAMES.length);
    const [png] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-chart="latency"] button:text-is("PNG")'),
    ]);
    const bytes = readFileSync((await png.path()) ?? '');
    expect(bytes.subarray(1, 4).toString()).toBe('PNG');
  }, 15_000);

  it('the inspector shows a WebSocket frame header 81 + length for a small text event', async () => {
    // The scenarios' events are over 125 B; a tiny one, published while the feed is paused, fits the
    // 7-bit length field, so its frame header is exactly two bytes: 0x81 (FIN, text) and the length.
    await page.click('[data-control="pause"]');
    await until(
      () => Promise.resolve(app.feed.running),
      (running) => !running,
      5_000,
      'the feed to pause',
    );
    const tiny = app.feed.publish({ topic: 't', data: 1 });
    expect(tiny.json.length).toBeLessThanOrEqual(125);
    await page.click('[data-inspect-tab="websocket"]');
    const expected = `81 ${tiny.json.length.toString(16).padStart(2, '0')}`;
    const hex = await until(
      async () => {
        const header = page.locator('[data-inspect="frame-header"]');
        return (await header.count()) > 0 ? ((await header.textContent()) ?? '').trim() : '';
      },
      (text) => text === expected,
      10_000,
      `the frame header ${expected}`,
    );
    expect(hex).toMatch(/^81 [0-7][0-9a-f]$/);
    const payloadPart = page.locator('[data-inspect-transport="websocket"] .part-payload .part-bytes').first();
    expect(Number.parseInt((await payloadPart.textContent()) ?? '', 10)).toBe(tiny.json.length);
    await page.click('[data-control="pause"]');
    await until(
      () => Promise.resolve(app.feed.running),
      (running) => running,
      5_000,
      'the feed to resume',
    );
  }, 20_000);

  it('switching scenario changes what flows', async () => {
    const scenarios = (await (await fetch(`${url}api/scenarios`)).json()) as Array<{ id: string; topics: string[] }>;
    const topic = scenarios.find((s) => s.id === 'multiplayer-game')?.topics[0] ?? 'no such scenario';
    await page.selectOption('[data-control="scenario"]', 'multiplayer-game');
    await until(
      () => Promise.resolve(app.feed.currentSettings.scenario.id),
      (id) => id === 'multiplayer-game',
      5_000,
      'the scenario switch',
    );
    await until(
      () => page.inputValue('[data-control="rate"]'),
      (value) => value === '30',
      5_000,
      'the rate field to show 30',
    );
    await until(
      () => page.locator('[data-transport="websocket"] .flash-text').textContent(),
      (text) => (text ?? '').includes(` ${topic} `),
      5_000,
      'game events in the WebSocket column',
    );
    await until(
      () => page.locator('[data-scenario]').getAttribute('data-scenario'),
      (id) => id === 'multiplayer-game',
      5_000,
      'the notice',
    );
    expect(page.url()).toContain('scenario=multiplayer-game');
  }, 20_000);

  it('logs no console errors', async () => {
    expect(consoleErrors).toEqual([]);
    // On loopback no client should have needed to reconnect; say so (with the client's own reason) if one did.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button:text-is("JSON")')]);
    const numbers = JSON.parse(readFileSync((await download.path()) ?? '', 'utf8')) as {
      transports: Array<{ transport: string; reconnects: number; lastError: string | null }>;
    };
    for (const t of numbers.transports) {
      if (t.reconnects > 0)
        console.warn(`[dashboard.e2e] ${t.transport} reconnected ${t.reconnects}×; last error: ${t.lastError}`);
    }
  });
});
