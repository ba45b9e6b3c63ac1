/**
 * A load run started over the API, as the dashboard starts it: the generator
 * runs as a process of its own against the lab's loopback address, reports
 * progress while it runs, and finishes with numbers that agree with the lab's
 * meter, which counts the run's clients apart (`load`) from a page's own.
 * Stopping kills the process; bad bodies, a second start and a missing
 * teacher token are refused with codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TRANSPORT_NAMES } from '../protocol/feed-event.ts';
import type { LoadRunView } from '../protocol/load-run-view.ts';
import { byteTotal, type MetricsSnapshot } from '../protocol/metrics.ts';
import { LoadRunner } from '../server/load-control/load-runner.ts';
import { loadTargetUrl } from '../server/load-control/load-target.ts';
import { publishMany, type RunningLab, sleep, startLab } from './support/lab-server.ts';

const DEAD_URL = 'http://127.0.0.1:9';

interface Answer<T> {
  status: number;
  body: T;
}

async function call<T>(lab: RunningLab, method: string, body?: unknown, token?: string): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${lab.url}/api/load`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

const view = async (lab: RunningLab): Promise<LoadRunView> => (await call<LoadRunView>(lab, 'GET')).body;

/** Polls GET /api/load until `accept` holds; returns that view. */
async function until(
  lab: RunningLab,
  accept: (v: LoadRunView) => boolean,
  timeoutMs: number,
  what: string,
): Promise<LoadRunView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await view(lab);
    if (accept(v)) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v).slice(0, 600)}`);
    await sleep(100);
  }
}

const sum = (counts: Partial<Record<string, number>>): number =>
  Object.values(counts).reduce<number>((a, b) => a + (b ?? 0), 0);

/** Whether a process with this pid exists (signal 0 only checks). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('a load run started over the API', () => {
  let lab: RunningLab;
  beforeAll(async () => {
    lab = await startLab();
  });
  afterAll(async () => {
    await lab.close();
  });

  it('runs as its own process, shows progress, and finishes with the counts the meter keeps apart under `load`', async () => {
    // The page's own client: counted in `transports`, never in `load`.
    const page = new WebSocket(`${lab.url.replace('http', 'ws')}/api/feed/websocket?client=page-x`);
    await new Promise((resolve, reject) => {
      page.once('open', resolve);
      page.once('error', reject);
    });
    try {
      expect((await view(lab)).state).toBe('idle');
      const started = await call<LoadRunView>(lab, 'POST', { clientsPerTransport: 3, durationS: 3 });
      expect(started.status).toBe(202);
      expect(started.body.state).toBe('starting');
      expect(started.body.settings).toEqual({
        clientsPerTransport: 3,
        durationS: 3,
        transports: [...TRANSPORT_NAMES],
        ratePerSecond: null,
        rampS: 0,
      });
      const pid = started.body.pid ?? 0;
      expect(pid).toBeGreaterThan(0);
      expect(pid).not.toBe(process.pid);
      expect(alive(pid)).toBe(true);

      // A long poll counts as open once answered: the feed is quiet until the test publishes.
      const openButLongPoll = (v: LoadRunView): boolean =>
        sum(v.connected) - (v.connected['long-poll'] ?? 0) === 3 * (TRANSPORT_NAMES.length - 1);
      await until(lab, (v) => v.state === 'running' && openButLongPoll(v), 15_000, 'the first clients to open');
      await sleep(200);
      publishMany(lab.app, 1);
      const running = await until(
        lab,
        (v) => v.state === 'running' && sum(v.connected) === 3 * TRANSPORT_NAMES.length,
        5000,
        'every client open',
      );
      expect(running.runId).toMatch(/^[a-z0-9]+$/);
      for (const t of TRANSPORT_NAMES) expect([running.clients[t], running.connected[t]], t).toEqual([3, 3]);
      expect(running.samples.length).toBeGreaterThan(0);

      // Events early in the run only: at its end nothing is in flight, so clients and meter agree exactly.
      for (let i = 0; i < 12; i++) {
        publishMany(lab.app, 2);
        await sleep(100);
      }
      const later = await until(lab, (v) => v.state !== 'running' || sum(v.messagesPerSecond) > 0, 5000, 'a rate');
      if (later.state === 'running') expect(later.elapsedS).toBeGreaterThan(running.elapsedS);

      const done = await until(lab, (v) => v.state !== 'running', 20_000, 'the run to end');
      expect(done.error).toBeNull();
      expect(done.state).toBe('finished');
      expect(done.pid).toBeNull();
      expect(done.elapsedS).toBe(3);
      expect(alive(pid)).toBe(false);
      const result = done.result;
      if (!result) throw new Error('finished without a result');
      expect(result.runId).toBe(running.runId);
      expect(result.ownLab).toBe(false);
      expect(result.meterSource).toContain('load totals');
      expect(result.server.cpuPct).not.toBeNull();

      const totals = (await (await fetch(`${lab.url}/api/metrics`)).json()) as MetricsSnapshot;
      const own = (await (await fetch(`${lab.url}/api/metrics?client=page-x`)).json()) as MetricsSnapshot;
      for (const t of TRANSPORT_NAMES) {
        const r = result.transports[t];
        const load = totals.load[t];
        if (!r) throw new Error(`no result for ${t}`);
        expect(r.clients, t).toBe(3);
        // Short polls may not have asked again before the run ended: behind, not lost.
        expect(r.messages, t).toBeGreaterThanOrEqual(t === 'short-poll' ? 3 : 3 * 24);
        // The clients' count, the run's reading of the meter, and the meter now: one number.
        expect([r.meter?.messages, load.messages], t).toEqual([r.messages, r.messages]);
        // Bytes: what the clients' sockets carried is what the meter counted for them under `load`.
        expect(byteTotal(load.bytes.up), t).toBe(r.clientWire.up);
        expect(byteTotal(load.bytes.down), t).toBe(r.clientWire.down);
        expect(load.connections, t).toBe(r.clientWire.connections);
        expect(r.bytes, t).toEqual(load.bytes);
        expect([r.errors, r.gaps, r.duplicates], t).toEqual([0, 0, 0]);
        // `transports` counts everyone: the run's clients plus the page's own (on websocket only).
        expect(totals.transports[t].messages, t).toBe(load.messages + own.transports[t].messages);
      }
      expect(own.transports.websocket.messages).toBe(25);
      expect(own.load.websocket.messages).toBe(0);
    } finally {
      page.close();
    }
  }, 30_000);

  it('refuses a second start while one goes (409), and DELETE stops it early and ends its process', async () => {
    const body = { clientsPerTransport: 2, durationS: 60, transports: ['websocket'], ratePerSecond: 50 };
    const started = await call<LoadRunView>(lab, 'POST', body);
    expect(started.status).toBe(202);
    // The rate is the feed's, as the rate control sets it.
    expect(lab.app.feed.currentSettings.ratePerSecond).toBe(50);
    const pid = started.body.pid ?? 0;
    const second = await call<{ code: string; hint: string }>(lab, 'POST', { ...body, ratePerSecond: 5 });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('LAB_ERR_LOAD_RUNNING');
    expect(second.body.hint).toContain('DELETE /api/load');
    expect(lab.app.feed.currentSettings.ratePerSecond).toBe(50);

    await until(lab, (v) => v.state === 'running' && v.connected.websocket === 2, 15_000, 'two open');
    const stopped = await call<LoadRunView>(lab, 'DELETE');
    expect(stopped.status).toBe(200);
    expect(stopped.body.state).toBe('stopped');
    expect(stopped.body.pid).toBeNull();
    expect(stopped.body.result).toBeNull();
    expect(alive(pid)).toBe(false);
    // Idempotent: stopping again changes nothing.
    const again = await call<LoadRunView>(lab, 'DELETE');
    expect([again.status, again.body.state, again.body.endedAt]).toEqual([200, 'stopped', stopped.body.endedAt]);
  }, 20_000);

  it.each([
    ['not an object', [3]],
    ['no durationS', { clientsPerTransport: 3 }],
    ['no clients', { durationS: 3 }],
    ['zero clients', { clientsPerTransport: 0, durationS: 3 }],
    ['too many clients', { clientsPerTransport: 2501, durationS: 3 }],
    ['clients as text', { clientsPerTransport: '3', durationS: 3 }],
    ['fractional clients', { clientsPerTransport: 2.5, durationS: 3 }],
    ['too long', { clientsPerTransport: 3, durationS: 601 }],
    ['an unknown key', { clientsPerTransport: 3, durationS: 3, url: 'http://example.com' }],
    ['an unknown transport', { clientsPerTransport: 3, durationS: 3, transports: ['socket.io'] }],
    ['no transports', { clientsPerTransport: 3, durationS: 3, transports: [] }],
    ['a transport twice', { clientsPerTransport: 3, durationS: 3, transports: ['sse', 'sse'] }],
    ['transports as text', { clientsPerTransport: 3, durationS: 3, transports: 'sse' }],
    ['a rate of 0', { clientsPerTransport: 3, durationS: 3, ratePerSecond: 0 }],
    ['a ramp as long as the run', { clientsPerTransport: 3, durationS: 3, rampS: 3 }],
  ])('%s: 400 LAB_ERR_BAD_LOAD_RUN with a hint, and no run', async (_name, body) => {
    const answer = await call<{ code: string; message: string; hint: string }>(lab, 'POST', body);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('LAB_ERR_BAD_LOAD_RUN');
    expect(answer.body.hint).toContain('clientsPerTransport');
    expect((await view(lab)).state).not.toMatch(/starting|running/);
  });

  it('a body that is not JSON: 400 LAB_ERR_BAD_JSON', async () => {
    const answer = await call<{ code: string }>(lab, 'POST', '{"clientsPerTransport":');
    expect([answer.status, answer.body.code]).toEqual([400, 'LAB_ERR_BAD_JSON']);
  });
});

describe('a generator that fails', () => {
  it("surfaces as state failed with the generator's coded message", async () => {
    // Nothing listens on port 9: the real generator reports LAB_ERR_UNREACHABLE and exits 2.
    const runner = new LoadRunner();
    runner.start(
      { clientsPerTransport: 1, durationS: 1, transports: ['sse'], ratePerSecond: null, rampS: 0 },
      DEAD_URL,
    );
    expect(runner.view().state).toBe('starting');
    await runner.whenEnded();
    const failed = runner.view();
    expect(failed.state).toBe('failed');
    expect(failed.error?.code).toBe('LAB_ERR_UNREACHABLE');
    expect(failed.error?.message).toContain(DEAD_URL);
    expect(failed.error?.hint).toBeTruthy();
    expect(failed.pid).toBeNull();
  }, 20_000);
});

describe('closing the lab', () => {
  it('ends a running load generator with it', async () => {
    const lab = await startLab();
    const started = await call<LoadRunView>(lab, 'POST', {
      clientsPerTransport: 1,
      durationS: 60,
      transports: ['sse'],
    });
    const pid = started.body.pid ?? 0;
    expect(alive(pid)).toBe(true);
    await lab.close();
    expect(alive(pid)).toBe(false);
  }, 15_000);
});

describe('in LAN mode, a load run is a control action', () => {
  const TOKEN = 'load-teacher-token';
  let lab: RunningLab;
  beforeAll(async () => {
    lab = await startLab({ lan: true, teacherToken: TOKEN });
  });
  afterAll(async () => {
    await lab.close();
  });

  it.each([
    ['no token', undefined],
    ['a wrong token', 'not-the-token'],
  ])('POST and DELETE with %s: 401 LAB_ERR_UNAUTHORIZED, and no run starts', async (_name, token) => {
    const start = await call<{ code: string }>(lab, 'POST', { clientsPerTransport: 1, durationS: 1 }, token);
    expect([start.status, start.body.code]).toEqual([401, 'LAB_ERR_UNAUTHORIZED']);
    const stop = await call<{ code: string }>(lab, 'DELETE', undefined, token);
    expect([stop.status, stop.body.code]).toEqual([401, 'LAB_ERR_UNAUTHORIZED']);
    const state = await view(lab);
    expect([state.state, state.pid]).toEqual(['idle', null]);
  });

  it('with the token the request reaches the checks (a bad body: 400), and anyone may watch (GET)', async () => {
    const answer = await call<{ code: string }>(lab, 'POST', { clientsPerTransport: 0, durationS: 1 }, TOKEN);
    expect([answer.status, answer.body.code]).toEqual([400, 'LAB_ERR_BAD_LOAD_RUN']);
    expect((await call<LoadRunView>(lab, 'GET')).status).toBe(200);
  });
});

describe('a load run only ever targets loopback', () => {
  it.each([
    ['127.0.0.1', 'http://127.0.0.1:3000'],
    ['127.0.0.2', 'http://127.0.0.2:3000'],
    ['0.0.0.0', 'http://127.0.0.1:3000'],
    ['::', 'http://[::1]:3000'],
    ['::1', 'http://[::1]:3000'],
  ])('a lab bound to %s is loaded at %s', (address, url) => {
    expect(loadTargetUrl({ address, port: 3000, family: address.includes(':') ? 'IPv6' : 'IPv4' })).toBe(url);
  });

  it.each(['192.168.1.20', '10.0.0.5', 'fe80::1'])('a lab bound to %s only is refused with a code', (address) => {
    expect(() => loadTargetUrl({ address, port: 3000, family: 'IPv4' })).toThrow(
      expect.objectContaining({ code: 'LAB_ERR_LOAD_NOT_LOOPBACK', statusCode: 409 }),
    );
  });
});
