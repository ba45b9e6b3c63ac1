/**
 * The six-connections demo, with a fake browser that allows six connections
 * per origin: the page's own stream holds one, so one extra stream and the
 * timed request queue until the demo closes its streams.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runConnectionLimitDemo } from './connection-limit-demo.ts';

/** A toy connection pool: six slots; a stream holds its slot until closed, a fetch until answered. */
function fakeBrowser(limit = 6, alreadyHeld = 1) {
  let free = limit - alreadyHeld;
  const waiting: Array<() => void> = [];
  const take = (start: () => void): void => {
    if (free > 0) {
      free--;
      start();
    } else {
      waiting.push(start);
    }
  };
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };
  const urls: string[] = [];
  class FakeEventSource extends EventTarget {
    private holding = false;
    private closed = false;
    constructor(url: string) {
      super();
      urls.push(url);
      take(() => {
        if (this.closed) return release();
        this.holding = true;
        setTimeout(() => this.dispatchEvent(new Event('open')), 1);
      });
    }
    close(): void {
      if (this.closed) return;
      this.closed = true;
      if (this.holding) release();
    }
  }
  const fakeFetch = ((url: string) =>
    new Promise<Response>((resolve) => {
      urls.push(url);
      take(() => {
        setTimeout(() => {
          release();
          resolve(new Response('{"t":1}'));
        }, 2);
      });
    })) as unknown as typeof fetch;
  return { EventSource: FakeEventSource as unknown as new (url: string) => EventSource, fetch: fakeFetch, urls };
}

describe('the connection-limit demo', () => {
  // A virtual clock: the waits are the demo's own, never a busy machine's late timers.
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows the request waiting until the demo frees a connection', async () => {
    const browser = fakeBrowser();
    const running = runConnectionLimitDemo({
      baseUrl: 'http://127.0.0.1:3000/',
      clientId: 'page-x-limit-demo',
      holdMs: 120,
      settleMs: 40,
      EventSource: browser.EventSource,
      fetch: browser.fetch,
      now: () => performance.now(),
    });
    await vi.runAllTimersAsync();
    const result = await running;
    expect(result.extra).toBe(6);
    expect(result.opened).toBe(5);
    expect(result.stalled).toBe(true);
    expect(result.waitedMs).toBeGreaterThanOrEqual(110);
    expect(result.afterCloseMs).not.toBeNull();
    expect(result.afterCloseMs ?? Number.POSITIVE_INFINITY).toBeLessThan(100);
    expect(browser.urls.filter((u) => u.includes('/api/metrics/stream?client=page-x-limit-demo'))).toHaveLength(6);
    expect(browser.urls.at(-1)).toBe('http://127.0.0.1:3000/api/clock');
  });

  it('says there was no stall when the browser has connections to spare', async () => {
    const browser = fakeBrowser(100);
    const running = runConnectionLimitDemo({
      baseUrl: 'http://127.0.0.1:3000/',
      clientId: 'page-y-limit-demo',
      holdMs: 200,
      settleMs: 40,
      EventSource: browser.EventSource,
      fetch: browser.fetch,
      now: () => performance.now(),
    });
    await vi.runAllTimersAsync();
    const result = await running;
    expect(result).toMatchObject({ opened: 6, stalled: false, afterCloseMs: null });
    expect(result.waitedMs).toBeLessThan(150);
  });
});
