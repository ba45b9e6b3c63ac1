/**
 * The load-balancer lesson: two labs on one Redis behind nginx, one config
 * at a time (cluster/nginx-configs/), each producing its documented failure,
 * measured by raw-socket and fetch clients through nginx — and the correct
 * config none of them.
 */
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import type { LoadBalancerConfigName } from '../cluster/load-balancer-configs.ts';
import { type NginxProcess, startNginx } from '../cluster/nginx-process.ts';
import { type RedisServerProcess, startRedisServer } from '../cluster/redis-server-process.ts';
import { type RunningLab, startLab } from './support/lab-server.ts';
import { headEnd, type RawSocket, rawConnect } from './support/raw-socket.ts';
import { describeWithServices } from './support/services.ts';

vi.setConfig({ testTimeout: 20_000, hookTimeout: 30_000 });

const WS_UPGRADE = (client: string, port: number): string =>
  `GET /api/feed/websocket?client=${client} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
  'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';

const SSE_REQUEST = (client: string, port: number): string =>
  `GET /api/feed/sse?client=${client} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`;

describeWithServices('load-balancer configurations in front of two labs', ['redis-server', 'nginx'], () => {
  let redis: RedisServerProcess;
  let labs: RunningLab[] = [];
  let nginx: NginxProcess | null = null;
  const sockets: RawSocket[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    labs = [
      await startLab({
        redis: { url: redis.url, keyPrefix: 'lb:' },
        instanceName: 'lab-a',
      }),
      await startLab({
        redis: { url: redis.url, keyPrefix: 'lb:' },
        instanceName: 'lab-b',
      }),
    ];
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await nginx?.stop();
    nginx = null;
  });
  afterAll(async () => {
    for (const lab of labs) await lab.close();
    await redis?.stop();
  });

  async function behind(config: LoadBalancerConfigName): Promise<NginxProcess> {
    nginx = await startNginx(
      config,
      labs.map((lab) => lab.port),
    );
    return nginx;
  }

  async function raw(port: number, request: string, from?: string): Promise<RawSocket> {
    const socket = await rawConnect(port, from);
    sockets.push(socket);
    socket.send(request);
    return socket;
  }

  const statusOf = (bytes: Buffer): number => Number(/^HTTP\/1\.[01] (\d{3})/.exec(bytes.toString('latin1'))?.[1]);

  async function publish(data: unknown): Promise<number> {
    const response = await fetch(`${labs[0]?.url}/api/feed/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client: 'lb-publisher', id: String(Math.random()), data }),
    });
    return ((await response.json()) as { seq: number }).seq;
  }

  /** Which instance answers each of `times` short polls of one client. */
  async function instancesOf(base: string, client: string, times: number, init?: RequestInit): Promise<string[]> {
    const names: string[] = [];
    for (let i = 0; i < times; i++) {
      const response = await fetch(`${base}/api/feed/short-poll?client=${client}`, init);
      await response.arrayBuffer();
      names.push(response.headers.get('x-lab-instance') ?? `status ${response.status}`);
    }
    return names;
  }

  it('correct: WebSocket upgrades, SSE events arrive one by one, a long poll is held, clients stay and spread', async () => {
    const { url, port } = await behind('correct');
    const ws = await raw(port, WS_UPGRADE('lb-ws', port));
    expect(statusOf(await ws.until((bytes) => headEnd(bytes) > 0))).toBe(101);

    const sse = await raw(port, SSE_REQUEST('lb-sse', port));
    await sse.until((bytes) => bytes.includes('"type":"hello"'));
    const seq = await publish('one small event');
    await sse.until((bytes) => bytes.includes(`id: ${seq}\n`), 3000);

    const started = Date.now();
    const held = await fetch(`${url}/api/feed/long-poll?client=lb-lp&timeoutMs=3000`);
    expect(held.status).toBe(200);
    expect(((await held.json()) as { events: unknown[] }).events).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);

    const placements = await Promise.all(Array.from({ length: 8 }, (_, i) => instancesOf(url, `lb-sticky-${i}`, 3)));
    for (const names of placements) expect(new Set(names).size).toBe(1);
    expect(new Set(placements.map((names) => names[0]))).toEqual(new Set(['lab-a', 'lab-b']));
  });

  it('no-upgrade: nginx sends HTTP/1.0 without Upgrade, so the WebSocket upgrade is refused (404)', async () => {
    const { port } = await behind('no-upgrade');
    const ws = await raw(port, WS_UPGRADE('lb-ws', port));
    const answer = await ws.until((bytes) => headEnd(bytes) > 0);
    // The lab saw a plain GET on its WebSocket path: no route answers that without an upgrade.
    expect(statusOf(answer)).toBe(404);
    // The same request straight to a lab upgrades.
    const direct = await raw(labs[0]?.port ?? 0, WS_UPGRADE('lb-ws-direct', labs[0]?.port ?? 0));
    expect(statusOf(await direct.until((bytes) => headEnd(bytes) > 0))).toBe(101);
  });

  // The issue expected bursty SSE here. Measured with nginx 1.22 on loopback it is not: nginx forwards what it
  // reads even with buffering on, so this pins what really happens (and fails the day it changes).
  it('buffering-on: with nginx 1.22 a reading SSE client still gets each event on its own (not bursty)', async () => {
    const { port } = await behind('buffering-on');
    const reader = await raw(port, SSE_REQUEST('lb-reader', port));
    await reader.until((bytes) => bytes.includes('"type":"hello"'));
    for (let i = 0; i < 3; i++) {
      const seq = await publish(`event ${i}`);
      // Each arrives before the next is published.
      await reader.until((bytes) => bytes.includes(`id: ${seq}\n`), 3000);
    }
  });

  it('short-read-timeout: a held long poll gets 504, tried on each instance, and then nobody gets through (502)', async () => {
    const { url } = await behind('short-read-timeout');
    const started = Date.now();
    const held = await fetch(`${url}/api/feed/long-poll?client=lb-lp&timeoutMs=10000`);
    expect(held.status).toBe(504);
    // nginx retried the poll on the other instance (proxy_next_upstream timeout): both timed out, both are out.
    expect(Date.now() - started).toBeLessThan(9000);
    const others = await instancesOf(url, 'someone-else', 3);
    expect(others).toEqual(['status 502', 'status 502', 'status 502']);
  });

  it('short-read-timeout: an idle WebSocket is cut without a close frame (a browser reports 1006)', async () => {
    const { port } = await behind('short-read-timeout');
    const ws = await raw(port, WS_UPGRADE('lb-ws-idle', port));
    expect(statusOf(await ws.until((bytes) => headEnd(bytes) > 0))).toBe(101);
    const opened = Date.now();
    await new Promise<void>((resolve) => ws.socket.once('close', () => resolve()));
    // Cut by nginx's timeout, long before the lab's first ping (25 s) would have kept it busy.
    expect(Date.now() - opened).toBeLessThan(10_000);
    const frames = ws.received().subarray(headEnd(ws.received()));
    expect(hasCloseFrame(frames)).toBe(false);
  });

  it("round-robin: one client's consecutive requests move between instances, and still see one feed", async () => {
    const { url } = await behind('round-robin');
    const names = await instancesOf(url, 'lb-rr', 4);
    expect(new Set(names)).toEqual(new Set(['lab-a', 'lab-b']));
    const seq = await publish('after');
    const answers = await Promise.all(
      [0, 1].map(
        async () =>
          (await (await fetch(`${url}/api/feed/short-poll?client=lb-rr&since=${seq - 1}`)).json()) as {
            events: { seq: number }[];
          },
      ),
    );
    for (const answer of answers) expect(answer.events.map((event) => event.seq)).toEqual([seq]);
  });

  it('sticky-cookie: nginx sets a cookie on the first answer; with it each browser stays on one instance, and browsers spread', async () => {
    const { url } = await behind('sticky-cookie');
    // Every "browser" asks for the same URL (the same client id even): only its cookie tells them apart.
    const browsers = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const first = await fetch(`${url}/api/feed/short-poll?client=lb-same`);
        await first.arrayBuffer();
        const cookie = /lab_sticky=[^;]+/.exec(first.headers.get('set-cookie') ?? '')?.[0];
        expect(cookie).toBeDefined();
        const later = await instancesOf(url, 'lb-same', 4, { headers: { cookie: cookie ?? '' } });
        return [first.headers.get('x-lab-instance') ?? 'none', ...later];
      }),
    );
    for (const names of browsers) expect(new Set(names).size).toBe(1);
    expect(new Set(browsers.map((names) => names[0]))).toEqual(new Set(['lab-a', 'lab-b']));
    // A request that carries the cookie is not given a new one.
    const again = await fetch(`${url}/api/feed/short-poll?client=lb-same`, { headers: { cookie: 'lab_sticky=abc' } });
    await again.arrayBuffer();
    expect(again.headers.get('set-cookie')).toBeNull();
    // The WebSocket upgrade follows the cookie too (a browser sends it on the upgrade).
    const { port } = nginx ?? { port: 0 };
    const cookie = 'lab_sticky=0123456789abcdef';
    const expected = (await instancesOf(url, 'lb-ws', 1, { headers: { cookie } }))[0];
    const ws = await raw(port, WS_UPGRADE('lb-ws', port).replace('\r\n\r\n', `\r\nCookie: ${cookie}\r\n\r\n`));
    expect(statusOf(await ws.until((bytes) => headEnd(bytes) > 0))).toBe(101);
    // A 101 carries no x-lab-instance: the instance holding the open stream says where it went.
    const holding = ['lab-a', 'lab-b'].filter((_name, i) => (labs[i]?.app.feed.listenerCount ?? 0) > 0);
    expect(holding).toEqual([expected]);
  });

  it('ip-hash: clients from 127.0.0.2 … 127.0.0.9 all land on one instance (nginx hashes three octets)', async () => {
    const { port } = await behind('ip-hash');
    const names = new Set<string>();
    for (let i = 2; i <= 9; i++) {
      const socket = await raw(
        port,
        `GET /api/feed/short-poll?client=lb-ip-${i} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
        `127.0.0.${i}`,
      );
      const answer = (await socket.until((bytes) => headEnd(bytes) > 0)).toString('latin1');
      names.add(/x-lab-instance: (\S+)/i.exec(answer)?.[1] ?? 'none');
    }
    expect(names.size).toBe(1);
    expect(['lab-a', 'lab-b']).toContain([...names][0]);
  });
});

/** Whether the server → client WebSocket frames (unmasked) include a close frame. */
function hasCloseFrame(bytes: Buffer): boolean {
  let offset = 0;
  while (offset + 2 <= bytes.length) {
    const opcode = (bytes[offset] ?? 0) & 0x0f;
    let length = (bytes[offset + 1] ?? 0) & 0x7f;
    let header = 2;
    if (length === 126) {
      length = bytes.readUInt16BE(offset + 2);
      header = 4;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(offset + 2));
      header = 10;
    }
    if (opcode === 0x8) return true;
    offset += header + length;
  }
  return false;
}
