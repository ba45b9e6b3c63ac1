/**
 * A Socket.IO connection cut during its upgrade (after `3probe`, while polling
 * is paused) is not noticed by the server: no poll is held and the probe's
 * failure only discards the probe, so the old socket lives on until its ping
 * timeout. Stock Socket.IO 4.8 then has no session to restore when the client
 * comes back a moment later — and a restored socket would share its id, and so
 * its rooms, with the stale one, which takes them along when it finally closes.
 * The lab closes the stale socket first (server/transports/socket-io.ts,
 * closeStaleSessionsBeforeRestoring): the client recovers, and loses nothing.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { isolatedNodeEnv } from '../cli/isolated-node-env.ts';
import { createFeedClient } from '../clients/client-registry.ts';
import type { SocketIoClient } from '../clients/socket-io-client.ts';
import { publishMany, type RunningLab, startLab, waitFor } from './support/lab-server.ts';
import { startTripwireProxy } from './support/tripwire-proxy.ts';

let lab: RunningLab;
const stops: (() => Promise<void>)[] = [];

beforeEach(async () => {
  lab = await startLab();
});
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  await lab.close();
});

it('the default client cut at its 3probe recovers its session and gets every event, once', async () => {
  const seqs: number[] = [];
  const proxy = await startTripwireProxy(lab.port, {
    marker: '3probe',
    direction: 'down',
    cut: 'all',
    onTrip: () => publishMany(lab.app, 5),
  });
  const isolated = isolatedNodeEnv();
  const client = createFeedClient('socket-io', {
    baseUrl: proxy.url,
    clientId: 'cut-in-upgrade',
    env: isolated.env,
    reconnectMinMs: 20,
    reconnectMaxMs: 100,
    onEvent: (event) => seqs.push(event.seq),
  }) as SocketIoClient;
  stops.push(async () => {
    client.stop();
    await isolated.close();
    await proxy.close();
  });
  publishMany(lab.app, 2);
  client.start();
  await waitFor(() => proxy.fired(), 5000, 'the cut at 3probe');
  await waitFor(() => client.state === 'open' && seqs.length >= 5, 5000, 'the client to come back with what it missed');
  publishMany(lab.app, 2);
  await waitFor(() => seqs.length >= 7, 5000, 'every event');
  expect(seqs).toEqual([3, 4, 5, 6, 7, 8, 9]);
  expect(client.stats()).toMatchObject({ gaps: 0, missed: 0, duplicates: 0 });
  expect(client.stats().reconnects).toBeGreaterThanOrEqual(1);
  expect(client.recoveries).toBe(1);
});
