/**
 * The classroom stage in a real browser: a lab in this process (conditioner,
 * teacher token) and Debian's Chromium. At projector sizes every transport's
 * three headline figures sit inside the screen, apart, big enough for the
 * back of a room, with the latency chart and no scrolling; the teacher's keys
 * reach the lab; the page's button and the URL both open the stage.
 * Saves a screenshot per size to test-artifacts/ for a human to look at.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type LaunchedBrowser, launchBrowser } from '../cli/chromium-launcher.ts';
import { TRANSPORT_NAMES } from '../protocol/feed-event.ts';
import { buildApp } from '../server/app.ts';
import { ensureDashboardBuilt } from '../web/build-dashboard.ts';
import { describeInChromium } from './support/chromium.ts';

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const TOKEN = 'stage-teacher-token';
const HEADLINES = ['latency-p50', 'bytes-per-event', 'requests-per-second'] as const;
/** Projector sizes the stage must fit without scrolling. */
const SIZES = [
  { width: 1280, height: 720 },
  { width: 1024, height: 768 },
  { width: 1920, height: 1080 },
] as const;

interface Box {
  transport: string;
  metric: string;
  x: number;
  y: number;
  width: number;
  height: number;
  fontPx: number;
  /** The column's box: a figure must lie inside its own column, not spill into the next. */
  column: { x: number; y: number; width: number; height: number };
}

describeInChromium('the classroom stage in Chromium', (executable) => {
  let app: FastifyInstance;
  let url: string;
  let browser: LaunchedBrowser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const webRoot = await ensureDashboardBuilt();
    app = await buildApp({ webRoot, seed: 7, conditionerPort: 0, teacherToken: TOKEN });
    await app.listen({ port: 0, host: '127.0.0.1' });
    await app.conditioner.ready();
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('lab did not bind a TCP port');
    url = `http://127.0.0.1:${address.port}/`;
    browser = await launchBrowser(executable, SIZES[0]);
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (error) => pageErrors.push(error.message));
    mkdirSync(ARTIFACTS, { recursive: true });
    // A short-poll interval of 250 ms gives the polls their 5 requests quickly.
    await page.goto(`${url}?token=${TOKEN}&interval=250`);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  const feedStatus = async (): Promise<{ running: boolean; scenario: string }> =>
    (await fetch(`${url}api/feed/status`)).json() as Promise<{ running: boolean; scenario: string }>;

  /** Every headline figure of every transport (once each one shows a number) and its label. */
  const headlineBoxes = async (): Promise<Box[]> => {
    await page.waitForFunction(
      ({ transports, metrics }) =>
        transports.every((t) =>
          metrics.every((m) => {
            const text = document.querySelector(`[data-transport="${t}"] [data-metric="${m}"]`)?.textContent ?? '';
            return text !== '' && Number.isFinite(Number(text.replace(/,/g, '')));
          }),
        ),
      { transports: [...TRANSPORT_NAMES], metrics: [...HEADLINES] },
      { timeout: 20_000 },
    );
    return page.evaluate(
      ({ transports, metrics }) =>
        transports.flatMap((transport) => {
          const column = document.querySelector(`[data-transport="${transport}"]`) as HTMLElement;
          const c = column.getBoundingClientRect();
          const labels = [...column.querySelectorAll('[data-stage-label]')].map((label, i) => {
            const r = label.getBoundingClientRect();
            return {
              transport,
              metric: `label ${i + 1}`,
              x: r.x,
              y: r.y,
              width: r.width,
              height: r.height,
              fontPx: Number.parseFloat(getComputedStyle(label).fontSize),
              column: { x: c.x, y: c.y, width: c.width, height: c.height },
            };
          });
          const figures = metrics.map((metric) => {
            const figure = column.querySelector(`[data-metric="${metric}"]`) as HTMLElement;
            const r = figure.getBoundingClientRect();
            return {
              transport,
              metric,
              x: r.x,
              y: r.y,
              width: r.width,
              height: r.height,
              fontPx: Number.parseFloat(getComputedStyle(figure).fontSize),
              column: { x: c.x, y: c.y, width: c.width, height: c.height },
            };
          });
          return [...figures, ...labels];
        }),
      { transports: [...TRANSPORT_NAMES], metrics: [...HEADLINES] },
    );
  };

  it('opens from the page\'s "Stage view" button and says so in the URL', async () => {
    await page.locator('[data-control="stage-view"]').click();
    await page.locator('[data-view="stage"]').waitFor();
    expect(new URL(page.url()).searchParams.get('view')).toBe('stage');
    expect(await page.locator('[data-transport]').count()).toBe(TRANSPORT_NAMES.length);
  }, 15_000);

  for (const size of SIZES) {
    it(`at ${size.width}×${size.height} fits every headline figure and the chart on one screen, apart and large`, async () => {
      await page.setViewportSize(size);
      const all = await headlineBoxes();
      // Figures and their labels: none may cover another.
      expect(all).toHaveLength(TRANSPORT_NAMES.length * HEADLINES.length * 2);
      const boxes = all.filter((b) => !b.metric.startsWith('label'));
      for (const box of all) {
        const where = `${box.transport} ${box.metric}`;
        expect(box.width, where).toBeGreaterThan(0);
        expect(box.x, where).toBeGreaterThanOrEqual(0);
        expect(box.y, where).toBeGreaterThanOrEqual(0);
        expect(box.x + box.width, where).toBeLessThanOrEqual(size.width);
        expect(box.y + box.height, where).toBeLessThanOrEqual(size.height);
        expect(box.x, where).toBeGreaterThanOrEqual(box.column.x);
        expect(box.x + box.width, where).toBeLessThanOrEqual(box.column.x + box.column.width);
        expect(box.fontPx, where).toBeGreaterThanOrEqual(box.metric.startsWith('label') ? 18 : 28);
      }
      for (const [i, a] of all.entries())
        for (const b of all.slice(i + 1)) {
          const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
          expect(apart, `${a.transport} ${a.metric} overlaps ${b.transport} ${b.metric}`).toBe(true);
        }
      // The same figure sits on the same line in every column (the rows are shared).
      for (const metric of HEADLINES) {
        const tops = boxes.filter((b) => b.metric === metric).map((b) => Math.round(b.y));
        expect(new Set(tops).size, `${metric} tops ${tops.join(', ')}`).toBe(1);
      }
      const layout = await page.evaluate(() => {
        const chart = document.querySelector('[data-view="stage"] [data-surface="chart"]')?.getBoundingClientRect();
        const labels = [...document.querySelectorAll('[data-stage-label]')].map((l) =>
          Number.parseFloat(getComputedStyle(l).fontSize),
        );
        return {
          scrollWidth: document.documentElement.scrollWidth,
          scrollHeight: document.documentElement.scrollHeight,
          chartBottom: chart ? chart.bottom : null,
          chartHeight: chart ? chart.height : 0,
          smallestLabel: Math.min(...labels),
          labels: labels.length,
        };
      });
      expect(layout.scrollWidth).toBeLessThanOrEqual(size.width);
      expect(layout.scrollHeight).toBeLessThanOrEqual(size.height);
      expect(layout.chartBottom).not.toBeNull();
      expect(layout.chartBottom ?? Number.POSITIVE_INFINITY).toBeLessThanOrEqual(size.height);
      expect(layout.chartHeight).toBeGreaterThanOrEqual(140);
      expect(layout.labels).toBe(TRANSPORT_NAMES.length * HEADLINES.length);
      expect(layout.smallestLabel).toBeGreaterThanOrEqual(18);
      await page.screenshot({ path: join(ARTIFACTS, `stage-${size.width}x${size.height}.png`) });
    }, 30_000);
  }

  it('takes the teacher\'s keys: "?" lists them, P pauses and resumes, R begins a segment, 2 plays scenario 2, L opens a lesson', async () => {
    await page.setViewportSize(SIZES[0]);
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('?');
    await page.locator('[data-stage-keys]').waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'stage-keys.png') });
    await page.keyboard.press('?');
    await page.locator('[data-stage-keys]').waitFor({ state: 'detached' });

    await page.keyboard.press('p');
    await expect.poll(async () => (await feedStatus()).running, { timeout: 5000 }).toBe(false);
    await page.locator('[data-feed="running"]', { hasText: 'paused' }).waitFor();
    await page.keyboard.press('P');
    await expect.poll(async () => (await feedStatus()).running, { timeout: 5000 }).toBe(true);

    await page.keyboard.press('r');
    await page
      .locator('[data-view="stage"] [data-segment-mark="new segment"]')
      .first()
      .waitFor({ state: 'attached', timeout: 5000 });

    const scenarios = (await (await fetch(`${url}api/scenarios`)).json()) as
      | Array<{ id: string }>
      | { scenarios: Array<{ id: string }> };
    const list = Array.isArray(scenarios) ? scenarios : scenarios.scenarios;
    const second = list[1]?.id;
    expect(second).toBeDefined();
    await page.keyboard.press('2');
    await expect.poll(async () => (await feedStatus()).scenario, { timeout: 5000 }).toBe(second);

    await page.keyboard.press('l');
    await page.locator('[data-view="stage"] [data-lesson]').waitFor();
    expect(new URL(page.url()).searchParams.get('lesson')).not.toBeNull();
  }, 30_000);

  it("keeps the controls in a drawer, and a key typed into a field is the field's", async () => {
    await page.locator('[data-control="stage-drawer"]').click();
    const drawer = page.locator('[data-stage-drawer]');
    await drawer.waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'stage-drawer.png') });
    const before = (await feedStatus()).running;
    await drawer.locator('[data-control="interval"]').focus();
    await page.keyboard.press('p');
    // A pause would have reached the lab by now; typing "p" into a number field must not.
    await page.waitForTimeout(500);
    expect((await feedStatus()).running).toBe(before);
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    await page.locator('[data-control="stage-drawer"]').click();
    await drawer.locator('[data-control="stage-drawer-close"]').click();
    await drawer.waitFor({ state: 'detached' });
  }, 15_000);

  it('on a 390×844 phone a student reads every transport without scrolling sideways, with thumb-sized controls and no shared ones', async () => {
    const context = await browser.newContext();
    try {
      const phone = await context.newPage();
      await phone.setViewportSize({ width: 390, height: 844 });
      phone.on('pageerror', (error) => pageErrors.push(error.message));
      await phone.goto(url);
      await phone.locator('[data-view="phone"]').waitFor();
      await phone.waitForFunction(
        (transports) =>
          transports.every((t) =>
            ['latency-p50', 'bytes-per-event'].every((m) => {
              const text = document.querySelector(`[data-transport="${t}"] [data-metric="${m}"]`)?.textContent ?? '';
              return text !== '' && Number.isFinite(Number(text));
            }),
          ),
        [...TRANSPORT_NAMES],
        { timeout: 20_000 },
      );
      const seen = await phone.evaluate(
        (transports) => {
          const figures = transports.flatMap((t) =>
            ['latency-p50', 'bytes-per-event'].map((m) => {
              const figure = document.querySelector(`[data-transport="${t}"] [data-metric="${m}"]`) as HTMLElement;
              const r = figure.getBoundingClientRect();
              const holder = figure.parentElement as HTMLElement;
              return {
                where: `${t} ${m}`,
                left: r.left,
                right: r.right,
                fontPx: Number.parseFloat(getComputedStyle(figure).fontSize),
                clipped: holder.scrollWidth > holder.clientWidth,
              };
            }),
          );
          const controls = [
            ...document.querySelectorAll(
              '[data-view="phone"] button, [data-view="phone"] input, [data-view="phone"] select',
            ),
          ]
            .filter((c) => (c as HTMLElement).offsetParent !== null)
            .map((c) => {
              const target = (c.closest('label') ?? c) as HTMLElement;
              return {
                name: c.getAttribute('data-control') ?? c.textContent ?? c.tagName,
                height: target.getBoundingClientRect().height,
              };
            });
          return {
            scrollWidth: document.documentElement.scrollWidth,
            innerWidth: window.innerWidth,
            figures,
            controls,
            shared: document.querySelectorAll(
              '[data-control="scenario"], [data-control="pause"], [data-control="restart"]',
            ).length,
            // The Socket.IO features: its own clients' room and chat, not the lab's broadcast and volatile settings.
            ownSocketIo: document.querySelectorAll('[data-control="sio-room"], [data-control="sio-chat-text"]').length,
            labSocketIo: document.querySelectorAll('[data-control="sio-broadcast"], [data-control="sio-volatile"]')
              .length,
          };
        },
        [...TRANSPORT_NAMES],
      );
      expect(seen.scrollWidth).toBe(seen.innerWidth);
      expect(seen.figures).toHaveLength(TRANSPORT_NAMES.length * 2);
      for (const f of seen.figures) {
        expect(f.left, f.where).toBeGreaterThanOrEqual(0);
        expect(f.right, f.where).toBeLessThanOrEqual(seen.innerWidth);
        expect(f.fontPx, f.where).toBeGreaterThanOrEqual(16);
        expect(f.clipped, f.where).toBe(false);
      }
      expect(seen.controls.length).toBeGreaterThan(TRANSPORT_NAMES.length);
      for (const c of seen.controls) expect(c.height, c.name).toBeGreaterThanOrEqual(44);
      expect(seen.shared).toBe(0);
      expect(seen.ownSocketIo).toBe(2);
      expect(seen.labSocketIo).toBe(0);
      await phone.screenshot({ path: join(ARTIFACTS, 'phone-390x844.png'), fullPage: true });
    } finally {
      await context.close();
    }
  }, 40_000);

  it('"Join code" fills the screen with the student URL and a QR code, never the token', async () => {
    await page.locator('[data-control="show-join-code"]').click();
    const joinScreen = page.locator('[data-join]');
    await joinScreen.waitFor();
    // This lab is not in LAN mode: the students' URL is the lab's own address.
    await expect(joinScreen.locator('[data-join-url]').textContent()).resolves.toBe(url);
    const qr = await joinScreen.locator('[data-join-qr]').boundingBox();
    expect(qr?.width ?? 0).toBeGreaterThan(300);
    expect(await page.content()).not.toContain(TOKEN);
    await page.screenshot({ path: join(ARTIFACTS, 'join-code-1280x720.png') });
    await page.keyboard.press('Escape');
    await joinScreen.waitFor({ state: 'detached' });
  }, 15_000);

  it("a student's page shows the shared controls disabled, with the reason, and no join code", async () => {
    const context = await browser.newContext();
    try {
      const student = await context.newPage();
      await student.goto(url);
      await student.locator('[data-why-disabled="feed"]').waitFor({ timeout: 10_000 });
      for (const control of ['scenario', 'rate', 'pause', 'restart', 'network-profile', 'fault-drop-all'])
        await expect(student.locator(`[data-control="${control}"]`).isDisabled(), control).resolves.toBe(true);
      for (const part of ['feed', 'network'])
        await expect(student.locator(`[data-why-disabled="${part}"]`).textContent()).resolves.toContain(
          "Only the teacher's page can change this",
        );
      await expect(student.locator('[data-control="interval"]').isDisabled()).resolves.toBe(false);
      expect(await student.locator('[data-control="show-join-code"]').count()).toBe(0);
      await student.screenshot({ path: join(ARTIFACTS, 'student-1280x720.png') });
      // On a student's stage, a shared key says why it does nothing, and the lab is not asked.
      await student.goto(`${url}?view=stage`);
      await student.locator('[data-view="stage"][data-access="watching"]').waitFor();
      const asked: string[] = [];
      student.on('request', (r) => {
        if (r.url().includes('/api/feed/settings')) asked.push(r.method());
      });
      const running = (await feedStatus()).running;
      await student.keyboard.press('p');
      await expect(student.locator('[data-stage-said]').textContent()).resolves.toContain(
        "Only the teacher's page can change this",
      );
      expect((await feedStatus()).running).toBe(running);
      expect(asked).toEqual([]);
    } finally {
      await context.close();
    }
  }, 20_000);

  it('goes back to the whole page, and a link opens the stage directly', async () => {
    await page.locator('[data-control="leave-stage"]').click();
    await page.locator('[data-view="stage"]').waitFor({ state: 'detached' });
    expect(new URL(page.url()).searchParams.get('view')).toBeNull();
    await page.goto(`${url}?token=${TOKEN}&view=stage`);
    await page.locator('[data-view="stage"]').waitFor();
    expect(pageErrors).toEqual([]);
  }, 15_000);
});
