/**
 * The load panel in a real browser: a student's page (no teacher token) is
 * refused in plain words and starts nothing; the teacher's page starts a
 * 2-client, 3-second run, sees its progress, then the final table; the
 * messages-per-second chart names every line in its legend and draws each
 * with its own dash; a page opened later says when that run ran and with
 * which settings. Saves screenshots of the panel to test-artifacts/ for a
 * human to look at.
 *
 * No Chromium: skipped with a hint, except on CI, where that is a failure.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type LaunchedBrowser, launchBrowser } from '../cli/chromium-launcher.ts';
import { TRANSPORT_NAMES } from '../protocol/feed-event.ts';
import type { LoadRunView } from '../protocol/load-run-view.ts';
import { TRANSPORT_RECORDS } from '../protocol/transport-records.ts';
import { buildApp } from '../server/app.ts';
import { ensureDashboardBuilt } from '../web/build-dashboard.ts';
import { describeInChromium } from './support/chromium.ts';

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const TOKEN = 'load-panel-teacher-token';
/** Chromium logs every refused request; the student's refusal is the point of the first test. */
const REFUSAL_NOISE = /status of 401/;

describeInChromium('load panel in Chromium', (executable) => {
  let app: FastifyInstance;
  let url: string;
  let browser: LaunchedBrowser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    const webRoot = await ensureDashboardBuilt();
    app = await buildApp({ webRoot, seed: 1, teacherToken: TOKEN });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('lab did not bind a TCP port');
    url = `http://127.0.0.1:${address.port}/`;
    browser = await launchBrowser(executable);
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('console', (message) => {
      if (message.type() === 'error' && !REFUSAL_NOISE.test(message.text())) consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const loadState = async (): Promise<LoadRunView> => (await fetch(`${url}api/load`)).json() as Promise<LoadRunView>;

  async function fillRun(): Promise<void> {
    await page.fill('[data-control="load-clients"]', '2');
    await page.fill('[data-control="load-duration"]', '3');
  }

  it("a student's page is refused in plain words, and no run starts", async () => {
    await page.goto(url);
    await page.locator('[data-panel="load"]').waitFor({ timeout: 10_000 });
    await fillRun();
    await page.click('[data-control="load-start"]');
    const refusal = page.locator('[data-load="refused"]');
    await refusal.waitFor({ timeout: 5_000 });
    expect(await refusal.textContent()).toContain('Only the teacher can start or stop a load run');
    expect((await loadState()).state).toBe('idle');
    expect(await page.locator('[data-load="state"]').getAttribute('data-state')).toBe('idle');
  }, 30_000);

  it("the teacher's page starts a run, sees its progress, then the final table", async () => {
    await page.goto(`${url}?token=${TOKEN}`);
    await page.locator('[data-panel="load"]').waitFor({ timeout: 10_000 });
    await fillRun();
    await page.click('[data-control="load-start"]');
    const state = page.locator('[data-load="state"]');
    await page.locator('[data-load="state"][data-state="running"]').waitFor({ timeout: 15_000 });
    // Progress: every transport's clients connect (the feed plays, so long polls are answered too).
    await page.waitForFunction(
      (count) =>
        [...document.querySelectorAll('[data-load="connected"]')].filter((node) => node.textContent === '2').length ===
        count,
      TRANSPORT_NAMES.length,
      { timeout: 10_000 },
    );
    expect(Number(await page.locator('[data-load="elapsed"]').textContent())).toBeLessThanOrEqual(3);
    await page.locator('[data-load-chart="Messages per second"] [data-load-line]').first().waitFor({ timeout: 5_000 });
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.locator('[data-panel="load"]').screenshot({ path: join(ARTIFACTS, 'load-panel-running.png') });

    await page.locator('[data-load="result"]').waitFor({ timeout: 20_000 });
    expect(await state.getAttribute('data-state')).toBe('finished');
    expect(await page.locator('[data-load="elapsed"]').textContent()).toBe('3');
    for (const t of TRANSPORT_NAMES) {
      const row = page.locator(`[data-load-result="${t}"]`);
      expect(
        Number((await row.locator('[data-metric="messages"]').textContent())?.replace(/\s/g, '')),
        t,
      ).toBeGreaterThan(0);
      expect(await row.locator('[data-metric="errors"]').textContent(), t).toBe('0');
      expect(await row.locator('[data-metric="latency-p99"]').textContent(), t).toMatch(/^\d/);
    }
    expect(await page.locator('[data-metric="server-cpu"]').textContent()).toMatch(/%$/);
    expect(await page.locator('[data-metric="server-rss"]').textContent()).toMatch(/MB$/);
    const server = await loadState();
    expect(server.state).toBe('finished');
    expect(server.result?.clients).toBe(2);

    await page.locator('[data-panel="load"]').screenshot({ path: join(ARTIFACTS, 'load-panel.png') });
    expect(consoleErrors).toEqual([]);
  }, 60_000);

  it('"Messages per second" names every line in its legend and draws each with a dash of its own', async () => {
    const chart = page.locator('[data-load-chart="Messages per second"]');
    const legend = await chart
      .locator('[data-load-legend]')
      .evaluateAll((items) => items.map((item) => [item.getAttribute('data-load-legend'), item.textContent?.trim()]));
    expect(legend).toEqual(TRANSPORT_NAMES.map((t) => [t, TRANSPORT_RECORDS[t].label]));
    const lines = await chart.locator('path[data-load-line]').evaluateAll((paths) =>
      paths.map((path) => ({
        transport: path.getAttribute('data-load-line'),
        dash: path.getAttribute('stroke-dasharray') ?? '',
        width: Number(path.getAttribute('stroke-width')),
      })),
    );
    expect(lines.map((l) => l.transport)).toEqual([...TRANSPORT_NAMES]);
    expect(new Set(lines.map((l) => l.dash)).size).toBe(TRANSPORT_NAMES.length);
    for (const line of lines)
      expect(line.dash, String(line.transport)).toBe(
        TRANSPORT_RECORDS[line.transport as keyof typeof TRANSPORT_RECORDS].dash,
      );
    // Lines said to lie on one another are drawn one inside the other: the first of them widest.
    const coinciding = await chart
      .locator('[data-load-coincide]')
      .evaluateAll((notes) => notes.map((note) => (note.getAttribute('data-load-coincide') ?? '').split(' ')));
    for (const group of coinciding) {
      const widths = group.map((t) => lines.find((l) => l.transport === t)?.width ?? 0);
      expect(widths, group.join(' ')).toEqual([...widths].sort((a, b) => b - a));
      expect(new Set(widths).size, group.join(' ')).toBe(group.length);
    }
  }, 15_000);

  it('a page opened later says when that run ran and with which settings', async () => {
    const server = await loadState();
    await page.goto(`${url}?token=${TOKEN}`);
    const caption = page.locator('[data-load="run-caption"]');
    await caption.waitFor({ timeout: 10_000 });
    const words = (await caption.textContent()) ?? '';
    const startedAt = server.startedAt ?? 0;
    const clock = await page.evaluate(
      (ms) => new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }),
      startedAt,
    );
    expect(words).toContain(`Ran at ${clock} (`);
    expect(words).toMatch(/\((just now|\d+ s ago|\d+ min ago)\)/);
    expect(words).toContain('2 clients per transport for 3 s');
    expect(words).toContain("at the feed's own rate");
    for (const t of TRANSPORT_NAMES) expect(words).toContain(TRANSPORT_RECORDS[t].label);
    await page.locator('[data-panel="load"]').screenshot({ path: join(ARTIFACTS, 'load-panel-earlier-run.png') });
  }, 20_000);
});
