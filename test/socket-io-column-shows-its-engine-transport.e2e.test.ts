/**
 * The Socket.IO column says what Socket.IO does, in a real Chromium against a
 * real lab: on the default lane its Engine.IO transport reads `websocket`
 * after the upgrade, with the upgrade's moment, the timeline marks the
 * upgrade, and its start (requests before the first event) is beside plain
 * WebSocket's; on the polling-only lane it reads `polling` and never upgrades.
 */
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type LaunchedBrowser, launchBrowser } from '../cli/chromium-launcher.ts';
import { buildApp } from '../server/app.ts';
import { ensureDashboardBuilt } from '../web/build-dashboard.ts';
import { describeInChromium } from './support/chromium.ts';

const SOCKET_IO = '[data-transport="socket-io"]';

describeInChromium('the Socket.IO column in Chromium', (executable) => {
  let app: FastifyInstance;
  let url: string;
  let browser: LaunchedBrowser;

  beforeAll(async () => {
    const webRoot = await ensureDashboardBuilt();
    app = await buildApp({ webRoot, seed: 3 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('lab did not bind a TCP port');
    url = `http://127.0.0.1:${address.port}/`;
    browser = await launchBrowser(executable);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const text = (page: Page, selector: string): Promise<string> =>
    page.locator(selector).first().innerText({ timeout: 10_000 });

  it('shows websocket after the upgrade with its moment, the upgrade on the timeline, and its start beside WebSocket', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${url}?lane=default`);
    const transport = page.locator(`${SOCKET_IO} [data-metric="engine-transport"]`);
    await expect.poll(() => transport.innerText(), { timeout: 10_000 }).toBe('websocket');
    const upgradeMs = Number(await text(page, `${SOCKET_IO} [data-metric="upgrade-ms"]`));
    expect(upgradeMs).toBeGreaterThanOrEqual(0);
    // The timeline is below the columns, mounted after them (the page's panels mount one by one).
    const marks = page.locator('[data-lane="socket-io"] [data-timeline-mark="upgrade"]');
    await expect.poll(() => marks.count(), { timeout: 10_000 }).toBe(1);

    const requests = page.locator(`${SOCKET_IO} [data-metric="first-event-requests"]`);
    await expect.poll(() => requests.innerText(), { timeout: 10_000 }).toMatch(/^\d+$/);
    const beside = page.locator(`${SOCKET_IO} [data-metric="first-event-requests-beside"]`);
    await expect.poll(() => beside.innerText(), { timeout: 10_000 }).toMatch(/^\d+$/);
    // The handshake GET, then at least the namespace connect's POST and a GET for the answer: more than one.
    expect(Number(await requests.innerText())).toBeGreaterThanOrEqual(3);
    expect(Number(await beside.innerText())).toBe(1);
    const ms = Number(await text(page, `${SOCKET_IO} [data-metric="first-event-ms"]`));
    const wsMs = Number(await text(page, `${SOCKET_IO} [data-metric="first-event-ms-beside"]`));
    expect(ms).toBeGreaterThan(0);
    expect(wsMs).toBeGreaterThan(0);
    await page.close();
  }, 30_000);

  it('shows polling on the polling-only lane, with no upgrade', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${url}?lane=polling`);
    const messages = page.locator(`${SOCKET_IO} [data-metric="messages"]`);
    await expect.poll(async () => Number(await messages.innerText()), { timeout: 10_000 }).toBeGreaterThan(5);
    expect(await text(page, `${SOCKET_IO} [data-metric="engine-transport"]`)).toBe('polling');
    expect(await page.locator(`${SOCKET_IO} [data-metric="upgrade-ms"]`).count()).toBe(0);
    expect(await page.locator('[data-lane="socket-io"] [data-timeline-mark="upgrade"]').count()).toBe(0);
    await page.close();
  }, 30_000);
});
