/**
 * The load-balancer lesson with HAProxy: two labs on one Redis behind the
 * machine's haproxy, one config of cluster/haproxy-configs/ at a time, each
 * producing its documented effect, measured by raw sockets and fetch — and
 * the correct one none.
 */
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import { type HaproxyConfigName, type HaproxyProcess, startHaproxy } from '../cluster/haproxy-process.ts';
import { type RedisServerProcess, startRedisServer } from '../cluster/redis-server-process.ts';
import { type RunningLab, startLab } from './support/lab-server.ts';
import { headEnd, type RawSocket, rawConnect } from './support/raw-socket.ts';
import { describeWithServices } from './support/services.ts';

vi.setConfig({ testTimeout: 20_000, hookTimeout: 30_000 });

const WS_UPGRADE = (client: string, port: number): string =>
  `GET /api/feed/websocket?client=${client} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
  'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';

describeWithServices('HAProxy configurations in front of two labs', ['redis-server', 'haproxy'], () => {
  let redis: RedisServerProcess;
  let labs: RunningLab[] = [];
  let haproxy: HaproxyProcess | null = null;
  const sockets: RawSocket[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    const shared = { redis: { url: redis.url, keyPrefix: 'hap:' } };
    labs = [await startLab({ ...shared, instanceName: 'lab-a' }), await startLab({ ...shared, instanceName: 'lab-b' })];
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await haproxy?.stop();
    haproxy = null;
  });
  afterAll(async () => {
    for (const lab of labs) await lab.close();
    await redis?.stop();
  });

  async function behind(config: HaproxyConfigName): Promise<HaproxyProcess> {
    haproxy = await startHaproxy(
      config,
      labs.map((lab) => lab.port),
    );
    return haproxy;
  }

  async function upgrade(port: number, client: string): Promise<RawSocket> {
    const socket = await rawConnect(port);
    sockets.push(socket);
    socket.send(WS_UPGRADE(client, port));
    return socket;
  }

  const statusOf = (bytes: Buffer): number => Number(/^HTTP\/1\.[01] (\d{3})/.exec(bytes.toString('latin1'))?.[1]);

  /** One browser: its first answer's cookie sent back on each later request; which instance answered each. */
  async function browser(base: string, times: number, keepCookie: boolean): Promise<string[]> {
    let cookie = '';
    const names: string[] = [];
    for (let i = 0; i < times; i++) {
      const response = await fetch(`${base}/api/feed/short-poll?client=hap-same`, {
        headers: cookie ? { cookie } : {},
      });
      await response.arrayBuffer();
      if (keepCookie && !cookie) cookie = /LABSRV=[^;]+/.exec(response.headers.get('set-cookie') ?? '')?.[0] ?? '';
      names.push(response.headers.get('x-lab-instance') ?? `status ${response.status}`);
    }
    return names;
  }

  it('correct: WebSocket upgrades and stays open past 2 s idle, a long poll is held, a cookie keeps each browser', async () => {
    const { url, port } = await behind('correct');
    const ws = await upgrade(port, 'hap-ws');
    expect(statusOf(await ws.until((bytes) => headEnd(bytes) > 0))).toBe(101);
    const started = Date.now();
    const held = await fetch(`${url}/api/feed/long-poll?client=hap-lp&timeoutMs=3000`);
    expect(held.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
    expect(ws.socket.destroyed).toBe(false);
    // Round-robin hands out the first answers; the cookie it inserts keeps each browser where it landed.
    const browsers = await Promise.all(Array.from({ length: 6 }, () => browser(url, 4, true)));
    for (const names of browsers) expect(new Set(names).size).toBe(1);
    expect(new Set(browsers.map((names) => names[0]))).toEqual(new Set(['lab-a', 'lab-b']));
  });

  it('short-server-timeout: a held long poll gets 504 at 2 s (the next request is served), an idle WebSocket is closed at 2 s', async () => {
    const { url, port } = await behind('short-server-timeout');
    const started = Date.now();
    const held = await fetch(`${url}/api/feed/long-poll?client=hap-lp&timeoutMs=10000`);
    expect(held.status).toBe(504);
    expect(Date.now() - started).toBeLessThan(5000);
    // Unlike nginx's max_fails, the timeout took nobody else out of rotation: the next request is answered.
    const next = await fetch(`${url}/api/feed/short-poll?client=hap-other`);
    await next.arrayBuffer();
    expect(next.status).toBe(200);
    const ws = await upgrade(port, 'hap-ws-idle');
    expect(statusOf(await ws.until((bytes) => headEnd(bytes) > 0))).toBe(101);
    const opened = Date.now();
    await new Promise<void>((resolve) => ws.socket.once('close', () => resolve()));
    // Cut by HAProxy's timeout, long before the lab's first ping (25 s).
    expect(Date.now() - opened).toBeLessThan(6000);
  });

  it("no-cookie: one browser's consecutive requests move between instances even when it keeps cookies", async () => {
    const { url } = await behind('no-cookie');
    const names = await browser(url, 4, true);
    expect(new Set(names)).toEqual(new Set(['lab-a', 'lab-b']));
  });
});
