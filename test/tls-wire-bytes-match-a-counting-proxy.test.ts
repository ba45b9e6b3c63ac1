/**
 * Over TLS, on both HTTPS ports, the meter's bytes per transport and direction
 * (header + framing + payload + tls) equal what an independent counting proxy
 * saw cross the wire; and each transport reports the HTTP version its
 * connection spoke: on the HTTP/2 port the HTTP transports speak h2 while the
 * WebSocket opens its own HTTP/1.1 connection (ws has no WebSocket over HTTP/2).
 */
import https from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createFeedClient } from '../clients/client-registry.ts';
import { nodeTlsEnv } from '../clients/node-env.ts';
import type { SocketIoClient } from '../clients/socket-io-client.ts';
import { TRANSPORT_NAMES, type TransportName } from '../protocol/feed-event.ts';
import { byteTotal, type TransportMetrics } from '../protocol/metrics.ts';
import { TRANSPORT_RECORDS } from '../protocol/transport-records.ts';
import { createSelfSignedCertificate } from '../server/tls/self-signed-certificate.ts';
import { startCountingProxy } from './support/counting-proxy.ts';
import { clientMetrics, publishMany, type RunningLab, sleep, startLab, waitFor } from './support/lab-server.ts';
import { nodeClientSpeaksH2 } from './support/node-speaks-h2.ts';
import { h2Get, tappedH2Session } from './support/tapped-tls-client.ts';

let lab: RunningLab;
let ports: { h2Port: number; http1Port: number };
const certificate = createSelfSignedCertificate();

beforeAll(async () => {
  lab = await startLab({
    https: { h2Port: 0, http1Port: 0, certificate },
    longPollTimeoutMs: 10_000,
  });
  const ready = await lab.app.httpsReady();
  if (!ready) throw new Error('the HTTPS ports did not start');
  ports = ready;
});
afterAll(async () => {
  await lab.close();
});

const metricsOf = (client: string, transport: TransportName): Promise<TransportMetrics> =>
  clientMetrics(lab.url, client, transport);

/** A TLS 1.3 alert record: 5 B record header, 2 B alert, 1 B inner content type, 16 B AEAD tag. */
const CLOSE_NOTIFY_BYTES = 24;

/** Drives one client of a transport through the proxy (requests, at least three events); returns its stop. */
type Drive = (proxyPort: number, client: string) => Promise<() => void>;

const path = (transport: TransportName, client: string, extra = ''): string =>
  `${TRANSPORT_RECORDS[transport].path}?client=${client}${extra}`;

/** HTTP/2: the polls and SSE on one session of the test's own client. */
const overH2: Partial<Record<TransportName, Drive>> = {
  'short-poll': async (port, client) => {
    const { session } = await tappedH2Session(port);
    let since = 0;
    for (let i = 0; i < 4; i++) {
      publishMany(lab.app, 2);
      const answer = await h2Get(session, path('short-poll', client, `&since=${since}`));
      since = (JSON.parse(answer.body) as { next: number }).next;
    }
    return () => session.close();
  },
  'long-poll': async (port, client) => {
    const { session } = await tappedH2Session(port);
    let since = lab.app.feed.newestSeq;
    for (let i = 0; i < 3; i++) {
      const pending = h2Get(session, path('long-poll', client, `&since=${since}`));
      await sleep(50);
      publishMany(lab.app, 2);
      since = (JSON.parse((await pending).body) as { next: number }).next;
    }
    return () => session.close();
  },
  sse: async (port, client) => {
    const { session } = await tappedH2Session(port);
    const stream = session.request({ ':path': path('sse', client) });
    let text = '';
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    await waitFor(() => text.includes('hello'), 3000, 'the SSE hello');
    publishMany(lab.app, 5);
    await waitFor(() => text.split('\n\n').length > 6, 3000, 'five SSE events');
    return () => session.close();
  },
};

/** HTTP/1.1 over TLS: Node's https client on one kept-alive connection. */
function httpsGet(agent: https.Agent, port: number, requestPath: string, onData?: (text: string) => void) {
  return new Promise<string>((resolve, reject) => {
    const request = https.get(
      { host: '127.0.0.1', port, path: requestPath, agent, rejectUnauthorized: false },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString();
          onData?.(body);
        });
        res.on('end', () => resolve(body));
      },
    );
    request.on('error', reject);
  });
}

const overHttp1: Partial<Record<TransportName, Drive>> = {
  'short-poll': async (port, client) => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    let since = 0;
    for (let i = 0; i < 4; i++) {
      publishMany(lab.app, 2);
      since = (
        JSON.parse(await httpsGet(agent, port, path('short-poll', client, `&since=${since}`))) as { next: number }
      ).next;
    }
    return () => agent.destroy();
  },
  'long-poll': async (port, client) => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    let since = lab.app.feed.newestSeq;
    for (let i = 0; i < 3; i++) {
      const pending = httpsGet(agent, port, path('long-poll', client, `&since=${since}`));
      await sleep(50);
      publishMany(lab.app, 2);
      since = (JSON.parse(await pending) as { next: number }).next;
    }
    return () => agent.destroy();
  },
  sse: async (port, client) => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1 });
    let text = '';
    void httpsGet(agent, port, path('sse', client), (body) => {
      text = body;
    }).catch(() => {});
    await waitFor(() => text.includes('hello'), 3000, 'the SSE hello');
    publishMany(lab.app, 5);
    await waitFor(() => text.split('\n\n').length > 6, 3000, 'five SSE events');
    return () => agent.destroy();
  },
};

/** WebSocket, the same on both ports: an HTTP/1.1 upgrade over TLS (no ALPN h2 offered). */
const websocket: Drive = async (port, client) => {
  const socket = new WebSocket(`wss://127.0.0.1:${port}${path('websocket', client)}`, { rejectUnauthorized: false });
  let messages = 0;
  socket.on('message', () => {
    messages += 1;
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  await waitFor(() => messages === 1, 3000, 'the hello');
  publishMany(lab.app, 5);
  socket.send(JSON.stringify({ id: 'up-1', data: 'hello over TLS' }));
  await waitFor(() => messages >= 7, 3000, 'five events and the upstream one');
  return () => socket.terminate();
};

/**
 * Socket.IO's own client, the same on both ports (engine.io-client speaks HTTP/1.1): polling, then the upgrade,
 * so its polling connections close over TLS while the test runs (their close_notify is on the wire too).
 */
const socketIo: Drive = async (port, client) => {
  const env = nodeTlsEnv({ ca: certificate.cert, http2: false });
  let events = 0;
  const feedClient = createFeedClient('socket-io', {
    baseUrl: `https://127.0.0.1:${port}`,
    clientId: client,
    env,
    onEvent: () => {
      events += 1;
    },
  }) as SocketIoClient;
  feedClient.start();
  await waitFor(() => feedClient.engineTransport === 'websocket', 5000, 'the upgrade');
  publishMany(lab.app, 5);
  await waitFor(() => events >= 5, 3000, 'five events');
  await feedClient.publish({ text: 'hello over TLS' });
  await waitFor(() => feedClient.stats().roundTripMs.length === 1, 3000, 'the upstream message back');
  return () => {
    feedClient.stop();
    void env.close();
  };
};

/** The transports that open their own HTTP/1.1 connection(s) on either port. */
const ownConnection: Partial<Record<TransportName, Drive>> = { websocket, 'socket-io': socketIo };

describe.each([
  { port: 'h2' as const, drives: overH2, httpProtocol: 'h2' as const },
  { port: 'http/1.1' as const, drives: overHttp1, httpProtocol: 'http/1.1' as const },
])('over TLS on the $port port', ({ port, drives, httpProtocol }) => {
  it.each(TRANSPORT_NAMES)(
    '%s: bytes per direction equal the counting proxy, and it reports its protocol',
    async (transport) => {
      const drive = ownConnection[transport] ?? drives[transport];
      if (!drive) throw new Error(`no TLS client for ${transport} in this test: add one`);
      const proxy = await startCountingProxy(port === 'h2' ? ports.h2Port : ports.http1Port);
      const client = `tls-${port === 'h2' ? 'h2' : 'h1'}-${transport}`;
      const stop = await drive(proxy.port, client);
      // Compared while the connection is idle and open: everything either side sent has been read.
      await sleep(300);
      const metrics = await metricsOf(client, transport);
      expect(metrics.messages).toBeGreaterThanOrEqual(3);
      expect(metrics.bytes.up.tls).toBeGreaterThan(0);
      expect(metrics.bytes.down.tls).toBeGreaterThan(0);
      expect({ up: byteTotal(metrics.bytes.up), down: byteTotal(metrics.bytes.down) }).toEqual(proxy.bytes());
      // What came after the lab closed a connection is nothing but TLS 1.3 close_notify records (24 B each).
      expect(proxy.lateUp() % CLOSE_NOTIFY_BYTES).toBe(0);
      const spoken = nodeClientSpeaksH2(transport) ? httpProtocol : 'http/1.1';
      // Each connection the proxy carried, counted once under the version it spoke (Socket.IO opens several).
      const connections = proxy.connections();
      expect(metrics.protocols).toEqual({
        'http/1.1': spoken === 'http/1.1' ? connections : 0,
        h2: spoken === 'h2' ? connections : 0,
      });
      stop();
      await proxy.close();
    },
  );
});
