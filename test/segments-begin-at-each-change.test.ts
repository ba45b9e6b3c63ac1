/**
 * Segments on the server: every change of conditions starts one, named for
 * its boundary marker, and the metrics stream's first reading of a new
 * segment is the meter at the instant of the change, so a segment's figures
 * (later reading − that one) hold only what was carried under the new
 * conditions, to the byte.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { bytesPerEvent, downFramingPerEvent, metricsSince, payloadPerEvent } from '../protocol/figures.ts';
import type { FeedStatus } from '../protocol/lab-status.ts';
import type { MetricsSnapshot, SegmentZero } from '../protocol/metrics.ts';
import type { SegmentInfo } from '../protocol/segment.ts';
import { publishMany, type RunningLab, startLab, waitFor } from './support/lab-server.ts';

let lab: RunningLab;
beforeEach(async () => {
  lab = await startLab({ metricsIntervalMs: 60_000 });
});
afterEach(async () => {
  await lab.close();
});

const send = async (method: string, path: string, body?: unknown): Promise<Response> =>
  fetch(`${lab.url}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const segmentNow = async (): Promise<SegmentInfo> =>
  ((await (await fetch(`${lab.url}/api/feed/status`)).json()) as FeedStatus).segment;

/** Every snapshot (and moved zero) the metrics stream sends for `client`, as it comes. */
async function readMetricsStream(client: string) {
  const snapshots: MetricsSnapshot[] = [];
  const zeros: SegmentZero[] = [];
  const response = await fetch(`${lab.url}/api/metrics/stream?client=${client}`);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  void (async () => {
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (chunk.done) return;
      text += decoder.decode(chunk.value, { stream: true });
      let end = text.indexOf('\n\n');
      while (end >= 0) {
        const block = text.slice(0, end);
        const data = JSON.parse(block.slice(block.indexOf('data: ') + 6));
        if (block.startsWith('event: zero\n')) zeros.push(data as SegmentZero);
        else snapshots.push(data as MetricsSnapshot);
        text = text.slice(end + 2);
        end = text.indexOf('\n\n');
      }
    }
  })();
  return { snapshots, zeros, stop: () => reader.cancel() };
}

describe('a new scenario starts a segment whose figures are its own', () => {
  it('after small events, a 100 KB segment reads ≥ 90 KB per event and 10 B of WebSocket framing, exactly', async () => {
    const stream = await readMetricsStream('seg');
    const received: Array<{ epoch: string; seq: number }> = [];
    const socket = new WebSocket(`${lab.url.replace('http', 'ws')}/api/feed/websocket?client=seg`);
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { epoch?: string; seq?: number; type?: string };
      if (typeof message.seq === 'number' && message.type === undefined)
        received.push({ epoch: message.epoch ?? '', seq: message.seq });
    });
    await new Promise((resolve) => socket.once('open', resolve));
    await waitFor(() => stream.snapshots.length > 0, 5000, 'the first snapshot');

    publishMany(lab.app, 20, (i) => ({ tick: i }));
    await waitFor(() => received.length === 20, 5000, 'the small events');
    const start = await segmentNow();

    const changed = await send('PUT', '/api/feed/settings', { scenario: 'large-snapshot' });
    expect(changed.status).toBe(200);
    const segment = ((await changed.json()) as FeedStatus).segment;
    expect(segment).toMatchObject({ id: start.id + 1, reason: 'scenario', label: 'large-snapshot', seq: 20 });
    expect(segment.conditions.scenario).toBe('large-snapshot');

    const big = 'x'.repeat(100_000);
    publishMany(lab.app, 3, () => big);
    await waitFor(() => received.length === 23, 5000, 'the large events');
    await waitFor(() => stream.snapshots.some((s) => s.segment.id === segment.id), 5000, 'the boundary reading');
    const zero = stream.snapshots.find((s) => s.segment.id === segment.id) as MetricsSnapshot;
    // The boundary reading holds the 20 small events, and nothing after them.
    expect(zero.transports.websocket.messages).toBe(20);

    const later = (await (await fetch(`${lab.url}/api/metrics?client=seg`)).json()) as MetricsSnapshot;
    const inSegment = metricsSince(later.transports.websocket, zero.transports.websocket);
    expect(inSegment.messages).toBe(received.filter((e) => e.seq > segment.seq).length);
    expect(inSegment.messages).toBe(3);
    expect(payloadPerEvent(inSegment)).toBeGreaterThanOrEqual(90_000);
    expect(downFramingPerEvent(inSegment)).toBe(10); // 127 + 64-bit length: larger than 65,535 B
    expect(bytesPerEvent(inSegment)?.header).toBe(0); // the upgrade was in the first segment
    socket.close();
    await stream.stop();
  });
});

describe('every change of conditions is one new segment, named for its marker', () => {
  it('scenario, rate, size, network, custom network, each fault and a restart; a repeat, a pause and a refusal start none', async () => {
    const steps: Array<{ method: string; path: string; body?: unknown; reason?: string; label?: string }> = [
      {
        method: 'PUT',
        path: '/api/feed/settings',
        body: { scenario: 'chat-room' },
        reason: 'scenario',
        label: 'chat-room',
      },
      { method: 'PUT', path: '/api/feed/settings', body: { ratePerSecond: 20 }, reason: 'rate', label: '20/s' },
      { method: 'PUT', path: '/api/feed/settings', body: { payloadBytes: 500 }, reason: 'size', label: '500 B' },
      { method: 'PUT', path: '/api/feed/settings', body: { payloadBytes: 500 } },
      { method: 'PUT', path: '/api/feed/settings', body: { running: false } },
      { method: 'PUT', path: '/api/feed/settings', body: { ratePerSecond: 'fast' } },
      { method: 'PUT', path: '/api/network', body: { profile: '3g' }, reason: 'network', label: '3g' },
      { method: 'PUT', path: '/api/network', body: { profile: '3g' } },
      {
        method: 'PUT',
        path: '/api/network',
        body: { profile: 'custom', rttMs: 200 },
        reason: 'network',
        label: 'custom +200 ms',
      },
      { method: 'PUT', path: '/api/network', body: { profile: 'nope' } },
      { method: 'POST', path: '/api/network/faults', body: { action: 'drop-all' }, reason: 'fault', label: 'drop-all' },
      {
        method: 'POST',
        path: '/api/network/faults',
        body: { action: 'stall', seconds: 2 },
        reason: 'fault',
        label: 'stall 2 s',
      },
      {
        method: 'POST',
        path: '/api/network/faults',
        body: { action: 'chaos', everySeconds: 5 },
        reason: 'fault',
        label: 'chaos every 5 s',
      },
      { method: 'POST', path: '/api/network/faults', body: { action: 'calm' }, reason: 'fault', label: 'calm' },
      { method: 'POST', path: '/api/network/faults', body: { action: 'explode' } },
      { method: 'POST', path: '/api/feed/restart', reason: 'restart', label: 'restart' },
    ];
    let before = await segmentNow();
    expect(before).toMatchObject({ id: 1, reason: 'start' });
    for (const step of steps) {
      const response = await send(step.method, step.path, step.body);
      const after = await segmentNow();
      const what = `${step.method} ${step.path} ${JSON.stringify(step.body ?? null)}`;
      if (step.reason) {
        expect(response.status, what).toBe(200);
        expect(after, what).toMatchObject({ id: before.id + 1, reason: step.reason, label: step.label });
        expect(after.startedAt, what).toBeGreaterThanOrEqual(before.startedAt);
      } else {
        expect(after, what).toEqual(before);
      }
      before = after;
    }
    const status = (await (await fetch(`${lab.url}/api/feed/status`)).json()) as FeedStatus;
    // A restart's segment begins at seq 0 of the new epoch: its events are all the new epoch's.
    expect(before).toMatchObject({ epoch: status.epoch, seq: 0 });
    expect(before.conditions).toMatchObject({
      scenario: 'chat-room',
      payloadBytes: 500,
      network: 'custom',
      rttMs: 200,
    });
  });
});

describe("a poll answer of events from before the segment is the old segment's", () => {
  it('the first short-poll answer after a change carries older events: the stream moves that transport’s zero past it', async () => {
    const stream = await readMetricsStream('poller');
    const zeros: SegmentZero[] = [];
    await waitFor(() => stream.snapshots.length > 0, 5000, 'the first snapshot');
    const poll = async (since: number) =>
      (await (await fetch(`${lab.url}/api/feed/short-poll?client=poller&since=${since}`)).json()) as {
        next: number;
        events: Array<{ seq: number }>;
      };
    let since = (await poll(0)).next;
    publishMany(lab.app, 5, (i) => ({ small: i }));
    const segment = ((await (await send('PUT', '/api/feed/settings', { payloadBytes: 2000 })).json()) as FeedStatus)
      .segment;
    const straddling = await poll(since);
    expect(straddling.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    since = straddling.next;
    await waitFor(() => stream.zeros.length > 0, 5000, 'the moved zero');
    zeros.push(...stream.zeros);
    expect(zeros).toHaveLength(1);
    expect(zeros[0]).toMatchObject({ segment: segment.id, transport: 'short-poll' });

    const big = 'y'.repeat(2000);
    publishMany(lab.app, 2, () => big);
    const own = await poll(since);
    expect(own.events).toHaveLength(2);
    const later = (await (await fetch(`${lab.url}/api/metrics?client=poller`)).json()) as MetricsSnapshot;
    const inSegment = metricsSince(later.transports['short-poll'], zeros[0]?.metrics ?? null);
    // One request, one answer, two events of the segment's own: nothing of the straddling answer.
    expect(inSegment).toMatchObject({ requests: 1, messages: 2, emptyResponses: 0 });
    expect(payloadPerEvent(inSegment)).toBeGreaterThan(2000);
    // A second answer of the segment's own events moves nothing.
    publishMany(lab.app, 1, () => big);
    await poll(own.next);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(stream.zeros).toHaveLength(1);
    await stream.stop();
  });
});
