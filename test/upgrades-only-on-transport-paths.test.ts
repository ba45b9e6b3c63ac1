/**
 * A WebSocket upgrade is answered 101 only on a path a transport upgrades;
 * anything else gets the lab's 404 body and no 101. And every request, an
 * upgrade included, must carry exactly one Host that names the lab — checked
 * as an address (127.999.999.999 is none), with a real port, and an
 * absolute-form target must name the lab too. A watcher misses nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FeedWatcher, watchFeed } from './support/feed-watcher.ts';
import { publishMany, type RunningLab, startLab, waitFor } from './support/lab-server.ts';
import { headEnd, rawConnect } from './support/raw-socket.ts';

let lab: RunningLab;
let watcher: FeedWatcher;

beforeAll(async () => {
  lab = await startLab();
  watcher = await watchFeed(lab.url, 'upgrade-watcher', 0);
});
afterAll(async () => {
  watcher.close();
  await lab.close();
});

const UPGRADE =
  'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n';

/** Sends a raw request head and returns the answer once the lab closed the connection or sent a whole head. */
async function answer(head: string): Promise<{ status: number; head: string; body: string; afterHead: number }> {
  const raw = await rawConnect(lab.port);
  raw.send(head);
  const ended = new Promise<void>((resolve) => raw.socket.once('close', () => resolve()));
  await raw.until((bytes) => headEnd(bytes) > 0, 5000);
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw.received().toString('latin1'))?.[1] ?? 0);
  if (status !== 101) await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 2000))]);
  else await new Promise((resolve) => setTimeout(resolve, 100));
  const bytes = raw.received();
  const end = headEnd(bytes);
  raw.close();
  const headText = bytes.subarray(0, end).toString('latin1');
  const length = Number(/content-length: (\d+)/i.exec(headText)?.[1] ?? 0);
  return {
    status,
    head: headText,
    body: bytes.subarray(end, end + length).toString('utf8'),
    afterHead: bytes.length - end - length,
  };
}

describe('upgrades only on transport paths', () => {
  it.each(['/nope', '/socket.ioX/', '/api/feed/sse', '/api/metrics', '/'])(
    'upgrade to %s: the lab’s 404, no 101',
    async (path) => {
      const got = await answer(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n${UPGRADE}\r\n`);
      expect(got.status).toBe(404);
      expect(JSON.parse(got.body).code).toBe('LAB_ERR_NOT_FOUND');
      // Nothing after the answer: no stray frame byte of a socket upgraded and closed.
      expect(got.afterHead).toBe(0);
    },
  );

  it('a POST upgrade to the WebSocket path: 404, not 101', async () => {
    const got = await answer(
      `POST /api/feed/websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n${UPGRADE}\r\n`,
    );
    expect(got.status).toBe(404);
  });

  it('a plain WebSocket client at /socket.io/ is refused (400, no 101): it speaks no Engine.IO', async () => {
    const got = await answer(`GET /socket.io/?client=plain HTTP/1.1\r\nHost: 127.0.0.1\r\n${UPGRADE}\r\n`);
    expect(got.status).toBe(400);
    expect(got.head).not.toContain('101');
  });

  it('a Socket.IO upgrade at /socket.io/ gets its 101 from engine.io', async () => {
    const got = await answer(
      `GET /socket.io/?EIO=4&transport=websocket&client=eio HTTP/1.1\r\nHost: 127.0.0.1\r\n${UPGRADE}\r\n`,
    );
    expect(got.status).toBe(101);
  });

  it('the WebSocket path itself still upgrades', async () => {
    const got = await answer(`GET /api/feed/websocket?client=up HTTP/1.1\r\nHost: 127.0.0.1\r\n${UPGRADE}\r\n`);
    expect(got.status).toBe(101);
  });
});

describe('Host on every request, upgrades included', () => {
  const cases: [string, string, number, string][] = [
    ['an upgrade without Host', `GET /api/feed/websocket HTTP/1.1\r\n${UPGRADE}\r\n`, 400, 'LAB_ERR_BAD_REQUEST'],
    [
      'a request without Host',
      'GET /api/feed/short-poll HTTP/1.1\r\nConnection: close\r\n\r\n',
      400,
      'LAB_ERR_BAD_REQUEST',
    ],
    [
      'two Host headers',
      'GET /api/feed/short-poll HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n',
      400,
      'LAB_ERR_BAD_REQUEST',
    ],
    [
      'two Host headers on an upgrade',
      `GET /api/feed/websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n${UPGRADE}\r\n`,
      400,
      'LAB_ERR_BAD_REQUEST',
    ],
    [
      'an absolute-form target naming another host',
      'GET http://evil.example/api/feed/short-poll HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
      421,
      'LAB_ERR_BAD_HOST',
    ],
    [
      'Host 127.999.999.999',
      'GET /api/feed/short-poll HTTP/1.1\r\nHost: 127.999.999.999\r\nConnection: close\r\n\r\n',
      421,
      'LAB_ERR_BAD_HOST',
    ],
    [
      'Host localhost:99999',
      'GET /api/feed/short-poll HTTP/1.1\r\nHost: localhost:99999\r\nConnection: close\r\n\r\n',
      421,
      'LAB_ERR_BAD_HOST',
    ],
    [
      'an upgrade with a foreign Host',
      `GET /api/feed/websocket HTTP/1.1\r\nHost: evil.example\r\n${UPGRADE}\r\n`,
      421,
      'LAB_ERR_BAD_HOST',
    ],
  ];
  it.each(cases)('%s', async (_name, head, status, code) => {
    const got = await answer(head);
    expect(got.status).toBe(status);
    expect(JSON.parse(got.body).code).toBe(code);
  });

  it('an absolute-form target naming the lab, and 127.0.0.2 as Host, are served', async () => {
    const absolute = await answer(
      `GET http://127.0.0.1:${lab.port}/api/feed/short-poll HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
    );
    expect(absolute.status).toBe(200);
    const other = await answer('GET /api/feed/short-poll HTTP/1.1\r\nHost: 127.0.0.2\r\nConnection: close\r\n\r\n');
    expect(other.status).toBe(200);
  });
});

it('the watcher received every event published meanwhile, with no gap', async () => {
  publishMany(lab.app, 50);
  await waitFor(() => watcher.seqs.length === 50, 5000, 'the watcher');
  expect(watcher.seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
});
