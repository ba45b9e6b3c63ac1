/**
 * The load-balancer lesson's selector in a real browser, on the page opened
 * through the cluster's nginx (two labs on one Redis, the controller beside
 * nginx, lab-a generating): it shows the running config's file, choosing
 * no-upgrade reloads nginx, the file and what it lacks follow, and the page's
 * own WebSocket is then `refused` while its polls are `fine`. Screenshots at
 * 1440×900 and 390×844 go to test-artifacts/ for a human to look at.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { type LaunchedBrowser, launchBrowser } from '../cli/chromium-launcher.ts';
import { type ClusterController, startClusterController } from '../cluster/cluster-controller.ts';
import { freeLoopbackPort } from '../cluster/free-port.ts';
import { type NginxProcess, startNginx } from '../cluster/nginx-process.ts';
import { type RedisServerProcess, startRedisServer } from '../cluster/redis-server-process.ts';
import { loadBalancerChannel } from '../protocol/load-balancer.ts';
import { ensureDashboardBuilt } from '../web/build-dashboard.ts';
import { describeInChromium } from './support/chromium.ts';
import { type RunningLab, startLab } from './support/lab-server.ts';
import { describeWithServices } from './support/services.ts';

vi.setConfig({ testTimeout: 90_000 });

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const KEY_PREFIX = 'lbswitch-e2e:';
/**
 * The refused upgrades are the point, and the reload cuts the streams nginx's old worker held (the SSE feed
 * and the metrics stream: an incomplete chunked answer): Chromium logs each.
 */
const REFUSAL_NOISE = /WebSocket connection to .* failed|status of 404|ERR_INCOMPLETE_CHUNKED_ENCODING/;

describeWithServices('the load-balancer selector', ['redis-server', 'nginx'], () => {
  describeInChromium('the load-balancer selector in Chromium', (executable) => {
    let redis: RedisServerProcess;
    let controller: ClusterController;
    let nginx: NginxProcess | null = null;
    let labs: RunningLab[] = [];
    let browser: LaunchedBrowser;
    let page: Page;
    const pageErrors: string[] = [];

    beforeAll(async () => {
      const webRoot = await ensureDashboardBuilt();
      redis = await startRedisServer();
      controller = await startClusterController({
        nginx: () => nginx,
        redisUrl: redis.url,
        channel: loadBalancerChannel(KEY_PREFIX),
      });
      const port = await freeLoopbackPort();
      const shared = {
        webRoot,
        redis: { url: redis.url, keyPrefix: KEY_PREFIX },
        clusterControl: { url: controller.url, token: controller.token },
        publicOrigins: [`http://127.0.0.1:${port}`],
        ratePerSecond: 5,
      };
      labs = [
        await startLab({ ...shared, instanceName: 'lab-a', autostart: true }),
        await startLab({ ...shared, instanceName: 'lab-b' }),
      ];
      nginx = await startNginx(
        'correct',
        labs.map((lab) => lab.port),
        port,
      );
      browser = await launchBrowser(executable);
      page = browser.context.pages()[0] ?? (await browser.context.newPage());
      page.on('console', (message) => {
        if (message.type() === 'error' && !REFUSAL_NOISE.test(message.text())) pageErrors.push(message.text());
      });
      page.on('pageerror', (error) => pageErrors.push(error.message));
      mkdirSync(ARTIFACTS, { recursive: true });
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await nginx?.stop();
      for (const lab of labs) await lab.close();
      await controller?.close();
      await redis?.stop();
    });

    const lesson = '[data-panel="load-balancer-lesson"]';

    it('shows the running file, switches to no-upgrade, and the page’s WebSocket is then refused', async () => {
      await page.setViewportSize({ width: 1440, height: 900 });
      await page.goto(`${nginx?.url}/`);
      await page.waitForSelector(`${lesson} pre[data-config-file="correct"]`, { timeout: 20_000 });
      expect(await page.locator(`${lesson} [data-lb-status]`).textContent()).toContain('nginx runs correct');
      // Let every transport connect and deliver under correct first.
      await page.waitForFunction(
        () => document.querySelectorAll('[data-panel="cluster-instances"] tr[data-instance]').length >= 3,
      );
      await page.waitForTimeout(2000);

      await page.selectOption(`${lesson} select`, 'no-upgrade');
      await page.waitForSelector(`${lesson} pre[data-config-file="no-upgrade"]`);
      await page.waitForFunction(
        () => document.querySelector('[data-lb-status]')?.textContent?.includes('nginx runs no-upgrade since'),
        undefined,
        { timeout: 15_000 },
      );
      expect(await page.locator(`${lesson} .lb-missing`).allTextContents()).toContain('proxy_http_version 1.1;');
      expect(await page.locator(`${lesson} .lb-effect`).textContent()).toContain('proxy_http_version 1.1;');

      const effectOf = (transport: string) =>
        page.locator(`${lesson} tr[data-transport="${transport}"] [data-effect]`).textContent();
      await page.waitForFunction(
        () =>
          document.querySelector('[data-panel="load-balancer-lesson"] tr[data-transport="websocket"] [data-effect]')
            ?.textContent === 'refused',
        undefined,
        { timeout: 20_000 },
      );
      expect(await effectOf('short-poll')).toBe('fine');
      expect(await effectOf('long-poll')).toBe('fine');
      await page.locator(lesson).scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(ARTIFACTS, 'load-balancer-lesson-1440x900.png') });
      await page.locator(lesson).screenshot({ path: join(ARTIFACTS, 'load-balancer-lesson-panel.png') });

      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(500);
      await page.screenshot({ path: join(ARTIFACTS, 'load-balancer-lesson-390x844.png'), fullPage: false });
      expect(pageErrors).toEqual([]);
    });
  });
});
