/**
 * The Socket.IO features panel in Chromium, on a running feed (stock-ticker,
 * five topics): the room client costs a fraction of the whole feed's bytes
 * per second; a chat line comes back to its sender only when the broadcast
 * goes to everyone, and its ack round trip shows; with volatile emits the
 * drops the lab counted equal the ones its clients were told of. Screenshots
 * at 1440×900 and on a narrow page go to test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type LaunchedBrowser, launchBrowser } from '../cli/chromium-launcher.ts';
import { buildApp } from '../server/app.ts';
import { ensureDashboardBuilt } from '../web/build-dashboard.ts';
import { describeInChromium } from './support/chromium.ts';

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const TOKEN = 'e2e-sio-features-token';

describeInChromium('the Socket.IO features panel in Chromium', (executable) => {
  let app: FastifyInstance;
  let browser: LaunchedBrowser;
  let page: Page;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    const webRoot = await ensureDashboardBuilt();
    app = await buildApp({ webRoot, seed: 5, conditionerPort: 0, teacherToken: TOKEN });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('lab did not bind a TCP port');
    browser = await launchBrowser(executable);
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await page.goto(`http://127.0.0.1:${address.port}/?token=${TOKEN}`);
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const panel = () => page.locator('[data-panel="socket-io-features"]');
  const figure = (name: string) => panel().locator(`[data-figure="${name}"]`);

  it('the room costs a fraction of the whole feed: the saving shows', async () => {
    await panel().locator('[data-control="sio-room"]').selectOption('ticker.ACME');
    await panel().locator('[data-control="sio-compare"]').click();
    const saved = async () => Number((await figure('sio-room-saved').textContent())?.replace(' %', ''));
    // The first 2 s hold both clients' handshakes (the same for both); then one topic of five: most bytes are saved.
    await expect.poll(saved, { timeout: 15_000 }).toBeGreaterThan(50);
    expect(await saved()).toBeLessThan(100);
  }, 30_000);

  it('a chat line comes back to its sender only when it goes to everyone; its ack round trip shows', async () => {
    await panel().locator('[data-control="sio-broadcast"]').selectOption('others');
    await expect
      .poll(() => app.inject({ url: '/api/socket-io/settings' }).then((r) => r.json()))
      .toMatchObject({
        chatBroadcast: 'others',
      });
    await panel().locator('[data-control="sio-chat-text"]').fill('to the others');
    await panel().locator('[data-control="sio-chat-send"]').click();
    const first = panel().locator('[data-chat-line="chat-1"]');
    await expect.poll(() => first.textContent(), { timeout: 5000 }).toContain('the other client got it');
    expect(await first.textContent()).toContain('sender did not get it');

    await panel().locator('[data-control="sio-broadcast"]').selectOption('everyone');
    await expect
      .poll(() => app.inject({ url: '/api/socket-io/settings' }).then((r) => r.json()))
      .toMatchObject({
        chatBroadcast: 'everyone',
      });
    await panel().locator('[data-control="sio-chat-text"]').fill('to everyone');
    await panel().locator('[data-control="sio-chat-send"]').click();
    const second = panel().locator('[data-chat-line="chat-2"]');
    await expect.poll(() => second.textContent(), { timeout: 5000 }).toContain('sender got it back');
    expect(await first.textContent()).toContain('sender did not get it');
    expect(await figure('sio-ack').textContent()).toMatch(/^[\d.]+ \/ [\d.]+ ms \(2\)$/);
  }, 30_000);

  it('volatile emits: the drops the lab counted are the drops its clients were told of', async () => {
    // The box shows the lab's setting: it turns once the PUT is answered.
    const volatileBox = panel().locator('[data-control="sio-volatile"]');
    await volatileBox.click();
    await expect.poll(() => volatileBox.isChecked()).toBe(true);
    await expect
      .poll(() => app.inject({ url: '/api/socket-io/settings' }).then((r) => r.json()))
      .toMatchObject({
        volatile: true,
      });
    await page.waitForTimeout(3000);
    await volatileBox.click();
    await expect.poll(() => volatileBox.isChecked()).toBe(false);
    // One more reading after the last drop: both counts are then final.
    await page.waitForTimeout(4500);
    const lab = Number(await figure('sio-dropped-lab').textContent());
    const told = Number(await figure('sio-dropped-clients').textContent());
    expect(told).toBe(lab);
  }, 30_000);

  it('screenshots at 1440×900 and narrow, with no console errors', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await panel().scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${ARTIFACTS}socket-io-features-1440x900.png` });
    await panel().screenshot({ path: `${ARTIFACTS}socket-io-features-panel-1440.png` });
    // Just above the phone view's width (480 px): the panel's three parts stack and nothing overflows it.
    await page.setViewportSize({ width: 481, height: 844 });
    await panel().scrollIntoViewIfNeeded();
    await panel().screenshot({ path: `${ARTIFACTS}socket-io-features-panel-481.png` });
    const overflow = await panel().evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(overflow).toBe(0);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${ARTIFACTS}socket-io-features-390x844.png` });
    expect(consoleErrors).toEqual([]);
  }, 30_000);
});
