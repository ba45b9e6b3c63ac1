/**
 * A client that stops reading is cut once its unsent bytes pass the bound
 * (WebSocket: close 4008), so the lab's memory stays bounded; everyone else
 * keeps receiving every event.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type RunningLab, sleep, startLab, waitFor } from './support/lab-server.ts';
import { rawConnect } from './support/raw-socket.ts';

let lab: RunningLab;
let watcher: WebSocket;
const watched: number[] = [];

beforeEach(async () => {
  lab = await startLab({ maxQueuedBytes: 256 * 1024 });
  watched.length = 0;
  watcher = new WebSocket(`${lab.url.replace('http', 'ws')}/api/feed/websocket?client=watcher`);
  watcher.on('message', (data) => {
    const message = JSON.parse(String(data)) as { seq?: number };
    if (message.seq !== undefined) watched.push(message.seq);
  });
  await new Promise((resolve) => watcher.once('open', resolve));
});
afterEach(async () => {
  watcher.close();
  await lab.close();
});

/** Publishes ~100 KB events until `cut()` or 60 MB went out; returns how many were published. */
async function floodUntil(cut: () => boolean): Promise<number> {
  const big = 'x'.repeat(100_000);
  for (let i = 0; i < 600; i++) {
    lab.app.feed.publish({ topic: 'flood', data: big });
    if (cut()) return i + 1;
    if (i % 10 === 9) await sleep(5); // let sockets flush what they can, as a real feed would
  }
  return 600;
}

it('an SSE client that stops reading is cut; the others miss nothing', async () => {
  const raw = await rawConnect(lab.port);
  raw.send(`GET /api/feed/sse?client=frozen HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  await raw.until((b) => b.includes('event: hello'));
  raw.socket.pause(); // a frozen laptop: nothing more is read
  let connections = 0;
  const refresh = setInterval(
    () =>
      lab.app.server.getConnections((_e, n) => {
        connections = n;
      }),
    5,
  );
  await waitFor(() => connections > 0, 2000, 'a connection count');
  const published = await floodUntil(() => connections < 2);
  clearInterval(refresh);
  expect(connections).toBe(1); // only the watcher is left
  expect(published).toBeLessThan(600);
  await waitFor(() => watched.length === lab.app.feed.newestSeq, 10_000, 'the watcher to receive everything');
  expect(watched).toEqual(Array.from({ length: lab.app.feed.newestSeq }, (_, i) => i + 1));
  raw.close();
});

it('a WebSocket client that stops reading is closed (4008); the others miss nothing', async () => {
  const others = new Set(lab.app.websocketServer.clients);
  const raw = await rawConnect(lab.port);
  const key = Buffer.from('slow-consumer-ws').toString('base64');
  raw.send(
    `GET /api/feed/websocket?client=frozen HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  await raw.until((b) => b.includes('"type":"hello"'));
  raw.socket.pause();
  // Its backlog is dropped and the 4008 close frame sent next (slow-consumer-sees-4008.test.ts reads it).
  const frozen = [...lab.app.websocketServer.clients].find((client) => !others.has(client));
  // Closing starts as soon as the lab gives up on it (readyState leaves OPEN).
  const closed = (): boolean => frozen !== undefined && frozen.readyState !== WebSocket.OPEN;
  const published = await floodUntil(closed);
  await waitFor(closed, 3000, 'the frozen client to be closed');
  expect(published).toBeLessThan(600);
  await waitFor(() => watched.length === lab.app.feed.newestSeq, 10_000, 'the watcher to receive everything');
  expect(watched).toEqual(Array.from({ length: lab.app.feed.newestSeq }, (_, i) => i + 1));
  raw.close();
});

describe('a client resuming into a backlog many times the limit is paced, not cut', () => {
  const BACKLOG = 20_000; // ~11 MB of events: 40× the 256 KB limit, beyond what loopback's kernel buffers hold
  const payload = 'y'.repeat(500);
  const publishBacklog = (): number => {
    for (let i = 0; i < BACKLOG; i++) lab.app.feed.publish({ topic: 'backlog', data: payload });
    return lab.app.feed.newestSeq;
  };

  it('WebSocket', async () => {
    const newest = publishBacklog();
    const seqs: number[] = [];
    let closeCode = 0;
    const late = new WebSocket(
      `${lab.url.replace('http', 'ws')}/api/feed/websocket?client=late&since=0&epoch=${lab.app.feed.epoch}`,
    );
    late.on('message', (data) => {
      const message = JSON.parse(String(data)) as { seq?: number };
      if (message.seq !== undefined) seqs.push(message.seq);
    });
    late.on('close', (code) => {
      closeCode = code;
    });
    await waitFor(() => seqs.at(-1) === newest || closeCode !== 0, 20_000, 'the backlog or a close');
    expect(closeCode).toBe(0);
    expect(seqs).toEqual(Array.from({ length: newest }, (_, i) => i + 1));
    // Caught up, it follows the live feed.
    lab.app.feed.publish({ topic: 'backlog', data: 'live' });
    await waitFor(() => seqs.at(-1) === newest + 1, 5000, 'the live event');
    late.close();
  });

  it('SSE', async () => {
    const newest = publishBacklog();
    const raw = await rawConnect(lab.port);
    raw.send(`GET /api/feed/sse?client=late&since=0&epoch=${lab.app.feed.epoch} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    let closed = false;
    raw.socket.once('close', () => {
      closed = true;
    });
    const ids = (): number[] =>
      [
        ...raw
          .received()
          .toString('latin1')
          .matchAll(/id: (\d+)\ndata: \{"epoch"/g),
      ].map((m) => Number(m[1]));
    await waitFor(() => closed || raw.received().includes(`id: ${newest}\n`), 20_000, 'the backlog or a close');
    expect(closed).toBe(false);
    expect(ids()).toEqual(Array.from({ length: newest }, (_, i) => i + 1));
    lab.app.feed.publish({ topic: 'backlog', data: 'live' });
    await raw.until((b) => b.includes(`id: ${newest + 1}\n`));
    raw.close();
  });
});

it('a paced backlog the ring overtakes ends in a reset (too-old), then the live feed', async () => {
  const small = await startLab({ maxQueuedBytes: 64 * 1024, bufferSize: 30_000 });
  try {
    const payload = 'z'.repeat(500);
    for (let i = 0; i < 30_000; i++) small.app.feed.publish({ topic: 'backlog', data: payload });
    const raw = await rawConnect(small.port);
    raw.send(
      `GET /api/feed/sse?client=paused&since=0&epoch=${small.app.feed.epoch} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
    );
    await raw.until((b) => b.includes('event: hello'));
    raw.socket.pause(); // ~16 MB of backlog: the kernel's buffers fill, then the lab waits for a drain
    await sleep(500);
    // Meanwhile the ring moves past everything the client has not been sent yet.
    for (let i = 0; i < 30_000; i++) small.app.feed.publish({ topic: 'backlog', data: payload });
    const newest = small.app.feed.newestSeq;
    raw.socket.resume();
    const bytes = await raw.until((b) => b.includes('event: reset'), 20_000);
    expect(bytes.toString('latin1')).toMatch(/event: reset\n(id: \d+\n)?data: \{[^\n]*"reason":"too-old"/);
    small.app.feed.publish({ topic: 'backlog', data: 'live' });
    await raw.until((b) => b.includes(`id: ${newest + 1}\n`), 5000);
    // Before the reset, the events it got were consecutive from 1; none after it until the live one.
    const text = raw.received().toString('latin1');
    const [before = '', after = ''] = text.split('event: reset');
    const sent = [...before.matchAll(/id: (\d+)\ndata: \{"epoch"/g)].map((m) => Number(m[1]));
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.length).toBeLessThan(30_000);
    expect(sent).toEqual(Array.from({ length: sent.length }, (_, i) => i + 1));
    expect([...after.matchAll(/id: (\d+)\ndata: \{"epoch"/g)].map((m) => Number(m[1]))).toEqual([newest + 1]);
    raw.close();
  } finally {
    await small.close();
  }
}, 30_000);
