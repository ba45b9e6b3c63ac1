/**
 * The dashboard served over HTTPS in a real Chromium (the lab's certificate
 * trusted by its key's hash, a fresh profile): on the HTTP/2 port the page's
 * HTTP transports speak h2 and its WebSocket HTTP/1.1, and the polling
 * columns' header bytes per event are far below the same page's on the
 * HTTP/1.1-only port (HPACK); both pages show a TLS part. The page's HTTP
 * version switch moves its clients to the other port in a new segment.
 */
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type LaunchedChromium, launchChromium } from '../cli/chromium-launcher.ts';
import { buildApp } from '../server/app.ts';
import { createSelfSignedCertificate, spkiSha256 } from '../server/tls/self-signed-certificate.ts';
import { ensureDashboardBuilt } from '../web/build-dashboard.ts';
import { describeInChromium } from './support/chromium.ts';

describeInChromium('the dashboard over HTTPS: HTTP/2 against HTTP/1.1', (executable) => {
  let app: FastifyInstance;
  let ports: { h2Port: number; http1Port: number };
  let browser: LaunchedChromium;

  beforeAll(async () => {
    const webRoot = await ensureDashboardBuilt();
    const certificate = createSelfSignedCertificate();
    app = await buildApp({ webRoot, seed: 1, ratePerSecond: 20, https: { h2Port: 0, http1Port: 0, certificate } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const ready = await app.httpsReady();
    if (!ready) throw new Error('the HTTPS ports did not start');
    ports = ready;
    browser = await launchChromium(executable, [
      `--ignore-certificate-errors-spki-list=${spkiSha256(certificate.cert)}`,
    ]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const metric = async (page: Page, transport: string, name: string): Promise<number | null> => {
    const text = await page
      .locator(`[data-transport="${transport}"] [data-metric="${name}"]`)
      .first()
      .textContent({ timeout: 500 })
      .catch(() => null);
    return text === null || text.trim() === '' || Number.isNaN(Number(text)) ? null : Number(text);
  };

  /** The page at `port` until its polling columns have bytes per event; their header and tls parts, and the protocols. */
  async function pageFigures(port: number) {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`https://127.0.0.1:${port}/`);
    const figures: Record<string, { header: number; tls: number } | null> = { 'short-poll': null, 'long-poll': null };
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && Object.values(figures).some((f) => f === null)) {
      for (const transport of Object.keys(figures)) {
        const header = await metric(page, transport, 'per-event-header');
        const tls = await metric(page, transport, 'per-event-tls');
        if (header !== null && tls !== null) figures[transport] = { header, tls };
      }
      await page.waitForTimeout(250);
    }
    const websocketMessages = await metric(page, 'websocket', 'messages');
    const clientId = await page.locator('[data-client-id]').first().textContent();
    await page.close();
    return { figures, errors, websocketMessages, clientId };
  }

  it('polling pays a fraction of the header bytes per event over HTTP/2; WebSocket stays on HTTP/1.1', async () => {
    const h1 = await pageFigures(ports.http1Port);
    const h2 = await pageFigures(ports.h2Port);
    for (const result of [h1, h2]) {
      expect(result.errors).toEqual([]);
      expect(result.websocketMessages ?? 0).toBeGreaterThan(0);
    }
    for (const transport of ['short-poll', 'long-poll']) {
      const over1 = h1.figures[transport];
      const over2 = h2.figures[transport];
      expect(over1, `${transport} over HTTP/1.1`).not.toBeNull();
      expect(over2, `${transport} over HTTP/2`).not.toBeNull();
      // HPACK: after the first request a poll's head is a few dozen bytes instead of a few hundred.
      expect(over2?.header ?? Number.POSITIVE_INFINITY, transport).toBeLessThan((over1?.header ?? 0) / 3);
      expect(over1?.tls ?? 0, transport).toBeGreaterThan(0);
      expect(over2?.tls ?? 0, transport).toBeGreaterThan(0);
    }
    // The lab's meter: the h2 page's pollers on h2, its WebSocket on HTTP/1.1.
    const response = await fetch(`${app.listeningOrigin}/api/metrics?client=${h2.clientId}`);
    const transports = (
      (await response.json()) as { transports: Record<string, { protocols: Record<string, number> }> }
    ).transports;
    expect(transports['short-poll']?.protocols.h2).toBeGreaterThan(0);
    expect(transports['short-poll']?.protocols['http/1.1']).toBe(0);
    expect(transports.websocket?.protocols).toEqual({ 'http/1.1': 1, h2: 0 });
  }, 120_000);

  it('switching the page to HTTP/1.1 starts a segment and moves its polls to the HTTP/1.1 port', async () => {
    const page = await browser.context.newPage();
    await page.goto(`https://127.0.0.1:${ports.h2Port}/`);
    const header = async (): Promise<number | null> => metric(page, 'short-poll', 'per-event-header');
    const deadline = Date.now() + 30_000;
    while ((await header()) === null && Date.now() < deadline) await page.waitForTimeout(250);
    const overH2 = await header();
    expect(overH2).not.toBeNull();
    await page.locator('[data-control="http-version"]').first().selectOption('http/1.1');
    await page.locator('[data-segment-label]', { hasText: 'HTTP/1.1' }).first().waitFor({ timeout: 10_000 });
    // The new segment's figures: wait until they are measured again, then compare.
    let overH1: number | null = null;
    const later = Date.now() + 30_000;
    while (Date.now() < later) {
      overH1 = await header();
      if (overH1 !== null && overH1 > (overH2 ?? 0) * 3) break;
      await page.waitForTimeout(250);
    }
    expect(overH1 ?? 0).toBeGreaterThan((overH2 ?? 0) * 3);
    const clientId = await page.locator('[data-client-id]').first().textContent();
    const response = await fetch(`${app.listeningOrigin}/api/metrics?client=${clientId}`);
    const transports = (
      (await response.json()) as { transports: Record<string, { protocols: Record<string, number> }> }
    ).transports;
    expect(transports['short-poll']?.protocols.h2).toBeGreaterThan(0);
    expect(transports['short-poll']?.protocols['http/1.1']).toBeGreaterThan(0);
    await page.close();
  }, 120_000);
});
