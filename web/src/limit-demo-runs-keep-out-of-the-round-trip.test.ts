/**
 * The six-connections demo's module against a real lab (Node's fetch and
 * the eventsource package's EventSource, which have no six-per-origin pool,
 * so nothing stalls here; the stall itself is pinned in
 * connection-limit-demo-timing.test.ts and the browser suite): a run shows
 * its progress and result, and its run counter marks every lab call that a
 * run overlapped, so the store does not take that call's time as a round trip.
 */
import { EventSource } from 'eventsource';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningLab, startLab } from '../../test/support/lab-server.ts';
import type { LimitDemoView } from './lab-snapshot.ts';
import { LimitDemoControl } from './limit-demo-control.ts';

let lab: RunningLab | null = null;
afterEach(async () => {
  await lab?.close();
  lab = null;
});

function demoOn(baseUrl: string) {
  const views: LimitDemoView[] = [];
  const demo = new LimitDemoControl({
    baseUrl,
    clientId: 'page-test-limit-demo',
    EventSource: EventSource as unknown as new (url: string) => globalThis.EventSource,
    fetch,
    now: () => performance.now(),
    holdMs: 1000,
    settleMs: 1000,
    changed: () => views.push(demo.view),
  });
  return { demo, views };
}

describe('LimitDemoControl', () => {
  it('a run: running with progress, then the result; every change reaches the page', async () => {
    lab = await startLab();
    const { demo, views } = demoOn(`${lab.url}/`);
    await demo.run();
    expect(views[0]).toEqual({ running: true, progress: 'starting…', result: null, error: null });
    expect(views.some((v) => v.running && v.progress?.startsWith('opening 6 extra SSE connections'))).toBe(true);
    expect(demo.view.running).toBe(false);
    expect(demo.view.error).toBeNull();
    // All six streams opened against the real lab; Node's pool let the request through at once.
    expect(demo.view.result).toMatchObject({ extra: 6, opened: 6, stalled: false, afterCloseMs: null });
    expect(views.at(-1)).toBe(demo.view);
  });

  it('the run counter: a call overlapping a run is marked, one before or after it is not', async () => {
    lab = await startLab();
    const { demo } = demoOn(`${lab.url}/`);
    const before = demo.mark();
    expect(demo.untouchedSince(before)).toBe(true);

    const overlappedFromBefore = demo.mark();
    const run = demo.run();
    const duringRun = demo.mark();
    expect(demo.untouchedSince(duringRun)).toBe(false); // begun while the demo held the connections
    await demo.run(); // a second start while running does nothing
    await run;
    expect(demo.untouchedSince(overlappedFromBefore)).toBe(false); // a run began after it was sent
    expect(demo.untouchedSince(duringRun)).toBe(false); // the run ended while it was out

    const after = demo.mark();
    expect(demo.untouchedSince(after)).toBe(true);
  });

  it('a lab that is gone: the run ends with the error in words', async () => {
    lab = await startLab();
    const { demo } = demoOn(`${lab.url}/`);
    await lab.close();
    lab = null;
    await demo.run();
    expect(demo.view.running).toBe(false);
    expect(demo.view.result).toBeNull();
    expect(demo.view.error).toMatch(/fetch failed/);
  });
});
