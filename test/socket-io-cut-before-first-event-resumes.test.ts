/**
 * A Socket.IO client cut after the Engine.IO handshake but before the lab's
 * hello (and so before its first event) resumes from the position of its first
 * handshake, never from a second, later "now": the open packet's sid names
 * that position (raw sockets through the conditioner's drop-all), and the real
 * client sends it in `auth` when it reconnects (a cut at its `40/feed` connect).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isolatedNodeEnv } from '../cli/isolated-node-env.ts';
import { createFeedClient } from '../clients/client-registry.ts';
import type { FeedClient } from '../clients/feed-client.ts';
import { positionInSessionId } from '../protocol/socket-io-session-id.ts';
import { publishMany, type RunningLab, startLab, waitFor } from './support/lab-server.ts';
import { answerBody, type RawSocket, rawConnect } from './support/raw-socket.ts';
import { startTripwireProxy, type TripwireProxy } from './support/tripwire-proxy.ts';

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

const get = (query: string): string => `GET /socket.io/?${query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
const post = (query: string, body: string): string =>
  `POST /socket.io/?${query} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

async function handshake(raw: RawSocket, query: string): Promise<string> {
  const open = await answerBody(raw, get(query));
  return (JSON.parse(open.slice(1)) as { sid: string }).sid;
}

describe('the open packet names where "from now" began', () => {
  it('its sid carries the epoch and newest seq of the handshake; a new session resumed from it gets what fell between', async () => {
    publishMany(lab.app, 3);
    const query = 'EIO=4&transport=polling&client=cut-raw';
    const conditionerPort = lab.app.conditioner.port;
    if (conditionerPort === null) throw new Error('the conditioner did not bind a port');
    const first = await rawConnect(conditionerPort);
    stops.push(async () => first.close());
    const firstSid = await handshake(first, query);
    const start = positionInSessionId(firstSid);
    expect(start).toEqual({ epoch: lab.app.feed.epoch, since: 3 });

    // Cut before the namespace connect, so before any hello: the client has only the open packet.
    const dropped = await fetch(`${lab.url}/api/network/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'drop-all' }),
    });
    expect(dropped.status).toBe(200);
    await waitFor(() => first.socket.readableEnded || first.socket.destroyed, 2000, 'the raw socket to be cut');
    publishMany(lab.app, 5); // seq 4–8, while the client is away

    const second = await rawConnect(conditionerPort);
    stops.push(async () => second.close());
    const sid = await handshake(second, query);
    expect(positionInSessionId(sid)).toEqual({ epoch: lab.app.feed.epoch, since: 8 });
    const auth = JSON.stringify({ since: start?.since, epoch: start?.epoch });
    expect(await answerBody(second, post(`${query}&sid=${sid}`, `40/feed,${auth}`))).toBe('ok');
    const answer = await answerBody(second, get(`${query}&sid=${sid}`));
    const packets = answer.split('\x1e');
    expect(packets[0]).toMatch(/^40\/feed,\{"sid":/);
    expect(packets[1]).toContain(`{"type":"hello","epoch":"${lab.app.feed.epoch}","next":3}`);
    const seqs = packets
      .slice(2)
      .map((packet) => (JSON.parse(packet.slice('42/feed,'.length)) as [string, { seq: number }])[1].seq);
    expect(seqs).toEqual([4, 5, 6, 7, 8]);
  });

  it('a sid that is not the lab’s names no position', () => {
    expect(positionInSessionId('AAAAAAAAAAAAAAAAAAAA')).toBeNull();
    expect(positionInSessionId('ep.12x.AAAAAAAAAAAAAAAAAAAA')).toBeNull();
    expect(positionInSessionId('ep.99999999999999999.AAAAAAAAAAAAAAAAAAAA')).toBeNull();
    expect(positionInSessionId(undefined)).toBeNull();
    expect(positionInSessionId('ep.7.AAAAAAAAAAAAAAAAAAAA')).toEqual({ epoch: 'ep', since: 7 });
  });
});

describe('the real client, cut at its namespace connect', () => {
  let proxy: TripwireProxy;
  let client: FeedClient;

  it.each([
    ['the default lane (polling, then the upgrade)', undefined],
    ['polling only', ['polling'] as 'polling'[]],
  ])('%s: events published between its first handshake and the cut all arrive, once, in order', async (_, lane) => {
    const seqs: number[] = [];
    // The first `40/feed` (in a polling POST) trips the wire: 5 events are published, then every connection is cut.
    proxy = await startTripwireProxy(lab.port, {
      marker: '40/feed',
      direction: 'up',
      cut: 'all',
      onTrip: () => publishMany(lab.app, 5),
    });
    const isolated = isolatedNodeEnv();
    client = createFeedClient('socket-io', {
      baseUrl: proxy.url,
      clientId: 'cut-client',
      env: isolated.env,
      reconnectMinMs: 20,
      reconnectMaxMs: 100,
      ...(lane ? { socketIoTransports: lane } : {}),
      onEvent: (event) => seqs.push(event.seq),
    });
    stops.push(async () => {
      client.stop();
      await isolated.close();
      await proxy.close();
    });
    client.start();
    await waitFor(() => proxy.fired(), 5000, 'the cut at the namespace connect');
    await waitFor(() => client.state === 'open', 5000, 'the client to reconnect');
    publishMany(lab.app, 2);
    await waitFor(() => seqs.length >= 7, 5000, 'every event');
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(client.stats()).toMatchObject({ gaps: 0, missed: 0, duplicates: 0 });
    expect(client.stats().reconnects).toBeGreaterThanOrEqual(1);
  });
});
