/**
 * The conditioner's "WebSocket blocked" switch refuses every `Upgrade`
 * request (403), as some proxies and firewalls do: the plain WebSocket column
 * fails and keeps retrying; Socket.IO's default client falls back to (stays
 * on) long polling and loses nothing; `transports: ['websocket']` does not
 * fall back. Switched off, the WebSocket client gets through on its next try.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isolatedNodeEnv } from '../cli/isolated-node-env.ts';
import { createFeedClient } from '../clients/client-registry.ts';
import type { FeedClient, FeedClientOptions } from '../clients/feed-client.ts';
import type { SocketIoClient } from '../clients/socket-io-client.ts';
import type { TransportName } from '../protocol/feed-event.ts';
import type { NetworkState } from '../protocol/network-state.ts';
import { publishMany, type RunningLab, sleep, startLab, waitFor } from './support/lab-server.ts';
import { rawConnect } from './support/raw-socket.ts';

let lab: RunningLab;
const stops: (() => Promise<void>)[] = [];

beforeEach(async () => {
  lab = await startLab({ conditionerPort: 0 });
  await lab.app.conditioner.ready();
});
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  await lab.close();
});

async function network(
  body: unknown,
): Promise<{ status: number; body: NetworkState & { code?: string; message?: string } }> {
  const response = await fetch(`${lab.url}/api/network`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as NetworkState };
}

function follow(
  transport: TransportName,
  options: Partial<FeedClientOptions> = {},
): { client: FeedClient; seqs: number[] } {
  const isolated = isolatedNodeEnv();
  const seqs: number[] = [];
  const client = createFeedClient(transport, {
    baseUrl: `http://127.0.0.1:${lab.app.conditioner.port}`,
    clientId: `blocked-${transport}-${Math.random().toString(36).slice(2, 6)}`,
    env: isolated.env,
    reconnectMinMs: 50,
    reconnectMaxMs: 200,
    onEvent: (event) => seqs.push(event.seq),
    ...options,
  });
  client.start();
  stops.push(async () => {
    client.stop();
    await isolated.close();
  });
  return { client, seqs };
}

describe('the "WebSocket blocked" switch', () => {
  it('is a switch beside the profile: set alone it keeps the link, and a bad value is refused with a code', async () => {
    await network({ profile: 'fast-4g' });
    const blocked = await network({ websocketBlocked: true });
    expect(blocked.status).toBe(200);
    expect(blocked.body).toMatchObject({ profile: 'fast-4g', websocketBlocked: true });
    // A profile change keeps the switch.
    expect((await network({ profile: 'none' })).body).toMatchObject({ profile: 'none', websocketBlocked: true });
    const bad = await network({ websocketBlocked: 'yes' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('LAB_ERR_BAD_NETWORK');
    expect(bad.body.message).toContain('websocketBlocked');
    expect((await network({ websocketBlocked: false })).body.websocketBlocked).toBe(false);
  });

  it('answers an Upgrade request 403 without reaching the lab; plain HTTP on the same conditioner passes', async () => {
    await network({ websocketBlocked: true });
    const port = lab.app.conditioner.port ?? 0;
    const raw = await rawConnect(port);
    stops.push(async () => raw.close());
    raw.send(
      'GET /api/feed/websocket?client=raw HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    const answer = (await raw.until((bytes) => bytes.includes('\r\n\r\n') && bytes.includes('blocked'))).toString();
    expect(answer).toMatch(/^HTTP\/1\.1 403 Forbidden\r\n/);
    expect(lab.app.meter.snapshot('', 0, 0, 'raw').transports.websocket.requests).toBe(0);
    const status = await fetch(`http://127.0.0.1:${port}/api/feed/status`);
    expect(status.status).toBe(200);
  });

  it('WebSocket keeps failing and retrying; Socket.IO falls back to polling and gets every event; websocket-only does not', async () => {
    await network({ websocketBlocked: true });
    const websocket = follow('websocket');
    const socketIo = follow('socket-io');
    const socketIoWebsocketOnly = follow('socket-io', { socketIoTransports: ['websocket'] });
    await waitFor(() => socketIo.client.state === 'open', 5000, 'Socket.IO to open over polling');
    publishMany(lab.app, 10);
    await waitFor(() => socketIo.seqs.length === 10, 5000, 'every event over polling');
    await sleep(500); // time for an upgrade, had it been let through
    expect(socketIo.seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect((socketIo.client as SocketIoClient).engineTransport).toBe('polling');
    expect((socketIo.client as SocketIoClient).upgradedAt).toBeNull();
    expect(socketIo.client.stats()).toMatchObject({ gaps: 0, missed: 0, duplicates: 0 });

    for (const failing of [websocket, socketIoWebsocketOnly]) {
      expect(failing.client.state).not.toBe('open');
      expect(failing.seqs).toEqual([]);
      expect(failing.client.stats().reconnects).toBeGreaterThanOrEqual(2);
    }

    // Switched off: the plain WebSocket gets through on its next try and resumes.
    await network({ websocketBlocked: false });
    await waitFor(() => websocket.client.state === 'open', 5000, 'the WebSocket to connect once unblocked');
    publishMany(lab.app, 1);
    await waitFor(() => websocket.seqs.includes(11), 3000, 'an event over the WebSocket');
  });
});
