/**
 * The upgrade's probe WebSocket dies just after `3probe`, when
 * engine.io-client has already paused polling for the switch: engine.io-client
 * 6.6 never resumes polling then, and the connection would hang, silent,
 * until the heartbeat gave up (45 s). The lab's client leaves that connection
 * and opens a new one at once, and every event still arrives once, in order.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { isolatedNodeEnv } from '../cli/isolated-node-env.ts';
import { createFeedClient } from '../clients/client-registry.ts';
import type { SocketIoClient } from '../clients/socket-io-client.ts';
import { publishMany, type RunningLab, sleep, startLab, waitFor } from './support/lab-server.ts';
import { startTripwireProxy, type TripwireProxy } from './support/tripwire-proxy.ts';

let lab: RunningLab;
let proxy: TripwireProxy;
const stops: (() => Promise<void>)[] = [];

beforeEach(async () => {
  lab = await startLab();
});
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  await proxy.close();
  await lab.close();
});

it('a probe cut after 3probe: a new connection at once, far inside the heartbeat, and nothing lost', async () => {
  // Only the probe's own connection is cut, right after `3probe` reached the client: polling stays up.
  proxy = await startTripwireProxy(lab.port, { marker: '3probe', direction: 'down', cut: 'own' });
  const seqs: number[] = [];
  const isolated = isolatedNodeEnv();
  const client = createFeedClient('socket-io', {
    baseUrl: proxy.url,
    clientId: 'probe-cut',
    env: isolated.env,
    reconnectMinMs: 20,
    reconnectMaxMs: 100,
    onEvent: (event) => seqs.push(event.seq),
  }) as SocketIoClient;
  stops.push(async () => {
    client.stop();
    await isolated.close();
  });
  client.start();
  await waitFor(() => proxy.fired(), 5000, 'the probe to be cut after 3probe');
  await sleep(100);
  publishMany(lab.app, 5);
  // 3 s: well under the 45 s a hung connection waits for its heartbeat.
  await waitFor(() => seqs.length >= 5, 3000, 'the events after the failed upgrade');
  expect(seqs).toEqual([1, 2, 3, 4, 5]);
  expect(client.stats()).toMatchObject({ gaps: 0, missed: 0, duplicates: 0 });
  // The next upgrade goes through: the client ends on websocket.
  await waitFor(() => client.engineTransport === 'websocket', 5000, 'the next upgrade');
});
