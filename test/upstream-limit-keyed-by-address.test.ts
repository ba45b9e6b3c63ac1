/**
 * The upstream rate limit is keyed by what a sender cannot choose — its
 * address — not by the `client` id it names: a fresh id per publish buys no
 * fresh allowance. A budget for everyone together caps what any set of
 * addresses gets into the feed, in messages and in bytes. A load run the lab
 * started itself carries its key and has a budget of its own. Meanwhile a
 * watcher misses nothing.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LOAD_RUN_HEADER } from '../protocol/load-run-header.ts';
import { UPSTREAM_LIMITS } from '../server/security/upstream-budget.ts';
import { type FeedWatcher, watchFeed } from './support/feed-watcher.ts';
import { type RunningLab, startLab, waitFor } from './support/lab-server.ts';

let lab: RunningLab;
let watcher: FeedWatcher;
const agents: http.Agent[] = [];

beforeAll(async () => {
  lab = await startLab();
  watcher = await watchFeed(lab.url, 'budget-watcher', 0);
});
afterAll(async () => {
  watcher.close();
  for (const agent of agents) agent.destroy();
  await lab.close();
});

/** A keep-alive agent whose sockets leave from `from` (any of 127.0.0.0/8: another address on this machine). */
function agentFrom(from: string): http.Agent {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: from } as http.AgentOptions);
  agents.push(agent);
  return agent;
}

function publish(
  agent: http.Agent,
  client: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: lab.port,
        method: 'POST',
        path: `/api/feed/publish?client=${client}`,
        headers: { 'content-type': 'application/json', ...headers },
        agent,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Sends `count` publishes one after another; how many got 200, and how long it took (s). */
async function flood(
  agent: http.Agent,
  count: number,
  clientOf: (i: number) => string,
  body = '{"data":1}',
  headers: Record<string, string> = {},
): Promise<{ accepted: number; seconds: number }> {
  const started = performance.now();
  let accepted = 0;
  for (let i = 0; i < count; i++) if ((await publish(agent, clientOf(i), body, headers)) === 200) accepted++;
  return { accepted, seconds: (performance.now() - started) / 1000 };
}

/** The most a token bucket lets through in `seconds`: the burst plus the rate over the time. */
const bucketMost = (rate: number, burst: number, seconds: number): number => Math.floor(burst + rate * seconds);

describe('one address', () => {
  it('1,000 publishes with 1,000 different ids are limited like 1,000 with one id', async () => {
    const { perAddressPerSecond: rate, perAddressBurst: burst } = UPSTREAM_LIMITS;
    const many = await flood(agentFrom('127.0.0.2'), 1000, (i) => `fresh-${i}`);
    const one = await flood(agentFrom('127.0.0.3'), 1000, () => 'same');
    for (const run of [many, one]) {
      expect(run.accepted).toBeGreaterThanOrEqual(burst);
      expect(run.accepted).toBeLessThanOrEqual(bucketMost(rate, burst, run.seconds));
    }
  });

  it('WebSocket upstream shares its address’s budget: new connections buy no fresh allowance', async () => {
    const from = '127.0.0.4';
    const started = performance.now();
    let accepted = 0;
    for (let round = 0; round < 5; round++) {
      const socket = new WebSocket(`${lab.url.replace('http', 'ws')}/api/feed/websocket?client=ws-${round}`, {
        localAddress: from,
      });
      await new Promise((resolve) => socket.once('open', resolve));
      let refused = 0;
      socket.on('message', (data) => {
        if ((JSON.parse(String(data)) as { code?: string }).code === 'LAB_ERR_RATE_LIMITED') refused++;
      });
      const before = lab.app.feed.newestSeq;
      for (let i = 0; i < 15; i++) socket.send(JSON.stringify({ data: i }));
      await waitFor(() => lab.app.feed.newestSeq - before + refused === 15, 5000, 'every message answered');
      accepted += lab.app.feed.newestSeq - before;
      socket.close();
    }
    const seconds = (performance.now() - started) / 1000;
    expect(accepted).toBeLessThanOrEqual(
      bucketMost(UPSTREAM_LIMITS.perAddressPerSecond, UPSTREAM_LIMITS.perAddressBurst, seconds),
    );
    expect(accepted).toBeLessThan(75);
  });
});

describe('everyone together', () => {
  it('30 addresses, each within its own limit, get no more than the total budget into the feed', async () => {
    const { totalPerSecond, totalBurst, perAddressBurst } = UPSTREAM_LIMITS;
    await new Promise((resolve) => setTimeout(resolve, 2500)); // the total budget refills after the tests above
    const senders = Array.from({ length: 30 }, (_, i) => agentFrom(`127.0.1.${i + 1}`));
    const started = performance.now();
    const runs = await Promise.all(senders.map((agent, i) => flood(agent, perAddressBurst, (n) => `s${i}-${n}`)));
    const seconds = (performance.now() - started) / 1000;
    const accepted = runs.reduce((sum, run) => sum + run.accepted, 0);
    expect(30 * perAddressBurst).toBeGreaterThan(totalBurst); // the senders did ask for more than the total
    expect(accepted).toBeLessThanOrEqual(bucketMost(totalPerSecond, totalBurst, seconds));
    expect(accepted).toBeGreaterThanOrEqual(totalBurst);
  });

  it('60 KB messages from many addresses: at most the byte budget gets in', async () => {
    await new Promise((resolve) => setTimeout(resolve, 2500)); // the message budget refills
    const { totalBytesPerSecond, totalBytesBurst } = UPSTREAM_LIMITS;
    const body = JSON.stringify({ data: 'x'.repeat(60_000) });
    const senders = Array.from({ length: 20 }, (_, i) => agentFrom(`127.0.2.${i + 1}`));
    const started = performance.now();
    const runs = await Promise.all(senders.map((agent, i) => flood(agent, 10, (n) => `big${i}-${n}`, body)));
    const seconds = (performance.now() - started) / 1000;
    const acceptedBytes = runs.reduce((sum, run) => sum + run.accepted, 0) * body.length;
    expect(20 * 10 * body.length).toBeGreaterThan(totalBytesBurst);
    expect(acceptedBytes).toBeLessThanOrEqual(bucketMost(totalBytesPerSecond, totalBytesBurst, seconds));
    expect(acceptedBytes).toBeGreaterThan(0);
  });
});

describe('a load run the lab started', () => {
  it('its key opens its own budget (its clients × one address’s); a wrong key is just its address', async () => {
    const clients = 10;
    const end = lab.app.upstream.openLoadRun('the-run-key', clients);
    try {
      const withKey = await flood(agentFrom('127.0.3.1'), 200, (i) => `load-${i}`, '{"data":1}', {
        [LOAD_RUN_HEADER]: 'the-run-key',
      });
      expect(withKey.accepted).toBe(200); // within 10 × 40
      const wrongKey = await flood(agentFrom('127.0.3.2'), 200, (i) => `load-${i}`, '{"data":1}', {
        [LOAD_RUN_HEADER]: 'guessed-key',
      });
      expect(wrongKey.accepted).toBeLessThanOrEqual(
        bucketMost(UPSTREAM_LIMITS.perAddressPerSecond, UPSTREAM_LIMITS.perAddressBurst, wrongKey.seconds),
      );
    } finally {
      end();
    }
    // Over: the key opens nothing any more.
    const after = await flood(agentFrom('127.0.3.3'), 100, (i) => `load-${i}`, '{"data":1}', {
      [LOAD_RUN_HEADER]: 'the-run-key',
    });
    expect(after.accepted).toBeLessThan(100);
  });
});

it('the watcher received every event, published ones included, with no gap', async () => {
  const newest = lab.app.feed.newestSeq;
  expect(newest).toBeGreaterThan(400);
  await waitFor(() => watcher.seqs.length === newest, 10_000, 'the watcher');
  expect(watcher.seqs).toEqual(Array.from({ length: newest }, (_, i) => i + 1));
});
