/**
 * The seq/epoch bookkeeping every FeedClient shares, driven directly: a tiny
 * FeedClient subclass exposes receive/handleControl/handlePollAnswer, and a
 * hand-set clock makes latencies exact. No server, no network.
 */
import { describe, expect, it } from 'vitest';
import type { ClientEnv } from '../clients/client-env.ts';
import { FeedClient, type FeedClientOptions } from '../clients/feed-client.ts';
import { LatencyRing, summarizeLatencies } from '../clients/latency-summary.ts';
import type { ControlMessage, FeedEvent, PollResponse, UpstreamMessage } from '../protocol/feed-event.ts';

/** A FeedClient with no transport: the test feeds it what a transport would. */
class ProbeClient extends FeedClient {
  readonly transport = 'websocket' as const;
  readonly sent: UpstreamMessage[] = [];
  protected connect(): void {}
  protected disconnect(): void {}
  protected sendUpstream(message: UpstreamMessage): Promise<void> {
    this.sent.push(message);
    return Promise.resolve();
  }
  deliver(event: FeedEvent): void {
    this.receive(event);
  }
  control(message: ControlMessage): void {
    this.handleControl(message);
  }
  pollAnswer(answer: PollResponse): void {
    this.handlePollAnswer(answer, this.env.now());
  }
  resume(): string {
    return this.resumeQuery();
  }
}

const clock = { ms: 1_000_000 };
const env: ClientEnv = {
  fetch: () => Promise.reject(new Error('no network in this test')),
  now: () => clock.ms,
};

function probe(options: Partial<FeedClientOptions> = {}) {
  const delivered: number[] = [];
  const resets: string[] = [];
  const roundTrips: Array<[string, number]> = [];
  const client = new ProbeClient({
    baseUrl: 'http://127.0.0.1:3000',
    clientId: 'probe',
    env,
    onEvent: (event) => delivered.push(event.seq),
    onReset: (reason) => resets.push(reason),
    onRoundTrip: (id, ms) => roundTrips.push([id, ms]),
    ...options,
  });
  return { client, delivered, resets, roundTrips };
}

function event(seq: number, extra: Partial<FeedEvent> = {}): FeedEvent {
  return { epoch: 'e1', seq, t: clock.ms, topic: 'tick', data: seq, ...extra };
}

describe('FeedClient sequence tracking', () => {
  it('delivers in-order events and counts them', () => {
    const { client, delivered } = probe();
    client.control({ type: 'hello', epoch: 'e1', next: 0 });
    for (const seq of [1, 2, 3]) client.deliver(event(seq));
    expect(delivered).toEqual([1, 2, 3]);
    expect(client.stats()).toMatchObject({ epoch: 'e1', lastSeq: 3, messages: 3, gaps: 0, missed: 0, duplicates: 0 });
  });

  it('counts a duplicate and does not deliver it', () => {
    const { client, delivered } = probe();
    client.control({ type: 'hello', epoch: 'e1', next: 0 });
    for (const seq of [1, 2, 2, 1, 3]) client.deliver(event(seq));
    expect(delivered).toEqual([1, 2, 3]);
    expect(client.stats()).toMatchObject({ messages: 3, duplicates: 2, gaps: 0, lastSeq: 3 });
  });

  it('counts a seq jump as one gap with the number of events missed', () => {
    const { client, delivered } = probe();
    client.control({ type: 'hello', epoch: 'e1', next: 10 });
    client.deliver(event(11));
    client.deliver(event(15));
    expect(delivered).toEqual([11, 15]);
    expect(client.stats()).toMatchObject({ messages: 2, gaps: 1, missed: 3, lastSeq: 15 });
  });

  it('counts a reset as a gap and moves to its position', () => {
    const { client, resets } = probe();
    client.control({ type: 'hello', epoch: 'e1', next: 10 });
    client.deliver(event(11));
    client.control({ type: 'reset', epoch: 'e1', next: 40, reason: 'too-old' });
    // too-old within one epoch: 12…40 are known to be lost.
    expect(client.stats()).toMatchObject({ epoch: 'e1', lastSeq: 40, gaps: 1, missed: 29 });
    client.control({ type: 'reset', epoch: 'e2', next: 3, reason: 'foreign-epoch' });
    expect(client.stats()).toMatchObject({ epoch: 'e2', lastSeq: 3, gaps: 2, missed: 29 });
    expect(resets).toEqual(['too-old', 'foreign-epoch']);
    expect(client.resume()).toBe('since=3&epoch=e2');
  });

  it('counts an epoch change as a gap and follows the new epoch', () => {
    const { client, delivered, resets } = probe();
    client.control({ type: 'hello', epoch: 'e1', next: 0 });
    client.deliver(event(1));
    client.deliver(event(2));
    client.deliver(event(1, { epoch: 'e2' }));
    client.deliver(event(2, { epoch: 'e2' }));
    expect(delivered).toEqual([1, 2, 1, 2]);
    expect(resets).toEqual(['epoch-changed']);
    expect(client.stats()).toMatchObject({ epoch: 'e2', lastSeq: 2, messages: 4, gaps: 1, missed: 0, duplicates: 0 });
  });

  it('keeps its position on a hello in the same epoch (resume) and follows a new epoch in a hello', () => {
    const { client } = probe();
    expect(client.resume()).toBe('');
    client.control({ type: 'hello', epoch: 'e1', next: 7 });
    client.deliver(event(8));
    client.control({ type: 'hello', epoch: 'e1', next: 8 });
    client.deliver(event(9));
    expect(client.stats()).toMatchObject({ lastSeq: 9, gaps: 0, duplicates: 0 });
    client.control({ type: 'hello', epoch: 'e2', next: 4 });
    expect(client.stats()).toMatchObject({ epoch: 'e2', lastSeq: 4, gaps: 1 });
  });

  it('takes its position from poll answers, empty or not', () => {
    const { client, delivered } = probe();
    client.pollAnswer({ epoch: 'e1', next: 5, events: [] });
    expect(client.stats()).toMatchObject({ epoch: 'e1', lastSeq: 5, gaps: 0 });
    client.pollAnswer({ epoch: 'e1', next: 7, events: [event(6), event(7)] });
    client.pollAnswer({ epoch: 'e1', next: 7, events: [] });
    expect(delivered).toEqual([6, 7]);
    expect(client.stats()).toMatchObject({ lastSeq: 7, messages: 2, gaps: 0 });
    client.pollAnswer({ epoch: 'e1', next: 50, events: [], reset: 'too-old' });
    expect(client.stats()).toMatchObject({ lastSeq: 50, gaps: 1, missed: 43 });
    expect(client.resume()).toBe('since=50&epoch=e1');
  });

  it('measures latency as receive − (t − offset), offset being server − client', () => {
    const latencies: number[] = [];
    // The server's clock runs 3 ms ahead: its t = 990 is 987 on our clock.
    const { client } = probe({ clockOffsetMs: 3, onEvent: (_event, ms) => latencies.push(ms) });
    client.control({ type: 'hello', epoch: 'e1', next: 0 });
    clock.ms = 1000.5;
    client.deliver(event(1, { t: 990 }));
    expect(latencies).toEqual([13.5]);
    const { client: sameMachine } = probe({ onEvent: (_event, ms) => latencies.push(ms) });
    sameMachine.deliver(event(1, { t: 990 }));
    expect(latencies).toEqual([13.5, 10.5]);
    expect(client.stats().latencyMs).toMatchObject({ count: 1, p50: 13.5, max: 13.5, mean: 13.5 });
  });

  it('reports the round trip of its own published messages only', async () => {
    const { client, roundTrips } = probe();
    client.control({ type: 'hello', epoch: 'e1', next: 0 });
    clock.ms = 2000;
    const id = await client.publish({ text: 'hi' }, 'chat');
    expect(client.sent).toEqual([{ id, data: { text: 'hi' }, topic: 'chat' }]);
    clock.ms = 2042;
    client.deliver(event(1, { origin: { client: 'someone-else', id } }));
    client.deliver(event(2, { origin: { client: 'probe', id: 'not-mine' } }));
    client.deliver(event(3, { origin: { client: 'probe', id } }));
    client.deliver(event(3, { origin: { client: 'probe', id } })); // a duplicate does not count twice
    expect(roundTrips).toEqual([[id, 42]]);
    expect(client.stats().roundTripMs).toEqual([42]);
  });

  it('keeps no latency samples when asked to keep none', () => {
    const { client } = probe({ keepLatencySamples: 0 });
    client.deliver(event(1));
    expect(client.stats()).toMatchObject({ messages: 1, latencyMs: { count: 0, p50: 0, max: 0 } });
  });

  it('rejects bad options in one error with a code', () => {
    expect(() => probe({ clientId: 'has space', baseUrl: 'ftp://x' })).toThrowError(
      /clientId.*baseUrl|baseUrl.*clientId/,
    );
    expect(() => probe({ clientId: '' })).toThrow(expect.objectContaining({ code: 'LAB_ERR_CLIENT_OPTIONS' }));
  });
});

describe('latency percentiles', () => {
  it('gives nearest-rank percentiles on a known sample set', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1, unsorted on purpose
    expect(summarizeLatencies(samples)).toEqual({ count: 100, p50: 50, p95: 95, p99: 99, max: 100, mean: 50.5 });
    expect(summarizeLatencies([7])).toEqual({ count: 1, p50: 7, p95: 7, p99: 7, max: 7, mean: 7 });
    expect(summarizeLatencies([])).toEqual({ count: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 });
  });

  it('keeps only the most recent samples in the ring', () => {
    const ring = new LatencyRing(3);
    for (const ms of [1000, 2000, 1, 2, 3]) ring.add(ms);
    expect(ring.summary()).toMatchObject({ count: 3, max: 3, mean: 2 });
  });
});
