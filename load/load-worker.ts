/**
 * One worker thread of the load generator: runs its share of the virtual
 * clients — real FeedClients, the dashboard's code — and reports counts,
 * latency histograms and client-side byte counts to the main thread.
 * Started by `startLoadWorkers` (load-workers.ts) with a WorkerSetup.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createFeedClient } from '../clients/client-registry.ts';
import type { FeedClient } from '../clients/feed-client.ts';
import type { TransportName } from '../protocol/feed-event.ts';
import type { TransportCounts } from '../protocol/load-progress-line.ts';
import { TRANSPORT_RECORDS } from '../protocol/transport-records.ts';
import { LatencyHistogram } from './latency-histogram.ts';
import { createLoadEnv, type LoadEnv } from './load-client-env.ts';
import type { FromWorker, ToWorker, TransportOutcome, WorkerSetup } from './worker-protocol.ts';

interface TransportGroup {
  env: LoadEnv;
  latency: LatencyHistogram;
  roundTrip: LatencyHistogram;
  clients: FeedClient[];
  published: number;
  /** Events delivered, counted in onEvent so progress needs no stats() call per client. */
  messages: number;
}

const setup = workerData as WorkerSetup;
const port = parentPort;
if (!port) throw new Error('load-worker.ts runs as a worker thread only');

const groups = new Map<TransportName, TransportGroup>();
const startTimers = new Set<ReturnType<typeof setTimeout>>();
const upstreamTimers = new Set<ReturnType<typeof setTimeout>>();
const inFlightPublishes = new Set<Promise<unknown>>();
let quiet = false;
let progressTimer: ReturnType<typeof setInterval> | null = null;
let promptProgress: ReturnType<typeof setTimeout> | null = null;
/** After a client opens or drops, its counts go out within this many ms instead of at the next beat (coalesced). */
const PROMPT_PROGRESS_MS = 250;

/** A client's state changed: the run (and the page showing who is connected) hears of it promptly. */
function progressSoon(): void {
  if (promptProgress || !progressTimer) return;
  promptProgress = setTimeout(() => {
    promptProgress = null;
    if (progressTimer) send({ type: 'progress', transports: counts() });
  }, PROMPT_PROGRESS_MS);
}

function send(message: FromWorker): void {
  port?.postMessage(message);
}

function groupOf(transport: TransportName): TransportGroup {
  let group = groups.get(transport);
  if (!group) {
    group = {
      env: createLoadEnv(transport, setup.headerSet, setup.baseUrl, setup.tls),
      latency: new LatencyHistogram(),
      roundTrip: new LatencyHistogram(),
      clients: [],
      published: 0,
      messages: 0,
    };
    groups.set(transport, group);
  }
  return group;
}

/**
 * Requests in flight of clients the lab answers at once (short poll), per client. Stopping a client aborts its request; if the
 * lab had already written the answer, those bytes were sent but never read, and the two
 * ends' byte counts would differ. So short-poll clients are stopped between requests.
 */
const inFlight = new Map<FeedClient, number>();

// Every client is built before the run starts, so the ramp only opens connections.
const plans = setup.clients.map((plan) => {
  const group = groupOf(plan.transport);
  const counted = !TRANSPORT_RECORDS[plan.transport].held;
  const client: FeedClient = createFeedClient(plan.transport, {
    baseUrl: setup.baseUrl,
    clientId: plan.clientId,
    env: group.env.env,
    shortPollIntervalMs: setup.shortPollIntervalMs,
    socketIoTransports: setup.socketIoTransports,
    // Latencies go to the histogram: a per-client ring of samples would cost memory for nothing.
    keepLatencySamples: 0,
    onEvent: (_event, latencyMs) => {
      group.latency.record(latencyMs * 1000);
      group.messages++;
    },
    onRoundTrip: (_id, roundTripMs) => group.roundTrip.record(roundTripMs * 1000),
    onStateChange: progressSoon,
    // Only where needed: the hook runs for every request and message.
    ...(counted
      ? {
          onWire: (activity) => {
            if (activity.kind === 'request-start') inFlight.set(client, (inFlight.get(client) ?? 0) + 1);
            else if (activity.kind === 'request-end') inFlight.set(client, (inFlight.get(client) ?? 1) - 1);
          },
        }
      : {}),
  });
  group.clients.push(client);
  return { plan, client, group };
});

/** Upstream at a steady pace with a random phase, so thousands of clients do not send in lockstep. */
function sendUpstreamEvery(client: FeedClient, group: TransportGroup, periodMs: number, delayMs: number): void {
  const timer = setTimeout(() => {
    upstreamTimers.delete(timer);
    if (quiet) return;
    // A WebSocket that is not open yet cannot send; HTTP could, but a closed client should not.
    if (client.state === 'open') {
      const sent = client.publish({ text: `load ${group.published + 1}` }).then(
        () => {
          group.published++;
        },
        () => {}, // counted in the client's errors
      );
      inFlightPublishes.add(sent);
      void sent.finally(() => inFlightPublishes.delete(sent));
    }
    sendUpstreamEvery(client, group, periodMs, periodMs);
  }, delayMs);
  upstreamTimers.add(timer);
}

async function goQuiet(): Promise<void> {
  const wasSending = !quiet && setup.upstreamPerSecond > 0;
  quiet = true;
  if (!wasSending) return;
  for (const timer of upstreamTimers) clearTimeout(timer);
  upstreamTimers.clear();
  await Promise.race([Promise.all(inFlightPublishes), new Promise((resolve) => setTimeout(resolve, 5000))]);
  // A WebSocket message is "sent" when handed to the socket: give the lab a moment to publish it.
  await new Promise((resolve) => setTimeout(resolve, 200));
}

/**
 * Stops every client; short-poll clients each at a moment with no request in flight
 * (they wait `interval` between requests), the rest at once: a held long poll or an
 * open stream has nothing in flight once the paused feed is drained.
 * @param waitMs how long to wait for short polls to go idle before stopping them anyway
 */
async function stopBetweenRequests(waitMs: number): Promise<void> {
  const pending = new Set<FeedClient>();
  for (const group of groups.values()) {
    for (const client of group.clients) {
      if (inFlight.has(client)) pending.add(client);
      else client.stop();
    }
  }
  const deadline = Date.now() + waitMs;
  while (pending.size > 0 && Date.now() < deadline) {
    for (const client of pending) {
      if ((inFlight.get(client) ?? 0) === 0) {
        client.stop();
        pending.delete(client);
      }
    }
    if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  for (const client of pending) client.stop();
}

function counts(): Partial<Record<TransportName, TransportCounts>> {
  const out: Partial<Record<TransportName, TransportCounts>> = {};
  for (const [transport, group] of groups) {
    let open = 0;
    let errors = 0;
    let reconnects = 0;
    for (const client of group.clients) {
      if (client.state === 'open') open++;
      const stats = client.stats();
      errors += stats.errors;
      reconnects += stats.reconnects;
    }
    out[transport] = { clients: group.clients.length, open, messages: group.messages, errors, reconnects };
  }
  return out;
}

function start(startAt: number): void {
  const periodMs = setup.upstreamPerSecond > 0 ? 1000 / setup.upstreamPerSecond : 0;
  for (const { plan, client, group } of plans) {
    const timer = setTimeout(
      () => {
        startTimers.delete(timer);
        client.start();
        if (periodMs > 0 && !quiet) sendUpstreamEvery(client, group, periodMs, Math.random() * periodMs);
      },
      Math.max(0, startAt + plan.startAfterMs - Date.now()),
    );
    startTimers.add(timer);
  }
  progressTimer = setInterval(() => send({ type: 'progress', transports: counts() }), setup.progressEveryMs);
}

/** The longest a drain may take, ms, however much progress the clients still make. */
const DRAIN_CAP_MS = 120_000;

/**
 * Waits until every positioned client has seen `finalSeq` in `epoch`. Gives up
 * after `drainMs` without progress (an overloaded lab may still be catching its
 * clients up: that is slowness, not loss), or after DRAIN_CAP_MS in all.
 */
async function drain(finalSeq: number, epoch: string | null, drainMs: number): Promise<void> {
  const cap = Date.now() + DRAIN_CAP_MS;
  let deadline = Date.now() + drainMs;
  let lastMissing = Number.POSITIVE_INFINITY;
  while (Date.now() < deadline && Date.now() < cap) {
    let missing = 0;
    for (const group of groups.values()) {
      for (const client of group.clients) {
        const stats = client.stats();
        if (stats.epoch !== null && stats.epoch === epoch) missing += Math.max(0, finalSeq - stats.lastSeq);
      }
    }
    if (missing === 0) return;
    if (missing < lastMissing) deadline = Date.now() + drainMs;
    lastMissing = missing;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stop(finalSeq: number | null, epoch: string | null, drainMs: number): Promise<void> {
  for (const timer of startTimers) clearTimeout(timer);
  startTimers.clear();
  if (!quiet) await goQuiet();
  if (finalSeq !== null) await drain(finalSeq, epoch, drainMs);
  if (progressTimer) clearInterval(progressTimer);
  progressTimer = null;
  if (promptProgress) clearTimeout(promptProgress);
  await stopBetweenRequests(setup.shortPollIntervalMs + 5000);
  // Pools close their idle keep-alive sockets; WebSockets finish their closing handshake.
  await Promise.all([...groups.values()].map((group) => group.env.close()));
  for (const group of groups.values()) {
    if (!(await group.env.wire.allClosed(3000))) group.env.wire.destroyOpen();
  }
  await Promise.all([...groups.values()].map((group) => group.env.wire.allClosed(1000)));

  const transports: Partial<Record<TransportName, TransportOutcome>> = {};
  for (const [transport, group] of groups) {
    const outcome: TransportOutcome = {
      clients: group.clients.length,
      open: 0,
      messages: 0,
      errors: 0,
      reconnects: 0,
      gaps: 0,
      missed: 0,
      duplicates: 0,
      behind: finalSeq === null ? null : 0,
      unpositioned: 0,
      latency: group.latency.snapshot(),
      published: group.published,
      roundTrip: group.roundTrip.snapshot(),
      wire: group.env.wire.totals(),
      connections: group.env.wire.connections,
      errorSamples: [],
    };
    const samples = new Set<string>();
    for (const client of group.clients) {
      const stats = client.stats();
      outcome.messages += stats.messages;
      outcome.errors += stats.errors;
      outcome.reconnects += stats.reconnects;
      outcome.gaps += stats.gaps;
      outcome.missed += stats.missed;
      outcome.duplicates += stats.duplicates;
      // Without a known epoch (a lab we did not pause, a baseline), only "never positioned" can be told.
      if (stats.epoch === null || (epoch !== null && stats.epoch !== epoch)) outcome.unpositioned++;
      else if (outcome.behind !== null && finalSeq !== null) outcome.behind += Math.max(0, finalSeq - stats.lastSeq);
      if (stats.lastError !== undefined && samples.size < 5) samples.add(stats.lastError);
    }
    outcome.errorSamples = [...samples];
    transports[transport] = outcome;
  }
  send({ type: 'result', transports });
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'start':
      start(message.startAt);
      break;
    case 'mark':
      if (message.resetLatency) {
        for (const group of groups.values()) {
          group.latency.reset();
          group.roundTrip.reset();
        }
      }
      send({ type: 'mark', id: message.id, transports: counts() });
      break;
    case 'quiet':
      void goQuiet().then(() => send({ type: 'quiet', id: message.id }));
      break;
    case 'stop':
      stop(message.finalSeq, message.epoch, message.drainMs).catch((error: unknown) =>
        send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
      );
      break;
  }
});

send({ type: 'ready' });
