/**
 * Conditional short polling (`?conditional=1`): every answer carries the
 * ETag `"<epoch>.<next>"`, and a request whose `If-None-Match` names it gets
 * `304 Not Modified` — a head, no body — while nothing new came. Pinned on
 * the wire: the 304's exact bytes over HTTP/1.1 (a raw socket), and over
 * HTTP/2 its single HEADERS frame as the test's own frame parser reads it
 * from its own plaintext, its fields as Node's own HPACK decoder gives them.
 */
import type http2 from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFeedClient } from '../clients/client-registry.ts';
import type { FeedClient } from '../clients/feed-client.ts';
import { nodeEnv, nodeTlsEnv } from '../clients/node-env.ts';
import type { TransportMetrics } from '../protocol/metrics.ts';
import { createSelfSignedCertificate } from '../server/tls/self-signed-certificate.ts';
import { headerBlock, parseFrames } from './support/h2-frames.ts';
import { publishMany, type RunningLab, sleep, startLab, waitFor } from './support/lab-server.ts';
import { completeResponse, headEnd, rawConnect } from './support/raw-socket.ts';
import { h2Get, tappedH2Session } from './support/tapped-tls-client.ts';

let lab: RunningLab;
let h2Port: number;
let certificatePem: string;

beforeAll(async () => {
  const certificate = createSelfSignedCertificate();
  certificatePem = certificate.cert;
  lab = await startLab({ https: { h2Port: 0, http1Port: 0, certificate } });
  h2Port = (await lab.app.httpsReady())?.h2Port ?? 0;
});
afterAll(async () => {
  await lab.close();
});

async function shortPollOf(client: string): Promise<TransportMetrics> {
  const body = (await (await fetch(`${lab.url}/api/metrics?client=${client}`)).json()) as {
    transports: Record<string, TransportMetrics>;
  };
  return body.transports['short-poll'] as TransportMetrics;
}

const request = (path: string, extra = ''): string =>
  `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${lab.port}\r\n${extra}\r\n`;

describe('conditional short polling over HTTP/1.1', () => {
  it('an unchanged answer is exactly a 304 head with the ETag and no body; a new event brings a 200 with a new ETag', async () => {
    const client = 'cond-h1';
    const epoch = lab.app.feed.epoch;
    const since = lab.app.feed.newestSeq;
    const path = `/api/feed/short-poll?client=${client}&since=${since}&conditional=1`;
    const socket = await rawConnect(lab.port);
    socket.send(request(path));
    const first = await socket.until((bytes) => completeResponse(bytes) !== null);
    const etag = `"${epoch}.${since}"`;
    expect(first.toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(first.toString('latin1')).toContain(`\r\netag: ${etag}\r\n`);

    const before = await shortPollOf(client);
    const from = first.length;
    socket.send(request(path, `If-None-Match: ${etag}\r\n`));
    const answer = (await socket.until((bytes) => headEnd(bytes.subarray(from)) > 0)).subarray(from);
    await sleep(100);
    const notModified = socket.received().subarray(from);
    expect(notModified.length).toBe(answer.length); // nothing after the head: no body
    expect(notModified.toString('latin1')).toMatch(
      new RegExp(
        `^HTTP/1\\.1 304 Not Modified\\r\\netag: ${etag}\\r\\ncache-control: no-store\\r\\n` +
          'Date: [A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT\\r\\n' +
          'Connection: keep-alive\\r\\nKeep-Alive: timeout=72\\r\\n\\r\\n$',
      ),
    );
    const after = await shortPollOf(client);
    expect(after.requests - before.requests).toBe(1);
    expect(after.notModified - before.notModified).toBe(1);
    expect(after.emptyResponses - before.emptyResponses).toBe(1);
    expect(after.bytes.down.header - before.bytes.down.header).toBe(notModified.length);
    expect(after.bytes.down.framing + after.bytes.down.payload).toBe(
      before.bytes.down.framing + before.bytes.down.payload,
    );

    publishMany(lab.app, 1);
    const at = socket.received().length;
    socket.send(request(path, `If-None-Match: ${etag}\r\n`));
    const changed = (await socket.until((bytes) => completeResponse(bytes.subarray(at)) !== null)).subarray(at);
    expect(changed.toString('latin1')).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(changed.toString('latin1')).toContain(`\r\netag: "${epoch}.${since + 1}"\r\n`);
    socket.close();
  });

  it('without conditional=1 an If-None-Match changes nothing: a 200 and no ETag', async () => {
    const since = lab.app.feed.newestSeq;
    const answer = await fetch(`${lab.url}/api/feed/short-poll?since=${since}`, {
      headers: { 'if-none-match': `"${lab.app.feed.epoch}.${since}"` },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('etag')).toBeNull();
  });

  it('a reset is never a 304, even with a matching tag', async () => {
    const since = lab.app.feed.newestSeq + 5;
    const answer = await fetch(`${lab.url}/api/feed/short-poll?since=${since}&conditional=1`, {
      headers: { 'if-none-match': '*' },
    });
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { reset?: string }).reset).toBe('future-seq');
  });

  it('conditional must be 1 or 0: anything else is a coded error with a hint', async () => {
    const answer = await fetch(`${lab.url}/api/feed/short-poll?conditional=yes`);
    expect(answer.status).toBe(400);
    const body = (await answer.json()) as { code: string; message: string; hint: string };
    expect(body.code).toBe('LAB_ERR_BAD_QUERY');
    expect(body.message).toMatch(/"conditional" must be 1 or 0/);
    expect(body.hint.length).toBeGreaterThan(0);
  });
});

describe('conditional short polling over HTTP/2', () => {
  it('the 304 is one HEADERS frame (END_STREAM, END_HEADERS) and no DATA; the meter counts its HPACK bytes as header', async () => {
    const client = 'cond-h2';
    const connection = await tappedH2Session(h2Port);
    const epoch = lab.app.feed.epoch;
    const since = lab.app.feed.newestSeq;
    const path = `/api/feed/short-poll?client=${client}&since=${since}&conditional=1`;
    expect((await h2Get(connection.session, path)).status).toBe(200);
    await sleep(100);
    const before = await shortPollOf(client);
    const receivedBefore = connection.received().length;
    const heads = await new Promise<http2.IncomingHttpHeaders>((resolve, reject) => {
      const stream = connection.session.request({ ':path': path, 'if-none-match': `"${epoch}.${since}"` });
      let head: http2.IncomingHttpHeaders = {};
      stream.on('response', (h) => {
        head = h;
      });
      stream.on('data', () => reject(new Error('a 304 has no body')));
      stream.on('end', () => resolve(head));
      stream.on('error', reject);
      stream.end();
    });
    await sleep(100);
    expect(heads[':status']).toBe(304);
    expect(heads.etag).toBe(`"${epoch}.${since}"`);
    // Node's own HPACK decoder read these fields from the block: a head without body fields.
    expect(Object.keys(heads).sort()).toEqual([':status', 'cache-control', 'date', 'etag']);

    const down = parseFrames(connection.received(), false);
    const lastStream = Math.max(...down.map((f) => f.streamId));
    const frames = down.filter((f) => f.streamId === lastStream);
    expect(frames.map((f) => [f.type, f.flags])).toEqual([[0x1, 0x1 | 0x4]]);
    const block = headerBlock(frames[0] ?? { type: 1, flags: 0, streamId: 0, payload: Buffer.alloc(0) });
    expect(block.length).toBeGreaterThan(0);
    const after = await shortPollOf(client);
    expect(after.notModified - before.notModified).toBe(1);
    expect(after.bytes.down.header - before.bytes.down.header).toBe(block.length);
    expect(after.bytes.down.payload).toBe(before.bytes.down.payload);
    expect(connection.received().length).toBeGreaterThan(receivedBefore);
    connection.session.close();
  });
});

describe('the short-poll client, conditional', () => {
  for (const version of ['HTTP/1.1', 'HTTP/2'] as const) {
    it(`${version}: gets every event once, and its idle polls are 304s`, async () => {
      const client = `cond-client-${version === 'HTTP/2' ? 'h2' : 'h1'}`;
      const tlsEnv = version === 'HTTP/2' ? nodeTlsEnv({ ca: certificatePem, http2: true }) : null;
      const received: number[] = [];
      const feedClient: FeedClient = createFeedClient('short-poll', {
        baseUrl: tlsEnv ? `https://localhost:${h2Port}` : lab.url,
        clientId: client,
        env: tlsEnv ?? nodeEnv(),
        shortPollIntervalMs: 20,
        shortPollConditional: true,
        onEvent: (event) => received.push(event.seq),
      });
      feedClient.start();
      try {
        await waitFor(() => feedClient.stats().state === 'open', 5000, 'the client open');
        const first = lab.app.feed.newestSeq + 1;
        for (let i = 0; i < 3; i++) {
          await sleep(150);
          publishMany(lab.app, 2);
        }
        await waitFor(() => received.length >= 6, 5000, 'six events');
        await sleep(150);
        expect(received).toEqual([0, 1, 2, 3, 4, 5].map((i) => first + i));
        expect(feedClient.stats().errors).toBe(0);
        const poll = await shortPollOf(client);
        expect(poll.notModified).toBeGreaterThan(3);
        expect(poll.notModified).toBeLessThan(poll.requests);
        expect(poll.protocols[version === 'HTTP/2' ? 'h2' : 'http/1.1']).toBeGreaterThan(0);
      } finally {
        feedClient.stop();
        await tlsEnv?.close();
      }
    });
  }
});
