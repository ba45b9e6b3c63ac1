/**
 * Socket.IO rooms: a socket that asks for one topic (`auth.room`) gets only
 * that topic's events, as the same broadcast packet the whole-feed sockets
 * get (one encode, one recovery offset), with their feed seqs; its client
 * counts no gap for the other topics' seqs, resumes within its topic, and
 * costs exactly its topic's bytes. An unknown topic is a coded `lab-error`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFeedClient } from '../clients/client-registry.ts';
import type { FeedClient, FeedClientOptions } from '../clients/feed-client.ts';
import { nodeEnv } from '../clients/node-env.ts';
import type { TransportMetrics } from '../protocol/metrics.ts';
import type { StoredEvent } from '../server/feed/stored-event.ts';
import { clientMetrics, type RunningLab, sleep, startLab, waitFor } from './support/lab-server.ts';
import { answerBody, rawConnect } from './support/raw-socket.ts';

let lab: RunningLab;
const clients: FeedClient[] = [];
/** The default scenario's topics (stock-ticker). */
const TOPICS = ['ticker.ACME', 'ticker.GLOBEX', 'ticker.INITECH', 'ticker.HOOLI', 'ticker.UMBRELLA'];

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

/** Publishes `rounds` events of every topic in turn. */
function publishEveryTopic(rounds: number): StoredEvent[] {
  const stored: StoredEvent[] = [];
  for (let i = 0; i < rounds; i++)
    for (const topic of TOPICS) stored.push(lab.app.feed.publish({ topic, data: { price: 100 + i } }));
  return stored;
}

function follow(clientId: string, extra: Partial<FeedClientOptions> = {}) {
  const seqs: number[] = [];
  const client = createFeedClient('socket-io', {
    baseUrl: lab.url,
    clientId,
    env: nodeEnv(),
    socketIoTransports: ['websocket'],
    reconnectMinMs: 20,
    reconnectMaxMs: 100,
    onEvent: (event) => seqs.push(event.seq),
    ...extra,
  });
  clients.push(client);
  client.start();
  return { client, seqs };
}

/** A raw polling session joined to `/feed` with this connect packet; returns a function that polls once. */
async function rawSession(
  client: string,
  connect: string,
): Promise<{ poll: () => Promise<string>; close: () => void }> {
  const raw = await rawConnect(lab.port);
  const query = `EIO=4&transport=polling&client=${client}`;
  const open = await answerBody(raw, `GET /socket.io/?${query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid;
  const body = Buffer.from(connect);
  await answerBody(
    raw,
    `POST /socket.io/?${query}&sid=${sid} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: ${body.length}\r\n\r\n${connect}`,
  );
  const poll = () => answerBody(raw, `GET /socket.io/?${query}&sid=${sid} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  return { poll, close: () => raw.close() };
}

describe('a Socket.IO room on the wire', () => {
  it("carries only its topic's events, as the very packet (same recovery offset) the whole feed gets", async () => {
    const room = await rawSession('raw-room', '40/feed,{"room":"ticker.ACME"}');
    const all = await rawSession('raw-all', '40/feed,');
    // The connect answer and hello.
    const [connected, hello] = (await room.poll()).split('\x1e');
    expect(connected).toMatch(/^40\/feed,\{"sid":"[\w-]{20}","pid":"[\w-]{20}"\}$/);
    expect(hello).toMatch(/^42\/feed,\["hello",/);
    expect(await all.poll()).toMatch(/^40\/feed,/);
    await sleep(50); // the backlog pass ends with the join

    const acme = lab.app.feed.publish({ topic: 'ticker.ACME', data: { price: 1 } });
    lab.app.feed.publish({ topic: 'ticker.GLOBEX', data: { price: 2 } });
    const acmeJson = acme.json.toString('utf8');
    const roomBody = await room.poll();
    const allBody = await all.poll();
    expect(roomBody).toMatch(new RegExp(`^42/feed,\\["feed",${escapeRegExp(acmeJson)},"[\\w-]+"\\]$`));
    // The whole feed got the same packet first (one broadcast, one encode), then GLOBEX's.
    expect(allBody.split('\x1e')[0]).toBe(roomBody);
    expect(allBody.split('\x1e')).toHaveLength(2);
    room.close();
    all.close();
    await sleep(100);
    const metrics = await metricsOf('raw-room');
    expect(metrics.messages).toBe(1);
    expect(metrics.bytes.down.payload).toBe(acme.json.length);
  });

  it('an unknown topic gets a lab-error with its code, and the socket is let go; everyone else goes on', async () => {
    const all = follow('beside-bad-room');
    await waitFor(() => all.client.state === 'open', 5000, 'the whole-feed client');
    const bad = await rawSession('raw-bad-room', '40/feed,{"room":"ticker.NOPE"}');
    const answer = await bad.poll();
    const packets = answer.split('\x1e');
    expect(packets[0]).toMatch(/^40\/feed,\{"sid"/);
    const error = /^42\/feed,\["lab-error",(\{.*\})(?:,"[\w-]+")?\]$/.exec(packets[1] ?? '')?.[1];
    expect(JSON.parse(error ?? 'null')).toEqual({
      type: 'error',
      code: 'LAB_ERR_UNKNOWN_ROOM',
      message: `no topic "ticker.NOPE" in the scenario stock-ticker; its topics: ${TOPICS.join(', ')}`,
      hint: 'a Socket.IO room is one topic of the scenario that plays (GET /api/scenarios lists them), e.g. auth {"room":"ticker.ACME"}; leave it out for every topic',
    });
    expect(packets[2]).toBe('41/feed,');
    bad.close();
    const stored = publishEveryTopic(1);
    await waitFor(() => all.seqs.length === 5, 5000, 'the whole feed');
    expect(all.seqs).toEqual(stored.map((s) => s.seq));
  });
});

describe('the Socket.IO client in a room', () => {
  it("gets only its topic, counts no gap for the other topics' seqs, and costs only its topic's bytes", async () => {
    const room = follow('room-acme', { socketIoRoom: 'ticker.ACME' });
    const all = follow('all-topics');
    await waitFor(() => room.client.state === 'open' && all.client.state === 'open', 5000, 'both clients');
    await sleep(50);
    // One event per millisecond: recovery's offset (a yeast id) gets a `.N` suffix when two share one.
    const stored: StoredEvent[] = [];
    for (let i = 0; i < 4; i++) {
      for (const topic of TOPICS) {
        stored.push(lab.app.feed.publish({ topic, data: { price: 100 + i } }));
        await sleep(2);
      }
    }
    const acme = stored.filter((s) => s.topic === 'ticker.ACME');
    await waitFor(() => all.seqs.length === 20 && room.seqs.length === 4, 5000, 'every event');
    expect(room.seqs).toEqual(acme.map((s) => s.seq));
    expect(all.seqs).toEqual(stored.map((s) => s.seq));
    expect(room.client.stats()).toMatchObject({ messages: 4, gaps: 0, missed: 0, duplicates: 0, errors: 0 });
    // The meter settles a WebSocket's bytes when its connection ends.
    room.client.stop();
    all.client.stop();
    await sleep(200);
    const roomMetrics = await metricsOf('room-acme');
    const allMetrics = await metricsOf('all-topics');
    const bytes = (list: StoredEvent[]) => list.reduce((n, s) => n + s.json.length, 0);
    expect(roomMetrics.messages).toBe(4);
    expect(roomMetrics.bytes.down.payload).toBe(bytes(acme));
    expect(allMetrics.bytes.down.payload).toBe(bytes(stored));
    // The room saves the other topics' whole packets: each one's frame header, the 17 B envelope and the 10 B offset.
    const others = stored.filter((s) => s.topic !== 'ticker.ACME');
    const packet = (s: StoredEvent) => 17 + 10 + s.json.length;
    const frameHeader = (length: number) => (length < 126 ? 2 : 4);
    const savedFraming = others.reduce((n, s) => n + frameHeader(packet(s)) + packet(s) - s.json.length, 0);
    expect(allMetrics.bytes.down.framing - roomMetrics.bytes.down.framing).toBe(savedFraming);
  });

  it('resumes within its topic after a stop: the topic events it missed, none of the others, no gap', async () => {
    const room = follow('room-resume', { socketIoRoom: 'ticker.HOOLI' });
    await waitFor(() => room.client.state === 'open', 5000, 'the room client');
    await sleep(50);
    const before = publishEveryTopic(1).filter((s) => s.topic === 'ticker.HOOLI');
    await waitFor(() => room.seqs.length === 1, 5000, 'the first event');
    room.client.stop();
    const missed = publishEveryTopic(3).filter((s) => s.topic === 'ticker.HOOLI');
    room.client.start();
    await waitFor(() => room.seqs.length === 4, 5000, 'the missed events');
    const after = publishEveryTopic(1).filter((s) => s.topic === 'ticker.HOOLI');
    await waitFor(() => room.seqs.length === 5, 5000, 'the live event');
    expect(room.seqs).toEqual([...before, ...missed, ...after].map((s) => s.seq));
    expect(room.client.stats()).toMatchObject({ gaps: 0, missed: 0, duplicates: 0 });
  });

  it('an unknown topic reaches the client as an error with the code, never a crash', async () => {
    const bad = follow('room-bad', { socketIoRoom: 'ticker.NOPE' });
    await waitFor(() => bad.client.stats().errors > 0, 5000, 'the error');
    expect(bad.client.stats().lastError).toContain('LAB_ERR_UNKNOWN_ROOM');
    expect(bad.seqs).toEqual([]);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('a room whose topic the next scenario does not have', () => {
  it('is told why (LAB_ERR_UNKNOWN_ROOM naming the new scenario) and let go, never left silent; the whole feed goes on', async () => {
    const room = follow('room-stale', { socketIoRoom: 'ticker.ACME', reconnectMinMs: 5000, reconnectMaxMs: 5000 });
    const all = follow('all-stale');
    await waitFor(() => room.client.state === 'open' && all.client.state === 'open', 5000, 'both clients');
    const changed = await fetch(`${lab.url}/api/feed/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenario: 'chat-room' }),
    });
    expect(changed.status).toBe(200);
    await waitFor(() => room.client.stats().errors > 0, 5000, "the room client's error");
    expect(room.client.stats().lastError).toMatch(
      /^LAB_ERR_UNKNOWN_ROOM: the scenario is now chat-room, which has no topic "ticker\.ACME"; its topics: /,
    );
    await waitFor(() => room.client.state !== 'open', 5000, 'the room client to be let go');
    const before = all.seqs.length;
    lab.app.feed.publish({ topic: 'chat.general', data: { text: 'still here' } });
    await waitFor(() => all.seqs.length > before, 5000, 'the whole feed');
    // Back to a scenario with the topic: a room that still has it is left alone.
    const back = await fetch(`${lab.url}/api/feed/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenario: 'stock-ticker' }),
    });
    expect(back.status).toBe(200);
    const kept = follow('room-kept', { socketIoRoom: 'ticker.ACME' });
    await waitFor(() => kept.client.state === 'open', 5000, 'a room of a topic the scenario has');
    const errorsBefore = kept.client.stats().errors;
    const again = await fetch(`${lab.url}/api/feed/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ratePerSecond: 20 }),
    });
    expect(again.status).toBe(200);
    await sleep(100);
    expect(kept.client.state).toBe('open');
    expect(kept.client.stats().errors).toBe(errorsBefore);
  });
});
