/**
 * A polling client whose first answer is lost (a cut while its first long poll
 * is held, or a short poll's answer that never arrives) resumes from where its
 * first request began, not from a later "now": until it has a position it sends
 * the same `start` token on every retry, and the lab keeps the position the
 * token was first seen at (server/transports/poll-starts.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isolatedNodeEnv } from '../cli/isolated-node-env.ts';
import { createFeedClient } from '../clients/client-registry.ts';
import type { PollResponse } from '../protocol/feed-event.ts';
import { PollStarts } from '../server/transports/poll-starts.ts';
import { publishMany, type RunningLab, startLab, waitFor } from './support/lab-server.ts';

let lab: RunningLab;
const stops: (() => Promise<void>)[] = [];

beforeEach(async () => {
  lab = await startLab({ conditionerPort: 0 });
  await lab.app.conditioner.ready();
});
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
  await lab.close();
});

async function poll(path: string, query: string): Promise<PollResponse> {
  const answer = await fetch(`${lab.url}${path}?${query}`);
  expect(answer.status).toBe(200);
  return (await answer.json()) as PollResponse;
}

describe.each([
  ['short-poll', ''],
  ['long-poll', '&timeoutMs=100'],
])('%s: the start token fixes "from now"', (transport, extra) => {
  const path = `/api/feed/${transport}`;

  it('a retry with the same token gets what was published after the first request; a new token starts now', async () => {
    publishMany(lab.app, 3);
    const first = await poll(path, `client=starts&start=tokenA${extra}`);
    expect(first).toMatchObject({ events: [], next: 3 });
    publishMany(lab.app, 5); // seq 4–8, as if the first answer had been lost on its way
    const retry = await poll(path, `client=starts&start=tokenA${extra}`);
    expect(retry.events.map((event) => event.seq)).toEqual([4, 5, 6, 7, 8]);
    const fresh = await poll(path, `client=starts&start=tokenB${extra}`);
    expect(fresh).toMatchObject({ events: [], next: 8 });
  });

  it('a position wins over a token, and a malformed token is refused with a code', async () => {
    publishMany(lab.app, 2);
    const { epoch } = lab.app.feed;
    const resumed = await poll(path, `client=starts&start=tokenC&since=1&epoch=${epoch}${extra}`);
    expect(resumed.events.map((event) => event.seq)).toEqual([2]);
    const bad = await fetch(`${lab.url}${path}?client=starts&start=${encodeURIComponent('no spaces')}`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'LAB_ERR_BAD_QUERY' });
  });
});

describe('the kept starts are bounded', () => {
  it('forgets a start after two minutes and keeps at most 10,000', () => {
    let now = 0;
    const starts = new PollStarts(() => now);
    expect(starts.pointFor({ since: undefined, epoch: undefined, start: 'old' }, 5, 'e')).toEqual({
      since: 5,
      epoch: 'e',
    });
    now = 119_999;
    expect(starts.pointFor({ since: undefined, epoch: undefined, start: 'old' }, 9, 'e')).toEqual({
      since: 5,
      epoch: 'e',
    });
    now = 120_000;
    expect(starts.pointFor({ since: undefined, epoch: undefined, start: 'old' }, 9, 'e')).toEqual({
      since: 9,
      epoch: 'e',
    });
    for (let i = 0; i < 10_500; i++) starts.pointFor({ since: undefined, epoch: undefined, start: `t${i}` }, i, 'e');
    expect(starts.size).toBe(10_000);
  });
});

describe('the real long-poll client, cut while its first request is held', () => {
  it('gets every event published while it was away, once, in order', async () => {
    const conditionerPort = lab.app.conditioner.port;
    if (conditionerPort === null) throw new Error('the conditioner did not bind a port');
    const seqs: number[] = [];
    const isolated = isolatedNodeEnv();
    const client = createFeedClient('long-poll', {
      baseUrl: `http://127.0.0.1:${conditionerPort}`,
      clientId: 'held-cut',
      env: isolated.env,
      reconnectMinMs: 300,
      reconnectMaxMs: 300,
      onEvent: (event) => seqs.push(event.seq),
    });
    stops.push(async () => {
      client.stop();
      await isolated.close();
    });
    client.start();
    await waitFor(() => lab.app.feed.listenerCount === 1, 5000, 'the first long poll to be held');
    const dropped = await fetch(`${lab.url}/api/network/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'drop-all' }),
    });
    expect(dropped.status).toBe(200);
    publishMany(lab.app, 5); // seq 1–5, before the client's retry (300 ms later)
    await waitFor(() => seqs.length >= 5, 5000, 'the events published while it was away');
    publishMany(lab.app, 2);
    await waitFor(() => seqs.length >= 7, 5000, 'every event');
    expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(client.stats()).toMatchObject({ gaps: 0, missed: 0, duplicates: 0 });
    expect(client.stats().errors).toBeGreaterThanOrEqual(1);
  });
});
