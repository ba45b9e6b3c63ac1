/**
 * What keeps a classroom lab safe: foreign pages cannot use the feed, foreign
 * host names are refused (DNS rebinding), control needs the teacher token in
 * LAN mode, and upstream floods are limited — with coded errors, and no crash
 * on malformed headers.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TRANSPORT_NAMES } from '../protocol/feed-event.ts';
import { TRANSPORT_RECORDS } from '../protocol/transport-records.ts';
import { type RunningLab, startLab } from './support/lab-server.ts';

const TOKEN = 'teacher-secret-token';
let lab: RunningLab;

beforeAll(async () => {
  lab = await startLab({ lan: true, teacherToken: TOKEN });
});
afterAll(async () => {
  await lab.close();
});

/** A raw request, so any Host/Origin can be sent (fetch would refuse or rewrite them). */
function request(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: lab.port, method, path, headers }, (res) => {
      if (res.headers['content-type']?.startsWith('text/event-stream')) {
        // An SSE answer never ends: its status is all we need.
        req.destroy();
        return resolve({ status: res.statusCode ?? 0, body: '' });
      }
      let text = '';
      res.on('data', (d) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function upgradeStatus(headers: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${lab.url.replace('http', 'ws')}/api/feed/websocket`, { headers });
    socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('error', () => {});
  });
}

const feedPaths = ['/api/feed/short-poll', '/api/feed/long-poll?timeoutMs=100', '/api/feed/sse'];

describe('Origin', () => {
  it.each(feedPaths)('%s: a foreign Origin gets 403 LAB_ERR_FOREIGN_ORIGIN before any data', async (path) => {
    const answer = await request('GET', path, { origin: 'http://evil.example' });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body).code).toBe('LAB_ERR_FOREIGN_ORIGIN');
  });

  it('websocket: a foreign Origin is refused with 403 before the upgrade', async () => {
    expect(await upgradeStatus({ origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus({ origin: 'null' })).toBe(403);
  });

  it('publish: a foreign Origin is refused and nothing is published', async () => {
    const before = lab.app.feed.newestSeq;
    const answer = await request(
      'POST',
      '/api/feed/publish',
      { origin: 'http://evil.example', 'content-type': 'application/json' },
      '{"data":1}',
    );
    expect(answer.status).toBe(403);
    expect(lab.app.feed.newestSeq).toBe(before);
  });

  it("the lab's own page and tools without Origin are served", async () => {
    expect((await request('GET', '/api/feed/short-poll', { origin: lab.url })).status).toBe(200);
    expect((await request('GET', '/api/feed/short-poll', { origin: `http://localhost:${lab.port}` })).status).toBe(200);
    expect((await request('GET', '/api/feed/short-poll', {})).status).toBe(200);
    expect(await upgradeStatus({ origin: lab.url })).toBe(101);
    expect(await upgradeStatus({})).toBe(101);
  });

  it('another port on the same host is another origin, and refused', async () => {
    expect((await request('GET', '/api/feed/short-poll', { origin: 'http://127.0.0.1:9' })).status).toBe(403);
  });
});

describe('Host', () => {
  it.each(['evil.example', 'evil.example:80', 'localhost.evil.example'])(
    'Host: %s gets 421 LAB_ERR_BAD_HOST',
    async (host) => {
      const answer = await request('GET', '/api/feed/short-poll', { host });
      expect(answer.status).toBe(421);
      expect(JSON.parse(answer.body).code).toBe('LAB_ERR_BAD_HOST');
    },
  );

  it.each(['[[[', 'a b', 'x:99999999', ':', '\u00e9vil'])(
    'a malformed Host %j is refused, and the lab keeps serving',
    async (host) => {
      const answer = await request('GET', '/api/feed/short-poll', { host: encodeURI(host) }).catch(() => ({
        status: 400,
        body: '',
      }));
      expect([400, 421]).toContain(answer.status);
      expect((await request('GET', '/api/feed/short-poll', {})).status).toBe(200);
    },
  );

  it.each(['localhost', '127.0.0.1:3000', '[::1]'])('Host: %s is served', async (host) => {
    expect((await request('GET', '/api/feed/short-poll', { host })).status).toBe(200);
  });
});

describe('teacher token (LAN mode)', () => {
  const settings = (headers: Record<string, string>) =>
    request('PUT', '/api/feed/settings', { 'content-type': 'application/json', ...headers }, '{"ratePerSecond":321}');

  it.each([
    ['no token', {}],
    ['a wrong token', { authorization: 'Bearer not-the-token' }],
    ['the token without Bearer', { authorization: TOKEN }],
    ['an empty Bearer', { authorization: 'Bearer ' }],
  ])('%s → 401 and no state change', async (_name, headers) => {
    const answer = await settings(headers as Record<string, string>);
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body).code).toBe('LAB_ERR_UNAUTHORIZED');
    expect(lab.app.feed.currentSettings.ratePerSecond).not.toBe(321);
    expect((await request('POST', '/api/feed/restart', headers as Record<string, string>)).status).toBe(401);
  });

  it('the right token steers the feed', async () => {
    const answer = await settings({ authorization: `Bearer ${TOKEN}` });
    expect(answer.status).toBe(200);
    expect(lab.app.feed.currentSettings.ratePerSecond).toBe(321);
  });

  it('GET /api/access tells a page whether it may steer, so a student page need not learn it from a 401', async () => {
    const access = async (headers: Record<string, string>) =>
      JSON.parse((await request('GET', '/api/access', headers)).body);
    expect(await access({})).toEqual({ lan: true, controlNeedsToken: true, canControl: false });
    expect(await access({ authorization: 'Bearer not-the-token' })).toMatchObject({ canControl: false });
    expect(await access({ authorization: `Bearer ${TOKEN}` })).toMatchObject({ canControl: true });
    const local = await startLab();
    try {
      const answer = await fetch(`${local.url}/api/access`);
      expect(await answer.json()).toEqual({ lan: false, controlNeedsToken: false, canControl: true });
    } finally {
      await local.close();
    }
  });

  it('watching needs no token', async () => {
    expect((await request('GET', '/api/metrics', {})).status).toBe(200);
    expect((await request('GET', '/api/feed/status', {})).status).toBe(200);
  });
});

describe('upstream rate limit', () => {
  it('HTTP publish: past the burst, 429 LAB_ERR_RATE_LIMITED', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) {
      const answer = await request(
        'POST',
        '/api/feed/publish?client=flooder',
        { 'content-type': 'application/json' },
        `{"data":${i}}`,
      );
      statuses.push(answer.status);
    }
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(40);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
  });

  it('WebSocket: error replies past the burst, then close 1008 when it goes on', async () => {
    const socket = new WebSocket(`${lab.url.replace('http', 'ws')}/api/feed/websocket?client=wsflooder`);
    const codes: string[] = [];
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type?: string; code?: string };
      if (message.type === 'error' && message.code) codes.push(message.code);
    });
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    await new Promise((resolve) => socket.once('open', resolve));
    for (let i = 0; i < 100; i++) socket.send(JSON.stringify({ data: i }));
    expect(await closed).toBe(1008);
    expect(codes.length).toBeGreaterThan(0);
    expect(new Set(codes)).toEqual(new Set(['LAB_ERR_RATE_LIMITED']));
  });
});

it('every transport still serves a well-behaved client after all of the above', async () => {
  for (const transport of TRANSPORT_NAMES.filter((t) => t !== 'websocket')) {
    const { path: base, ownsPath } = TRANSPORT_RECORDS[transport];
    // A transport with its own handshake (Engine.IO) is asked as its client starts: a polling handshake.
    const path = ownsPath
      ? `${base}?EIO=4&transport=polling`
      : transport === 'long-poll'
        ? '/api/feed/long-poll?timeoutMs=100'
        : base;
    expect((await request('GET', path, { origin: lab.url })).status, transport).toBe(200);
  }
});

describe('limits', () => {
  it('a WebSocket message over 64 KiB closes the connection with 1009', async () => {
    const socket = new WebSocket(`${lab.url.replace('http', 'ws')}/api/feed/websocket?client=big`);
    const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
    socket.on('error', () => {});
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ data: 'x'.repeat(70_000) }));
    expect(await closed).toBe(1009);
  });

  it('LAN mode: one address may hold at most maxConnectionsPerAddress connections', async () => {
    // Loopback is exempt in real use (the load generator runs there); this lab exempts nobody so the cap shows.
    const capped = await startLab({
      lan: true,
      teacherToken: TOKEN,
      maxConnectionsPerAddress: 3,
      perAddressExempt: () => false,
    });
    try {
      const results = await Promise.all(
        Array.from(
          { length: 5 },
          () =>
            new Promise<string>((resolve) => {
              const req = http.get(
                { host: '127.0.0.1', port: capped.port, path: '/api/feed/long-poll?timeoutMs=1500', agent: false },
                (res) => {
                  res.resume();
                  res.on('end', () => resolve(`answered ${res.statusCode}`));
                },
              );
              req.on('error', () => resolve('refused'));
            }),
        ),
      );
      expect(results.filter((r) => r === 'answered 200')).toHaveLength(3);
      expect(results.filter((r) => r === 'refused')).toHaveLength(2);
    } finally {
      await capped.close();
    }
  });

  it('LAN mode: the cap holds for Socket.IO too, whose requests engine.io answers outside Fastify’s hooks', async () => {
    const capped = await startLab({
      lan: true,
      teacherToken: TOKEN,
      maxConnectionsPerAddress: 3,
      perAddressExempt: () => false,
    });
    try {
      // Five connections at once: three held long polls take the cap, then two Engine.IO handshakes on connections of their own.
      const polls = Array.from(
        { length: 3 },
        () =>
          new Promise<string>((resolve) => {
            const req = http.get(
              { host: '127.0.0.1', port: capped.port, path: '/api/feed/long-poll?timeoutMs=1500', agent: false },
              (res) => {
                res.resume();
                res.on('end', () => resolve(`answered ${res.statusCode}`));
              },
            );
            req.on('error', () => resolve('refused'));
          }),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      const handshakes = await Promise.all(
        Array.from(
          { length: 2 },
          () =>
            new Promise<string>((resolve) => {
              const req = http.get(
                { host: '127.0.0.1', port: capped.port, path: '/socket.io/?EIO=4&transport=polling', agent: false },
                (res) => {
                  res.resume();
                  res.on('end', () => resolve(`answered ${res.statusCode}`));
                },
              );
              req.on('error', () => resolve('refused'));
            }),
        ),
      );
      expect(handshakes).toEqual(['refused', 'refused']);
      expect(await Promise.all(polls)).toEqual(['answered 200', 'answered 200', 'answered 200']);
    } finally {
      await capped.close();
    }
  });
});
