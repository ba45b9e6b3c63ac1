/**
 * `npm run bench:slow-consumer [-- --seconds 30 --rate 1000]`: the
 * slow-consumer promise at full size. One WebSocket client stops reading
 * while `--rate` events/s of 500 B flow for `--seconds`: the lab cuts it, its
 * memory stays bounded, the other clients' p99 latency stays within 2× of a
 * lab without the frozen client, and the frozen client, once it reads again,
 * resumes with 0 lost.
 *
 * The two labs run side by side as processes of their own over the same
 * window, so whatever else the machine does at the time weighs on both alike.
 * Fails (exit 1) naming every budget it missed. (The cut itself, at small
 * scale, is pinned by test/slow-consumer.test.ts and slow-consumer-sees-4008.)
 */
import WebSocket from 'ws';
import { createFeedClient } from '../clients/client-registry.ts';
import type { FeedClient } from '../clients/feed-client.ts';
import { nodeEnv } from '../clients/node-env.ts';
import { percentileOfSorted } from '../protocol/figures.ts';
import type { ProcessFigures } from '../protocol/lab-status.ts';
import { parseFlags, str, wholeNumberFlag } from '../server/flag-values.ts';
import { runCli } from './cli-support.ts';
import { readProcess } from './lab-api.ts';
import { prebuildDashboard, type ServerProcess, startServerProcess } from './server-process.ts';

const USAGE = `npm run bench:slow-consumer [-- --seconds 30 --rate 1000]
  --seconds N  how long the client stays frozen and the others are measured (5–600, default 30)
  --rate N     events per second of 500 B (10–5000, default 1000)`;
const PAYLOAD_BYTES = 500;
const MIB = 1024 * 1024;
/** Heap growth the frozen client may cause, and heap + Buffers beyond the quiet lab's (MiB). */
const GROWTH_BUDGET_MIB = 50;
/** How much worse the others' p99 may be beside the frozen client. */
const P99_RATIO_BUDGET = 2;

interface LabUnderTest {
  server: ServerProcess;
  /** The well-behaved clients (one WebSocket, one SSE), and the delivery latencies they saw while measuring. */
  others: FeedClient[];
  latencies: number[];
  measuring: boolean;
  figures: ProcessFigures[];
}

runCli(async () => {
  const flags = parseFlags(process.argv.slice(2), {
    seconds: { type: 'string' },
    rate: { type: 'string' },
    help: { type: 'boolean' },
  });
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const seconds = wholeNumberFlag('--seconds', str(flags, 'seconds'), 5, 600, 30);
  const rate = wholeNumberFlag('--rate', str(flags, 'rate'), 10, 5000, 1000);
  await prebuildDashboard();
  const labs = await Promise.all([startLabUnderTest(rate), startLabUnderTest(rate)]);
  const sockets: WebSocket[] = [];
  try {
    const [quiet, withFrozen] = labs as [LabUnderTest, LabUnderTest];
    await until(() => labs.every((lab) => lab.others.every((c) => c.stats().messages > 100)), 10_000, 'the others');

    // The frozen client: reads its hello and first event, then nothing (a laptop lid closed).
    const frozenSeqs: number[] = [];
    let epoch = '';
    let closeCode = 0;
    const wsUrl = withFrozen.server.url.replace('http', 'ws');
    const frozen = new WebSocket(`${wsUrl}/api/feed/websocket?client=frozen`);
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
    await until(() => frozenSeqs.length > 0, 5000, 'the frozen client to read its first event');
    const connectionsWithFrozen = (await readFigures(withFrozen)).connections;
    await readFigures(quiet);

    // The measured window: both labs alike, only one has a client that never reads.
    process.stderr.write(`measuring for ${seconds} s at ${rate} events/s of ${PAYLOAD_BYTES} B…\n`);
    for (const lab of labs) lab.measuring = true;
    let cutAfterS = Number.NaN;
    const started = Date.now();
    while (Date.now() - started < seconds * 1000) {
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
    const extraMiB = frozenGrowth.heapAndBuffers - quietGrowth.heapAndBuffers;
    console.log(`slow consumer at ${rate} events/s of ${PAYLOAD_BYTES} B for ${seconds} s:`);
    console.log(`  cut after ${cutAfterS.toFixed(1)} s`);
    console.log(
      `  the others' p99 ${frozenP99.toFixed(2)} ms beside it, ${quietP99.toFixed(2)} ms without it (${withFrozen.latencies.length} and ${quiet.latencies.length} deliveries)`,
    );
    console.log(
      `  heap growth ${frozenGrowth.heap.toFixed(1)} MiB (without it ${quietGrowth.heap.toFixed(1)}); heap + Buffers ${frozenGrowth.heapAndBuffers.toFixed(1)} MiB (without it ${quietGrowth.heapAndBuffers.toFixed(1)})`,
    );
    const missed: string[] = [];
    if (!(cutAfterS < seconds)) missed.push(`the frozen client was not cut within ${seconds} s`);
    for (const lab of labs)
      if (lab.latencies.length <= rate * seconds)
        missed.push(`a lab's two other clients got ${lab.latencies.length} deliveries, not over ${rate * seconds}`);
    if (!(frozenP99 <= P99_RATIO_BUDGET * quietP99))
      missed.push(`the others' p99 is over ${P99_RATIO_BUDGET}× the quiet lab's`);
    if (!(frozenGrowth.heap < GROWTH_BUDGET_MIB)) missed.push(`heap growth is not under ${GROWTH_BUDGET_MIB} MiB`);
    // Both labs keep the same events for resume; what the frozen client may add on top is bounded.
    if (!(extraMiB < GROWTH_BUDGET_MIB))
      missed.push(`heap + Buffers beyond the quiet lab's is not under ${GROWTH_BUDGET_MIB} MiB`);
    for (const lab of labs)
      for (const client of lab.others) {
        const { gaps, missed: lost, duplicates } = client.stats();
        if (gaps + lost + duplicates > 0) missed.push(`a ${client.transport} client saw gaps/missed/duplicates`);
      }

    // The lid opens: the client reads what reached it, finds its connection gone, and resumes from its last seq.
    frozen.resume();
    await until(() => closeCode !== 0, 10_000, 'the frozen client to see its connection closed');
    const lastSeq = frozenSeqs.at(-1) ?? 0;
    if (frozenSeqs.some((seq, i) => seq !== (frozenSeqs[0] ?? 0) + i)) missed.push('the frozen client read a gap');
    const resumed: number[] = [];
    let reset = false;
    const again = new WebSocket(`${wsUrl}/api/feed/websocket?client=frozen&since=${lastSeq}&epoch=${epoch}`);
    sockets.push(again);
    again.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type?: string; seq?: number };
      if (message.seq !== undefined) resumed.push(message.seq);
      else if (message.type === 'reset') reset = true;
    });
    await until(() => resumed.length > 0, 5000, 'the resumed client to receive events');
    const stopped = await fetch(`${withFrozen.server.url}/api/feed/settings`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ running: false }),
    });
    if (!stopped.ok) throw new Error(`pausing the feed answered HTTP ${stopped.status}`);
    const { seq: newest } = (await (await fetch(`${withFrozen.server.url}/api/feed/status`)).json()) as { seq: number };
    await until(() => resumed.at(-1) === newest, 20_000, 'the resumed client to catch up');
    const lost = newest - lastSeq - new Set(resumed).size;
    console.log(
      `  resumed after seq ${lastSeq}: ${resumed.length} events to seq ${newest}, ${lost} lost, reset: ${reset}`,
    );
    if (reset || lost !== 0 || resumed.some((seq, i) => seq !== lastSeq + 1 + i))
      missed.push('the resumed client did not get every event after its last one, in order, without a reset');
    if (missed.length > 0) throw new Error(`out of budget: ${missed.join('; ')}`);
    console.log('within budget');
  } finally {
    for (const socket of sockets) socket.terminate();
    for (const lab of labs) for (const client of lab.others) client.stop();
    await Promise.all(labs.map((lab) => lab.server.stop()));
  }
});

async function startLabUnderTest(rate: number): Promise<LabUnderTest> {
  const server = await startServerProcess('server/main.ts', ['--port', '0', '--rate', String(rate)]);
  const lab: LabUnderTest = { server, others: [], latencies: [], measuring: false, figures: [] };
  const changed = await fetch(`${server.url}/api/feed/settings`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ payloadBytes: PAYLOAD_BYTES }),
  });
  if (!changed.ok) throw new Error(`setting the payload answered HTTP ${changed.status}`);
  for (const transport of ['websocket', 'sse'] as const) {
    const client = createFeedClient(transport, {
      baseUrl: server.url,
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
  return lab;
}

async function readFigures(lab: LabUnderTest): Promise<ProcessFigures> {
  const figures = await readProcess(lab.server.url, false);
  if (!figures) throw new Error(`${lab.server.url}/api/process is missing`);
  lab.figures.push(figures);
  return figures;
}

/** The nearest-rank 99th percentile, as the lab reports it. */
function p99(samples: number[]): number {
  return (
    percentileOfSorted(
      [...samples].sort((a, b) => a - b),
      99,
    ) ?? Number.NaN
  );
}

/** The largest growth over the first reading, of heap alone and of heap plus Buffers (where queued bytes live). */
function growthMiB(figures: ProcessFigures[]): { heap: number; heapAndBuffers: number } {
  const [first, ...rest] = figures;
  if (!first) return { heap: Number.NaN, heapAndBuffers: Number.NaN };
  const all = (f: ProcessFigures): number => f.heapUsedBytes + f.arrayBuffersBytes;
  return {
    heap: Math.max(...rest.map((f) => f.heapUsedBytes - first.heapUsedBytes)) / MIB,
    heapAndBuffers: Math.max(...rest.map((f) => all(f) - all(first))) / MIB,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}
