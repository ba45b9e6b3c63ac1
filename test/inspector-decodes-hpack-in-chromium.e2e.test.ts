/**
 * The page served on the HTTP/2 port, in a real Chromium (certificate trusted
 * by its SPKI hash, a fresh profile): the wire inspector shows the short
 * poll's stream frame by frame and its HEADERS decoded field by field by the
 * page itself — Chromium's own HPACK, mostly one-byte references into the
 * dynamic table after the first request — with HPACK's prediction beside the
 * measured bytes.
 */
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type LaunchedChromium, launchChromium } from '../cli/chromium-launcher.ts';
import type { InspectResponse } from '../protocol/wire-sample.ts';
import { buildApp } from '../server/app.ts';
import { createSelfSignedCertificate, spkiSha256 } from '../server/tls/self-signed-certificate.ts';
import { ensureDashboardBuilt } from '../web/build-dashboard.ts';
import { describeInChromium } from './support/chromium.ts';

const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

describeInChromium('the wire inspector decodes HPACK in the page', (executable) => {
  let app: FastifyInstance;
  let h2Port: number;
  let browser: LaunchedChromium;

  beforeAll(async () => {
    const webRoot = await ensureDashboardBuilt();
    const certificate = createSelfSignedCertificate();
    app = await buildApp({ webRoot, seed: 1, ratePerSecond: 5, https: { h2Port: 0, http1Port: 0, certificate } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    h2Port = (await app.httpsReady())?.h2Port ?? 0;
    browser = await launchChromium(executable, [
      `--ignore-certificate-errors-spki-list=${spkiSha256(certificate.cert)}`,
    ]);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('frames, fields and the prediction of a short poll’s HEADERS, as Chromium sent them', async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`https://127.0.0.1:${h2Port}/`);
    await page.locator('[data-inspect-tab="short-poll"]').click();
    const stream = page.locator('[data-inspect-transport="short-poll"] [data-inspect="h2"]');
    await stream.waitFor({ timeout: 30_000 });
    // A later poll: by then the head's fields are in the connection's dynamic table.
    await page.waitForTimeout(3000);
    const frames = await stream
      .locator('[data-h2-frame]')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-h2-frame')));
    expect(frames).toContain('HEADERS');
    expect(frames).toContain('DATA');
    const request = stream.locator('details').first();
    const kinds = await request
      .locator('[data-hpack]')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-hpack')));
    const indexed = kinds.filter((kind) => kind === 'indexed').length;
    expect(indexed).toBeGreaterThan(5);
    expect(await request.textContent()).toMatch(/indexed: dynamic index \d+ → user-agent: /);
    expect(await request.textContent()).toMatch(/:path: \/api\/feed\/short-poll\?/);
    const predicted = Number(await request.locator('[data-hpack-predicted]').getAttribute('data-hpack-predicted'));
    expect(predicted).toBeGreaterThan(0);
    // The measured size the page shows is the block the lab kept for this page's client.
    const client = await page.locator('[data-client-id]').first().textContent();
    const inspect = (await (
      await fetch(`${app.listeningOrigin}/api/inspect?client=${client}`)
    ).json()) as InspectResponse;
    const hex = inspect.transports['short-poll']?.h2?.request?.hex ?? '';
    expect(hex.length).toBeGreaterThan(0);
    expect(hex.length / 2).toBeLessThan(100);
    expect(await request.locator('summary').textContent()).toMatch(/\(\d+ B of HPACK\)/);
    // The decoded view meets the page's accessibility bar: no critical or serious axe finding inside it.
    await page.addScriptTag({ path: AXE_SOURCE });
    const findings = await page.evaluate(async () => {
      const axe = (
        window as unknown as {
          axe: {
            run: (
              context: Element,
              options: object,
            ) => Promise<{ violations: Array<{ id: string; impact: string | null }> }>;
          };
        }
      ).axe;
      const root = document.querySelector('[data-inspect="h2"]');
      if (!root) return ['no HTTP/2 view'];
      const result = await axe.run(root, { resultTypes: ['violations'] });
      return result.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious').map((v) => v.id);
    });
    expect(findings).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
