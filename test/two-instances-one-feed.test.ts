/**
 * Two labs on one Redis (`--redis`): one feed. Events published on either
 * instance get one global seq, clients on each instance get the identical
 * sequence, and a lab started later resumes a client from the stream. A
 * stream trimmed past a client's position gives an explicit `too-old` reset.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { type RedisServerProcess, startRedisServer } from '../cluster/redis-server-process.ts';
import type { ControlMessage } from '../protocol/feed-event.ts';
import { RedisFeed } from '../server/feed/redis-feed.ts';
import { watchFeed } from './support/feed-watcher.ts';
import { type RunningLab, sleep, startLab, waitFor } from './support/lab-server.ts';
import { describeWithServices } from './support/services.ts';

vi.setConfig({ testTimeout: 20_000 });

describeWithServices('two instances, one feed through Redis', ['redis-server'], () => {
  let redis: RedisServerProcess;
  const labs: RunningLab[] = [];
  let prefixCount = 0;

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    for (const lab of labs.splice(0)) await lab.close();
    await redis?.stop();
  });

  /** A lab on this suite's Redis; each test has keys of its own (`keyPrefix`). */
  async function sharedLab(keyPrefix: string, bufferSize = 1000): Promise<RunningLab> {
    const lab = await startLab({
      redis: { url: redis.url, keyPrefix },
      bufferSize,
      instanceName: `lab-${labs.length}`,
    });
    labs.push(lab);
    return lab;
  }

  async function publishThrough(lab: RunningLab, data: unknown): Promise<{ epoch: string; seq: number }> {
    const response = await fetch(`${lab.url}/api/feed/publish`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client: 'publisher', id: String(Math.random()), data }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as { epoch: string; seq: number };
  }

  it('publishes on both instances give one dense seq, and clients on each get the identical sequence', async () => {
    const prefix = `t${++prefixCount}:`;
    const [a, b] = [await sharedLab(prefix), await sharedLab(prefix)] as [RunningLab, RunningLab];
    expect(a.app.feed).toBeInstanceOf(RedisFeed);
    expect(a.app.feed.epoch).toBe(b.app.feed.epoch);
    // Each instance reports itself to Redis when ready: both show in either one's cluster figures.
    const clusterOf = async (lab: RunningLab) =>
      (await (await fetch(`${lab.url}/api/metrics/cluster`)).json()) as {
        shared: boolean;
        instances: { name: string }[];
      };
    const deadline = Date.now() + 3000;
    while ((await clusterOf(b)).instances.length < 2 && Date.now() < deadline) await sleep(50);
    const cluster = await clusterOf(b);
    expect(cluster.shared).toBe(true);
    expect(cluster.instances.map((instance) => instance.name).sort()).toEqual(
      [a.app.labOptions.instanceName, b.app.labOptions.instanceName].sort(),
    );
    const onA = await watchFeed(a.url, 'watch-a', 0);
    const onB = await watchFeed(b.url, 'watch-b', 0);
    const answers = [];
    for (let i = 0; i < 20; i++) answers.push(await publishThrough(i % 2 === 0 ? a : b, { i }));
    expect(answers.map((answer) => answer.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await waitFor(() => onA.seqs.length >= 20 && onB.seqs.length >= 20, 5000, 'both watchers to get 20 events');
    expect(onA.seqs).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(onB.seqs).toEqual(onA.seqs);
    onA.close();
    onB.close();
  });

  it('a lab started later resumes a client from the stream, with the same bytes for the same seq', async () => {
    const prefix = `t${++prefixCount}:`;
    const first = await sharedLab(prefix);
    for (let i = 0; i < 5; i++) await publishThrough(first, { i });
    const late = await sharedLab(prefix);
    expect(late.app.feed.newestSeq).toBe(5);
    const fromFirst = await (await fetch(`${first.url}/api/feed/short-poll?since=2`)).json();
    const fromLate = await (await fetch(`${late.url}/api/feed/short-poll?since=2`)).json();
    expect(fromLate).toEqual(fromFirst);
    expect((fromLate as { events: { seq: number }[] }).events.map((event) => event.seq)).toEqual([3, 4, 5]);
  });

  it('a stream trimmed past the client position gives an explicit too-old reset', async () => {
    const prefix = `t${++prefixCount}:`;
    // The stream keeps 5 events (MAXLEN 5): after 12, seq 1..7 are gone from Redis.
    const first = await sharedLab(prefix, 5);
    for (let i = 0; i < 12; i++) await publishThrough(first, { i });
    const raw = new Redis(redis.url);
    const kept = await raw.xrange(`${prefix}events`, '-', '+');
    await raw.quit();
    expect(kept.map(([id]) => id)).toEqual(['8-0', '9-0', '10-0', '11-0', '12-0']);
    const late = await sharedLab(prefix, 5);
    const answer = (await (
      await fetch(`${late.url}/api/feed/short-poll?since=3&epoch=${late.app.feed.epoch}`)
    ).json()) as {
      events: unknown[];
      reset?: string;
      next: number;
    };
    expect(answer).toMatchObject({ events: [], reset: 'too-old', next: 12 });
    // Within what the stream kept, resume is exact.
    const within = (await (await fetch(`${late.url}/api/feed/short-poll?since=7`)).json()) as {
      events: { seq: number }[];
    };
    expect(within.events.map((event) => event.seq)).toEqual([8, 9, 10, 11, 12]);
  });

  it('a restart on one instance gives every instance the new epoch, and their clients a reset', async () => {
    const prefix = `t${++prefixCount}:`;
    const [a, b] = [await sharedLab(prefix), await sharedLab(prefix)] as [RunningLab, RunningLab];
    await publishThrough(a, 'before');
    const controls: ControlMessage[] = [];
    const socket = new WebSocket(`${b.url.replace('http', 'ws')}/api/feed/websocket?client=on-b&since=1`);
    socket.on('message', (data) => {
      const parsed = JSON.parse(String(data)) as ControlMessage;
      if ('type' in parsed) controls.push(parsed);
    });
    await waitFor(() => controls.some((control) => control.type === 'hello'), 5000, 'hello');
    const oldEpoch = b.app.feed.epoch;
    a.app.feed.restart();
    await waitFor(() => b.app.feed.epoch !== oldEpoch, 2000, 'b to see the new epoch');
    expect(b.app.feed.epoch).toBe(a.app.feed.epoch);
    await waitFor(() => controls.some((control) => control.type === 'reset'), 2000, 'a reset on b');
    expect(controls.find((control) => control.type === 'reset')).toMatchObject({
      reason: 'foreign-epoch',
      epoch: a.app.feed.epoch,
    });
    const after = await publishThrough(b, 'after');
    expect(after).toEqual({ epoch: a.app.feed.epoch, seq: 1 });
    socket.close();
  });

  it('a Redis that lost its data gets a new epoch from the first instance that notices, and clients a reset', async () => {
    const prefix = `t${++prefixCount}:`;
    const lab = await sharedLab(prefix);
    await publishThrough(lab, 'before');
    const before = lab.app.feed.epoch;
    const raw = new Redis(redis.url);
    await raw.del(`${prefix}meta`, `${prefix}events`); // as a restart without persistence would leave it
    await waitFor(() => lab.app.feed.epoch !== before, 2000, 'a renewed epoch');
    expect(await raw.hget(`${prefix}meta`, 'epoch')).toBe(lab.app.feed.epoch);
    await raw.quit();
    const answer = (await (await fetch(`${lab.url}/api/feed/short-poll?since=1&epoch=${before}`)).json()) as {
      reset?: string;
    };
    expect(answer.reset).toBe('foreign-epoch');
    expect(await publishThrough(lab, 'after')).toEqual({ epoch: lab.app.feed.epoch, seq: 1 });
  });
});

it('a lab without --redis is a cluster of one, and its feed is the embedded one', async () => {
  const lab = await startLab();
  try {
    expect(lab.app.feed).not.toBeInstanceOf(RedisFeed);
    const response = await fetch(`${lab.url}/api/metrics/cluster`);
    expect(response.headers.get('x-lab-instance')).toBeNull();
    const body = (await response.json()) as { shared: boolean; instances: { name: string }[] };
    expect(body.shared).toBe(false);
    expect(body.instances.map((instance) => instance.name)).toEqual([`pid-${process.pid}`]);
  } finally {
    await lab.close();
  }
});

it('a --redis URL nothing answers at gives LAB_ERR_BAD_REDIS, not a crash', async () => {
  const { freeLoopbackPort } = await import('../cluster/free-port.ts');
  const port = await freeLoopbackPort();
  await expect(startLab({ redis: { url: `redis://127.0.0.1:${port}`, keyPrefix: 'x:' } })).rejects.toMatchObject({
    code: 'LAB_ERR_BAD_REDIS',
  });
});
