/**
 * Binary events: raw bytes in a WebSocket binary frame, base64 in JSON on the
 * text transports — the same event either way, and the meter shows the cost.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeBinaryEvent } from '../protocol/binary-envelope.ts';
import type { FeedEvent } from '../protocol/feed-event.ts';
import type { MetricsSnapshot } from '../protocol/metrics.ts';
import { loadScenario } from '../server/feed/scenario.ts';
import { type RunningLab, startLab, waitFor } from './support/lab-server.ts';

let lab: RunningLab;
beforeEach(async () => {
  lab = await startLab({ scenario: loadScenario('binary-sensor') });
});
afterEach(async () => {
  await lab.close();
});

it('WebSocket gets binary frames, short polling gets the same event base64-encoded, and payload bytes show the difference', async () => {
  const frames: Buffer[] = [];
  const socket = new WebSocket(`${lab.url.replace('http', 'ws')}/api/feed/websocket?client=bin-ws`);
  socket.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) frames.push(data);
  });
  await new Promise((resolve) => socket.once('open', resolve));
  await waitFor(() => lab.app.meter.snapshot('', 0, 0, 'bin-ws').transports.websocket.requests === 1);

  const raw = Uint8Array.from({ length: 64 }, (_, i) => (i * 37) & 0xff);
  const stored = lab.app.feed.publish({ topic: 'sensor', binary: raw });
  await waitFor(() => frames.length === 1, 3000, 'the binary frame');
  const viaWebSocket = decodeBinaryEvent(frames[0] as Buffer);

  const poll = (await (await fetch(`${lab.url}/api/feed/short-poll?client=bin-sp&since=0`)).json()) as {
    events: FeedEvent[];
  };
  const viaPolling = poll.events[0] as FeedEvent;
  expect(viaPolling).toEqual(viaWebSocket);
  expect(viaPolling.encoding).toBe('base64');
  expect(Buffer.from(viaPolling.data as string, 'base64')).toEqual(Buffer.from(raw));

  const ws = lab.app.meter.snapshot('', 0, 0, 'bin-ws').transports.websocket;
  const sp = ((await (await fetch(`${lab.url}/api/metrics?client=bin-sp`)).json()) as MetricsSnapshot).transports[
    'short-poll'
  ];
  expect(ws.bytes.down.payload).toBe(stored.binary?.length);
  expect(sp.bytes.down.payload).toBe(stored.json.length);
  expect(sp.bytes.down.payload).toBeGreaterThan(ws.bytes.down.payload); // base64 costs a third more
  socket.close();
});
