/**
 * Failover: `npm run cluster` (2 labs on one Redis behind nginx); the lab's
 * own client of every transport follows the feed through nginx; the instance
 * they are on is killed (SIGKILL). They reconnect through nginx to the other
 * instance and resume by seq from its copy of the stream: every event exactly
 * once. Then SIGTERM stops nginx, both labs and Redis.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { isolatedNodeEnv } from '../cli/isolated-node-env.ts';
import { createFeedClient } from '../clients/client-registry.ts';
import type { FeedClient } from '../clients/feed-client.ts';
import { TRANSPORT_NAMES, type TransportName } from '../protocol/feed-event.ts';
import { type ClusterProcess, isAlive, startClusterProcess } from './support/cluster-process.ts';
import { sleep, waitFor } from './support/lab-server.ts';
import { headEnd, rawConnect } from './support/raw-socket.ts';
import { describeWithServices } from './support/services.ts';

vi.setConfig({ testTimeout: 40_000, hookTimeout: 90_000 });

interface Follower {
  transport: TransportName;
  client: FeedClient;
  seqs: number[];
  close(): Promise<void>;
}

describeWithServices('failover through nginx', ['redis-server', 'nginx'], () => {
  let cluster: ClusterProcess;

  beforeAll(async () => {
    cluster = await startClusterProcess(['--instances', '2', '--no-generator']);
  });
  afterAll(async () => {
    if (cluster && cluster.child.exitCode === null) {
      cluster.child.kill('SIGTERM');
      await cluster.exited;
    }
  });

  let published = 0;
  async function publish(labUrl: string): Promise<void> {
    const response = await fetch(`${labUrl}/api/feed/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client: 'failover-publisher', id: String(++published), data: { n: published } }),
    });
    expect(response.status).toBe(200);
  }

  const ids = new Map<TransportName, string>();

  /** The first id `failover-<transport>-<n>` nginx sends to `instance` (the hash is consistent, so it stays there). */
  async function idOn(instance: string, transport: TransportName): Promise<string> {
    for (let n = 0; n < 50; n++) {
      const id = `failover-${transport}-${n}`;
      const answer = await fetch(`${cluster.url}/api/feed/short-poll?client=${id}`);
      await answer.arrayBuffer();
      if (answer.headers.get('x-lab-instance') === instance) return id;
    }
    throw new Error(`no id among 50 hashes to ${instance}`);
  }

  function follow(transport: TransportName): Follower {
    const isolated = isolatedNodeEnv();
    const seqs: number[] = [];
    const client = createFeedClient(transport, {
      baseUrl: cluster.url,
      clientId: ids.get(transport) ?? '',
      env: isolated.env,
      shortPollIntervalMs: 50,
      longPollTimeoutMs: 5000,
      reconnectMinMs: 20,
      reconnectMaxMs: 200,
      onEvent: (event) => seqs.push(event.seq),
    });
    client.start();
    return {
      transport,
      client,
      seqs,
      close: async () => {
        client.stop();
        await isolated.close();
      },
    };
  }

  it('kills the instance the clients are on: every transport resumes on the other, 0 lost, 0 duplicated', async () => {
    expect(cluster.labs).toHaveLength(2);
    // nginx keeps a client on the instance its ?client= id hashes to: pick, per transport, an id on lab-2.
    const victim = cluster.labs[1];
    const survivor = cluster.labs[0];
    if (!victim || !survivor) throw new Error('two labs expected');
    for (const transport of TRANSPORT_NAMES) ids.set(transport, await idOn(victim.name, transport));
    const followers = TRANSPORT_NAMES.map(follow);
    await waitFor(() => followers.every((f) => f.client.state === 'open'), 10_000, 'every client open');
    for (let i = 0; i < 20; i++) {
      await publish(survivor.url);
      await sleep(20);
    }
    await waitFor(() => followers.every((f) => f.seqs.length >= 20), 10_000, 'the first 20 events everywhere');

    // Every client is on the victim: its meter counted each one's requests.
    for (const f of followers) {
      const seen = (await (await fetch(`${victim.url}/api/metrics?client=${ids.get(f.transport)}`)).json()) as {
        transports: Record<TransportName, { requests: number }>;
      };
      expect(seen.transports[f.transport].requests, f.transport).toBeGreaterThanOrEqual(1);
    }
    process.kill(victim.pid, 'SIGKILL');
    // Events keep coming while the clients find the other instance.
    for (let i = 0; i < 40; i++) {
      await publish(survivor.url);
      await sleep(20);
    }
    await waitFor(() => followers.every((f) => f.seqs.length >= 60), 15_000, 'all 60 events everywhere');
    await sleep(300); // a duplicate, if any, would arrive now
    const every = Array.from({ length: 60 }, (_, i) => i + 1);
    for (const f of followers) {
      expect(f.seqs, f.transport).toEqual(every);
      expect(f.client.stats(), f.transport).toMatchObject({ duplicates: 0, gaps: 0, missed: 0 });
      // The streams were cut by the kill and reconnected; a poll cut before any answer byte nginx sends on to
      // the other instance itself (proxy_next_upstream), so the poll clients may never see the failure.
      if (f.transport === 'sse' || f.transport === 'websocket')
        expect(f.client.stats().reconnects, f.transport).toBeGreaterThanOrEqual(1);
    }
    // They really moved: the survivor now serves each of them, and the dead instance leaves the cluster's figures.
    expect(isAlive(victim.pid)).toBe(false);
    const names = async (): Promise<string[]> => {
      const body = (await (await fetch(`${survivor.url}/api/metrics/cluster`)).json()) as {
        instances: { name: string }[];
      };
      return body.instances.map((instance) => instance.name);
    };
    const deadline = Date.now() + 5000; // its last report ages out after 3 s
    while ((await names()).includes(victim.name) && Date.now() < deadline) await sleep(200);
    expect(await names()).toEqual([survivor.name]);
    for (const f of followers) {
      const served = (await (await fetch(`${survivor.url}/api/metrics?client=${ids.get(f.transport)}`)).json()) as {
        transports: Record<TransportName, { requests: number }>;
      };
      expect(served.transports[f.transport].requests, f.transport).toBeGreaterThanOrEqual(1);
    }
    for (const f of followers) await f.close();
  });

  it("the page's origin through nginx is the labs' own: its WebSocket upgrades; a foreign page's is refused", async () => {
    const port = Number(new URL(cluster.url).port);
    const upgrade = async (origin: string): Promise<number> => {
      const socket = await rawConnect(port);
      socket.send(
        `GET /api/feed/websocket?client=origin-check HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${origin}\r\n` +
          'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
      );
      const head = await socket.until((bytes) => headEnd(bytes) > 0);
      socket.close();
      return Number(/^HTTP\/1\.1 (\d{3})/.exec(head.toString('latin1'))?.[1]);
    };
    expect(await upgrade(cluster.url)).toBe(101);
    expect(await upgrade('http://evil.example')).toBe(403);
  });

  it('SIGTERM stops nginx, the labs and Redis', async () => {
    cluster.child.kill('SIGTERM');
    expect(await cluster.exited).toBe(0);
    for (const lab of cluster.labs) expect(isAlive(lab.pid), lab.name).toBe(false);
    expect(isAlive(cluster.redisPid)).toBe(false);
    await expect(fetch(`${cluster.url}/api/metrics`)).rejects.toThrow();
  });
});
