/**
 * The dashboard in a real browser: a lab in this process (with its network
 * conditioner and a teacher token) serving the built page, and Debian's
 * Chromium driven by playwright-core. Checks what a learner relies on: live
 * columns, clients through the conditioner, network profiles and faults,
 * agreement on seq, the class view on the teacher's page only, the
 * six-connections demo, scenario switching, the wire inspector, upstream
 * round trips, downloads, and a clean console.
 * Saves full-page screenshots to test-artifacts/ for a human to look at.
 *
 * No Chromium: the suite is skipped with a hint, except on CI, where that is a failure.
 * The 60-second performance budget is a benchmark of its own: `npm run bench:dashboard`.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type LaunchedBrowser, launchBrowser } from '../cli/chromium-launcher.ts';
import { TRANSPORT_NAMES, type TransportName } from '../protocol/feed-event.ts';
import { buildApp } from '../server/app.ts';
import { ensureDashboardBuilt } from '../web/build-dashboard.ts';
import { describeInChromium } from './support/chromium.ts';

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
/** The lab runs as in classroom mode for control actions: the first page is the teacher's. */
const TOKEN = 'e2e-teacher-token';
/** Network errors the browser logs while the conditioner cuts connections on purpose. */
const FAULT_NOISE =
  /net::ERR_(CONNECTION_RESET|CONNECTION_CLOSED|EMPTY_RESPONSE|SOCKET_NOT_CONNECTED|INCOMPLETE_CHUNKED_ENCODING)|^WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/(api\/feed\/websocket|socket\.io\/)\?[^']*' failed/;

// With a Chromium, nothing here is skipped. Without one: a failure on CI, a skip that says why elsewhere.
describeInChromium('dashboard in Chromium', (executable) => {
  let app: FastifyInstance;
  let url: string;
  let browser: LaunchedBrowser;
  let page: Page;
  let conditionerPort: number;
  let studentContext: BrowserContext | null = null;
  let student: Page | null = null;
  const consoleErrors: string[] = [];
  let faultsInjected = false;

  beforeAll(async () => {
    const webRoot = await ensureDashboardBuilt();
    app = await buildApp({ webRoot, seed: 1, conditionerPort: 0, teacherToken: TOKEN });
    await app.listen({ port: 0, host: '127.0.0.1' });
    conditionerPort = (await app.conditioner.ready()) ?? 0;
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('lab did not bind a TCP port');
    url = `http://127.0.0.1:${address.port}/`;
    browser = await launchBrowser(executable);
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('console', (message) => {
      if (message.type() !== 'error') return;
      // Cut connections are the point of the fault test; anything else is a failure.
      if (faultsInjected && FAULT_NOISE.test(message.text())) return;
      consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.goto(`${url}?token=${TOKEN}`);
  }, 90_000);

  afterAll(async () => {
    await studentContext?.close();
    await browser?.close();
    await app?.close();
  });

  const metric = async (transport: TransportName, name: string): Promise<number> => {
    const text = await page.locator(`[data-transport="${transport}"] [data-metric="${name}"]`).textContent();
    return Number(text);
  };
  const everyColumn = (name: string): Promise<number[]> => Promise.all(TRANSPORT_NAMES.map((t) => metric(t, name)));
  const currentSegmentIndex = async (): Promise<number> =>
    Number(await page.locator('[data-segment-live]').getAttribute('data-segment-row'));
  /** A segment-table cell summed per transport over the segments from `fromIndex` on, the current one included. */
  const segmentTotals = (cell: string, fromIndex: number): Promise<number[]> =>
    page.evaluate(
      ({ cell, fromIndex, transports }) =>
        transports.map((t) =>
          [...document.querySelectorAll<HTMLElement>('[data-segment-row]')]
            .filter((row) => Number(row.dataset.segmentRow) >= fromIndex)
            .reduce(
              (sum, row) =>
                sum +
                Number(row.querySelector(`tr[data-segment-transport="${t}"] [data-cell="${cell}"]`)?.textContent ?? 0),
              0,
            ),
        ),
      { cell, fromIndex, transports: [...TRANSPORT_NAMES] },
    );

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
    // The page draws once its clients run (at most 400 ms after its script), so the columns may follow the load event.
    await page.locator('[data-transport]').first().waitFor({ timeout: 5000 });
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
    // Percentiles say "measuring…" until a column has a few events in the segment.
    await until(
      () => everyColumn('latency-p50'),
      (values) => values.every((ms) => Number.isFinite(ms)),
      5_000,
      'a median in every column',
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

  it("sends the page's clients through the network conditioner, and says so in the header", async () => {
    await expect(page.locator('[data-route="conditioner"]').textContent()).resolves.toContain(`:${conditionerPort}`);
    const clientId = ((await page.locator('[data-client-id]').textContent()) ?? '').trim();
    expect(clientId).toMatch(/^web-/);
    // The conditioner saw the page's own feed requests (it records each connection's first request; HTTP
    // keep-alive may carry another transport's requests after it, a WebSocket always has its own).
    const firstLines = (): string[] => app.conditioner.connections().map((c) => c.firstRequest ?? '');
    const seen = await until(
      () => Promise.resolve(firstLines().filter((line) => line.includes(`client=${clientId}`))),
      (lines) =>
        lines.some((line) => line.startsWith('GET /api/feed/websocket?')) &&
        lines.some((line) => /^(GET|POST) \/(api\/feed\/(short-poll|long-poll|sse|publish)|socket\.io\/)\?/.test(line)),
      5_000,
      "the page's WebSocket and HTTP feed requests through the conditioner",
    );
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(app.conditioner.state().openConnections).toBeGreaterThanOrEqual(3);
    // The meter stream and the controls stay on the page's own port: never through the conditioner.
    expect(firstLines().some((line) => /\/api\/(metrics|feed\/status|network|class)/.test(line))).toBe(false);
    const state = (await (await fetch(`${url}api/network`)).json()) as { port: number };
    expect(state.port).toBe(conditionerPort);
  }, 10_000);

  it('every column reports the same newest seq once the feed pauses', async () => {
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
    expect(seqs).toEqual(TRANSPORT_NAMES.map(() => newest));
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

  it('fast-4g in the network panel: WebSocket latency rises above 70 ms, captions name it, none brings it back', async () => {
    await page.selectOption('[data-control="network-profile"]', 'fast-4g');
    await until(
      () => Promise.resolve(app.conditioner.settings.profile),
      (profile) => profile === 'fast-4g',
      5_000,
      'the conditioner to take fast-4g',
    );
    // The page starts its percentiles afresh when the network changes, so the median moves within a second or two.
    const slow = await until(
      () => metric('websocket', 'latency-p50'),
      (p50) => p50 > 70,
      8_000,
      'the WebSocket median above 70 ms',
    );
    expect(slow).toBeLessThan(400);
    for (const chart of ['latency', 'bytes-per-message', 'requests', 'cumulative-bytes']) {
      await expect(page.locator(`[data-chart="${chart}"] [data-network="caption"]`).textContent()).resolves.toBe(
        'fast-4g: +165 ms RTT, 8.1↓/1.35↑ Mbit/s',
      );
    }
    // Theory uses the added round trip plus the measured base one.
    const note = (await page.locator('[data-transport="websocket"] [data-theory="caption"]').textContent()) ?? '';
    expect(Number(/RTT ([\d.]+) ms/.exec(note)?.[1])).toBeGreaterThanOrEqual(165);

    await page.selectOption('[data-control="network-profile"]', 'none');
    await until(
      () => metric('websocket', 'latency-p50'),
      (p50) => p50 > 0 && p50 < 40,
      8_000,
      'the WebSocket median back under 40 ms',
    );
    await expect(page.locator('[data-chart="latency"] [data-network="caption"]').textContent()).resolves.toContain(
      'none:',
    );
  }, 25_000);

  it('dropping every connection: each column reconnects, resumes, and counts no gap', async () => {
    // Each fault starts a segment: count reconnects and gaps over the segments from here on.
    const firstSegment = await currentSegmentIndex();
    const before = await segmentTotals('reconnects', firstSegment);
    // On loopback no client should have needed to reconnect yet; say so if one did (the counts below are deltas).
    if (before.some((n) => n > 0)) console.warn(`[dashboard.e2e] reconnects before any fault: ${before.join(', ')}`);
    faultsInjected = true;
    // Chrome resends a GET that dies on a reused keep-alive connection once, on a new one, without telling
    // the page; a poll idle between requests loses nothing at all. So the polls are held in flight by a stall
    // and the connections are cut twice: the second cut meets the resent requests.
    await page.fill('[data-control="stall-seconds"]', '5');
    await page.click('[data-control="fault-stall"]');
    await page.waitForTimeout(1_300); // the short poll's next request is now on its way, and held
    await page.click('[data-control="fault-drop-all"]');
    await page.waitForTimeout(500);
    await page.click('[data-control="fault-drop-all"]');
    await page.click('[data-control="fault-calm"]');
    // The timeline marks each fault where it happened.
    await until(
      () => page.locator('[data-timeline-fault="drop-all"]').count(),
      (n) => n === 2,
      3_000,
      'two drop-all marks on the timeline',
    );
    await until(
      () => segmentTotals('reconnects', firstSegment),
      (counts) => counts.every((n, i) => n >= (before[i] ?? 0) + 1),
      8_000,
      'a reconnect in every column',
    );
    await until(
      () => everyColumn('resume-ms'),
      (values) => values.every((ms) => Number.isFinite(ms) && ms > 0),
      8_000,
      'a time to resume in every column',
    );
    const received = await everyColumn('messages');
    await until(
      () => everyColumn('messages'),
      (counts) => counts.every((n, i) => n > (received[i] ?? 0)),
      8_000,
      'events flowing again in every column',
    );
    expect(await segmentTotals('gaps', firstSegment)).toEqual(TRANSPORT_NAMES.map(() => 0));
    expect(app.conditioner.state().faults.cutConnections).toBeGreaterThan(0);
  }, 30_000);

  it("the teacher's page counts 2 browsers in the class view; a student's page shows none and may not steer", async () => {
    studentContext = await browser.newContext();
    student = await studentContext.newPage();
    await student.goto(url);
    await until(
      () => page.locator('[data-class="browsers"]').textContent(),
      (text) => text === '2',
      10_000,
      'the class view to count 2 browsers',
    );
    const sse = page.locator('[data-class-transport="sse"] [data-class="transport-browsers"]');
    await until(
      () => sse.textContent(),
      (text) => text === '2',
      5_000,
      'both browsers reporting SSE',
    );
    // Classroom mode is said up front: the teacher's page steers, a student's page watches.
    await student.locator('[data-access="watching"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-access="teacher"]').count()).toBe(1);
    expect(await page.locator('[data-access="watching"]').count()).toBe(0);
    expect(await student.locator('[data-panel="class"]').count()).toBe(0);
    // A student's shared controls are disabled and say why up front (the lab would refuse them: security.test.ts).
    await expect(student.locator('[data-control="fault-drop-all"]').isDisabled()).resolves.toBe(true);
    await expect(student.locator('[data-control="scenario"]').isDisabled()).resolves.toBe(true);
    await expect(student.locator('[data-why-disabled="network"]').textContent()).resolves.toContain('Only the teacher');
    await expect(student.locator('[data-why-disabled="feed"]').textContent()).resolves.toContain('Only the teacher');
    // Their own clients' settings stay theirs.
    await expect(student.locator('[data-control="interval"]').isDisabled()).resolves.toBe(false);
  }, 25_000);

  it("the six-connections demo: a request to the page's own origin waits until a connection frees up", async () => {
    const longPolled = await metric('long-poll', 'messages');
    await page.click('[data-control="limit-demo"]');
    const result = page.locator('[data-demo="result"]');
    await result.waitFor({ timeout: 15_000 });
    await expect(result.getAttribute('data-stalled')).resolves.toBe('yes');
    expect(Number(await result.locator('[data-demo="waited-ms"]').textContent())).toBeGreaterThan(2_500);
    // The long poll goes through the conditioner's port, another origin with six connections of its own:
    // it kept receiving while this origin's were used up.
    expect(await metric('long-poll', 'messages')).toBeGreaterThan(longPolled + 10);
    expect(await metric('long-poll', 'gaps')).toBe(0);
  }, 20_000);

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
    if (student) await student.screenshot({ path: join(ARTIFACTS, 'dashboard-student.png'), fullPage: true });
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
    const payloadPart = page
      .locator('[data-inspect-transport="websocket"] [data-part="payload"] [data-part-bytes]')
      .first();
    expect(Number(await payloadPart.getAttribute('data-part-bytes'))).toBe(tiny.json.length);
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
      () => page.locator('[data-transport="websocket"] [data-flash="text"]').textContent(),
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

  it('a new scenario and network start a segment: the columns show its figures only, the charts mark it, the table keeps both', async () => {
    const before = await currentSegmentIndex();
    await page.selectOption('[data-control="scenario"]', 'large-snapshot');
    await until(
      () => currentSegmentIndex(),
      (index) => index > before,
      5_000,
      'a new segment for large-snapshot',
    );
    // "The event itself" is the 100 KB event alone, and a WebSocket frame header of a 100 KB event is 10 B;
    // a ping (2 B, every 25 s) may fall in the segment too: over 5 events it adds at most 0.4 B per event.
    await until(
      () => everyColumn('messages'),
      (counts) => counts.every((n) => n >= 5),
      30_000,
      'five large events in every column',
    );
    const payloads = await everyColumn('per-event-payload');
    for (const [i, bytes] of payloads.entries()) expect(bytes, TRANSPORT_NAMES[i]).toBeGreaterThanOrEqual(90_000);
    expect(Math.floor(await metric('websocket', 'measured-framing-down'))).toBe(10);
    const marked = (label: string) => () =>
      page.locator(`[data-chart="latency"] [data-segment-mark="${label}"]`).count();
    // The charts take turns to redraw, about once a second each.
    await until(marked('large-snapshot'), (n) => n === 1, 3_000, 'the large-snapshot marker on the latency chart');

    await page.selectOption('[data-control="network-profile"]', 'lan');
    await until(
      () => currentSegmentIndex(),
      (index) => index > before + 1,
      5_000,
      'a new segment for lan',
    );
    await until(marked('lan'), (n) => n === 1, 3_000, 'the lan marker on the latency chart');
    const labels = await page.locator('[data-segment-row] [data-segment-label]').allTextContents();
    expect(labels.slice(0, 2)).toEqual(['lan', 'large-snapshot']); // newest first
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-segments.png'), fullPage: true });

    await page.selectOption('[data-control="network-profile"]', 'none');
    await page.selectOption('[data-control="scenario"]', 'stock-ticker');
    await until(
      () => Promise.resolve(app.feed.currentSettings.scenario.id),
      (id) => id === 'stock-ticker',
      5_000,
      'the default scenario back',
    );
  }, 60_000);

  it('a lesson end to end: predict, run, the verdict from the numbers, the conditions put back, Markdown to hand in', async () => {
    const id = 'websocket-upgrade-same-connection';
    const scenarioBefore = app.feed.currentSettings.scenario.id;
    const networkBefore = app.conditioner.settings.profile;
    const card = page.locator(`[data-lesson="${id}"]`);
    await card.locator('summary').click();
    // The URL follows the page's state in an effect, a moment after the click.
    await expect.poll(() => page.url(), { timeout: 5_000 }).toContain(`lesson=${id}`);
    const run = card.locator('[data-control="lesson-run"]');
    await expect(run.isDisabled()).resolves.toBe(true); // a prediction comes first
    await card.locator('[data-control="lesson-prediction"]').first().check();
    await run.click();
    await card.locator('[data-lesson-progress]').waitFor({ timeout: 5_000 });
    const verdict = await card
      .locator('[data-lesson-outcome] [data-lesson-verdict]')
      .first()
      .getAttribute('data-lesson-verdict', {
        timeout: 40_000,
      });
    expect(['holds', 'holds-if', 'does-not-hold']).toContain(verdict);
    // The verdict comes with its numbers: the figures the lesson judged from, drawn.
    await expect(card.locator('[data-lesson-figure="connections"]').count()).resolves.toBe(1);
    const outcome = (await card.locator('[data-lesson-outcome]').innerText()) ?? '';
    expect(outcome).toMatch(/crossed \d+ TCP connection/);
    await expect(card.locator('[data-lesson-prediction]').getAttribute('data-lesson-prediction')).resolves.toMatch(
      /^(right|wrong)$/,
    );
    // What was there before is back, and the lesson had a segment of its own.
    await until(
      () => Promise.resolve(`${app.feed.currentSettings.scenario.id}|${app.conditioner.settings.profile}`),
      (now) => now === `${scenarioBefore}|${networkBefore}`,
      5_000,
      'the conditions put back',
    );
    await until(
      () => page.locator('[data-segment-row] [data-segment-label]').allTextContents(),
      (labels) => labels.includes(`lesson: ${id}`),
      5_000,
      "the lesson's own segment in the table",
    );
    const download = page.waitForEvent('download');
    await card.locator('[data-control="lesson-markdown"]').click();
    const file = await (await download).path();
    const markdown = readFileSync(file, 'utf8');
    expect(markdown).toContain('## Lesson: WebSocket is an HTTP upgrade on the same TCP connection');
    expect(markdown).toContain('my prediction');
    await card.screenshot({ path: join(ARTIFACTS, 'dashboard-lesson.png') });
  }, 60_000);

  it('WebSocket blocked in the network panel: the WebSocket column stalls and retries, Socket.IO keeps counting; its lanes restart only its client', async () => {
    faultsInjected = true;
    // A controlled checkbox: it shows the conditioner's answer, so it changes once the lab has taken it.
    await page.click('[data-control="websocket-blocked"]');
    await until(
      async () => ((await (await fetch(`${url}api/network`)).json()) as { websocketBlocked: boolean }).websocketBlocked,
      (blocked) => blocked,
      3_000,
      'the switch to reach the conditioner',
    );
    // Every connection cut: each client must come back through the blocked conditioner.
    await page.click('[data-control="fault-drop-all"]');
    await page.waitForTimeout(1_000);
    const [websocketBefore, socketIoBefore] = [
      await metric('websocket', 'messages'),
      await metric('socket-io', 'messages'),
    ];
    await page.waitForTimeout(2_000);
    expect(await metric('websocket', 'messages')).toBe(websocketBefore);
    expect(await metric('socket-io', 'messages')).toBeGreaterThan(socketIoBefore);
    await page.click('[data-control="websocket-blocked"]');
    await until(
      () => page.isChecked('[data-control="websocket-blocked"]'),
      (checked) => !checked,
      3_000,
      'the switch off',
    );
    await until(
      () => metric('websocket', 'messages'),
      (n) => n > websocketBefore,
      10_000,
      'the WebSocket column back once unblocked',
    );

    // The polling-only lane: Socket.IO's client restarts and keeps asking over HTTP (a request per answer),
    // where on its WebSocket it would make none; the plain WebSocket column is not restarted.
    const clientId = ((await page.locator('[data-client-id]').textContent()) ?? '').trim();
    const requests = async (transport: TransportName): Promise<number> => {
      const body = (await (await fetch(`${url}api/metrics?client=${clientId}`)).json()) as {
        transports: Record<string, { requests: number }>;
      };
      return body.transports[transport]?.requests ?? 0;
    };
    await page.selectOption('[data-control="socket-io-lane"]', 'polling');
    expect(page.url()).toContain('lane=polling');
    await page.waitForTimeout(1_000);
    const [socketIoRequests, websocketRequests] = [await requests('socket-io'), await requests('websocket')];
    await page.waitForTimeout(2_000);
    expect((await requests('socket-io')) - socketIoRequests).toBeGreaterThanOrEqual(3);
    expect(await requests('websocket')).toBe(websocketRequests);
    await page.selectOption('[data-control="socket-io-lane"]', 'default');
  }, 40_000);

  it('logs no console errors', async () => {
    expect(consoleErrors).toEqual([]);
  });
});
