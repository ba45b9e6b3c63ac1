/**
 * One chaos run: a lab of its own with a conditioner on free ports, one real
 * FeedClient per transport going through the conditioner, a steady feed, and
 * `drops` forced drop-alls at random moments. Then the feed stops, every
 * client catches up, and each client's record is checked: nothing lost,
 * nothing duplicated, seq strictly increasing. Shared by `npm run chaos` and
 * the faults test.
 */
import { createFeedClient } from '../clients/client-registry.ts';
import type { FeedClient } from '../clients/feed-client.ts';
import { TRANSPORT_NAMES, type TransportName } from '../protocol/feed-event.ts';
import { stripUndefined } from '../protocol/strip-undefined.ts';
import { TRANSPORT_RECORDS } from '../protocol/transport-records.ts';
import { buildApp } from '../server/app.ts';
import type { NetworkRequest, NetworkSettings } from '../server/conditioner/network-settings.ts';
import { isolatedNodeEnv } from './isolated-node-env.ts';

export interface ChaosOptions {
  /** drop-alls to force. @default 100 */
  drops: number;
  /** Events per second the feed publishes. @default 50 */
  ratePerSecond: number;
  /** Shortest and longest wait (ms) before each drop-all, drawn uniformly. @default 300, 1000 */
  minGapMs: number;
  maxGapMs: number;
  /** The conditioner's network during the run. @default 'fast-4g' */
  network: NetworkRequest;
  /** Short-poll interval (ms). @default 100 */
  shortPollIntervalMs: number;
  /** The drops stop after this many seconds even when fewer were forced. @default 300 */
  maxSeconds: number;
  /** How long (ms) the clients get to catch up after the last drop. @default 30000 */
  catchUpMs: number;
  /** The transports to follow, one client each. @default every transport */
  transports: TransportName[];
  /** The conditioner refuses every Upgrade request (403) during the run. @default false */
  websocketBlocked: boolean;
  seed?: number | undefined;
  onProgress?: ((line: string) => void) | undefined;
}

export const CHAOS_DEFAULTS: Omit<ChaosOptions, 'seed' | 'onProgress'> = {
  drops: 100,
  ratePerSecond: 50,
  minGapMs: 300,
  maxGapMs: 1000,
  network: 'fast-4g',
  shortPollIntervalMs: 100,
  maxSeconds: 300,
  catchUpMs: 30_000,
  transports: [...TRANSPORT_NAMES],
  websocketBlocked: false,
};

/** SSE's `retry:` in the chaos lab (the lab's default is 2000 ms): reconnecting quickly lets most drops find it connected. */
export const CHAOS_SSE_RETRY_MS = 250;

export interface TransportChaosResult {
  /** Events published while the client followed the feed (all of them: the feed starts once every client is connected). */
  published: number;
  /** Distinct events the client delivered. */
  received: number;
  /** Published events the client never delivered. */
  lost: number;
  /** Events the client saw twice (dropped by its bookkeeping, counted here). */
  duplicated: number;
  /** Discontinuities the client counted (resets, seq jumps). */
  gaps: number;
  /** Reconnects and retries the client made. */
  reconnects: number;
  /** Drop-alls that found this transport with an open connection. */
  dropsHit: number;
  /** This client's connections that the drops cut. */
  connectionsCut: number;
  /** Every delivered seq was greater than the one before. */
  strictlyIncreasing: boolean;
  /**
   * A client on Engine.IO: the transport carrying it at the end and whether it ever upgraded to websocket
   * (with WebSocket blocked: `polling`, false). Absent for the others.
   */
  engine?: { transport: string | null; everUpgraded: boolean };
}

export interface ChaosResult {
  /** Drop-alls forced. */
  drops: number;
  durationS: number;
  ratePerSecond: number;
  network: NetworkSettings;
  sseRetryMs: number;
  /** The conditioner refused every Upgrade request during the run. */
  websocketBlocked: boolean;
  /** One entry per transport followed. */
  transports: Partial<Record<TransportName, TransportChaosResult>>;
  /** Every client caught up with nothing lost or duplicated and seq strictly increasing. */
  ok: boolean;
}

interface Follower {
  transport: TransportName;
  clientId: string;
  client: FeedClient;
  seqs: number[];
  increasing: boolean;
  dropsHit: number;
  connectionsCut: number;
  close(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function runChaos(partial: Partial<ChaosOptions> = {}): Promise<ChaosResult> {
  const options: ChaosOptions = { ...CHAOS_DEFAULTS, ...stripUndefined(partial) };
  const progress = options.onProgress ?? (() => {});
  const app = await buildApp({
    autostart: false,
    ratePerSecond: options.ratePerSecond,
    conditionerPort: 0,
    network: options.network,
    sseRetryMs: CHAOS_SSE_RETRY_MS,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
  });
  const followers: Follower[] = [];
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const conditionerPort = await app.conditioner.ready();
    const labUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    const baseUrl = `http://127.0.0.1:${conditionerPort}`;
    const runId = Math.random().toString(36).slice(2, 8);
    if (options.websocketBlocked) await sendJson('PUT', `${labUrl}/api/network`, { websocketBlocked: true });

    for (const transport of options.transports) {
      const isolated = isolatedNodeEnv();
      const clientId = `chaos-${runId}-${transport}`;
      const follower: Follower = {
        transport,
        clientId,
        client: undefined as unknown as FeedClient,
        seqs: [],
        increasing: true,
        dropsHit: 0,
        connectionsCut: 0,
        close: isolated.close,
      };
      follower.client = createFeedClient(transport, {
        baseUrl,
        clientId,
        env: isolated.env,
        shortPollIntervalMs: options.shortPollIntervalMs,
        reconnectMinMs: 50,
        reconnectMaxMs: 500,
        keepLatencySamples: 0,
        onEvent: (event) => {
          const last = follower.seqs.at(-1);
          if (last !== undefined && event.seq <= last) follower.increasing = false;
          follower.seqs.push(event.seq);
        },
      });
      followers.push(follower);
      follower.client.start();
    }

    // The feed starts once the lab holds every client's request or stream, so each one should see every event.
    const connected = (f: Follower): boolean =>
      !TRANSPORT_RECORDS[f.transport].held
        ? f.client.state === 'open'
        : app.meter.snapshot('', 0, 0, f.clientId).transports[f.transport].requests >= 1;
    await waitUntil(() => followers.every(connected), 15_000, 'every client to connect through the conditioner');
    app.feed.start();
    const started = performance.now();
    progress(`feed started at ${options.ratePerSecond} events/s; forcing ${options.drops} drop-alls`);

    let drops = 0;
    const deadline = started + options.maxSeconds * 1000;
    while (drops < options.drops && performance.now() < deadline) {
      await sleep(options.minGapMs + Math.random() * (options.maxGapMs - options.minGapMs));
      // Which clients are connected at this moment, from the conditioner's own list.
      const open = app.conditioner.connections().filter((c) => c.closedAt === null);
      for (const f of followers) {
        const mine = open.filter((c) => c.firstRequest?.includes(`client=${f.clientId}`)).length;
        f.connectionsCut += mine;
        if (mine > 0) f.dropsHit += 1;
      }
      await sendJson('POST', `${labUrl}/api/network/faults`, { action: 'drop-all' });
      drops += 1;
      if (drops % 10 === 0 || drops === options.drops) {
        progress(
          `${drops}/${options.drops} drops, ${Math.round((performance.now() - started) / 1000)} s, seq ${app.feed.newestSeq}`,
        );
      }
    }

    app.feed.stop();
    const newest = app.feed.newestSeq;
    progress(`feed stopped at seq ${newest}; waiting for every client to catch up`);
    await waitUntil(
      () => followers.every((f) => f.seqs.at(-1) === newest),
      options.catchUpMs,
      'every client to catch up',
    ).catch(
      () => {}, // reported below as lost events
    );
    const durationS = Math.round((performance.now() - started) / 100) / 10;

    const transports: Partial<Record<TransportName, TransportChaosResult>> = {};
    for (const f of followers) {
      const stats = f.client.stats();
      const distinct = new Set(f.seqs.filter((seq) => seq >= 1 && seq <= newest));
      transports[f.transport] = {
        published: newest,
        received: distinct.size,
        lost: newest - distinct.size,
        duplicated: stats.duplicates + (f.seqs.length - new Set(f.seqs).size),
        gaps: stats.gaps,
        reconnects: stats.reconnects,
        dropsHit: f.dropsHit,
        connectionsCut: f.connectionsCut,
        strictlyIncreasing: f.increasing,
        ...engineOf(f.client),
      };
    }
    const ok = Object.values(transports).every((t) => t.lost === 0 && t.duplicated === 0 && t.strictlyIncreasing);
    return {
      drops,
      durationS,
      ratePerSecond: options.ratePerSecond,
      network: { ...app.conditioner.settings },
      sseRetryMs: CHAOS_SSE_RETRY_MS,
      websocketBlocked: options.websocketBlocked,
      transports,
      ok,
    };
  } finally {
    for (const f of followers) f.client.stop();
    await Promise.all(followers.map((f) => f.close().catch(() => {})));
    await app.close();
  }
}

/** What a client on Engine.IO reports of its connection (it has `engineTransport` and `upgradedAt`); {} for the others. */
function engineOf(client: FeedClient): Pick<TransportChaosResult, 'engine'> {
  if (!('engineTransport' in client) || !('upgradedAt' in client)) return {};
  const engine = client as FeedClient & { engineTransport: string | null; upgradedAt: number | null };
  return { engine: { transport: engine.engineTransport, everUpgraded: engine.upgradedAt !== null } };
}

async function sendJson(method: 'POST' | 'PUT', url: string, body: unknown): Promise<void> {
  const response = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  await response.arrayBuffer();
}

async function waitUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}
