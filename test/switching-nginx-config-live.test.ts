/**
 * The load-balancer lesson, live: two labs on one Redis behind nginx, the
 * cluster's controller beside it, and the switch asked of a lab through
 * nginx as the page asks it. nginx reloads without the labs noticing, the
 * next requests follow the new config, every lab starts a segment named
 * after it, and the lab's own clients (through nginx) get the documented
 * effect word. Bad input gets its code.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createFeedClient } from '../clients/client-registry.ts';
import type { FeedClient } from '../clients/feed-client.ts';
import {
  fetchNotingInstance,
  type LoadBalancerEffect,
  LoadBalancerEffectRecorder,
  STALL_MS,
} from '../clients/load-balancer-effect.ts';
import { nodeEnv } from '../clients/node-env.ts';
import { type ClusterController, startClusterController } from '../cluster/cluster-controller.ts';
import { freeLoopbackPort } from '../cluster/free-port.ts';
import { type NginxProcess, startNginx } from '../cluster/nginx-process.ts';
import { type RedisServerProcess, startRedisServer } from '../cluster/redis-server-process.ts';
import type { TransportName } from '../protocol/feed-event.ts';
import type { FeedStatus } from '../protocol/lab-status.ts';
import { type LoadBalancerState, loadBalancerChannel } from '../protocol/load-balancer.ts';
import { type RunningLab, sleep, startLab } from './support/lab-server.ts';
import { headEnd, type RawSocket, rawConnect } from './support/raw-socket.ts';
import { describeWithServices } from './support/services.ts';

vi.setConfig({ testTimeout: 40_000, hookTimeout: 60_000 });

const KEY_PREFIX = 'lbswitch:';
/** The transports whose effects the issue names (a later transport gets its own expectations). */
const FOLLOWED: TransportName[] = ['short-poll', 'long-poll', 'sse', 'websocket'];
const TEACHER = 'teacher-token-for-the-switch-test';

describeWithServices('switching the nginx config live from the page', ['redis-server', 'nginx'], () => {
  let redis: RedisServerProcess;
  let controller: ClusterController;
  let nginx: NginxProcess | null = null;
  let labs: RunningLab[] = [];
  let origin = '';
  const sockets: RawSocket[] = [];

  beforeAll(async () => {
    redis = await startRedisServer();
    controller = await startClusterController({
      nginx: () => nginx,
      redisUrl: redis.url,
      channel: loadBalancerChannel(KEY_PREFIX),
    });
    const port = await freeLoopbackPort();
    origin = `http://127.0.0.1:${port}`;
    const shared = {
      redis: { url: redis.url, keyPrefix: KEY_PREFIX },
      clusterControl: { url: controller.url, token: controller.token },
      publicOrigins: [origin],
    };
    labs = [await startLab({ ...shared, instanceName: 'lab-a' }), await startLab({ ...shared, instanceName: 'lab-b' })];
    nginx = await startNginx(
      'correct',
      labs.map((lab) => lab.port),
      port,
    );
  });
  afterAll(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await nginx?.stop();
    for (const lab of labs) await lab.close();
    await controller?.close();
    await redis?.stop();
  });

  /** PUT /api/cluster/load-balancer through nginx, as the page sends it. */
  async function switchTo(config: unknown, headers: Record<string, string> = { origin }): Promise<Response> {
    return fetch(`${nginx?.url}/api/cluster/load-balancer`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ config }),
    });
  }

  /** Switches as the page does: the PUT is answered at once (202), then `current` turns to the config once nginx reloaded. */
  async function switched(config: string): Promise<void> {
    let answer = await switchTo(config);
    // Under short-read-timeout every instance is out of rotation for 10 s (fail_timeout) after a poll's 504:
    // nginx answers the switch itself 502 until then, as it answers everyone. The page says so; here, wait.
    for (const deadline = Date.now() + 15_000; answer.status === 502 && Date.now() < deadline; ) {
      await sleep(500);
      answer = await switchTo(config);
    }
    expect(answer.status).toBe(202);
    expect(((await answer.json()) as LoadBalancerState).switching).toBe(config);
    await eventually(async () => {
      const state = (await (await fetch(`${nginx?.url}/api/cluster/load-balancer`)).json()) as LoadBalancerState;
      expect(state).toMatchObject({ current: config, switching: null, error: null });
    }, 10_000);
  }

  async function upgradeStatus(client: string): Promise<number> {
    const port = nginx?.port ?? 0;
    const socket = await rawConnect(port);
    sockets.push(socket);
    socket.send(
      `GET /api/feed/websocket?client=${client} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\n` +
        'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    const head = await socket.until((bytes) => headEnd(bytes) > 0);
    socket.close();
    return Number(/^HTTP\/1\.[01] (\d{3})/.exec(head.toString('latin1'))?.[1]);
  }

  const segmentOf = async (lab: RunningLab): Promise<FeedStatus['segment']> =>
    ((await (await fetch(`${lab.url}/api/feed/status`)).json()) as FeedStatus).segment;

  it('lists every config with its file, the lines that differ from correct, what it breaks and the fix', async () => {
    const state = (await (await fetch(`${nginx?.url}/api/cluster/load-balancer`)).json()) as LoadBalancerState;
    expect(state).toMatchObject({ controlled: true, current: 'correct', switchedAt: null, switching: null });
    expect(state.configs.map((config) => config.name)).toEqual([
      'correct',
      'no-upgrade',
      'buffering-on',
      'short-read-timeout',
      'round-robin',
      'ip-hash',
      'sticky-cookie',
    ]);
    const correct = state.configs.find((config) => config.name === 'correct');
    expect(correct?.differingLines).toEqual([]);
    const noUpgrade = state.configs.find((config) => config.name === 'no-upgrade');
    const lines = noUpgrade?.text.split('\n') ?? [];
    // A bare proxy_pass: nothing is added, the HTTP/1.1 and Upgrade lines are missing.
    expect(noUpgrade?.missingLines).toEqual(
      expect.arrayContaining(['proxy_http_version 1.1;', 'proxy_set_header Upgrade $http_upgrade;']),
    );
    expect(noUpgrade?.fix).toContain('proxy_http_version 1.1;');
    const timeout = state.configs.find((config) => config.name === 'short-read-timeout');
    const changed = timeout?.differingLines.map((line) => timeout.text.split('\n')[line - 1]?.trim());
    expect(changed).toEqual(['proxy_read_timeout 2s;']);
    expect(lines.length).toBeGreaterThan(5);
  });

  it('correct → no-upgrade: nginx reloads, the next upgrade is refused (404), and back to correct it is 101 again', async () => {
    // A stream straight to a lab, not through nginx: the switch must not touch the labs.
    const lab = labs[0] as RunningLab;
    const direct = await rawConnect(lab.port);
    sockets.push(direct);
    direct.send(`GET /api/feed/sse?client=switch-direct HTTP/1.1\r\nHost: 127.0.0.1:${lab.port}\r\n\r\n`);
    await direct.until((bytes) => bytes.includes('"type":"hello"'));

    expect(await upgradeStatus('switch-ws-1')).toBe(101);
    await switched('no-upgrade');
    expect(await upgradeStatus('switch-ws-2')).toBe(404);
    // Every lab began a segment named after the config, once nginx ran it.
    await eventually(async () => {
      for (const each of labs)
        expect(await segmentOf(each)).toMatchObject({ reason: 'load-balancer', label: 'no-upgrade' });
    });
    await switched('correct');
    expect(await upgradeStatus('switch-ws-3')).toBe(101);
    await eventually(async () => {
      for (const each of labs)
        expect(await segmentOf(each)).toMatchObject({ reason: 'load-balancer', label: 'correct' });
    });
    // The labs went on as they were: the stream opened before both switches still delivers.
    await lab.app.feed.publishShared({ topic: 'after', data: 'both switches' });
    await direct.until((bytes) => bytes.includes('both switches'), 3000);
  });

  /** The lab's own client of every transport through nginx, with a recorder that restarts at each switch. */
  function followThroughNginx(id: string): {
    effects: (feedSeq: number) => Record<TransportName, LoadBalancerEffect>;
    restart: (seq: number) => void;
    stop: () => void;
  } {
    const recorders = new Map<TransportName, LoadBalancerEffectRecorder>();
    const restart = (seq: number): void => {
      for (const name of FOLLOWED) recorders.set(name, new LoadBalancerEffectRecorder(name, Date.now(), seq));
    };
    restart(0);
    const clients: FeedClient[] = FOLLOWED.map((name) => {
      const env = nodeEnv();
      const client = createFeedClient(name, {
        baseUrl: nginx?.url ?? '',
        clientId: `${id}-${name}`,
        env: { ...env, fetch: fetchNotingInstance(env.fetch, (instance) => recorders.get(name)?.answeredBy(instance)) },
        shortPollIntervalMs: 250,
        longPollTimeoutMs: 10_000,
        reconnectMaxMs: 1000,
        onWire: (activity) => recorders.get(name)?.wire(activity),
        onEvent: (event) => recorders.get(name)?.delivered(event.seq, Date.now()),
      });
      client.start();
      return client;
    });
    return {
      effects: (feedSeq) =>
        Object.fromEntries(
          FOLLOWED.map((name) => [name, recorders.get(name)?.effect(Date.now(), feedSeq) ?? 'fine']),
        ) as Record<TransportName, LoadBalancerEffect>,
      restart,
      stop: () => {
        for (const client of clients) client.stop();
      },
    };
  }

  const newestSeq = (): number => labs[0]?.app.feed.newestSeq ?? 0;

  it('no-upgrade: after the switch the WebSocket is refused and the other transports are fine', async () => {
    const lab = labs[0];
    const ticker = setInterval(
      () => void lab?.app.feed.publishShared({ topic: 'tick', data: { at: Date.now() } }),
      200,
    );
    const follow = followThroughNginx('effect-nu');
    try {
      await sleep(1500); // every client connected and delivering under correct
      await switched('no-upgrade');
      follow.restart(newestSeq());
      await sleep(STALL_MS + 1000); // long enough for a stall to show, and for the WebSocket's retries
      expect(follow.effects(newestSeq())).toEqual({
        'short-poll': 'fine',
        'long-poll': 'fine',
        sse: 'fine',
        websocket: 'refused',
      });
    } finally {
      clearInterval(ticker);
      follow.stop();
      await switched('correct');
    }
  });

  it('short-read-timeout: a held long poll is refused (504), and then everyone (502); the streams are cut or refused', async () => {
    const follow = followThroughNginx('effect-srt');
    try {
      await sleep(1000); // connected under correct; nothing is published, so the long poll is held
      await switched('short-read-timeout');
      follow.restart(newestSeq());
      await sleep(7000); // past the 2 s read timeout, tried on both instances
      const effects = follow.effects(newestSeq());
      expect(effects['long-poll']).toBe('refused');
      // The poll's 504 took both instances out of rotation: everyone's next request is answered 502.
      expect(effects['short-poll']).toBe('refused');
      expect(['cut', 'refused']).toContain(effects.websocket);
      expect(['cut', 'refused']).toContain(effects.sse);
    } finally {
      follow.stop();
      await switched('correct');
    }
  });

  it('bad input gets its code: an unknown config, a cross-origin page, a student, a wrong controller token', async () => {
    const unknown = await switchTo('no-such-config');
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({
      code: 'LAB_ERR_UNKNOWN_LB_CONFIG',
      message: expect.stringContaining('must be one of correct, no-upgrade'),
      hint: expect.any(String),
    });
    const notAString = await switchTo(7);
    expect(((await notAString.json()) as { code: string }).code).toBe('LAB_ERR_UNKNOWN_LB_CONFIG');

    const foreign = await switchTo('no-upgrade', { origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(((await foreign.json()) as { code: string }).code).toBe('LAB_ERR_FOREIGN_ORIGIN');

    // A classroom lab in the cluster: a student (no teacher token) may not switch; the teacher may.
    const classroom = await startLab({
      redis: { url: redis.url, keyPrefix: KEY_PREFIX },
      clusterControl: { url: controller.url, token: controller.token },
      instanceName: 'lab-class',
      lan: true,
      teacherToken: TEACHER,
    });
    try {
      const put = (headers: Record<string, string>) =>
        fetch(`${classroom.url}/api/cluster/load-balancer`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ config: 'correct' }),
        });
      const student = await put({});
      expect(student.status).toBe(401);
      expect(((await student.json()) as { code: string }).code).toBe('LAB_ERR_UNAUTHORIZED');
      expect((await put({ authorization: `Bearer ${TEACHER}` })).status).toBe(202);
    } finally {
      await classroom.close();
    }

    // The controller answers only the labs (its token), even on loopback.
    const direct = await fetch(`${controller.url}/load-balancer`, { method: 'PUT', body: '{"config":"correct"}' });
    expect(direct.status).toBe(401);
    // Nothing was switched by any of these.
    const state = (await (await fetch(`${nginx?.url}/api/cluster/load-balancer`)).json()) as LoadBalancerState;
    expect(state.current).toBe('correct');
  });
});

describeWithServices('a lab that is not under npm run cluster', ['redis-server'], () => {
  let lab: RunningLab;
  beforeAll(async () => {
    lab = await startLab();
  });
  afterAll(async () => {
    await lab?.close();
  });

  it('says it is not controlled and refuses a switch with LAB_ERR_NOT_A_CLUSTER', async () => {
    const state = (await (await fetch(`${lab.url}/api/cluster/load-balancer`)).json()) as LoadBalancerState;
    expect(state).toMatchObject({ controlled: false, current: null, configs: [] });
    const answer = await fetch(`${lab.url}/api/cluster/load-balancer`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"config":"no-upgrade"}',
    });
    expect(answer.status).toBe(409);
    expect(await answer.json()).toMatchObject({
      code: 'LAB_ERR_NOT_A_CLUSTER',
      hint: expect.stringContaining('cluster'),
    });
  });
});

/** Retries `check` (its expectations) every 50 ms until it passes or `timeoutMs` runs out (then its last failure). */
async function eventually(check: () => Promise<void>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await sleep(50);
    }
  }
}
