/**
 * Generated input on every surface — query strings, headers, publish bodies,
 * WebSocket messages, scenario files, CLI flags: the lab never crashes, never
 * answers 5xx, every refusal carries a LAB_ERR_ code, and a client watching
 * the feed meanwhile receives every event with no gap.
 */
import http from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { isLabError } from '../server/errors.ts';
import { parseScenario } from '../server/feed/scenario.ts';
import { parseStartFlags } from '../server/start-flags.ts';
import { type FeedWatcher, watchFeed } from './support/feed-watcher.ts';
import { type RunningLab, startLab, waitFor } from './support/lab-server.ts';

let lab: RunningLab;
let watcher: FeedWatcher;
let agent: http.Agent;

beforeAll(async () => {
  // The feed runs all along (100 events/s), so the watcher checks that fuzzing never disturbs it.
  lab = await startLab({ autostart: true, ratePerSecond: 100 });
  agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  watcher = await watchFeed(lab.url, 'fuzz-watcher', 0);
});
afterAll(async () => {
  watcher.close();
  agent.destroy();
  await lab.close();
});

interface Answer {
  status: number;
  body: string;
}

function send(method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port: lab.port, method, path, headers, agent }, (res) => {
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
    );
    let sender = 0;
    await fc.assert(
      fc.asyncProperty(body, type, async (b, t) => {
        sender += 1; // a fresh sender each time, so the rate limit does not hide the parser
        const headers: Record<string, string> = t ? { 'content-type': t } : {};
        expectSane(await send('POST', `/api/feed/publish?client=fuzz-${sender}`, headers, b));
      }),
      { numRuns: 600 },
    );
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  }, 30_000);
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
