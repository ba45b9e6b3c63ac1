/**
 * Socket.IO's wire, pinned with raw sockets: the Engine.IO open packet, the
 * `40/feed,` connect and its answer, an event's envelope around the exact
 * bytes every transport carries, the meter's split of each request to the
 * byte; then the real socket.io-client: the default client ends on websocket
 * while plain WebSocket still works beside it, and the meter equals an
 * independent count per direction over polling only and over websocket only.
 */
import { io } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFeedClient } from '../clients/client-registry.ts';
import type { FeedClient } from '../clients/feed-client.ts';
import { nodeEnv } from '../clients/node-env.ts';
import type { SocketIoClient } from '../clients/socket-io-client.ts';
import type { TransportMetrics } from '../protocol/metrics.ts';
import { type CountingProxy, startCountingProxy } from './support/counting-proxy.ts';
import { clientMetrics, type RunningLab, sleep, startLab, waitFor } from './support/lab-server.ts';
import { exchange, rawConnect } from './support/raw-socket.ts';

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

describe('Socket.IO over polling, byte for byte', () => {
  it('open packet, 40/feed, and its answer, an event inside 42/feed,["feed",…], each byte in its place on the meter', async () => {
    const raw = await rawConnect(lab.port);
    const query = 'EIO=4&transport=polling&client=raw-poll';
    const heads: { up: number; down: number } = { up: 0, down: 0 };
    const send = async (request: string) => {
      const answer = await exchange(raw, request);
      heads.up += Buffer.byteLength(request.slice(0, request.indexOf('\r\n\r\n') + 4));
      heads.down += Buffer.byteLength(answer.head, 'latin1');
      return answer;
    };

    const open = await send(`GET /socket.io/?${query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    const sid = (JSON.parse(open.body.slice(1)) as { sid: string }).sid;
    // Engine.IO type 0 (open), the session, the upgrade on offer, the heartbeat and the lab's 64 KiB cap.
    expect(open.body).toBe(
      `0{"sid":"${sid}","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":65536}`,
    );
    // The sid names the feed's position at the handshake (epoch.seq.random): 11 B more than engine.io's own
    // 20-character id at seq 0, so 127 B here; engine.io's default maxPayload (1000000) would add 2.
    expect(sid).toBe(`${lab.app.feed.epoch}.${lab.app.feed.newestSeq}.${sid.slice(-20)}`);
    expect(sid.length).toBe(8 + 1 + String(lab.app.feed.newestSeq).length + 1 + 20); // epoch . seq . random
    expect(Buffer.byteLength(open.body)).toBe(116 - 20 + sid.length);

    const connect = '40/feed,';
    const posted = await send(
      `POST /socket.io/?${query}&sid=${sid} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: ${connect.length}\r\n\r\n${connect}`,
    );
    expect(posted.body).toBe('ok');

    const joined = await send(`GET /socket.io/?${query}&sid=${sid} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    // The connect answer names the socket and the private session id recovery needs; hello follows, batched by \x1e.
    const [answer, hello] = joined.body.split('\x1e');
    expect(answer).toMatch(/^40\/feed,\{"sid":"[\w-]{20}","pid":"[\w-]{20}"\}$/);
    expect(hello).toMatch(/^42\/feed,\["hello",\{"type":"hello","epoch":"[\w-]+","next":0\},"[\w-]+"\]$/);

    const stored = lab.app.feed.publish({ topic: 'test', data: { price: 101.25 } });
    const event = await send(`GET /socket.io/?${query}&sid=${sid} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    const json = stored.json.toString('utf8');
    const offset = /,"([\w-]+)"\]$/.exec(event.body)?.[1] ?? '';
    // 17 bytes of Socket.IO envelope around the event's own bytes, and 10 for connection state recovery's offset.
    expect(event.body).toBe(`42/feed,["feed",${json},"${offset}"]`);
    expect(Buffer.byteLength(event.body) - stored.json.length).toBe(17 + 3 + offset.length);
    expect(3 + offset.length).toBe(10);

    raw.close();
    await sleep(100);
    const metrics = await metricsOf('raw-poll');
    expect(metrics.requests).toBe(4);
    expect(metrics.messages).toBe(1);
    expect(metrics.bytes.up).toEqual({ header: heads.up, framing: connect.length, payload: 0, tls: 0 });
    expect(metrics.bytes.down.header).toBe(heads.down);
    expect(metrics.bytes.down.payload).toBe(stored.json.length);
    const bodies = [open.body, posted.body, joined.body, event.body].reduce((n, b) => n + Buffer.byteLength(b), 0);
    expect(metrics.bytes.down.framing).toBe(bodies - stored.json.length);
  });
});

/** A client's masked text frame (short: under 126 bytes). */
function maskedTextFrame(text: string): Buffer {
  const body = Buffer.from(text);
  const mask = Buffer.from([1, 2, 3, 4]);
  const masked = body.map((byte, i) => byte ^ (mask[i % 4] ?? 0));
  return Buffer.concat([Buffer.from([0x81, 0x80 | body.length]), mask, masked]);
}

describe('Socket.IO upgrading to WebSocket, byte for byte', () => {
  it('2probe → 3probe, the pending poll ends with a noop (6), 5 completes it; an event is one frame around the same bytes', async () => {
    const poll = await rawConnect(lab.port);
    const query = 'EIO=4&transport=polling&client=raw-up';
    const open = await exchange(poll, `GET /socket.io/?${query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    const sid = (JSON.parse(open.body.slice(1)) as { sid: string }).sid;
    await exchange(
      poll,
      `POST /socket.io/?${query}&sid=${sid} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: 8\r\n\r\n40/feed,`,
    );
    await exchange(poll, `GET /socket.io/?${query}&sid=${sid} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);

    const ws = await rawConnect(lab.port);
    ws.send(
      `GET /socket.io/?EIO=4&transport=websocket&sid=${sid}&client=raw-up HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    const switched = await ws.until((bytes) => bytes.indexOf('\r\n\r\n') > 0);
    expect(switched.toString('latin1')).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    const afterHead = switched.indexOf('\r\n\r\n') + 4;
    // A poll held open while the probe runs: engine.io ends it with a noop so polling can pause.
    const pending = exchange(poll, `GET /socket.io/?${query}&sid=${sid} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    await sleep(50);
    ws.send(maskedTextFrame('2probe'));
    const probed = await ws.until((bytes) => bytes.length >= afterHead + 8);
    expect([...probed.subarray(afterHead, afterHead + 8)]).toEqual([0x81, 6, ...Buffer.from('3probe')]);
    expect((await pending).body).toBe('6');
    ws.send(maskedTextFrame('5'));
    await sleep(50);

    const stored = lab.app.feed.publish({ topic: 'test', data: { up: 1 } });
    const start = afterHead + 8;
    const framed = await ws.until(
      (bytes) => bytes.length >= start + 2 && bytes.length >= start + 2 + (bytes[start + 1] ?? 0),
    );
    const length = framed[start + 1] ?? 0;
    const text = framed.subarray(start + 2, start + 2 + length).toString('utf8');
    const offset = /,"([\w-]+)"\]$/.exec(text)?.[1] ?? '';
    // FIN + text opcode, a 7-bit length, then the same 17 + 10 bytes around the event as over polling.
    expect(framed[start]).toBe(0x81);
    expect(text).toBe(`42/feed,["feed",${stored.json.toString('utf8')},"${offset}"]`);
    expect(length - stored.json.length).toBe(17 + 10);
    poll.close();
    ws.close();
  });
});

describe('the real socket.io-client', () => {
  function follow(clientId: string, baseUrl: string, transports?: ('polling' | 'websocket')[]) {
    const seqs: number[] = [];
    const client = createFeedClient('socket-io', {
      baseUrl,
      clientId,
      env: nodeEnv(),
      reconnectMinMs: 20,
      reconnectMaxMs: 100,
      ...(transports ? { socketIoTransports: transports } : {}),
      onEvent: (event) => seqs.push(event.seq),
    });
    clients.push(client);
    client.start();
    return { client, seqs };
  }

  it('by default starts on polling and ends on websocket, while /api/feed/websocket still upgrades beside it', async () => {
    const sio = follow('sio-default', lab.url);
    const ws = createFeedClient('websocket', { baseUrl: lab.url, clientId: 'ws-beside', env: nodeEnv() });
    clients.push(ws);
    ws.start();
    await waitFor(() => (sio.client as SocketIoClient).engineTransport === 'websocket', 5000, 'the upgrade');
    await waitFor(() => ws.state === 'open', 5000, 'the plain WebSocket');
    const first = lab.app.feed.newestSeq + 1;
    for (let i = 0; i < 5; i++) lab.app.feed.publish({ topic: 'test', data: { i } });
    await waitFor(() => sio.seqs.length === 5 && ws.stats().messages === 5, 5000, 'both to receive');
    expect(sio.seqs).toEqual([first, first + 1, first + 2, first + 3, first + 4]);
    expect((sio.client as SocketIoClient).upgradedAt).not.toBeNull();
    const metrics = await metricsOf('sio-default');
    // The handshake GET, the POST of 40/feed, the GET that answers it, the upgrade (and maybe the GET that the noop ends).
    expect(metrics.requests).toBeGreaterThanOrEqual(4);
    expect(metrics.messages).toBe(5);
  });

  it("after a dropped connection, Socket.IO's own recovery brings the socket back with what it missed; it is counted", async () => {
    const proxy = await startCountingProxy(lab.port);
    try {
      const followed = follow('sio-recovered', proxy.url);
      // Cut after the upgrade: cut during it, the server would not notice before its ping timeout and have no
      // session to restore without the lab closing the stale socket (socket-io-cut-during-upgrade-still-recovers.test.ts).
      await waitFor(
        () => (followed.client as SocketIoClient).engineTransport === 'websocket',
        5000,
        'the client to connect and upgrade',
      );
      const first = lab.app.feed.newestSeq + 1;
      lab.app.feed.publish({ topic: 'test', data: { before: true } });
      await waitFor(() => followed.seqs.length === 1, 5000, 'the first event');
      proxy.dropAll();
      for (let i = 0; i < 5; i++) lab.app.feed.publish({ topic: 'test', data: { i } });
      await waitFor(() => followed.seqs.length === 6, 5000, 'the missed events');
      expect(followed.seqs).toEqual([first, first + 1, first + 2, first + 3, first + 4, first + 5]);
      const client = followed.client as SocketIoClient;
      expect(client.recoveries).toBe(1);
      expect(client.stats()).toMatchObject({ gaps: 0, duplicates: 0, reconnects: 1 });
    } finally {
      await proxy.close();
    }
  });

  it('a feed restart while the socket was away reaches it as an explicit reset, never a silent gap', async () => {
    const other = await startLab();
    const proxy = await startCountingProxy(other.port);
    try {
      const followed = follow('sio-restarted', proxy.url);
      await waitFor(() => followed.client.state === 'open', 5000, 'the client to connect');
      other.app.feed.publish({ topic: 'test', data: { first: true } });
      await waitFor(() => followed.seqs.length === 1, 5000, 'the first event');
      // A new feed epoch and a cut: whichever way it comes back, the reset is counted as a gap.
      other.app.feed.restart();
      proxy.dropAll();
      await sleep(300);
      other.app.feed.publish({ topic: 'test', data: { after: true } });
      await waitFor(() => followed.seqs.length === 2, 5000, 'the event of the new epoch');
      expect(followed.client.stats()).toMatchObject({ gaps: 1, duplicates: 0 });
    } finally {
      await proxy.close();
      await other.close();
    }
  });

  it('closing the lab disconnects every Socket.IO client with a clear reason, within 2 s', async () => {
    const other = await startLab();
    const sockets = [1, 2, 3].map((i) =>
      io(`${other.url}/feed`, { path: '/socket.io/', query: { client: `bye-${i}` }, forceNew: true }),
    );
    try {
      // Steady state (upgraded): a client caught mid-upgrade by the shutdown may see "transport close"
      // instead (seen once in CI; README "Socket.IO", left for its issue).
      await waitFor(
        () => sockets.every((socket) => socket.connected && socket.io.engine.transport.name === 'websocket'),
        5000,
        'every socket to connect and upgrade',
      );
      const reasons: string[] = [];
      for (const socket of sockets) socket.on('disconnect', (reason) => reasons.push(reason));
      const started = Date.now();
      await other.close();
      expect(Date.now() - started).toBeLessThan(2000);
      await waitFor(() => reasons.length === 3, 2000, 'every disconnect');
      expect(reasons).toEqual(['io server disconnect', 'io server disconnect', 'io server disconnect']);
    } finally {
      for (const socket of sockets) socket.disconnect();
    }
  });

  it('a WebSocket peer that never answers the close does not hold the shutdown past 2 s', async () => {
    const other = await startLab();
    const silent = await rawConnect(other.port);
    silent.send(
      `GET /socket.io/?EIO=4&transport=websocket&client=silent HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    await silent.until((bytes) => bytes.includes('0{"sid"'));
    silent.send(maskedTextFrame('40/feed,'));
    await silent.until((bytes) => bytes.includes('40/feed,{'));
    const closed = new Promise<void>((resolve) => silent.socket.once('close', () => resolve()));
    const started = Date.now();
    await other.close();
    await closed;
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("Socket.IO's requests end their heads like any other: the slow-heads limit does not cut a served connection", async () => {
    // No slow head allowed at all, after 100 ms: a connection whose head was served must not count as one.
    const other = await startLab({ slowHeads: { slowAfterMs: 100, perAddress: 0, total: 0 } });
    try {
      const served = await rawConnect(other.port);
      const open = await exchange(
        served,
        'GET /socket.io/?EIO=4&transport=polling&client=heads HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
      );
      expect(open.body.startsWith('0{"sid"')).toBe(true);
      await sleep(200);
      // A new connection is when the limit looks for slow heads to cut, the oldest first.
      const newcomer = await rawConnect(other.port);
      await sleep(100);
      expect(served.socket.destroyed).toBe(false);
      const again = await exchange(
        served,
        'GET /socket.io/?EIO=4&transport=polling&client=heads2 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
      );
      expect(again.body.startsWith('0{"sid"')).toBe(true);
      served.close();
      newcomer.close();
    } finally {
      await other.close();
    }
  });

  describe.each([
    ['polling only', ['polling'] as ('polling' | 'websocket')[]],
    ['websocket only', ['websocket'] as ('polling' | 'websocket')[]],
  ])('%s', (_lane, transports) => {
    let proxy: CountingProxy;
    beforeAll(async () => {
      proxy = await startCountingProxy(lab.port);
    });
    afterAll(async () => {
      await proxy.close();
    });

    it('the meter equals what crossed the counting proxy, per direction', async () => {
      const id = `sio-${transports.join('-')}`;
      const followed = follow(id, proxy.url, transports);
      await waitFor(() => followed.client.state === 'open', 5000, 'the client to connect');
      expect((followed.client as SocketIoClient).engineTransport).toBe(transports[0]);
      for (let i = 0; i < 20; i++) lab.app.feed.publish({ topic: 'test', data: { i } });
      await followed.client.publish({ text: 'hello from the test' });
      await waitFor(() => followed.client.stats().roundTripMs.length === 1, 5000, 'the round trip');
      followed.client.stop();
      await sleep(200);
      const metrics = await metricsOf(id);
      const sum = (split: TransportMetrics['bytes']['up']): number => split.header + split.framing + split.payload;
      expect(proxy.bytes().down).toBeGreaterThan(0);
      expect({ up: sum(metrics.bytes.up), down: sum(metrics.bytes.down) }).toEqual(proxy.bytes());
      // The upstream message itself is payload, as on the other transports.
      expect(metrics.bytes.up.payload).toBeGreaterThan(0);
      expect(metrics.messages).toBe(followed.client.stats().messages);
    });
  });
});
