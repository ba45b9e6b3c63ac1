/**
 * Socket.IO namespaces: `/feed` and `/chat` multiplexed over one Engine.IO
 * connection (socket.io-client's Manager with two sockets) — one TCP
 * connection at a counting proxy carries both — and both metered on that
 * client: a chat message's own JSON is payload, its envelope framing, and
 * it is not a feed event (`messages` counts feed events only). The raw
 * packets pin the chat's wire.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FeedClient } from '../clients/feed-client.ts';
import { nodeEnv } from '../clients/node-env.ts';
import { SocketIoClient } from '../clients/socket-io-client.ts';
import type { TransportMetrics } from '../protocol/metrics.ts';
import type { ChatMessage } from '../protocol/socket-io-features.ts';
import { type CountingProxy, startCountingProxy } from './support/counting-proxy.ts';
import { clientMetrics, type RunningLab, sleep, startLab, waitFor } from './support/lab-server.ts';
import { answerBody, rawConnect } from './support/raw-socket.ts';

let lab: RunningLab;
const clients: FeedClient[] = [];

beforeAll(async () => {
  lab = await startLab();
  // Everyone gets every chat message here, the sender too: one client can see both directions.
  await fetch(`${lab.url}/api/socket-io/settings`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ chatBroadcast: 'everyone' }),
  });
});
afterEach(() => {
  for (const client of clients.splice(0)) client.stop();
});
afterAll(async () => {
  await lab.close();
});

/** The lab's Socket.IO meter for one client id. */
const metricsOf = (client: string): Promise<TransportMetrics> => clientMetrics(lab.url, client, 'socket-io');

describe('two namespaces on one Engine.IO session, byte for byte', () => {
  it('40/feed, and 40/chat, on one sid; a chat message and its ack; the message itself is payload', async () => {
    const raw = await rawConnect(lab.port);
    const query = 'EIO=4&transport=polling&client=raw-chat';
    const get = () => answerBody(raw, `GET /socket.io/?${query}&sid=${sid} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    const post = (body: string) =>
      answerBody(
        raw,
        `POST /socket.io/?${query}&sid=${sid} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    const open = await answerBody(raw, `GET /socket.io/?${query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    const sid = (JSON.parse(open.slice(1)) as { sid: string }).sid;
    // Two namespace connects in one POST, separated by \x1e: one session, two sockets.
    expect(await post('40/feed,\x1e40/chat,')).toBe('ok');
    const connected = (await get()).split('\x1e');
    expect(connected.filter((p) => p.startsWith('40/feed,{"sid"'))).toHaveLength(1);
    expect(connected.filter((p) => p.startsWith('40/chat,{"sid"'))).toHaveLength(1);

    const sent = '{"id":"c1","text":"hello"}';
    expect(await post(`42/chat,7["chat",${sent}]`)).toBe('ok');
    const [message, ack, ...rest] = (await get()).split('\x1e');
    expect(rest).toEqual([]);
    const t = /"t":(\d+)/.exec(message ?? '')?.[1];
    const body = `{"from":"raw-chat","id":"c1","text":"hello","t":${t}}`;
    // The broadcast to everyone carries recovery's offset as every broadcast does; the ack (43, id 7) does not.
    expect(message).toMatch(new RegExp(`^42/chat,\\["chat",${body.replace(/[{}[\]]/g, '\\$&')},"[\\w.-]+"\\]$`));
    expect(ack).toBe(`43/chat,7[{"type":"ack","t":${t}}]`);

    raw.close();
    await sleep(100);
    const metrics = await metricsOf('raw-chat');
    expect(metrics.bytes.up.payload).toBe(Buffer.byteLength(sent));
    expect(metrics.bytes.down.payload).toBe(Buffer.byteLength(body));
    expect(metrics.messages).toBe(0);
  });
});

describe("socket.io-client's Manager with two sockets", () => {
  let proxy: CountingProxy;
  beforeAll(async () => {
    proxy = await startCountingProxy(lab.port);
  });
  afterAll(async () => {
    await proxy.close();
  });

  it('one TCP connection carries /feed and /chat, and the meter counts both on that client to the byte', async () => {
    const seqs: number[] = [];
    const chats: ChatMessage[] = [];
    const client = new SocketIoClient({
      baseUrl: proxy.url,
      clientId: 'two-spaces',
      env: nodeEnv(),
      socketIoTransports: ['websocket'],
      onEvent: (event) => seqs.push(event.seq),
    });
    clients.push(client);
    client.joinChat((message) => chats.push(message));
    client.start();
    await waitFor(() => client.state === 'open', 5000, 'the feed');
    await sleep(50);
    const stored = [1, 2, 3].map((i) => lab.app.feed.publish({ topic: 'ticker.ACME', data: { i } }));
    await waitFor(() => seqs.length === 3, 5000, 'the feed events');
    const roundTrip = await client.chat('hello over the same connection');
    await waitFor(() => chats.length === 1, 5000, 'the chat message');
    expect(roundTrip).toBeGreaterThan(0);
    expect(chats[0]).toMatchObject({ from: 'two-spaces', text: 'hello over the same connection' });
    expect(proxy.connections()).toBe(1);

    client.stop();
    await sleep(200);
    const metrics = await metricsOf('two-spaces');
    const sum = (split: TransportMetrics['bytes']['up']): number => split.header + split.framing + split.payload;
    expect({ up: sum(metrics.bytes.up), down: sum(metrics.bytes.down) }).toEqual(proxy.bytes());
    const sentBytes = Buffer.byteLength(JSON.stringify({ id: 'chat-1', text: 'hello over the same connection' }));
    expect(metrics.bytes.up.payload).toBe(sentBytes);
    const chatBytes = Buffer.byteLength(JSON.stringify(chats[0]));
    expect(metrics.bytes.down.payload).toBe(stored.reduce((n, s) => n + s.json.length, 0) + chatBytes);
    expect(metrics.messages).toBe(3);
    expect(metrics.connections).toBe(1);
  });
});
