/**
 * Requests too big or mistyped get the precise status, in the lab's error
 * shape: a head over the limit 431, a request line over 8 KiB 414, a body in
 * another type or charset 415 naming what was sent (only UTF-8 JSON is read,
 * on every route that takes a body). A watcher misses nothing.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_REQUEST_LINE_BYTES } from '../server/client-error-answer.ts';
import { type FeedWatcher, watchFeed } from './support/feed-watcher.ts';
import { publishMany, type RunningLab, startLab, waitFor } from './support/lab-server.ts';
import { rawConnect } from './support/raw-socket.ts';

let lab: RunningLab;
let watcher: FeedWatcher;

beforeAll(async () => {
  lab = await startLab();
  watcher = await watchFeed(lab.url, 'limits-watcher', 0);
});
afterAll(async () => {
  watcher.close();
  await lab.close();
});

/** A raw request in one piece; the whole answer once the lab closes the connection. */
async function rawAnswer(request: string): Promise<{ status: number; body: { code?: string; message?: string } }> {
  const raw = await rawConnect(lab.port);
  const closed = new Promise<void>((resolve) => raw.socket.once('close', () => resolve()));
  raw.send(request);
  await closed;
  const text = raw.received().toString();
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
  const body = text.slice(text.indexOf('\r\n\r\n') + 4);
  return { status, body: body ? JSON.parse(body) : {} };
}

function send(method: string, path: string, headers: Record<string, string>, body?: string) {
  return new Promise<{ status: number; body: { code?: string; message?: string } }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: lab.port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (d) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('sizes', () => {
  it('a head over 16 KiB → 431 LAB_ERR_HEADERS_TOO_LARGE', async () => {
    const answer = await rawAnswer(
      `GET /api/feed/short-poll HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`,
    );
    expect(answer.status).toBe(431);
    expect(answer.body.code).toBe('LAB_ERR_HEADERS_TOO_LARGE');
  });

  it('a request line over 16 KiB → 414 LAB_ERR_URI_TOO_LONG', async () => {
    const answer = await rawAnswer(
      `GET /api/feed/short-poll?x=${'u'.repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`,
    );
    expect(answer.status).toBe(414);
    expect(answer.body.code).toBe('LAB_ERR_URI_TOO_LONG');
  });

  it('a request line over 8 KiB that fits in the head → 414 too', async () => {
    const path = `/api/feed/short-poll?x=${'u'.repeat(MAX_REQUEST_LINE_BYTES)}`;
    const answer = await send('GET', path, {});
    expect(answer.status).toBe(414);
    expect(answer.body.code).toBe('LAB_ERR_URI_TOO_LONG');
  });
});

describe('content types', () => {
  it.each([
    ['PUT', '/api/feed/settings', 'text/plain', '"text/plain"'],
    ['POST', '/api/class/report', 'application/x-www-form-urlencoded', '"application/x-www-form-urlencoded"'],
    ['PUT', '/api/network', 'text/xml', '"text/xml"'],
  ])('%s %s with %s → 415 naming it', async (method, path, type, named) => {
    const answer = await send(method, path, { 'content-type': type }, '{}');
    expect(answer.status).toBe(415);
    expect(answer.body.code).toBe('LAB_ERR_UNSUPPORTED_MEDIA_TYPE');
    expect(answer.body.message).toContain(named);
  });

  it('a body with no Content-Type → 415 saying there was none', async () => {
    const answer = await send('PUT', '/api/feed/settings', { 'content-length': '2' }, '{}');
    expect(answer.status).toBe(415);
    expect(answer.body.message).toContain('none');
  });

  it.each([
    ['POST', '/api/feed/publish?client=u16', '{"data":"hi"}'],
    ['PUT', '/api/feed/settings', '{"ratePerSecond":5}'],
  ])('%s %s in charset=utf-16 → 415, not read as UTF-8', async (method, path, body) => {
    const seq = lab.app.feed.newestSeq;
    const answer = await send(method, path, { 'content-type': 'application/json; charset=utf-16' }, body);
    expect(answer.status).toBe(415);
    expect(answer.body.message).toContain('UTF-8');
    expect(lab.app.feed.newestSeq).toBe(seq);
  });

  it('charset=utf-8 (any case, quoted) is read', async () => {
    for (const type of ['application/json; charset=utf-8', 'application/json;charset="UTF-8"']) {
      const answer = await send('POST', '/api/feed/publish?client=u8', { 'content-type': type }, '{"data":"hi"}');
      expect(answer.status, type).toBe(200);
    }
  });
});

it('the watcher received every event, with no gap', async () => {
  publishMany(lab.app, 20);
  const newest = lab.app.feed.newestSeq;
  await waitFor(() => watcher.seqs.length === newest, 5000, 'the watcher');
  expect(watcher.seqs).toEqual(Array.from({ length: newest }, (_, i) => i + 1));
});
