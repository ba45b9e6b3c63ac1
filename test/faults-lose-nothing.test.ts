/**
 * Faults through the conditioner, with the real clients of every transport:
 * repeated drop-alls (a short `npm run chaos`), a stall that keeps
 * connections open, and random chaos until calm — and in every case each
 * client ends with every event exactly once, seq strictly increasing.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runChaos } from '../cli/chaos-run.ts';
import { isolatedNodeEnv } from '../cli/isolated-node-env.ts';
import { createFeedClient } from '../clients/client-registry.ts';
import type { FeedClient } from '../clients/feed-client.ts';
import { TRANSPORT_NAMES, type TransportName } from '../protocol/feed-event.ts';
import type { NetworkState } from '../protocol/network-state.ts';
import { type RunningLab, sleep, startLab, waitFor } from './support/lab-server.ts';

vi.setConfig({ testTimeout: 25_000 });

describe('drop-all, again and again (a short chaos run)', () => {
  // 80 ms of round trip keeps a few events on the way at every drop: the lab sent them, the client never got them.
  it('15 drops per transport at 50 events/s: nothing lost, nothing duplicated, seq strictly increasing', async () => {
    const result = await runChaos({
      drops: 15,
      ratePerSecond: 50,
      minGapMs: 250,
      maxGapMs: 500,
      network: { rttMs: 80 },
    });
    expect(result.drops).toBe(15);
    for (const transport of TRANSPORT_NAMES) {
      const t = result.transports[transport];
      if (!t) throw new Error(`no chaos result for ${transport}`);
      expect(t.published, transport).toBeGreaterThan(150);
      expect(t, transport).toMatchObject({ lost: 0, duplicated: 0, gaps: 0, strictlyIncreasing: true });
      expect(t.received, transport).toBe(t.published);
      // The drops really hit: most found this transport connected (a short poll may be between requests).
      expect(t.dropsHit, transport).toBeGreaterThanOrEqual(8);
    }
    expect(result.ok).toBe(true);
  });
});

describe('stall and chaos', () => {
  let lab: RunningLab;
  const stops: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    // A quick SSE retry, so a cut EventSource comes back within the test's patience.
    lab = await startLab({ conditionerPort: 0, sseRetryMs: 100, network: { rttMs: 20 } });
    await lab.app.conditioner.ready();
  });
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
    await lab.close();
  });

  interface Follower {
    transport: TransportName;
    id: string;
    client: FeedClient;
    seqs: number[];
  }

  function followAll(prefix: string): Follower[] {
    return TRANSPORT_NAMES.map((transport) => {
      const isolated = isolatedNodeEnv();
      const follower: Follower = {
        transport,
        id: `${prefix}-${transport}`,
        client: undefined as unknown as FeedClient,
        seqs: [],
      };
      follower.client = createFeedClient(transport, {
        baseUrl: `http://127.0.0.1:${lab.app.conditioner.port}`,
        clientId: follower.id,
        env: isolated.env,
        shortPollIntervalMs: 50,
        reconnectMinMs: 20,
        reconnectMaxMs: 200,
        onEvent: (event) => follower.seqs.push(event.seq),
      });
      follower.client.start();
      stops.push(async () => {
        follower.client.stop();
        await isolated.close();
      });
      return follower;
    });
  }

  const connected = (f: Follower): boolean =>
    f.transport === 'short-poll'
      ? f.client.state === 'open'
      : lab.app.meter.snapshot('', 0, 0, f.id).transports[f.transport].requests >= 1;

  async function fault(body: unknown): Promise<NetworkState> {
    const response = await fetch(`${lab.url}/api/network/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as NetworkState;
  }

  function expectEveryEventOnce(followers: Follower[]): void {
    const newest = lab.app.feed.newestSeq;
    for (const f of followers) {
      expect(f.seqs, f.transport).toEqual(Array.from({ length: newest }, (_, i) => i + 1));
      expect(f.client.stats(), f.transport).toMatchObject({ duplicates: 0, gaps: 0, missed: 0 });
    }
  }

  /** Publishes `count` events, one every `everyMs`. */
  async function publishSteadily(count: number, everyMs: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      lab.app.feed.publish({ topic: 'test', data: { i } });
      await sleep(everyMs);
    }
  }

  const openIds = (): number[] =>
    lab.app.conditioner
      .connections()
      .filter((c) => c.closedAt === null)
      .map((c) => c.id)
      .sort((a, b) => a - b);

  it('stall: no byte flows for the stall, connections stay open, and everything arrives after it', async () => {
    const followers = followAll('stall');
    await waitFor(() => followers.every(connected), 5000, 'every client to connect');
    await publishSteadily(10, 20);
    await waitFor(() => followers.every((f) => f.seqs.length === 10), 5000, 'the first events');
    const before = openIds();

    const state = await fault({ action: 'stall', seconds: 1.5 });
    expect(state.faults.stallRemainingMs).toBeGreaterThan(1000);
    const counts = followers.map((f) => f.seqs.length);
    await publishSteadily(40, 25); // 1 s of events into the stall
    expect(followers.map((f) => f.seqs.length)).toEqual(counts); // nothing was delivered during the stall
    expect(openIds()).toEqual(expect.arrayContaining(before)); // nobody was cut

    const newest = lab.app.feed.newestSeq;
    await waitFor(
      () => followers.every((f) => f.seqs.at(-1) === newest),
      5000,
      'every client to catch up after the stall',
    );
    expectEveryEventOnce(followers);
    for (const f of followers) expect(f.client.stats().reconnects, f.transport).toBe(0);
    expect(lab.app.conditioner.state().faults.stallRemainingMs).toBe(0);
  });

  it('calm ends a stall early', async () => {
    const followers = followAll('calm-stall');
    await waitFor(() => followers.every(connected), 5000, 'every client to connect');
    await fault({ action: 'stall', seconds: 60 });
    await publishSteadily(5, 20);
    await sleep(100);
    expect(followers.every((f) => f.seqs.length === 0)).toBe(true);
    const calmed = await fault({ action: 'calm' });
    expect(calmed.faults.stallRemainingMs).toBe(0);
    await waitFor(() => followers.every((f) => f.seqs.length === 5), 3000, 'the held events right after calm');
    expectEveryEventOnce(followers);
  });

  it('chaos cuts connections at random until calm; every client still gets every event once', async () => {
    const followers = followAll('chaos');
    await waitFor(() => followers.every(connected), 5000, 'every client to connect');
    const started = await fault({ action: 'chaos', everySeconds: 0.4 });
    expect(started.faults.chaosEverySeconds).toBe(0.4);
    await publishSteadily(120, 20); // ~2.5 s of chaos
    const cut = lab.app.conditioner.state().faults.cutConnections;
    expect(cut).toBeGreaterThanOrEqual(4);

    const calmed = await fault({ action: 'calm' });
    expect(calmed.faults.chaosEverySeconds).toBeNull();
    await publishSteadily(50, 20); // 1 s of calm
    expect(lab.app.conditioner.state().faults.cutConnections).toBe(calmed.faults.cutConnections);

    const newest = lab.app.feed.newestSeq;
    await waitFor(() => followers.every((f) => f.seqs.at(-1) === newest), 8000, 'every client to catch up');
    expectEveryEventOnce(followers);
    expect(followers.reduce((sum, f) => sum + f.client.stats().reconnects, 0)).toBeGreaterThan(0);
  });

  it.each([
    [{ action: 'explode' }, 'action'],
    // Names of Object.prototype members are unknown actions too, not a 500 (found by the fuzz suite).
    [{ action: '__proto__' }, 'action'],
    [{ action: 'toString' }, 'action'],
    [{ action: 'stall' }, 'seconds'],
    [{ action: 'stall', seconds: -2 }, 'seconds'],
    [{ action: 'chaos', everySeconds: 0 }, 'everySeconds'],
    [{ action: 'drop-all', seconds: 3 }, 'seconds'],
  ])('%j → 400 LAB_ERR_BAD_FAULT naming %s', async (body, field) => {
    const response = await fetch(`${lab.url}/api/network/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as { code: string; message: string; hint: string };
    expect(response.status).toBe(400);
    expect(answer.code).toBe('LAB_ERR_BAD_FAULT');
    expect(answer.message).toContain(field);
    expect(answer.hint).toContain('drop-all');
  });
});
