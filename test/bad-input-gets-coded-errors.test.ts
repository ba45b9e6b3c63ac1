/**
 * Bad input gets a 4xx with {"code":"LAB_ERR_…","message","hint"}, never a
 * crash, and a client watching the feed keeps receiving every event.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type FeedWatcher, watchFeed } from './support/feed-watcher.ts';
import { type RunningLab, startLab, waitFor } from './support/lab-server.ts';

let lab: RunningLab;
let watcher: FeedWatcher;

beforeAll(async () => {
  lab = await startLab();
  watcher = await watchFeed(lab.url, 'watcher');
});
afterAll(async () => {
  watcher.close();
  await lab.close();
});

async function expectError(response: Response, status: number, code: string): Promise<void> {
  const body = (await response.json()) as { code: string; message: string; hint: string };
  expect(response.status).toBe(status);
  expect(body.code).toBe(code);
  expect(body.message.length).toBeGreaterThan(0);
  expect(body.hint.length).toBeGreaterThan(0);
}

describe('query strings', () => {
  const transports = ['short-poll', 'long-poll', 'sse', 'websocket'];
  for (const transport of transports) {
    for (const [since, why] of [
      ['abc', 'not a number'],
      ['-1', 'negative'],
      ['9007199254740993', 'beyond a safe integer'],
      ['1.5', 'a fraction'],
      ['', 'empty'],
    ]) {
      it(`${transport}: since=${since} (${why}) → 400 LAB_ERR_BAD_QUERY`, async () => {
        await expectError(await fetch(`${lab.url}/api/feed/${transport}?since=${since}`), 400, 'LAB_ERR_BAD_QUERY');
      });
    }
  }

  it('a repeated parameter, a bad client id and a bad epoch are refused', async () => {
    await expectError(await fetch(`${lab.url}/api/feed/short-poll?since=1&since=2`), 400, 'LAB_ERR_BAD_QUERY');
    await expectError(await fetch(`${lab.url}/api/feed/short-poll?client=${'x'.repeat(65)}`), 400, 'LAB_ERR_BAD_QUERY');
    await expectError(await fetch(`${lab.url}/api/feed/short-poll?client=a%20b`), 400, 'LAB_ERR_BAD_QUERY');
    await expectError(await fetch(`${lab.url}/api/feed/long-poll?epoch=%3Cscript%3E`), 400, 'LAB_ERR_BAD_QUERY');
    await expectError(await fetch(`${lab.url}/api/feed/long-poll?timeoutMs=5`), 400, 'LAB_ERR_BAD_QUERY');
  });

  it('a bad query on the WebSocket endpoint is refused with 400 before the upgrade', async () => {
    const socket = new WebSocket(`${lab.url.replace('http', 'ws')}/api/feed/websocket?since=abc`);
    const status = await new Promise<number>((resolve) => {
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('open', () => resolve(101));
      socket.on('error', () => {});
    });
    expect(status).toBe(400);
  });

  it('an unknown transport path → 404 LAB_ERR_NOT_FOUND', async () => {
    await expectError(await fetch(`${lab.url}/api/feed/carrier-pigeon`), 404, 'LAB_ERR_NOT_FOUND');
  });
});

describe('publish bodies', () => {
  const publish = (body: string, contentType = 'application/json', query = '') =>
    fetch(`${lab.url}/api/feed/publish${query}`, { method: 'POST', headers: { 'content-type': contentType }, body });

  it('a good body publishes and answers its seq', async () => {
    const response = await publish(JSON.stringify({ client: 'pub', id: '1', data: 'hi' }));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { seq: number; epoch: string };
    expect(body.epoch).toBe(lab.app.feed.epoch);
    expect(body.seq).toBe(lab.app.feed.newestSeq);
  });

  it.each([
    ['not JSON', '{"data":', 400, 'LAB_ERR_BAD_JSON'],
    ['an empty body', '', 400, 'LAB_ERR_BAD_JSON'],
    ['an array', '[1,2]', 400, 'LAB_ERR_BAD_BODY'],
    ['no data', '{"id":"1"}', 400, 'LAB_ERR_BAD_BODY'],
    ['an unknown field', '{"data":1,"extra":2}', 400, 'LAB_ERR_BAD_BODY'],
    ['a bad id', '{"data":1,"id":{"a":1}}', 400, 'LAB_ERR_BAD_BODY'],
    ['__proto__ at the top', '{"data":1,"__proto__":{"polluted":true}}', 400, 'LAB_ERR_FORBIDDEN_KEY'],
    ['__proto__ nested', '{"data":{"a":{"__proto__":{"polluted":true}}}}', 400, 'LAB_ERR_FORBIDDEN_KEY'],
    ['constructor.prototype', '{"data":{"constructor":{"prototype":{"x":1}}}}', 400, 'LAB_ERR_FORBIDDEN_KEY'],
  ])('%s → %s %s', async (_name, body, status, code) => {
    await expectError(await publish(body), status, code);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a wrong content type → 415', async () => {
    await expectError(await publish('{"data":1}', 'text/plain'), 415, 'LAB_ERR_UNSUPPORTED_MEDIA_TYPE');
    await expectError(
      await publish('data=1', 'application/x-www-form-urlencoded'),
      415,
      'LAB_ERR_UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('an oversized body → 413', async () => {
    await expectError(await publish(JSON.stringify({ data: 'x'.repeat(70_000) })), 413, 'LAB_ERR_BODY_TOO_LARGE');
  });

  it('a bad transport name → 400', async () => {
    await expectError(
      await publish('{"data":1}', 'application/json', '?transport=websocket'),
      400,
      'LAB_ERR_BAD_QUERY',
    );
  });
});

describe('WebSocket messages', () => {
  it('a non-JSON or forbidden message gets a coded error back and the connection stays up', async () => {
    const socket = new WebSocket(`${lab.url.replace('http', 'ws')}/api/feed/websocket?client=badws`);
    const errors: string[] = [];
    const seqs: number[] = [];
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type?: string; code?: string; seq?: number };
      if (message.type === 'error' && message.code) errors.push(message.code);
      if (message.seq !== undefined) seqs.push(message.seq);
    });
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send('not json');
    socket.send('{"data":{"__proto__":{"x":1}}}');
    socket.send('[1]');
    socket.send(Buffer.from([1, 2, 3]), { binary: true });
    await waitFor(() => errors.length === 4, 3000, 'four error replies');
    expect(errors).toEqual(['LAB_ERR_BAD_JSON', 'LAB_ERR_FORBIDDEN_KEY', 'LAB_ERR_BAD_BODY', 'LAB_ERR_BAD_MESSAGE']);
    socket.send(JSON.stringify({ id: 'ok', data: 'still here' }));
    await waitFor(() => seqs.length === 1, 3000, 'the good message coming back');
    expect(socket.readyState).toBe(WebSocket.OPEN);
    socket.close();
  });
});

describe('malformed HTTP', () => {
  it('garbage on the socket gets a coded 400 and the lab keeps serving', async () => {
    const socket = net.connect(lab.port, '127.0.0.1');
    socket.write('THIS IS NOT HTTP\r\n\r\n');
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      socket.on('data', (d) => {
        text += d;
      });
      socket.on('close', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1.1 400/);
    expect(answer).toContain('"code":"LAB_ERR_BAD_REQUEST"');
  });
});

describe('nothing is lost for anyone else', () => {
  it('the watching client received every event published during the bad-input storm, in order', async () => {
    lab.app.feed.publish({ topic: 'test', data: 'last' });
    const newest = lab.app.feed.newestSeq;
    await waitFor(() => watcher.seqs.at(-1) === newest, 3000, 'the watcher to catch up');
    expect(watcher.seqs).toEqual(Array.from({ length: newest }, (_, i) => i + 1));
  });
});
