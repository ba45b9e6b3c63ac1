/**
 * Presenter mode in a real browser, at a projector's 1280×720 and 1920×1080:
 * every column's median latency starts on the same line as its neighbours' (titles take the
 * same height whether they wrap or not), nothing in a column's head spills
 * out of the column, the last event's line shows its latency whole, and at
 * 1920 px no text in the columns is under 18 px (the back of a room).
 * Saves a screenshot per size to test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type LaunchedBrowser, launchBrowser } from '../cli/chromium-launcher.ts';
import { TRANSPORT_NAMES } from '../protocol/feed-event.ts';
import { buildApp } from '../server/app.ts';
import { ensureDashboardBuilt } from '../web/build-dashboard.ts';
import { describeInChromium } from './support/chromium.ts';

const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const SIZES = [
  { width: 1280, height: 720, smallestTextPx: 12 },
  { width: 1920, height: 1080, smallestTextPx: 18 },
] as const;

interface ColumnLayout {
  transport: string;
  /** The top of the column's box: columns with the same top share a row of the grid. */
  rowTop: number;
  latencyTop: number;
  /** How far anything in the column's head reaches past the column's right edge, px. */
  headOverflowPx: number;
  /** How far the column's content (its theory table, say) is wider than the column, px. */
  contentOverflowPx: number;
  /** The last event's text overflows its box (cut off with an ellipsis). */
  flashCut: boolean;
  flashText: string;
  smallestTextPx: number;
}

describeInChromium('presenter mode in Chromium', (executable) => {
  let app: FastifyInstance;
  let url: string;
  let browser: LaunchedBrowser;

  beforeAll(async () => {
    const webRoot = await ensureDashboardBuilt();
    app = await buildApp({ webRoot, seed: 7, conditionerPort: 0 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    await app.conditioner.ready();
    const address = app.server.address();
    if (!address || typeof address === 'string') throw new Error('lab did not bind a TCP port');
    url = `http://127.0.0.1:${address.port}/?presenter=1`;
    browser = await launchBrowser(executable, SIZES[0]);
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  for (const size of SIZES) {
    it(`at ${size.width}×${size.height} lines the columns up, keeps each head inside its column and its text large`, async () => {
      const page = await browser.context.newPage();
      try {
        await page.setViewportSize({ width: size.width, height: size.height });
        await page.goto(url);
        // Every column has shown an event (its flash line has text) and a median latency.
        await page.waitForFunction(
          (transports) =>
            transports.every((t) => {
              const column = document.querySelector(`[data-transport="${t}"]`);
              return (
                /ms$/.test(column?.querySelector('[data-flash="text"]')?.textContent ?? '') &&
                /\d/.test(column?.querySelector('[data-metric="latency-p50"]')?.textContent ?? '')
              );
            }),
          [...TRANSPORT_NAMES],
          { timeout: 20_000 },
        );
        const layout: ColumnLayout[] = await page.evaluate(
          (transports) =>
            transports.map((transport) => {
              const column = document.querySelector(`[data-transport="${transport}"]`) as HTMLElement;
              const box = column.getBoundingClientRect();
              const head = column.querySelector('.column-head') as HTMLElement;
              const headRight = Math.max(
                ...[...head.querySelectorAll('*')].map((e) => e.getBoundingClientRect().right),
              );
              const flash = column.querySelector('[data-flash="text"]') as HTMLElement;
              let smallest = Number.POSITIVE_INFINITY;
              for (const element of column.querySelectorAll('*')) {
                const ownText = [...element.childNodes].some((n) => n.nodeType === 3 && n.textContent?.trim());
                if (!ownText || element.getBoundingClientRect().width === 0) continue;
                smallest = Math.min(smallest, Number.parseFloat(getComputedStyle(element).fontSize));
              }
              return {
                transport,
                rowTop: Math.round(box.top),
                contentOverflowPx: column.scrollWidth - column.clientWidth,
                latencyTop: (column.querySelector('[data-metric="latency-p50"]') as HTMLElement).getBoundingClientRect()
                  .top,
                headOverflowPx: Math.max(
                  0,
                  headRight - (box.right - Number.parseFloat(getComputedStyle(column).paddingRight)),
                ),
                flashCut: flash.scrollWidth > flash.clientWidth + 1 || flash.scrollHeight > flash.clientHeight + 1,
                flashText: flash.textContent ?? '',
                smallestTextPx: smallest,
              };
            }),
          [...TRANSPORT_NAMES],
        );
        await page.screenshot({ path: join(ARTIFACTS, `presenter-${size.width}x${size.height}.png`) });

        // Columns side by side (one row of the grid) start their figures on one line.
        for (const row of new Set(layout.map((c) => c.rowTop))) {
          const tops = layout.filter((c) => c.rowTop === row).map((c) => c.latencyTop);
          expect(Math.max(...tops) - Math.min(...tops), JSON.stringify(tops)).toBeLessThanOrEqual(1);
        }
        for (const column of layout) {
          expect(column.headOverflowPx, column.transport).toBe(0);
          expect(column.contentOverflowPx, column.transport).toBe(0);
          expect(column.flashCut, `${column.transport}: ${column.flashText}`).toBe(false);
          expect(column.smallestTextPx, column.transport).toBeGreaterThanOrEqual(size.smallestTextPx);
        }
      } finally {
        await page.close();
      }
    }, 40_000);
  }
});
