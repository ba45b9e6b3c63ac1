/**
 * Conditional short polling from the page, in a real Chromium: the setting
 * makes the page's short-poll client send If-None-Match; with few events most
 * polls come back 304 Not Modified, which the column counts (its share too),
 * and the lab's meter counts them for the page's client — over HTTP/2 and over
 * HTTP/1.1 (the lab's two HTTPS ports).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type LaunchedChromium, launchChromium } from '../cli/chromium-launcher.ts';
import type { TransportMetrics } from '../protocol/metrics.ts';
import { buildApp } from '../server/app.ts';
import { createSelfSignedCertificate, spkiSha256 } from '../server/tls/self-signed-certificate.ts';
import { ensureDashboardBuilt } from '../web/build-dashboard.ts';
import { describeInChromium } from './support/chromium.ts';

describeInChromium('conditional short polling from the page', (executable) => {
  let app: FastifyInstance;
  let ports: { h2Port: number; http1Port: number };
  let browser: LaunchedChromium;

  beforeAll(async () => {
    const webRoot = await ensureDashboardBuilt();
    const certificate = createSelfSignedCertificate();
    app = await buildApp({ webRoot, seed: 1, ratePerSecond: 0.2, https: { h2Port: 0, http1Port: 0, certificate } });
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

  for (const version of ['h2', 'http/1.1'] as const) {
    it(`${version}: the column counts 304s and the lab counts them for the page's client`, async () => {
      const page = await browser.context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      const port = version === 'h2' ? ports.h2Port : ports.http1Port;
      await page.goto(`https://127.0.0.1:${port}/?interval=200&off=long-poll,sse,websocket,socket-io`);
      const toggle = page.locator('[data-control="conditional-polling"]').first();
      await toggle.check();
      await page.locator('[data-segment-label]', { hasText: 'conditional polls' }).first().waitFor({ timeout: 10_000 });
      const count = page.locator('[data-transport="short-poll"] [data-metric="not-modified"]').first();
      await count.waitFor({ timeout: 20_000 });
      expect(await count.textContent()).toMatch(/^\d+ \(\d+ %\)$/);
      expect(page.url()).toContain('conditional=1');
      const client = await page.locator('[data-client-id]').first().textContent();
      const body = (await (await fetch(`${app.listeningOrigin}/api/metrics?client=${client}`)).json()) as {
        transports: Record<string, TransportMetrics>;
      };
      const poll = body.transports['short-poll'];
      expect(poll?.notModified ?? 0).toBeGreaterThan(0);
      expect(poll?.protocols[version] ?? 0).toBeGreaterThan(0);
      expect(errors).toEqual([]);
      await page.close();
    }, 120_000);
  }
});
