/**
 * Theory beside measurement for Socket.IO, checked against a real lab's
 * meter: the page's own prediction (web/src/transports/socket-io.ts) of
 * server → client framing per small event equals what the meter counts —
 * after the upgrade, one frame header + the 27 B envelope; over polling only,
 * the 27 B envelope and no frame header when each answer carries one event,
 * and a `\x1e` more per extra event of a batch.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFeedClient } from '../clients/client-registry.ts';
import type { FeedClient } from '../clients/feed-client.ts';
import { nodeEnv } from '../clients/node-env.ts';
import type { SocketIoClient } from '../clients/socket-io-client.ts';
import { downFramingPerEvent, metricsSince, payloadPerEvent } from '../protocol/figures.ts';
import type { TransportMetrics } from '../protocol/metrics.ts';
import { socketIoPollingFramingPerEvent, webSocketFrameHeaderBytes } from '../web/src/theory.ts';
import { SOCKET_IO_ENVELOPE_BYTES, socketIo } from '../web/src/transports/socket-io.ts';
import type { PredictionContext } from '../web/src/transports/web-transport.ts';
import { clientMetrics, type RunningLab, sleep, startLab, waitFor } from './support/lab-server.ts';

let lab: RunningLab;
const clients: FeedClient[] = [];
beforeAll(async () => {
  lab = await startLab();
});
afterEach(() => {
  for (const client of clients.splice(0)) client.stop();
});
afterAll(async () => {
  await lab.close();
});

/** The lab's Socket.IO meter for one client id. */
const metricsOf = (client: string): Promise<TransportMetrics> => clientMetrics(lab.url, client, 'socket-io');

/** The page's framing row for the measured window, as its column computes it. */
function predictedFraming(window: TransportMetrics, engineTransport: 'polling' | 'websocket', rate: number): number {
  const context: PredictionContext = {
    rtt: 0,
    rttText: 'RTT = 0.0 ms',
    rttShort: 'RTT 0 ms',
    rate,
    pattern: 'steady',
    burst: 1,
    intervalMs: 1000,
    timeoutMs: 25_000,
    seq: lab.app.feed.newestSeq,
    eventBytes: payloadPerEvent(window) ?? 0,
    meanLatency: null,
    framingPerEvent: downFramingPerEvent(window),
    requestRate: null,
    emptyShare: null,
    engineTransport,
  };
  const row = socketIo.predictions(context).find((p) => p.key === 'framing-down');
  if (!row) throw new Error('no framing row');
  return row.theory;
}

/**
 * Publishes `count` events in one synchronous run, each in a millisecond of its own: Socket.IO's recovery
 * offset is a millisecond timestamp (7 characters), and events broadcast within the same millisecond get `.N`
 * appended (2 B more each), which the 10 B of the theory row do not count.
 */
function publishInOwnMilliseconds(count: number): void {
  for (let i = 0; i < count; i++) {
    const start = Date.now();
    while (Date.now() - start < 2) {
      // busy-wait: the next event's millisecond must differ
    }
    lab.app.feed.publish({ topic: 'test', data: { i } });
  }
}

function follow(clientId: string, transports?: ('polling' | 'websocket')[]) {
  const client = createFeedClient('socket-io', {
    baseUrl: lab.url,
    clientId,
    env: nodeEnv(),
    ...(transports ? { socketIoTransports: transports } : {}),
  }) as SocketIoClient;
  clients.push(client);
  client.start();
  return client;
}

describe('Socket.IO framing per event: theory = meter', () => {
  it('after the upgrade: one frame header + 27 B of envelope per small event', async () => {
    const client = follow('theory-ws');
    await waitFor(() => client.engineTransport === 'websocket' && client.state === 'open', 5000, 'the upgrade');
    lab.app.feed.publish({ topic: 'test', data: { warm: 1 } });
    await waitFor(() => client.stats().messages === 1, 5000, 'the first event');
    await sleep(300); // the upgrade's last polling answer and probe frames are counted before the window opens
    const before = await metricsOf('theory-ws');
    publishInOwnMilliseconds(20);
    await waitFor(() => client.stats().messages === 21, 5000, 'the 20 events');
    await sleep(50);
    const window = metricsSince(await metricsOf('theory-ws'), before);
    expect(window.messages).toBe(20);
    const measured = downFramingPerEvent(window);
    const eventBytes = payloadPerEvent(window) ?? 0;
    expect(eventBytes + SOCKET_IO_ENVELOPE_BYTES).toBeLessThan(126); // one 2-byte header for each
    expect(predictedFraming(window, 'websocket', 10)).toBe(
      webSocketFrameHeaderBytes(eventBytes + SOCKET_IO_ENVELOPE_BYTES) + 27,
    );
    expect(measured).toBe(predictedFraming(window, 'websocket', 10));
    expect(measured).toBe(2 + 27);
  });

  it('over polling only: 27 B of envelope per event when each answer carries one, no frame header', async () => {
    const client = follow('theory-poll', ['polling']);
    await waitFor(() => client.state === 'open', 5000, 'the connection');
    lab.app.feed.publish({ topic: 'test', data: { warm: 1 } });
    await waitFor(() => client.stats().messages === 1, 5000, 'the first event');
    await sleep(50);
    const before = await metricsOf('theory-poll');
    for (let i = 0; i < 10; i++) {
      lab.app.feed.publish({ topic: 'test', data: { i } });
      await waitFor(() => client.stats().messages === i + 2, 5000, `event ${i}`);
      await sleep(30); // the client's next GET is held before the next event: one event per answer
    }
    const window = metricsSince(await metricsOf('theory-poll'), before);
    expect(client.engineTransport).toBe('polling');
    expect(window.messages).toBe(10);
    // One answer per event (the next GET is counted as it arrives, held for the next event).
    expect(window.requests).toBe(10);
    // At 10 events/s on loopback a long poll's answer carries one event: k = 1.
    expect(predictedFraming(window, 'polling', 10)).toBe(27);
    expect(downFramingPerEvent(window)).toBe(predictedFraming(window, 'polling', 10));
    // Each answer paid its HTTP heads instead of a frame header: header per event far above 2 B.
    expect(window.bytes.down.header / window.messages).toBeGreaterThan(50);
  });

  it('over polling only, a batch: one \\x1e more per extra event of an answer', async () => {
    const client = follow('theory-batch', ['polling']);
    await waitFor(() => client.state === 'open', 5000, 'the connection');
    lab.app.feed.publish({ topic: 'test', data: { warm: 1 } });
    await waitFor(() => client.stats().messages === 1, 5000, 'the first event');
    await sleep(50);
    const before = await metricsOf('theory-batch');
    // In one synchronous run: the held GET answers with the first, the next GET with the others as one batch.
    publishInOwnMilliseconds(5);
    await waitFor(() => client.stats().messages === 6, 5000, 'the five events');
    await sleep(50);
    const window = metricsSince(await metricsOf('theory-batch'), before);
    // The GET held when the window opened is answered in it, the last one stays held: as many answers as requests.
    const answers = window.requests;
    expect(answers).toBeGreaterThanOrEqual(1);
    expect(answers).toBeLessThan(5);
    // k events in an answer have k − 1 separators: 5 × 27 B and one \x1e per event beyond each answer's first.
    expect(window.bytes.down.framing).toBe(5 * 27 + (5 - answers));
    // The theory's per-event figure at the mean batch (5 events / answers) gives the same bytes.
    expect(Math.round(5 * socketIoPollingFramingPerEvent(27, 5 / answers) * 1e9) / 1e9).toBe(5 * 27 + 5 - answers);
  });
});
