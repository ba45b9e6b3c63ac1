/**
 * Generated input on every surface — query strings, headers, publish bodies,
 * control routes, WebSocket upgrades and messages, the conditioner's port,
 * scenario files, CLI flags: the lab never crashes, never answers 5xx, every
 * refusal carries a LAB_ERR_ code, and a client watching the feed meanwhile
 * receives every event with no gap.
 */
import http from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { isLabError } from '../server/errors.ts';
import { parseScenario } from '../server/feed/scenario.ts';
import type { UpstreamLimits } from '../server/security/upstream-budget.ts';
import { parseStartFlags } from '../server/start-flags.ts';
import { type FeedWatcher, watchFeed } from './support/feed-watcher.ts';
import { type RunningLab, startLab, waitFor } from './support/lab-server.ts';
import { headEnd, rawConnect } from './support/raw-socket.ts';

let lab: RunningLab;
let watcher: FeedWatcher;
let agent: http.Agent;
let conditionerAgent: http.Agent;
let conditionerPort: number;

/** Upstream limits out of the way, so the rate limit never hides the parser (upstream-limit-keyed-by-address.test.ts tests them). */
const UNLIMITED: UpstreamLimits = {
  perAddressPerSecond: 1e9,
  perAddressBurst: 1e9,
  totalPerSecond: 1e9,
  totalBurst: 1e9,
  totalBytesPerSecond: 1e12,
  totalBytesBurst: 1e12,
};

beforeAll(async () => {
  // The feed runs all along (100 events/s), so the watcher checks that fuzzing never disturbs it.
  lab = await startLab({ autostart: true, ratePerSecond: 100, conditionerPort: 0, upstreamLimits: UNLIMITED });
  conditionerPort = (await lab.app.conditioner.ready()) as number;
  agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  conditionerAgent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  watcher = await watchFeed(lab.url, 'fuzz-watcher', 0);
});
afterAll(async () => {
  watcher.close();
  agent.destroy();
  conditionerAgent.destroy();
  await lab.close();
});

interface Answer {
  status: number;
  body: string;
}

function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
  target: { port: number; agent: http.Agent } = { port: lab.port, agent },
): Promise<Answer> {
  return new Promise((resolve) => {
    const { port, agent } = target;
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
      if (res.headers['content-type']?.startsWith('text/event-stream')) {
        // A valid SSE request opens a stream that never ends: the status is the answer.
        req.destroy();
        return resolve({ status: res.statusCode ?? 0, body: '' });
      }
      let text = '';
      res.on('data', (d) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    // Some generated headers are refused by Node's own client before sending: not the lab's concern.
    req.on('error', () => resolve({ status: -1, body: '' }));
    req.end(body);
  });
}

/** Every answer is a success or a coded client error; never a 5xx, never an uncoded error. */
function expectSane(answer: Answer): void {
  if (answer.status === -1) return;
  expect(answer.status).toBeLessThan(500);
  if (answer.status >= 400) expect(JSON.parse(answer.body).code).toMatch(/^LAB_ERR_[A-Z_]+$/);
}

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    '',
    '-1',
    '0',
    '1.5',
    '1e3',
    '0x10',
    '9007199254740993',
    'NaN',
    '%00',
    '../',
    '__proto__',
    '[]',
    '{}',
  ),
  fc.nat().map(String),
);
const queryKey = fc.constantFrom('since', 'epoch', 'client', 'timeoutMs', 'lastEventId', 'transport', 'x', '__proto__');
const query = fc
  .array(fc.tuple(queryKey, text), { maxLength: 4 })
  .map((pairs) => pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&'));
const path = fc.constantFrom(
  '/api/feed/short-poll',
  '/api/feed/long-poll',
  '/api/feed/sse',
  '/api/feed/nowhere',
  '/api/metrics',
  '/api/inspect',
);

describe('HTTP surfaces', () => {
  it('query strings on every endpoint', async () => {
    await fc.assert(
      fc.asyncProperty(path, query, async (p, q) => {
        // Long polls that parse fine would be held: give them the shortest timeout.
        const suffix = p.endsWith('long-poll') ? `${q}${q ? '&' : ''}timeoutMs=100` : q;
        expectSane(await send('GET', `${p}?${suffix}`, {}));
      }),
      { numRuns: 500 },
    );
  }, 30_000);

  it('headers: Host, Origin, Last-Event-ID, Content-Type', async () => {
    const header = fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''));
    await fc.assert(
      fc.asyncProperty(header, header, header, async (host, origin, lastEventId) => {
        const headers: Record<string, string> = { 'last-event-id': lastEventId };
        if (host) headers.host = host;
        if (origin) headers.origin = origin;
        expectSane(await send('GET', '/api/feed/sse', headers));
        expectSane(await send('GET', '/api/feed/short-poll', headers));
      }),
      { numRuns: 300 },
    );
  }, 30_000);

  it('publish bodies and content types', async () => {
    const body = fc.oneof(
      fc.json(),
      fc.string({ maxLength: 200 }),
      fc
        .record({ data: fc.jsonValue(), id: fc.option(text), topic: fc.option(text), client: fc.option(text) })
        .map((v) => JSON.stringify(v)),
      fc.constantFrom('{"data":{"__proto__":{"x":1}}}', '{"data":1,"constructor":{}}', '{"data":[{"prototype":1}]}'),
    );
    const type = fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      '',
      'application/x-www-form-urlencoded',
      'application/json; charset=utf-16',
      'application/json; charset="UTF-8"',
    );
    let sender = 0;
    await fc.assert(
      fc.asyncProperty(body, type, async (b, t) => {
        sender += 1;
        const headers: Record<string, string> = t ? { 'content-type': t } : {};
        expectSane(await send('POST', `/api/feed/publish?client=fuzz-${sender}`, headers, b));
      }),
      { numRuns: 600 },
    );
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  }, 30_000);
});

describe('the conditioner’s port', () => {
  it('query strings and headers through the conditioner', async () => {
    const header = fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''));
    await fc.assert(
      fc.asyncProperty(path, query, header, async (p, q, origin) => {
        const suffix = p.endsWith('long-poll') ? `${q}${q ? '&' : ''}timeoutMs=100` : q;
        const headers: Record<string, string> = origin ? { origin } : {};
        expectSane(
          await send('GET', `${p}?${suffix}`, headers, undefined, { port: conditionerPort, agent: conditionerAgent }),
        );
      }),
      { numRuns: 300 },
    );
  }, 30_000);

  it('raw bytes to the conditioner: the lab answers a coded 4xx or nothing, never crashes', async () => {
    const garbage = fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
      fc.string({ maxLength: 200 }).map((text) => Buffer.from(`${text}\r\n\r\n`)),
      fc.constantFrom(
        Buffer.from('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: x\r\n\r\n'),
        Buffer.from('GET http://evil.example/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'),
        Buffer.from('\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03'), // a TLS hello
      ),
    );
    await fc.assert(
      fc.asyncProperty(garbage, async (bytes) => {
        const raw = await rawConnect(conditionerPort);
        const closed = new Promise<void>((resolve) => raw.socket.once('close', () => resolve()));
        raw.send(bytes);
        await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 150))]);
        raw.close();
        const answer = raw.received().toString('latin1');
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
        if (status === 0) return; // nothing yet: still a head in progress, or closed without a word
        expect(status).toBeLessThan(500);
        const end = headEnd(raw.received());
        if (status >= 400 && end > 0 && end < raw.received().length) {
          expect(JSON.parse(raw.received().subarray(end).toString()).code).toMatch(/^LAB_ERR_[A-Z_]+$/);
        }
      }),
      { numRuns: 150 },
    );
  }, 30_000);
});

describe('WebSocket upgrades', () => {
  it('generated paths and headers: 101 only on the WebSocket path, else a coded 4xx', async () => {
    const upgradePath = fc.oneof(
      fc.constantFrom(
        '/api/feed/websocket',
        '/api/feed/websocket?since=abc',
        '/api/feed/websocket?client=fuzz-up',
        '/socket.io/',
        '/nope',
        '/api/feed/sse',
        '/api/feed/websocket/',
        '//api/feed/websocket',
        '/API/FEED/WEBSOCKET',
        '*',
      ),
      fc.string({ maxLength: 30 }).map((text) => `/${encodeURIComponent(text)}`),
    );
    const host = fc.constantFrom(
      '127.0.0.1',
      'localhost',
      '127.999.999.999',
      'localhost:99999',
      'evil.example',
      '',
      '[::1]',
    );
    const origin = fc.constantFrom(undefined, 'null', 'http://evil.example', () => lab.url);
    const key = fc.constantFrom('dGhlIHNhbXBsZSBub25jZQ==', '', 'short', 'x'.repeat(40));
    const version = fc.constantFrom('13', '8', '', 'abc');
    await fc.assert(
      fc.asyncProperty(upgradePath, host, origin, key, version, async (p, h, o, k, v) => {
        const originValue = typeof o === 'function' ? o() : o;
        const lines = [
          `GET ${p} HTTP/1.1`,
          ...(h ? [`Host: ${h}`] : []),
          ...(originValue !== undefined ? [`Origin: ${originValue}`] : []),
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Key: ${k}`,
          `Sec-WebSocket-Version: ${v}`,
        ];
        const raw = await rawConnect(lab.port);
        raw.send(`${lines.join('\r\n')}\r\n\r\n`);
        const head = await raw.until((bytes) => headEnd(bytes) > 0, 3000).catch(() => raw.received());
        raw.close();
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head.toString('latin1'))?.[1] ?? 0);
        expect(status, `${p} ${h}`).toBeGreaterThan(0);
        expect(status).toBeLessThan(500);
        if (status === 101) {
          expect(p.startsWith('/api/feed/websocket') && !p.startsWith('/api/feed/websocket/')).toBe(true);
          expect(['127.0.0.1', 'localhost', '[::1]']).toContain(h);
        }
      }),
      { numRuns: 300 },
    );
  }, 30_000);
});

describe('control routes', () => {
  // A lab of their own: restarts and settings change its feed on purpose (a new epoch is a gap by design).
  let control: RunningLab;
  beforeAll(async () => {
    control = await startLab({ conditionerPort: 0 });
    await control.app.conditioner.ready();
  });
  afterAll(async () => {
    await control.close();
  });

  it('generated bodies, types and origins: a coded answer, and the lab keeps serving', async () => {
    const settings = fc
      .record(
        {
          scenario: fc.oneof(text, fc.constantFrom('chat-room', '../../etc/passwd', 'stock-ticker')),
          ratePerSecond: fc.oneof(text, fc.double({ max: 50, noNaN: false }), fc.integer({ min: -10, max: 50 })),
          payloadBytes: fc.oneof(text, fc.integer({ min: -10, max: 5000 })),
          running: fc.constantFrom(false, 'yes', 1, null),
          extra: text,
        },
        { requiredKeys: [] },
      )
      .map((value) => JSON.stringify(value));
    const network = fc
      .record(
        {
          profile: fc.oneof(text, fc.constantFrom('custom', 'slow-4g', 'none')),
          rttMs: fc.oneof(fc.integer({ min: -10, max: 100 }), text),
          jitterMs: fc.integer({ min: -10, max: 50 }),
          downKbps: fc.integer({ min: -10, max: 100_000 }),
        },
        { requiredKeys: [] },
      )
      .map((value) => JSON.stringify(value));
    const fault = fc
      .record(
        {
          action: fc.oneof(text, fc.constantFrom('calm', 'stall', 'drop-all', 'chaos')),
          seconds: fc.oneof(fc.integer({ min: -1, max: 2 }), text),
          everySeconds: fc.oneof(fc.integer({ min: -1, max: 2 }), text),
        },
        { requiredKeys: [] },
      )
      .map((value) => JSON.stringify(value));
    const route = fc.oneof(
      fc.tuple(fc.constant('PUT'), fc.constant('/api/feed/settings'), fc.oneof(settings, fc.json())),
      fc.tuple(fc.constant('POST'), fc.constant('/api/feed/restart'), fc.oneof(fc.constant(undefined), fc.json())),
      fc.tuple(fc.constant('PUT'), fc.constant('/api/network'), fc.oneof(network, fc.json())),
      fc.tuple(fc.constant('POST'), fc.constant('/api/network/faults'), fc.oneof(fault, fc.json())),
      fc.tuple(fc.constant('POST'), fc.constant('/api/class/report'), fc.json()),
      fc.tuple(fc.constant('DELETE'), fc.constant('/api/load'), fc.constant(undefined)),
    );
    const type = fc.constantFrom('application/json', 'text/plain', '', 'application/json; charset=utf-16');
    const origin = fc.constantFrom(undefined, 'null', 'http://evil.example', () => control.url);
    const controlAgent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    try {
      await fc.assert(
        fc.asyncProperty(route, type, origin, async ([method, p, body], t, o) => {
          const headers: Record<string, string> = {};
          if (t && body !== undefined) headers['content-type'] = t;
          const originValue = typeof o === 'function' ? o() : o;
          if (originValue !== undefined) headers.origin = originValue;
          const answer = await send(method, p, headers, body as string | undefined, {
            port: control.port,
            agent: controlAgent,
          });
          expectSane(answer);
          if (originValue === 'null' || originValue === 'http://evil.example') expect(answer.status).toBe(403);
        }),
        { numRuns: 400 },
      );
    } finally {
      controlAgent.destroy();
    }
    await send('POST', '/api/network/faults', { 'content-type': 'application/json' }, '{"action":"calm"}', {
      port: control.port,
      agent,
    });
    expect((await fetch(`${control.url}/api/feed/short-poll`)).status).toBe(200);
  }, 60_000);
});

describe('WebSocket messages', () => {
  it('a coded error for each bad message, and the connection stays open', async () => {
    const socket = new WebSocket(`${lab.url.replace('http', 'ws')}/api/feed/websocket?client=fuzz-ws`);
    const replies: { type?: string; code?: string }[] = [];
    socket.on('message', (data, isBinary) => {
      if (!isBinary) replies.push(JSON.parse(String(data)));
    });
    await new Promise((resolve) => socket.once('open', resolve));
    const samples = fc.sample(fc.oneof(fc.string({ maxLength: 100 }), fc.json(), fc.uint8Array({ maxLength: 50 })), {
      numRuns: 30,
      seed: 7,
    });
    for (const sample of samples) socket.send(sample, { binary: sample instanceof Uint8Array });
    await new Promise((resolve) => setTimeout(resolve, 200));
    for (const reply of replies.filter((r) => r.type === 'error')) expect(reply.code).toMatch(/^LAB_ERR_[A-Z_]+$/);
    expect(socket.readyState).toBe(WebSocket.OPEN);
    socket.close();
  });
});

describe('files and flags', () => {
  it('scenario files: parsed, or refused with LAB_ERR_SCENARIO', () => {
    const scenarioish = fc.record(
      {
        id: text,
        title: text,
        summary: text,
        notice: text,
        ratePerSecond: fc.oneof(fc.double(), fc.integer(), text),
        pattern: fc.constantFrom('steady', 'poisson', 'bursty', 'weird'),
        burstSize: fc.integer(),
        payload: fc.record({
          kind: fc.constantFrom('ticker', 'chat', 'sensor', 'x'),
          bytes: fc.integer(),
          binary: fc.boolean(),
        }),
        topics: fc.array(text),
        upstreamPerSecond: fc.double(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(scenarioish, fc.jsonValue()), (value) => {
        try {
          parseScenario(value, 'fuzz.json');
        } catch (error) {
          expect(isLabError(error) && error.code === 'LAB_ERR_SCENARIO').toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('npm start flags: accepted, or refused with LAB_ERR_BAD_FLAG', () => {
    const arg = fc.oneof(
      fc.constantFrom('--port', '--host', '--scenario', '--seed', '--rate', '--help', '-h', '--', '-x'),
      text,
    );
    fc.assert(
      fc.property(fc.array(arg, { maxLength: 6 }), (argv) => {
        try {
          parseStartFlags(argv, {});
        } catch (error) {
          expect(isLabError(error) && error.code === 'LAB_ERR_BAD_FLAG').toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

it('the watching client received every event published during the fuzzing, with no gap', async () => {
  lab.app.feed.stop();
  const newest = lab.app.feed.newestSeq;
  expect(newest).toBeGreaterThan(100);
  await waitFor(() => watcher.seqs.at(-1) === newest, 5000, 'the watcher to catch up');
  expect(watcher.seqs).toEqual(Array.from({ length: newest }, (_, i) => i + 1));
});
