/**
 * The network conditioner shapes real traffic of the real clients, and the
 * numbers match the theory the dashboard shows beside them: half the added
 * round trip for pushed events, (T + RTT)/2 + RTT/2 for short polling, size ÷
 * bandwidth for a large event, one round trip of setup for a new connection.
 * Changes apply to open connections; a slow direction pushes back on the lab
 * instead of buffering; and the proxy's own byte counts equal the lab's meter.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isolatedNodeEnv } from '../cli/isolated-node-env.ts';
import { createFeedClient } from '../clients/client-registry.ts';
import type { FeedClient, FeedClientOptions } from '../clients/feed-client.ts';
import { summarizeLatencies } from '../clients/latency-summary.ts';
import { TRANSPORT_NAMES, type TransportName } from '../protocol/feed-event.ts';
import type { NetworkState } from '../protocol/network-state.ts';
import { type RunningLab, sleep, startLab, waitFor } from './support/lab-server.ts';
import { rawConnect } from './support/raw-socket.ts';

// Real time passes through the shaped links: seconds, not milliseconds.
vi.setConfig({ testTimeout: 15_000 });

let lab: RunningLab;
let conditionerUrl: string;
const cleanups: (() => Promise<void> | void)[] = [];

beforeEach(async () => {
  lab = await startLab({ conditionerPort: 0 });
  const port = await lab.app.conditioner.ready();
  conditionerUrl = `http://127.0.0.1:${port}`;
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await lab.close();
});

async function setNetwork(body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${lab.url}/api/network`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

interface Watched {
  id: string;
  client: FeedClient;
  latencies: number[];
  seqs: number[];
}

/** A real client through the conditioner, with a connection pool of its own. */
function watch(transport: TransportName, id: string, extra: Partial<FeedClientOptions> = {}): Watched {
  const isolated = isolatedNodeEnv();
  const watched: Watched = { id, client: undefined as unknown as FeedClient, latencies: [], seqs: [] };
  watched.client = createFeedClient(transport, {
    baseUrl: conditionerUrl,
    clientId: id,
    env: isolated.env,
    reconnectMinMs: 20,
    reconnectMaxMs: 200,
    ...extra,
    onEvent: (event, latencyMs) => {
      watched.seqs.push(event.seq);
      watched.latencies.push(latencyMs);
    },
  });
  watched.client.start();
  cleanups.push(async () => {
    watched.client.stop();
    await isolated.close();
  });
  return watched;
}

/** True once the lab holds the client's request or stream (a long poll cannot call itself open before an answer). */
function connected(w: Watched): boolean {
  if (w.client.transport === 'short-poll') return w.client.state === 'open';
  return lab.app.meter.snapshot('', 0, 0, w.id).transports[w.client.transport].requests >= 1;
}

/** Publishes `count` events at random moments `minMs`–`maxMs` apart, so their phase is independent of any poll. */
async function publishRandomly(
  count: number,
  minMs: number,
  maxMs: number,
  data: unknown = { tick: true },
): Promise<void> {
  for (let i = 0; i < count; i++) {
    lab.app.feed.publish({ topic: 'test', data });
    await sleep(minMs + Math.random() * (maxMs - minMs));
  }
}

const median = (values: number[]): number => summarizeLatencies(values).p50;

/** The conditioner's connections whose first request named this client id. */
function connectionsOf(app: RunningLab['app'], id: string) {
  const named = new RegExp(`[?&]client=${id}[& ]`);
  return app.conditioner.connections().filter((c) => c.firstRequest !== null && named.test(c.firstRequest));
}

describe('delay', () => {
  it('with 200 ms of round trip added, WebSocket and SSE deliver in half of it (median 100 ± 15 ms)', async () => {
    expect((await setNetwork({ profile: 'custom', rttMs: 200 })).status).toBe(200);
    const ws = watch('websocket', 'delay-ws');
    const sse = watch('sse', 'delay-sse');
    await waitFor(() => connected(ws) && connected(sse), 5000, 'both streams to open');
    await publishRandomly(40, 10, 50);
    await waitFor(() => ws.seqs.length === 40 && sse.seqs.length === 40, 5000, 'every event');
    expect(Math.abs(median(ws.latencies) - 100)).toBeLessThanOrEqual(15);
    expect(Math.abs(median(sse.latencies) - 100)).toBeLessThanOrEqual(15);
  });

  it('short polling matches its theory: median latency (T + RTT)/2 + RTT/2 within 10%', async () => {
    // The client asks at the lab every P = T + RTT (it re-arms T after each answer), and an answer
    // takes RTT/2 to come back. An event published at a random moment waits Uniform(0, P) for the
    // next ask, so latency is Uniform(RTT/2, RTT/2 + P): its median equals its mean, (T + RTT)/2 + RTT/2.
    const T = 300;
    const RTT = 200;
    await setNetwork({ profile: 'custom', rttMs: RTT });
    const poll = watch('short-poll', 'theory-short-poll', { shortPollIntervalMs: T });
    await waitFor(() => connected(poll), 5000, 'the first answer');
    await publishRandomly(150, 10, 50); // ~4.5 s: about nine poll periods
    const published = lab.app.feed.newestSeq;
    await waitFor(() => poll.seqs.at(-1) === published, 5000, 'the last event');
    const theory = (T + RTT) / 2 + RTT / 2;
    expect(Math.abs(median(poll.latencies) - theory)).toBeLessThanOrEqual(theory * 0.1);
  });

  it('jitter spreads the delay but never reorders bytes', async () => {
    await setNetwork({ profile: 'custom', rttMs: 100, jitterMs: 80 });
    const ws = watch('websocket', 'jitter-ws');
    await waitFor(() => connected(ws), 5000, 'the socket to open');
    await publishRandomly(100, 1, 5);
    await waitFor(() => ws.seqs.length === 100, 5000, 'every event');
    expect(ws.seqs).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    // One-way: 50 ms plus a draw from 0–80 ms; the max() that keeps order only ever adds.
    const summary = summarizeLatencies(ws.latencies);
    expect(Math.min(...ws.latencies)).toBeGreaterThanOrEqual(49);
    expect(summary.p50).toBeGreaterThan(50 + 20);
    expect(summary.p95).toBeLessThanOrEqual(50 + 80 + 10);
    expect(ws.client.stats().errors).toBe(0); // no frame was torn apart
  });

  it('a new connection pays one round trip of setup before its first byte; a reused one does not', async () => {
    await setNetwork({ profile: 'custom', rttMs: 200 });
    const port = Number(new URL(conditionerUrl).port);
    const fresh: number[] = [];
    const reused: number[] = [];
    for (let i = 0; i < 3; i++) {
      const raw = await rawConnect(port);
      cleanups.push(() => raw.close());
      const ask = async (n: number): Promise<number> => {
        const sentAt = performance.now();
        raw.send('GET /api/clock HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
        await raw.until((bytes) => bytes.toString('latin1').split('HTTP/1.1 200').length - 1 >= n, 3000);
        return performance.now() - sentAt;
      };
      fresh.push(await ask(1)); // handshake (1 RTT) + request and answer (1 RTT)
      reused.push(await ask(2)); // the same connection: 1 RTT
      raw.close();
    }
    expect(Math.abs(median(fresh) - 400)).toBeLessThanOrEqual(20);
    expect(Math.abs(median(reused) - 200)).toBeLessThanOrEqual(20);
  });
});

describe('bandwidth', () => {
  it('a ~100 KB event takes size ÷ bandwidth longer (within 10%), on WebSocket and SSE', async () => {
    await setNetwork({ profile: 'custom', rttMs: 60 });
    const ws = watch('websocket', 'bw-ws');
    const sse = watch('sse', 'bw-sse');
    await waitFor(() => connected(ws) && connected(sse), 5000, 'both streams to open');
    const big = 'x'.repeat(100_000);
    const deliver = async (): Promise<void> => {
      const n = ws.seqs.length + 1;
      lab.app.feed.publish({ topic: 'snapshot', data: big });
      await waitFor(() => ws.seqs.length === n && sse.seqs.length === n, 10_000, `big event ${n}`);
    };
    for (let i = 0; i < 3; i++) await deliver(); // unlimited: only the delay
    const downKbps = 4000; // 500 bytes per ms
    await setNetwork({ profile: 'custom', downKbps });
    for (let i = 0; i < 3; i++) await deliver();
    const eventBytes = 100_000 + 120; // data plus the event's other fields, near enough for the check below
    const expectedMs = (eventBytes * 8) / downKbps; // ~200 ms
    for (const w of [ws, sse]) {
      const unlimited = median(w.latencies.slice(0, 3));
      const capped = median(w.latencies.slice(3));
      expect(Math.abs(capped - unlimited - expectedMs), w.client.transport).toBeLessThanOrEqual(expectedMs * 0.1);
    }
  });

  it('a slow direction pauses its source instead of buffering: the backlog stays on the lab side', async () => {
    await setNetwork({ profile: 'custom', downKbps: 800 }); // 100 bytes per ms
    const raw = await rawConnect(Number(new URL(conditionerUrl).port));
    cleanups.push(() => raw.close());
    raw.send('GET /api/feed/sse?client=slow HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await raw.until((bytes) => bytes.includes('event: hello'), 3000);
    const big = 'y'.repeat(100_000);
    for (let i = 0; i < 30; i++) {
      lab.app.feed.publish({ topic: 'flood', data: big }); // 3 MB in all, about 30 s of this link
      await sleep(5);
    }
    const down = () =>
      connectionsOf(lab.app, 'slow')[0]?.down ?? { received: 0, forwarded: 0, queued: 0, peakQueued: 0 };
    await sleep(300);
    const [at0, sent0] = [performance.now(), down().forwarded];
    await sleep(1000);
    const [at1, sent1] = [performance.now(), down().forwarded];
    // The link really runs at its bandwidth…
    expect(Math.abs((sent1 - sent0) / (at1 - at0) - 100)).toBeLessThanOrEqual(10);
    // …and the proxy holds about one bandwidth-delay product (64 KB + 100 B/ms × 50 ms) plus one read (≤ 64 KB).
    expect(down().peakQueued).toBeLessThan(140 * 1024);
    // The rest of the 3 MB is still on the lab's side (its socket), not read into the proxy.
    expect(down().received).toBeLessThan(600 * 1024);
  });
});

describe('live changes', () => {
  it('apply at once to an open WebSocket, which never reconnects', async () => {
    const ws = watch('websocket', 'live-ws');
    await waitFor(() => connected(ws), 5000, 'the socket to open');
    const phase = async (): Promise<number[]> => {
      const before = ws.latencies.length;
      await publishRandomly(20, 5, 20);
      await waitFor(() => ws.latencies.length === before + 20, 5000, 'the events of this phase');
      return ws.latencies.slice(before);
    };
    const loopback = await phase(); // 20 events each
    await setNetwork({ profile: 'custom', rttMs: 300 });
    const slowed = await phase();
    await setNetwork({ profile: 'none' });
    const restored = await phase();
    expect(median(loopback)).toBeLessThan(15);
    expect(Math.abs(median(slowed) - 150)).toBeLessThanOrEqual(15);
    expect(median(restored)).toBeLessThan(15);
    expect(ws.client.stats().reconnects).toBe(0);
    expect(connectionsOf(lab.app, 'live-ws')).toHaveLength(1);
  });
});

describe('PUT /api/network', () => {
  it('a profile sets every value; custom keeps what it does not name; GET shows the port clients use', async () => {
    const fast = await setNetwork({ profile: 'fast-4g' });
    expect(fast.body).toMatchObject({ profile: 'fast-4g', rttMs: 165, jitterMs: 0, downKbps: 8100, upKbps: 1350 });
    const custom = await setNetwork({ profile: 'custom', rttMs: 80 });
    expect(custom.body).toMatchObject({ profile: 'custom', rttMs: 80, jitterMs: 0, downKbps: 8100, upKbps: 1350 });
    const state = (await (await fetch(`${lab.url}/api/network`)).json()) as NetworkState;
    expect(state).toMatchObject({ port: Number(new URL(conditionerUrl).port), profile: 'custom', rttMs: 80 });
    for (const profile of ['none', 'lan', 'fast-4g', 'slow-4g', '3g', 'satellite']) {
      expect((await setNetwork({ profile })).status, profile).toBe(200);
    }
  });

  it.each([
    [{ profile: 'custom', rttMs: -1 }, 'rttMs'],
    [{ profile: 'custom', rttMs: 'slow' }, 'rttMs'],
    [{ profile: 'custom', jitterMs: 1e9 }, 'jitterMs'],
    [{ profile: 'custom', downKbps: 3 }, 'downKbps'],
    [{ profile: 'custom', upKbps: null }, 'upKbps'],
    [{ profile: 'warp-speed' }, 'profile'],
    [{ profile: 'fast-4g', rttMs: 10 }, 'rttMs'],
    [{ bandwidth: 5 }, 'bandwidth'],
    ['fast-4g', 'JSON object'],
  ])('%j → 400 LAB_ERR_BAD_NETWORK naming %s, and nothing changes', async (body, field) => {
    await setNetwork({ profile: 'custom', rttMs: 42 });
    const answer = await setNetwork(body);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('LAB_ERR_BAD_NETWORK');
    expect(answer.body.message).toContain(field);
    expect(answer.body.hint).toBeTypeOf('string');
    expect(lab.app.conditioner.settings).toMatchObject({ profile: 'custom', rttMs: 42 });
  });
});

describe('the proxy and the meter agree', () => {
  it('per transport, the bytes over its connections equal /api/metrics?client=ID, each direction', async () => {
    await setNetwork({ profile: 'custom', rttMs: 40, jitterMs: 10 });
    const all = TRANSPORT_NAMES.map((transport) => watch(transport, `bytes-${transport}`, { shortPollIntervalMs: 50 }));
    await waitFor(() => all.every(connected), 5000, 'every client to connect');
    await publishRandomly(30, 5, 15);
    for (const w of all) await w.client.publish({ text: `upstream over ${w.client.transport}` });
    await waitFor(() => all.every((w) => w.client.stats().roundTripMs.length === 1), 5000, 'every upstream round trip');
    const newest = lab.app.feed.newestSeq;
    await waitFor(() => all.every((w) => w.seqs.at(-1) === newest), 5000, 'every client to catch up');
    // Stop everything (clients and their pools), then compare once every connection has closed.
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await waitFor(() => lab.app.conditioner.state().openConnections === 0, 5000, 'every proxied connection to close');
    await sleep(100);
    for (const transport of TRANSPORT_NAMES) {
      const mine = connectionsOf(lab.app, `bytes-${transport}`);
      const proxy = {
        up: mine.reduce((sum, c) => sum + c.up.forwarded, 0),
        down: mine.reduce((sum, c) => sum + c.down.received, 0),
      };
      const metrics = (await (await fetch(`${lab.url}/api/metrics?client=bytes-${transport}`)).json()) as {
        transports: Record<
          TransportName,
          { bytes: Record<'up' | 'down', { header: number; framing: number; payload: number }> }
        >;
      };
      const bytes = metrics.transports[transport].bytes;
      const total = (split: { header: number; framing: number; payload: number }): number =>
        split.header + split.framing + split.payload;
      expect(mine.length, transport).toBeGreaterThan(0);
      expect({ up: total(bytes.up), down: total(bytes.down) }, transport).toEqual(proxy);
    }
  });
});
