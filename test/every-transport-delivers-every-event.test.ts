/**
 * One suite, looped over every transport, with the real FeedClients over real
 * sockets: the same events reach every client; a dropped connection resumes
 * with nothing missed and nothing duplicated; a resume that cannot be honoured
 * (new epoch, seq older than the buffer) is announced as a reset.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFeedClient } from '../clients/client-registry.ts';
import type { FeedClient } from '../clients/feed-client.ts';
import { nodeEnv } from '../clients/node-env.ts';
import { type FeedEvent, TRANSPORT_NAMES, type TransportName } from '../protocol/feed-event.ts';
import { TRANSPORT_RECORDS } from '../protocol/transport-records.ts';
import { type CountingProxy, startCountingProxy } from './support/counting-proxy.ts';
import { publishMany, type RunningLab, sleep, startLab, waitFor } from './support/lab-server.ts';

let lab: RunningLab;
let proxy: CountingProxy;
const clients: FeedClient[] = [];

beforeEach(async () => {
  lab = await startLab({ bufferSize: 100, sseRetryMs: 50 });
  proxy = await startCountingProxy(lab.port);
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.stop();
  await proxy.close();
  await lab.close();
});

interface Watched {
  id: string;
  client: FeedClient;
  seqs: number[];
  epochs: string[];
}

function watch(transport: TransportName, clientId: string, baseUrl = proxy.url): Watched {
  const watched: Watched = { id: clientId, client: undefined as unknown as FeedClient, seqs: [], epochs: [] };
  watched.client = createFeedClient(transport, {
    baseUrl,
    clientId,
    env: nodeEnv(),
    shortPollIntervalMs: 20,
    reconnectMinMs: 20,
    reconnectMaxMs: 100,
    onEvent: (event: FeedEvent) => {
      watched.seqs.push(event.seq);
      watched.epochs.push(event.epoch);
    },
  });
  clients.push(watched.client);
  watched.client.start();
  return watched;
}

/**
 * True once the lab holds this client's request or stream. (A long poll's first
 * request is held until an event exists, so the client cannot call itself open
 * before that; the server is the one who knows.)
 */
function connected(w: Watched): boolean {
  if (w.client.transport === 'short-poll') return w.client.state === 'open';
  return lab.app.meter.snapshot('', 0, 0, w.id).transports[w.client.transport].requests >= 1;
}

/** Publishes `count` events every `everyMs`, resolving when done. */
async function publishSteadily(count: number, everyMs: number, during?: (i: number) => void): Promise<void> {
  for (let i = 0; i < count; i++) {
    lab.app.feed.publish({ topic: 'test', data: { i } });
    during?.(i);
    await sleep(everyMs);
  }
}

/** The transport under a client that reports one (Socket.IO's Engine.IO: polling, then websocket); null otherwise. */
function engineTransportOf(client: FeedClient): string | null {
  return 'engineTransport' in client ? (client.engineTransport as string | null) : null;
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

it('all four transports deliver the identical seq sequence', async () => {
  const all = TRANSPORT_NAMES.map((transport) => watch(transport, `same-${transport}`));
  await waitFor(() => all.every(connected), 5000, 'every client connected');
  await publishSteadily(60, 5);
  const newest = lab.app.feed.newestSeq;
  await waitFor(() => all.every((w) => w.seqs.at(-1) === newest), 5000, 'every client to reach the newest seq');
  for (const w of all) {
    expect(w.seqs, w.client.transport).toEqual(range(1, newest));
    expect(w.client.stats()).toMatchObject({ gaps: 0, duplicates: 0, messages: newest });
  }
});

describe.each(TRANSPORT_NAMES)('%s', (transport) => {
  it('resumes after dropped connections with nothing missed and nothing duplicated', async () => {
    const w = watch(transport, `drop-${transport}`);
    await waitFor(() => connected(w), 5000, 'the client to connect');
    await publishSteadily(80, 5, (i) => {
      if (i === 20 || i === 50) proxy.dropAll();
    });
    const newest = lab.app.feed.newestSeq;
    await waitFor(() => w.seqs.at(-1) === newest, 8000, 'the client to catch up after the drops');
    expect(w.seqs).toEqual(range(1, newest));
    expect(w.client.stats()).toMatchObject({ gaps: 0, missed: 0, duplicates: 0 });
    expect(proxy.connections()).toBeGreaterThanOrEqual(3); // it really did come back over new connections
  });

  it('announces a reset when the feed starts a new epoch, then follows the new one', async () => {
    const w = watch(transport, `epoch-${transport}`);
    await waitFor(() => connected(w), 5000, 'the client to connect');
    publishMany(lab.app, 3);
    await waitFor(() => w.seqs.length === 3, 5000, 'the first events');
    const oldEpoch = lab.app.feed.epoch;
    lab.app.feed.restart();
    await sleep(100);
    publishMany(lab.app, 2);
    await waitFor(() => w.seqs.length === 5, 5000, 'events of the new epoch');
    expect(w.seqs).toEqual([1, 2, 3, 1, 2]);
    expect(w.epochs.slice(3)).toEqual([lab.app.feed.epoch, lab.app.feed.epoch]);
    expect(lab.app.feed.epoch).not.toBe(oldEpoch);
    expect(w.client.stats()).toMatchObject({ gaps: 1, duplicates: 0 });
  });

  it('announces a reset when it resumes from a seq older than the buffer', async () => {
    const w = watch(transport, `old-${transport}`);
    await waitFor(() => connected(w), 5000, 'the client to connect');
    publishMany(lab.app, 2);
    await waitFor(() => w.seqs.length === 2, 5000, 'the first events');
    // A client that upgrades its connection is cut once it has: a cut during the upgrade is its own case
    // (socket-io-cut-during-upgrade-still-recovers.test.ts), where the server notices only at its ping timeout.
    await waitFor(() => engineTransportOf(w.client) !== 'polling', 5000, 'the upgrade');
    // Cut the connection and, before the client can come back, publish more than the buffer holds (100).
    proxy.dropAll();
    publishMany(lab.app, 250);
    await sleep(300);
    publishMany(lab.app, 1);
    const newest = lab.app.feed.newestSeq;
    await waitFor(() => w.seqs.at(-1) === newest, 5000, 'the client to follow after the reset');
    const stats = w.client.stats();
    expect(stats.duplicates).toBe(0);
    expect(w.seqs.slice(0, 2)).toEqual([1, 2]);
    expect(new Set(w.seqs).size).toBe(w.seqs.length);
    if (TRANSPORT_RECORDS[transport].ownRecoveryMs > 0) {
      // Back within its own recovery window: the transport kept what the ring dropped, so nothing is missing.
      expect(stats.gaps).toBe(0);
      expect(w.seqs).toEqual(Array.from({ length: newest }, (_, i) => i + 1));
    } else {
      // Nothing from the lost stretch is passed off as continuous: after 2, the next event is a new position.
      expect(stats.gaps).toBe(1);
    }
  });
});

describe('the meter agrees with an independent count', () => {
  it.each(TRANSPORT_NAMES)('%s: bytes per direction equal what crossed the counting proxy', async (transport) => {
    const id = `meter-${transport}`;
    const w = watch(transport, id);
    await waitFor(() => connected(w), 5000, 'the client to connect');
    await publishSteadily(30, 5);
    const roundTrip = await w.client.publish({ text: 'hello from the test' });
    await waitFor(() => w.client.stats().roundTripMs.length === 1, 5000, `the round trip of ${roundTrip}`);
    await waitFor(() => w.seqs.at(-1) === lab.app.feed.newestSeq, 5000, 'the client to catch up');
    // Stop the traffic, let the last bytes settle, then compare while connections are idle.
    w.client.stop();
    await sleep(200);
    const response = await fetch(`${lab.url}/api/metrics?client=${id}`);
    const metrics = (
      (await response.json()) as {
        transports: Record<string, { bytes: Record<'up' | 'down', Record<string, number>> }>;
      }
    ).transports[transport];
    const sum = (split: Record<string, number> | undefined): number =>
      (split?.header ?? 0) + (split?.framing ?? 0) + (split?.payload ?? 0);
    expect(proxy.bytes().up).toBeGreaterThan(0);
    expect({ up: sum(metrics?.bytes.up), down: sum(metrics?.bytes.down) }).toEqual(proxy.bytes());
  });
});
