/**
 * The slow-consumer promise at full size: one WebSocket client stops reading
 * while 1,000 events/s flow for 30 s. The lab cuts it, its memory stays
 * bounded, the other clients' p99 latency stays within 2× of a lab without the
 * frozen client, and the frozen client, once it reads again, resumes with 0 lost.
 *
 * The two labs run side by side as real processes over the same 30 s, so
 * whatever else this machine does at the time weighs on both alike.
 */
import { afterAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createFeedClient } from '../clients/client-registry.ts';
import type { FeedClient } from '../clients/feed-client.ts';
import { nodeEnv } from '../clients/node-env.ts';
import type { ProcessFigures } from '../protocol/lab-status.ts';
import { sleep, waitFor } from './support/lab-server.ts';
import { type LabProcess, startLabProcess } from './support/script-process.ts';

const RATE = 1000;
const PAYLOAD_BYTES = 500;
const FROZEN_SECONDS = 30;
const MIB = 1024 * 1024;

interface LabUnderTest {
  name: string;
  process: LabProcess;
  /** The well-behaved clients, and the delivery latencies they saw during the measured window. */
  others: FeedClient[];
  latencies: number[];
  measuring: boolean;
  figures: ProcessFigures[];
}

const labs: LabUnderTest[] = [];
const sockets: WebSocket[] = [];

afterAll(async () => {
  for (const socket of sockets) socket.terminate();
  for (const lab of labs) {
    for (const client of lab.others) client.stop();
    lab.process.child.kill('SIGTERM');
    await lab.process.exited;
  }
});

async function startLabUnderTest(name: string): Promise<LabUnderTest> {
  const process = await startLabProcess(['--port', '0', '--rate', String(RATE)]);
  const lab: LabUnderTest = { name, process, others: [], latencies: [], measuring: false, figures: [] };
  const changed = await fetch(`${process.url}/api/feed/settings`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ payloadBytes: PAYLOAD_BYTES }),
  });
  expect(changed.status).toBe(200);
  for (const transport of ['websocket', 'sse'] as const) {
    const client = createFeedClient(transport, {
      baseUrl: process.url,
      clientId: `other-${transport}`,
      env: nodeEnv(),
      keepLatencySamples: 0,
      onEvent: (_event, latencyMs) => {
        if (lab.measuring) lab.latencies.push(latencyMs);
      },
    });
    client.start();
    lab.others.push(client);
  }
  labs.push(lab);
  return lab;
}

async function readFigures(lab: LabUnderTest): Promise<ProcessFigures> {
  const figures = (await (await fetch(`${lab.process.url}/api/process`)).json()) as ProcessFigures;
  lab.figures.push(figures);
  return figures;
}

function p99(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? Number.NaN;
}

/** The largest growth over the first reading, of heap alone and of heap plus Buffers (where queued bytes live). */
function growthMiB(figures: ProcessFigures[]): { heap: number; heapAndBuffers: number } {
  const [first, ...rest] = figures;
  if (!first) return { heap: Number.NaN, heapAndBuffers: Number.NaN };
  const heap = Math.max(...rest.map((f) => f.heapUsedBytes - first.heapUsedBytes));
  const all = (f: ProcessFigures): number => f.heapUsedBytes + f.arrayBuffersBytes;
  return { heap: heap / MIB, heapAndBuffers: Math.max(...rest.map((f) => all(f) - all(first))) / MIB };
}

it(`a WebSocket client frozen for ${FROZEN_SECONDS} s at ${RATE} events/s is cut, costs the others little, and resumes with 0 lost`, async () => {
  const [quiet, withFrozen] = await Promise.all([startLabUnderTest('quiet'), startLabUnderTest('with-frozen')]);
  await waitFor(
    () => [quiet, withFrozen].every((lab) => lab.others.every((client) => client.stats().messages > 100)),
    10_000,
    'the other clients to receive events',
  );

  // The frozen client: reads its hello and first event, then nothing (a laptop lid closed).
  const frozenSeqs: number[] = [];
  let epoch = '';
  let closeCode = 0;
  const frozen = new WebSocket(`${withFrozen.process.url.replace('http', 'ws')}/api/feed/websocket?client=frozen`);
  sockets.push(frozen);
  frozen.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type?: string; epoch?: string; seq?: number };
    if (message.type === 'hello' && message.epoch) epoch = message.epoch;
    if (message.seq === undefined) return;
    frozenSeqs.push(message.seq);
    if (frozenSeqs.length === 1) frozen.pause();
  });
  frozen.on('close', (code) => {
    closeCode = code;
  });
  await waitFor(() => frozenSeqs.length > 0, 5000, 'the frozen client to read its first event');
  const connectionsWithFrozen = (await readFigures(withFrozen)).connections;
  await readFigures(quiet);

  // The measured window: both labs alike, only one has a client that never reads.
  for (const lab of labs) lab.measuring = true;
  let cutAfterS = Number.NaN;
  const started = Date.now();
  while (Date.now() - started < FROZEN_SECONDS * 1000) {
    await sleep(500);
    const [, frozenLab] = await Promise.all([readFigures(quiet), readFigures(withFrozen)]);
    if (Number.isNaN(cutAfterS) && frozenLab.connections < connectionsWithFrozen)
      cutAfterS = (Date.now() - started) / 1000;
  }
  for (const lab of labs) lab.measuring = false;

  const quietP99 = p99(quiet.latencies);
  const frozenP99 = p99(withFrozen.latencies);
  const quietGrowth = growthMiB(quiet.figures);
  const frozenGrowth = growthMiB(withFrozen.figures);
  console.log(
    `slow consumer at ${RATE} events/s of ${PAYLOAD_BYTES} B for ${FROZEN_SECONDS} s: cut after ${cutAfterS.toFixed(1)} s; ` +
      `others' p99 ${frozenP99.toFixed(2)} ms vs ${quietP99.toFixed(2)} ms without it ` +
      `(${withFrozen.latencies.length} and ${quiet.latencies.length} deliveries); ` +
      `heap growth ${frozenGrowth.heap.toFixed(1)} MiB (without it ${quietGrowth.heap.toFixed(1)}), ` +
      `heap + Buffers ${frozenGrowth.heapAndBuffers.toFixed(1)} MiB (without it ${quietGrowth.heapAndBuffers.toFixed(1)})`,
  );
  expect(cutAfterS).toBeLessThan(FROZEN_SECONDS);
  expect(quiet.latencies.length).toBeGreaterThan(RATE * FROZEN_SECONDS); // two clients each, so ~2× this
  expect(withFrozen.latencies.length).toBeGreaterThan(RATE * FROZEN_SECONDS);
  expect(frozenP99).toBeLessThanOrEqual(2 * quietP99);
  expect(frozenGrowth.heap).toBeLessThan(50);
  // Both labs keep the same 30,000 events for resume; what the frozen client may add on top is bounded.
  expect(frozenGrowth.heapAndBuffers - quietGrowth.heapAndBuffers).toBeLessThan(50);
  for (const lab of labs) {
    for (const client of lab.others) expect(client.stats()).toMatchObject({ gaps: 0, missed: 0, duplicates: 0 });
  }

  // The lid opens: the client reads what reached it, finds its connection gone, and resumes from its last seq.
  frozen.resume();
  await waitFor(() => closeCode !== 0, 10_000, 'the frozen client to see its connection closed');
  const lastSeq = frozenSeqs.at(-1) ?? 0;
  expect(frozenSeqs).toEqual(Array.from({ length: frozenSeqs.length }, (_, i) => (frozenSeqs[0] ?? 0) + i));
  const resumed: number[] = [];
  const controls: string[] = [];
  const again = new WebSocket(
    `${withFrozen.process.url.replace('http', 'ws')}/api/feed/websocket?client=frozen&since=${lastSeq}&epoch=${epoch}`,
  );
  sockets.push(again);
  again.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type?: string; seq?: number };
    if (message.seq !== undefined) resumed.push(message.seq);
    else if (message.type) controls.push(message.type);
  });
  await waitFor(() => resumed.length > 0, 5000, 'the resumed client to receive events');
  const stopped = await fetch(`${withFrozen.process.url}/api/feed/settings`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ running: false }),
  });
  const { seq: newest } = (await (await fetch(`${withFrozen.process.url}/api/feed/status`)).json()) as { seq: number };
  expect(stopped.status).toBe(200);
  await waitFor(() => resumed.at(-1) === newest, 20_000, 'the resumed client to catch up');
  expect(controls).not.toContain('reset');
  expect(resumed.length).toBe(newest - lastSeq);
  expect(resumed).toEqual(Array.from({ length: newest - lastSeq }, (_, i) => lastSeq + 1 + i));
}, 90_000);
