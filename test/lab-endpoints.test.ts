/**
 * The lab's own endpoints: metrics (once and as a stream), clock, scenarios,
 * feed controls — and that their traffic is counted under `lab`, never
 * inside a transport.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { TRANSPORT_NAMES } from '../protocol/feed-event.ts';
import type { ProcessFigures } from '../protocol/lab-status.ts';
import type { MetricsSnapshot } from '../protocol/metrics.ts';
import { type RunningLab, startLab } from './support/lab-server.ts';

let lab: RunningLab;
beforeEach(async () => {
  lab = await startLab({ metricsIntervalMs: 50 });
});
afterEach(async () => {
  await lab.close();
});

const getJson = async <T>(path: string, init?: RequestInit): Promise<{ status: number; body: T }> => {
  const response = await fetch(`${lab.url}${path}`, init);
  return { status: response.status, body: (await response.json()) as T };
};

describe('lab traffic is counted apart', () => {
  it('page, metrics, metrics stream, clock and scenarios land under lab and nowhere else', async () => {
    await fetch(`${lab.url}/`).then((r) => r.text());
    await getJson('/api/clock');
    await getJson('/api/scenarios');
    const stream = await fetch(`${lab.url}/api/metrics/stream`);
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    let text = '';
    while ((text.match(/\n\n/g) ?? []).length < 3) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += new TextDecoder().decode(chunk.value);
    }
    await reader.cancel();
    const firstSnapshot = JSON.parse(text.split('\n\n')[0]?.replace(/^data: /, '') ?? '{}') as MetricsSnapshot;
    expect(Object.keys(firstSnapshot.transports)).toEqual([...TRANSPORT_NAMES]);

    const { body: metrics } = await getJson<MetricsSnapshot>('/api/metrics');
    for (const name of TRANSPORT_NAMES) {
      expect(metrics.transports[name], name).toMatchObject({ requests: 0, connections: 0, messages: 0 });
      expect(metrics.transports[name].bytes.up, name).toEqual({ header: 0, framing: 0, payload: 0, tls: 0 });
    }
    expect(metrics.lab.requests).toBeGreaterThanOrEqual(4);
    expect(metrics.lab.bytes.down.header).toBeGreaterThan(0);
  });
});

describe('clock and scenarios', () => {
  it('the clock answers the server time in epoch ms', async () => {
    const before = Date.now();
    const { body } = await getJson<{ t: number }>('/api/clock');
    expect(body.t).toBeGreaterThanOrEqual(before - 5);
    expect(body.t).toBeLessThanOrEqual(Date.now() + 5);
  });

  it('the scenarios come with their teaching texts', async () => {
    const { body } = await getJson<{ id: string; notice: string }[]>('/api/scenarios');
    expect(body.map((s) => s.id)).toContain('stock-ticker');
    for (const scenario of body) expect(scenario.notice.length, scenario.id).toBeGreaterThan(40);
  });
});

describe('feed controls', () => {
  const put = (body: unknown) =>
    getJson<Record<string, unknown>>('/api/feed/settings', {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('switches scenario and rate, starts and stops the feed', async () => {
    const changed = await put({ scenario: 'multiplayer-game', ratePerSecond: 200, running: true });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ scenario: 'multiplayer-game', ratePerSecond: 200, running: true });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const published = lab.app.feed.newestSeq;
    expect(published).toBeGreaterThan(20);
    const newest = lab.app.feed.resume({ since: published - 1, epoch: undefined }, 1).events[0];
    expect(JSON.parse(String(newest?.json)).topic).toBe('arena-1');
    const stopped = await put({ running: false });
    expect(stopped.body).toMatchObject({ running: false });
  });

  it('restart starts a new epoch', async () => {
    const epoch = lab.app.feed.epoch;
    const { body } = await getJson<{ epoch: string; seq: number }>('/api/feed/restart', { method: 'POST' });
    expect(body.epoch).not.toBe(epoch);
    expect(body.seq).toBe(0);
  });

  it.each([
    [{ scenario: '../../etc/passwd' }],
    [{ scenario: 'no-such-scenario' }],
    [{ ratePerSecond: 0 }],
    [{ ratePerSecond: 'fast' }],
    [{ payloadBytes: 2_000_000 }],
    [{ running: 'yes' }],
    [{ colour: 'blue' }],
    [[1, 2]],
  ])('%j → 400 with a code, and nothing changes', async (body) => {
    const before = lab.app.feed.currentSettings;
    const { status, body: error } = await put(body);
    expect(status).toBe(400);
    expect(String(error.code)).toMatch(/^LAB_ERR_(BAD_BODY|SCENARIO)$/);
    expect(lab.app.feed.currentSettings).toBe(before);
  });
});

describe('the lab reports its own cost', () => {
  it('GET /api/process answers CPU, memory, event loop and connections from inside the lab', async () => {
    const { body } = await getJson<Record<string, unknown>>('/api/process?reset=true');
    expect(body).toMatchObject({
      cpuUserMs: expect.any(Number),
      cpuSystemMs: expect.any(Number),
      rssBytes: expect.any(Number),
      heapUsedBytes: expect.any(Number),
      eventLoopDelayP99Ms: expect.any(Number),
      eventLoop: { idleMs: expect.any(Number), activeMs: expect.any(Number), utilization: expect.any(Number) },
    });
    expect(body.rssBytes as number).toBeGreaterThan(10 * 1024 * 1024);
    expect(body.connections as number).toBeGreaterThanOrEqual(1);
  });

  it('and how long handing each event to every open stream took, since the last reset', async () => {
    const sockets = await Promise.all(
      [1, 2, 3].map(
        (i) =>
          new Promise<WebSocket>((resolve, reject) => {
            const socket = new WebSocket(`${lab.url.replace('http', 'ws')}/api/feed/websocket?client=fan${i}`);
            socket.once('message', () => resolve(socket)); // hello: subscribed
            socket.once('error', reject);
          }),
      ),
    );
    await getJson('/api/process?reset=true');
    for (let i = 0; i < 5; i++) lab.app.feed.publish({ topic: 'test', data: i });
    const { body } = await getJson<ProcessFigures>('/api/process?reset=true');
    expect(body.fanOut.events).toBe(5);
    expect(body.fanOut.listeners).toBe(3);
    expect(body.fanOut.p50Ms).toBeGreaterThan(0);
    expect(body.fanOut.p99Ms).toBeGreaterThanOrEqual(body.fanOut.p50Ms);
    expect(body.fanOut.maxMs).toBeGreaterThanOrEqual(body.fanOut.p99Ms);
    expect(body.fanOut.maxMs).toBeLessThan(1000);

    const { body: after } = await getJson<ProcessFigures>('/api/process');
    expect(after.fanOut).toMatchObject({ events: 0, p50Ms: 0, maxMs: 0 });
    for (const socket of sockets) socket.close();
  });
});
