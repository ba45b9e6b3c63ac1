/**
 * Over HTTP/2 the lab still knows who sends: the upstream budget is keyed by
 * the sender's address (the TCP socket under the TLS session), so one
 * address that spends its burst is refused with 429 while another address
 * keeps its own budget — as over HTTP/1.1.
 */
import http2 from 'node:http2';
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { UPSTREAM_LIMITS } from '../server/security/upstream-budget.ts';
import { createSelfSignedCertificate } from '../server/tls/self-signed-certificate.ts';
import { type RunningLab, startLab } from './support/lab-server.ts';

let lab: RunningLab;
let h2Port: number;
const sessions: http2.ClientHttp2Session[] = [];

beforeAll(async () => {
  lab = await startLab({ https: { h2Port: 0, http1Port: 0, certificate: createSelfSignedCertificate() } });
  h2Port = (await lab.app.httpsReady())?.h2Port ?? 0;
});
afterAll(async () => {
  for (const session of sessions) session.close();
  await lab.close();
});

/** An HTTP/2 session whose TCP connection leaves from `from` (another address of 127.0.0.0/8). */
function sessionFrom(from: string): http2.ClientHttp2Session {
  const session = http2.connect(`https://127.0.0.1:${h2Port}`, {
    createConnection: () =>
      tls.connect({
        socket: net.connect({ host: '127.0.0.1', port: h2Port, localAddress: from }),
        ALPNProtocols: ['h2'],
        rejectUnauthorized: false,
      }),
  });
  session.on('error', () => {});
  sessions.push(session);
  return session;
}

function publish(session: http2.ClientHttp2Session, client: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ data: 'hello' });
    const stream = session.request({
      ':method': 'POST',
      ':path': `/api/feed/publish?client=${client}`,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
    });
    let status = 0;
    let text = '';
    stream.on('response', (head) => {
      status = Number(head[':status']);
    });
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    stream.on('end', () => resolve({ status, body: text }));
    stream.on('error', reject);
    stream.end(body);
  });
}

it('one address past its burst gets 429 LAB_ERR_RATE_LIMITED; another address is not held to it', async () => {
  const first = sessionFrom('127.0.0.2');
  const statuses: number[] = [];
  let refusal = '';
  // A fresh client id per message buys nothing: the budget is the address's.
  const started = performance.now();
  for (let i = 0; i < UPSTREAM_LIMITS.perAddressBurst + 5; i++) {
    const answer = await publish(first, `h2-sender-${i}`);
    statuses.push(answer.status);
    if (answer.status === 429) refusal = answer.body;
  }
  // The burst, plus what the bucket refilled while the loop ran.
  const refilled = Math.ceil(((performance.now() - started) / 1000) * UPSTREAM_LIMITS.perAddressPerSecond);
  expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(UPSTREAM_LIMITS.perAddressBurst + refilled);
  expect(statuses).toContain(429);
  expect(JSON.parse(refusal)).toMatchObject({ code: 'LAB_ERR_RATE_LIMITED' });
  const other = await publish(sessionFrom('127.0.0.3'), 'h2-other');
  expect(other.status).toBe(200);
});
