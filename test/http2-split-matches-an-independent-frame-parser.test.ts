/**
 * Over HTTP/2 the lab reads its plaintext frame by frame. Here the test's own
 * client records its plaintext both ways, and the test's own frame parser
 * (test/support/h2-frames.ts) splits it: HPACK bytes (HEADERS and
 * CONTINUATION header blocks) are header, the events' bytes payload, and
 * everything else framing; the wire bytes beyond the plaintext (counted by a
 * proxy of its own) are tls. The lab's meter must agree, to the byte.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestHeaders } from '../load/browser-headers.ts';
import type { TransportMetrics } from '../protocol/metrics.ts';
import { createSelfSignedCertificate } from '../server/tls/self-signed-certificate.ts';
import { MAX_STREAMS_PER_CONNECTION } from '../server/tls/tls-listeners.ts';
import { type CountingProxy, startCountingProxy } from './support/counting-proxy.ts';
import { dataOf, type Frame, headerBlock, parseFrames, settingsOf } from './support/h2-frames.ts';
import { publishMany, type RunningLab, sleep, startLab, waitFor } from './support/lab-server.ts';
import { h2Get, tappedH2Session } from './support/tapped-tls-client.ts';

const HEADERS = 0x1;
const CONTINUATION = 0x9;
const DATA = 0x0;
const SETTINGS = 0x4;
const MAX_CONCURRENT_STREAMS = 0x3;
/** SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 8441 §3): the server's consent to WebSocket over HTTP/2. */
const ENABLE_CONNECT_PROTOCOL = 0x8;

let lab: RunningLab;
let h2Port: number;
let proxy: CountingProxy;

beforeAll(async () => {
  lab = await startLab({ https: { h2Port: 0, http1Port: 0, certificate: createSelfSignedCertificate() } });
  h2Port = (await lab.app.httpsReady())?.h2Port ?? 0;
});
afterAll(async () => {
  await lab.close();
});

async function metricsOf(client: string): Promise<Record<string, TransportMetrics>> {
  const response = await fetch(`${lab.url}/api/metrics?client=${client}`);
  return ((await response.json()) as { transports: Record<string, TransportMetrics> }).transports;
}

const headerBytes = (frames: Frame[]): number =>
  frames.filter((f) => f.type === HEADERS || f.type === CONTINUATION).reduce((n, f) => n + headerBlock(f).length, 0);

describe('HTTP/2: the meter splits as an independent frame parser does', () => {
  it('short polling: header = HPACK bytes each way, payload = the events, the rest framing, and tls = wire − plaintext', async () => {
    proxy = await startCountingProxy(h2Port);
    const client = 'h2-split-poll';
    const origin = `https://127.0.0.1:${h2Port}`;
    const connection = await tappedH2Session(proxy.port);
    expect(connection.alpn()).toBe('h2');
    const bodies: string[] = [];
    let since = 0;
    for (let i = 0; i < 6; i++) {
      if (i % 2 === 1) publishMany(lab.app, 2);
      const answer = await h2Get(
        connection.session,
        `/api/feed/short-poll?client=${client}&since=${since}`,
        requestHeaders('browser', 'fetch-get', origin),
      );
      expect(answer.status).toBe(200);
      bodies.push(answer.body);
      since = (JSON.parse(answer.body) as { next: number }).next;
    }
    // Compared while the connection is idle and open: what either side sent, the other has read.
    await sleep(300);
    const up = parseFrames(connection.sent(), true);
    const down = parseFrames(connection.received(), false);
    // The events as the test received them: each one's JSON, cut from the answers' bodies.
    const eventBytes = bodies
      .flatMap((body) => (JSON.parse(body) as { events: unknown[] }).events)
      .reduce<number>((n, event) => n + Buffer.byteLength(JSON.stringify(event)), 0);
    expect(eventBytes).toBeGreaterThan(0);

    const poll = (await metricsOf(client))['short-poll'];
    expect(poll?.requests).toBe(6);
    expect(poll?.protocols).toEqual({ 'http/1.1': 0, h2: 1 });
    expect(poll?.bytes.up.header).toBe(headerBytes(up));
    expect(poll?.bytes.down.header).toBe(headerBytes(down));
    expect(poll?.bytes.down.payload).toBe(eventBytes);
    expect(poll?.bytes.up.payload).toBe(0);
    expect(poll?.bytes.up.framing).toBe(connection.sent().length - headerBytes(up));
    expect(poll?.bytes.down.framing).toBe(connection.received().length - headerBytes(down) - eventBytes);
    expect(poll?.bytes.up.tls).toBe(proxy.bytes().up - connection.sent().length);
    expect(poll?.bytes.down.tls).toBe(proxy.bytes().down - connection.received().length);
    connection.session.close();
    await connection.closed;
    await proxy.close();
  });

  it('a repeated poll request costs under 60 B of HPACK after the first (12 Chrome-like headers); /api/https shows the table', async () => {
    const connection = await tappedH2Session(h2Port);
    const origin = `https://127.0.0.1:${h2Port}`;
    for (let i = 0; i < 4; i++) {
      await h2Get(
        connection.session,
        '/api/feed/short-poll?client=h2-hpack',
        requestHeaders('browser', 'fetch-get', origin),
      );
    }
    // What HPACK remembers on this connection: the head's fields, each with 32 B of overhead (RFC 7541 §4.1).
    const https = (await (await fetch(`${lab.url}/api/https`)).json()) as {
      sessions: { peer: string; requestTableBytes: number }[];
    };
    const own = https.sessions.find((s) => s.peer === `127.0.0.1:${connection.localPort()}`);
    expect(own, JSON.stringify(https.sessions)).toBeDefined();
    expect(own?.requestTableBytes).toBeGreaterThan(300);
    connection.session.close();
    const requests = parseFrames(connection.sent(), true).filter((f) => f.type === HEADERS);
    const sizes = requests.map((f) => headerBlock(f).length);
    expect(sizes).toHaveLength(4);
    // The first head carries every field literally; later ones point into HPACK's dynamic table.
    expect(sizes[0]).toBeGreaterThan(200);
    for (const later of sizes.slice(1)) expect(later).toBeLessThan(60);
  });

  it('SSE: the events travel in DATA frames with their fields and no chunk lines; the split agrees', async () => {
    const client = 'h2-split-sse';
    const connection = await tappedH2Session(h2Port);
    const stream = connection.session.request({ ':path': `/api/feed/sse?client=${client}` });
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      text += chunk;
    });
    await waitFor(() => text.includes('event: hello'), 3000, 'the hello event');
    publishMany(lab.app, 5);
    await waitFor(
      () => (text.match(/\nid: \d+\ndata: /g) ?? []).length === 5 || text.split('\n\n').length > 6,
      3000,
      'five events',
    );
    stream.close();
    connection.session.close();
    await connection.closed;
    await sleep(200);

    const up = parseFrames(connection.sent(), true);
    const down = parseFrames(connection.received(), false);
    const events = text
      .split('\n\n')
      .filter((message) => message.startsWith('id: ') && !message.includes('event: '))
      .map((message) => message.slice(message.indexOf('data: ') + 'data: '.length));
    expect(events).toHaveLength(5);
    const eventBytes = events.reduce((n, json) => n + Buffer.byteLength(json), 0);
    const sse = (await metricsOf(client)).sse;
    expect(sse?.messages).toBe(5);
    expect(sse?.protocols).toEqual({ 'http/1.1': 0, h2: 1 });
    expect(sse?.bytes.up.header).toBe(headerBytes(up));
    expect(sse?.bytes.down.header).toBe(headerBytes(down));
    expect(sse?.bytes.down.payload).toBe(eventBytes);
    expect(sse?.bytes.down.framing).toBe(connection.received().length - headerBytes(down) - eventBytes);
    // No chunked encoding on HTTP/2: after the hello, the DATA is exactly `id: N\ndata: JSON\n\n` per event.
    const data = Buffer.concat(down.filter((f) => f.type === DATA).map(dataOf)).toString();
    expect(data.slice(data.indexOf('\n\n') + 2)).toBe(
      events.map((json) => `id: ${(JSON.parse(json) as { seq: number }).seq}\ndata: ${json}\n\n`).join(''),
    );
  });

  it('does not advertise extended CONNECT (WebSocket is not offered over HTTP/2) and bounds streams per connection', async () => {
    const connection = await tappedH2Session(h2Port);
    await h2Get(connection.session, '/api/clock');
    connection.session.close();
    const settings = parseFrames(connection.received(), false).filter((f) => f.type === SETTINGS && !(f.flags & 0x1));
    expect(settings.length).toBeGreaterThan(0);
    for (const frame of settings) expect(settingsOf(frame).has(ENABLE_CONNECT_PROTOCOL)).toBe(false);
    // And it bounds the streams one connection may open (Node's own default would be 2^32 − 1).
    expect(settingsOf(settings[0] as Frame).get(MAX_CONCURRENT_STREAMS)).toBe(MAX_STREAMS_PER_CONNECTION);
  });
});
