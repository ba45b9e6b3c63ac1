/**
 * The lab's guards hold on the HTTPS ports as on the plain one: over HTTP/2 a
 * foreign `:authority` is 421 and a foreign Origin 403 on the feed, with the
 * lab's error body; a WebSocket upgrade over TLS is answered 101 only on the
 * WebSocket route; an extended CONNECT (WebSocket over HTTP/2, RFC 8441) is
 * refused, since the lab does not offer it; and a page of the lab's own
 * HTTPS origin may use the feed from the other HTTPS port (CORS).
 */
import http2 from 'node:http2';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedCertificate } from '../server/tls/self-signed-certificate.ts';
import { type RunningLab, startLab } from './support/lab-server.ts';

let lab: RunningLab;
let ports: { h2Port: number; http1Port: number };
let session: http2.ClientHttp2Session;

beforeAll(async () => {
  lab = await startLab({ https: { h2Port: 0, http1Port: 0, certificate: createSelfSignedCertificate() } });
  const ready = await lab.app.httpsReady();
  if (!ready) throw new Error('the HTTPS ports did not start');
  ports = ready;
  session = http2.connect(`https://127.0.0.1:${ports.h2Port}`, { rejectUnauthorized: false });
  session.on('error', () => {});
});
afterAll(async () => {
  session.close();
  await lab.close();
});

function request(
  headers: http2.OutgoingHttpHeaders,
): Promise<{ status: number; headers: http2.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const stream = session.request(headers);
    let body = '';
    let head: http2.IncomingHttpHeaders = {};
    stream.setEncoding('utf8');
    stream.on('response', (h) => {
      head = h;
    });
    stream.on('data', (text: string) => {
      body += text;
    });
    stream.on('end', () => resolve({ status: Number(head[':status']), headers: head, body }));
    stream.on('error', reject);
  });
}

/** The raw HTTP/1.1 answer to `head` sent over a TLS connection to `port` (no ALPN h2). */
async function overTls(port: number, head: string): Promise<string> {
  const socket = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] });
  await new Promise((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  });
  socket.write(head);
  let text = '';
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString('latin1');
  });
  await new Promise((resolve) => {
    socket.once('close', resolve);
    setTimeout(resolve, 1000);
  });
  socket.destroy();
  return text;
}

describe('guards on the HTTPS ports', () => {
  it('HTTP/2: a foreign :authority is 421 LAB_ERR_BAD_HOST', async () => {
    const answer = await request({ ':path': '/api/feed/short-poll', ':authority': 'evil.example' });
    expect(answer.status).toBe(421);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'LAB_ERR_BAD_HOST' });
  });

  it("HTTP/2: a foreign Origin on the feed is 403 LAB_ERR_FOREIGN_ORIGIN; the lab's own HTTPS origins get CORS", async () => {
    const foreign = await request({ ':path': '/api/feed/short-poll', origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(JSON.parse(foreign.body)).toMatchObject({ code: 'LAB_ERR_FOREIGN_ORIGIN' });
    const own = `https://127.0.0.1:${ports.http1Port}`;
    const allowed = await request({ ':path': '/api/feed/short-poll', origin: own });
    expect(allowed.status).toBe(200);
    expect(allowed.headers['access-control-allow-origin']).toBe(own);
  });

  it("HTTP/2: an unknown path is the lab's 404 with its code", async () => {
    const answer = await request({ ':path': '/nowhere' });
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body)).toMatchObject({ code: 'LAB_ERR_NOT_FOUND' });
  });

  it('HTTP/2: extended CONNECT is not offered, and a WebSocket over HTTP/2 dies with PROTOCOL_ERROR', async () => {
    if (!session.remoteSettings.headerTableSize)
      await new Promise((resolve) => session.once('remoteSettings', resolve));
    expect(session.remoteSettings.enableConnectProtocol).toBe(false);
    const rstCode = await new Promise<number | undefined>((resolve) => {
      const stream = session.request({
        ':method': 'CONNECT',
        ':protocol': 'websocket',
        ':path': '/api/feed/websocket',
        ':scheme': 'https',
      });
      stream.on('response', () => resolve(-1));
      stream.on('error', () => {});
      stream.on('close', () => resolve(stream.rstCode));
    });
    expect(rstCode).toBe(http2.constants.NGHTTP2_PROTOCOL_ERROR);
  });

  it("HTTP/1.1 over TLS: an upgrade off the WebSocket route is the lab's 404, no 101", async () => {
    const key = 'dGhlIHNhbXBsZSBub25jZQ==';
    const head = (path: string): string =>
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`;
    for (const port of [ports.h2Port, ports.http1Port]) {
      const refused = await overTls(port, head('/api/clock'));
      expect(refused.startsWith('HTTP/1.1 404'), refused.slice(0, 80)).toBe(true);
      expect(refused).toContain('LAB_ERR_NOT_FOUND');
      const accepted = await overTls(port, head('/api/feed/websocket'));
      expect(accepted.startsWith('HTTP/1.1 101'), accepted.slice(0, 80)).toBe(true);
    }
  });
});
