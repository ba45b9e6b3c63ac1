/**
 * Accessibility, measured: axe-core (a dev dependency, injected from
 * node_modules, no network) finds no critical and no serious violation in
 * the light, dark and presenter pages, the stage and the phone view, each
 * with live figures. Each view's findings of lower impact are logged, not
 * failed.
 */
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type LaunchedBrowser, launchBrowser } from '../cli/chromium-launcher.ts';
import { buildApp } from '../server/app.ts';
import { ensureDashboardBuilt } from '../web/build-dashboard.ts';
import { describeInChromium } from './support/chromium.ts';

const AXE_SOURCE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TOKEN = 'a11y-teacher-token';

interface Finding {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

const VIEWS = [
  { name: 'light', search: '?theme=light', viewport: { width: 1440, height: 900 } },
  { name: 'dark', search: '?theme=dark', viewport: { width: 1440, height: 900 } },
  { name: 'presenter', search: '?presenter=1', viewport: { width: 1920, height: 1080 } },
  { name: 'stage', search: '?view=stage', viewport: { width: 1280, height: 720 } },
  { name: 'stage, dark', search: '?view=stage&theme=dark', viewport: { width: 1280, height: 720 } },
  { name: 'phone', search: '', viewport: { width: 390, height: 844 } },
  { name: "a student's page", search: '', viewport: { width: 1440, height: 900 }, student: true },
  { name: "a student's phone", search: '', viewport: { width: 390, height: 844 }, student: true },
] as const;

describeInChromium('accessibility of every view in Chromium', (executable) => {
  let app: FastifyInstance;
  let url: string;
  let browser: LaunchedBrowser;
  let page: Page;

  beforeAll(async () => {
    const webRoot = await ensureDashboardBuilt();
    app = await buildApp({ webRoot, seed: 3, conditionerPort: 0, teacherToken: TOKEN });
    await app.listen({ port: 0, host: '127.0.0.1' });
    await app.conditioner.ready();
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('lab did not bind a TCP port');
    url = `http://127.0.0.1:${address.port}/`;
    browser = await launchBrowser(executable);
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** axe-core's violations on the page as it stands. */
  const audit = async (): Promise<Finding[]> => {
    await page.addScriptTag({ path: AXE_SOURCE });
    return page.evaluate(async () => {
      const axe = (
        window as unknown as {
          axe: {
            run: (
              context: Document,
              options: object,
            ) => Promise<{
              violations: Array<{
                id: string;
                impact: string | null;
                help: string;
                nodes: Array<{ target: unknown[] }>;
              }>;
            }>;
          };
        }
      ).axe;
      const result = await axe.run(document, { resultTypes: ['violations'] });
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
      }));
    });
  };

  for (const view of VIEWS) {
    it(`${view.name}: no critical or serious violation`, async () => {
      await page.setViewportSize(view.viewport);
      const token = 'student' in view ? '' : `${view.search === '' ? '?' : '&'}token=${TOKEN}`;
      await page.goto(`${url}${view.search}${token}`);
      // Audit the page with its figures in: every column (card) shows a latency number.
      await page.waitForFunction(
        () => {
          const figures = [...document.querySelectorAll('[data-transport] [data-metric="latency-p50"]')];
          return figures.length > 0 && figures.every((f) => Number.isFinite(Number(f.textContent)));
        },
        undefined,
        { timeout: 20_000 },
      );
      const findings = await audit();
      const minor = findings.filter((f) => f.impact !== 'critical' && f.impact !== 'serious');
      if (minor.length > 0) console.log(`[a11y ${view.name}] lower-impact findings:`, JSON.stringify(minor));
      expect(findings.filter((f) => f.impact === 'critical' || f.impact === 'serious')).toEqual([]);
    }, 45_000);
  }

  it("the wire inspector's tabs follow the ARIA tabs pattern: arrow keys, Home and End move and choose", async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(`${url}?token=${TOKEN}`);
    const tabs = page.locator('[role="tablist"] [data-inspect-tab]');
    await tabs.first().waitFor();
    const count = await tabs.count();
    const selected = async (): Promise<number> => {
      const flags = await tabs.evaluateAll((all) => all.map((t) => t.getAttribute('aria-selected') === 'true'));
      return flags.indexOf(true);
    };
    const focused = (): Promise<string | null> =>
      page.evaluate(() => document.activeElement?.getAttribute('data-inspect-tab') ?? null);
    const start = await selected();
    await tabs.nth(start).focus();
    await page.keyboard.press('ArrowRight');
    expect(await selected()).toBe((start + 1) % count);
    expect(await focused()).toBe(await tabs.nth((start + 1) % count).getAttribute('data-inspect-tab'));
    await page.keyboard.press('Home');
    expect(await selected()).toBe(0);
    await page.keyboard.press('ArrowLeft');
    expect(await selected()).toBe(count - 1);
    await page.keyboard.press('End');
    expect(await selected()).toBe(count - 1);
    // One tab stop: only the chosen tab is in the tab order.
    const stops = await tabs.evaluateAll((all) => all.filter((t) => t.getAttribute('tabindex') === '0').length);
    expect(stops).toBe(1);
    await expect(page.locator('[role="tabpanel"]').getAttribute('aria-labelledby')).resolves.toBe(
      `inspect-tab-${await tabs.nth(count - 1).getAttribute('data-inspect-tab')}`,
    );
  }, 30_000);
});
