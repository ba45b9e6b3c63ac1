/**
 * One feed run of a lesson, measured against a lab over its HTTP API: a real
 * FeedClient per transport with fresh client ids (so the lab's meter counts
 * them from zero), a warm-up until every client is open and has its first
 * event, then the measured window with upstream messages and faults, then a
 * catch-up so a lost event is told from one still on its way. The clients'
 * environment is passed in: Node's in the command line, the browser's own in
 * the dashboard.
 */
import type { ClientEnv } from '../clients/client-env.ts';
import { createFeedClient } from '../clients/client-registry.ts';
import type { FeedClient } from '../clients/feed-client.ts';
import type { TransportName } from '../protocol/feed-event.ts';
import { mean, median, metricsSince, percentileOfSorted } from '../protocol/figures.ts';
import type { FeedStatus } from '../protocol/lab-status.ts';
import type { MetricsSnapshot, TransportMetrics } from '../protocol/metrics.ts';
import type { InspectResponse } from '../protocol/wire-sample.ts';
import type { FeedRunMeasurement, FeedRunPlan, LatencyFigures, TransportMeasurement } from './lesson.ts';
import { LessonUnavailable } from './run-lesson.ts';

export interface LabEndpoints {
  /** The lab's own port: control, metrics and inspect. */
  labUrl: string;
  /** The network conditioner's port, or null when the lab runs none. */
  conditionerUrl: string | null;
  /**
   * The lab's HTTPS ports (`npm start -- --https`), for runs over TLS, and the
   * certificate they present (PEM) for clients that must be told to trust it
   * (null: the environment trusts it already, as a page served from it does).
   * Null or absent: the lab has none, and such runs cannot be measured.
   */
  https?: { h2Url: string; http1Url: string; certificatePem: string | null } | null;
}

/** Where a run's clients go: the conditioner when it shapes the network, an HTTPS port when it names a version, else the lab. */
export function runBaseUrl(lab: LabEndpoints, run: FeedRunPlan): string {
  if (run.http) {
    if (!lab.https) {
      throw new LessonUnavailable(
        `"${run.label}" runs over TLS (${run.http === 'h2' ? 'HTTP/2' : 'HTTP/1.1'}), and this lab has no HTTPS ports`,
        'start the lab with npm start -- --https and open the page over https, or leave out --url',
      );
    }
    return run.http === 'h2' ? lab.https.h2Url : lab.https.http1Url;
  }
  return run.network && lab.conditionerUrl ? lab.conditionerUrl : lab.labUrl;
}

/** The clients' environment for one transport of a run (its fetch, EventSource, WebSocket), and how to free it. */
export type RunEnv = (
  transport: TransportName,
  run: FeedRunPlan,
  baseUrl: string,
) => { env: ClientEnv; close(): Promise<void> };

/** What a feed run needs from where it runs. */
export interface FeedRunContext {
  lab: LabEndpoints;
  request: LabRequest;
  makeEnv: RunEnv;
  /** Server clock − this clock, ms (0 on the lab's own machine). @default 0 */
  clockOffsetMs?: number;
}

/** Longest wait for every client to open and see its first event, ms. */
const WARM_UP_LIMIT_MS = 10_000;
/** Longest wait after the window for every client to reach the feed's newest seq, ms. */
const CATCH_UP_LIMIT_MS = 8_000;
/** After stopping the clients, the lab settles the last bytes of their connections. */
const SETTLE_MS = 300;

interface Follower {
  transport: TransportName;
  clientId: string;
  client: FeedClient;
  close(): Promise<void>;
  seqs: number[];
  increasing: boolean;
  latencies: number[];
  roundTrips: number[];
  requestMs: number[];
  upstreamSent: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @param rttMs the round trip the conditioner adds during this run (0 without one)
 */
export async function measureFeedRun(
  { lab, request: labRequest, makeEnv, clockOffsetMs = 0 }: FeedRunContext,
  run: FeedRunPlan,
  rttMs: number,
): Promise<FeedRunMeasurement> {
  const runId = Math.random().toString(36).slice(2, 8);
  const baseUrl = runBaseUrl(lab, run);
  let inWindow = false;
  const followers = run.transports.map((transport) => {
    const { env, close } = makeEnv(transport, run, baseUrl);
    const follower: Follower = {
      transport,
      clientId: `lesson-${runId}-${transport}`,
      client: undefined as unknown as FeedClient,
      close,
      seqs: [],
      increasing: true,
      latencies: [],
      roundTrips: [],
      requestMs: [],
      upstreamSent: 0,
    };
    const started = new Map<number, number>();
    follower.client = createFeedClient(transport, {
      baseUrl,
      clientId: follower.clientId,
      env,
      clockOffsetMs,
      shortPollIntervalMs: run.client?.shortPollIntervalMs,
      longPollTimeoutMs: run.client?.longPollTimeoutMs,
      reconnectMinMs: 50,
      reconnectMaxMs: 500,
      keepLatencySamples: 0,
      onEvent: (event, latencyMs) => {
        const last = follower.seqs.at(-1);
        if (last !== undefined && event.seq <= last) follower.increasing = false;
        follower.seqs.push(event.seq);
        if (inWindow) follower.latencies.push(latencyMs);
      },
      onRoundTrip: (_id, roundTripMs) => {
        if (inWindow) follower.roundTrips.push(roundTripMs);
      },
      onWire: (activity) => {
        const request = activity.detail?.request;
        if (request === undefined) return;
        if (activity.kind === 'request-start') started.set(request, activity.at);
        if (activity.kind === 'request-end') {
          const at = started.get(request);
          started.delete(request);
          if (at !== undefined && inWindow && activity.detail?.status !== undefined)
            follower.requestMs.push(activity.at - at);
        }
      },
    });
    return follower;
  });

  const timers: ReturnType<typeof setTimeout>[] = [];
  try {
    for (const f of followers) f.client.start();
    await waitFor(() => followers.every((f) => f.client.state === 'open' && f.seqs.length > 0), WARM_UP_LIMIT_MS);

    const baseline = new Map<TransportName, TransportMetrics>();
    for (const f of followers) baseline.set(f.transport, await clientMetrics(labRequest, f));
    inWindow = true;
    const windowStart = performance.now();

    let faults = 0;
    if (run.upstream && run.upstream.perSecond > 0) {
      const data = 'x'.repeat(run.upstream.dataBytes);
      const every = 1000 / run.upstream.perSecond;
      const sendAll = (): void => {
        for (const f of followers) {
          f.upstreamSent++;
          void f.client.publish(data).catch(() => {
            f.upstreamSent--;
          });
        }
      };
      const upstream = setInterval(sendAll, every);
      timers.push(setTimeout(() => clearInterval(upstream), run.durationS * 1000 - every / 2));
      timers.push(upstream);
    }
    for (const fault of run.faults ?? []) {
      timers.push(
        setTimeout(() => {
          faults++;
          void labRequest('POST', '/api/network/faults', { action: fault.action }).catch(() => {});
        }, fault.atS * 1000),
      );
    }
    await sleep(run.durationS * 1000);
    for (const timer of timers) clearTimeout(timer);

    // Everything published until now must arrive: what has not after the catch-up is lost.
    const { seq: newest } = await labRequest<FeedStatus>('GET', '/api/feed/status');
    await waitFor(() => followers.every((f) => f.client.stats().lastSeq >= newest), CATCH_UP_LIMIT_MS);
    const durationS = (performance.now() - windowStart) / 1000;
    inWindow = false;

    // The window ends before the clients stop: their close frames and final requests are not its traffic.
    const windowEnd = new Map<TransportName, TransportMetrics>();
    const inspect = new Map<TransportName, InspectResponse>();
    for (const f of followers) {
      windowEnd.set(f.transport, await clientMetrics(labRequest, f));
      inspect.set(f.transport, await labRequest<InspectResponse>('GET', `/api/inspect?client=${f.clientId}`));
    }
    for (const f of followers) f.client.stop();
    for (const f of followers) await f.close();
    await sleep(SETTLE_MS);

    const transports: Partial<Record<TransportName, TransportMeasurement>> = {};
    for (const f of followers) {
      const whole = await clientMetrics(labRequest, f);
      const stats = f.client.stats();
      const first = f.seqs[0];
      const delivered = new Set(f.seqs.filter((seq) => seq <= newest));
      transports[f.transport] = {
        whole,
        window: metricsSince(windowEnd.get(f.transport) ?? whole, baseline.get(f.transport) ?? null),
        latencyMs: figuresOf(f.latencies),
        roundTripMs: figuresOf(f.roundTrips),
        requestMs: figuresOf(f.requestMs),
        upstreamSent: f.upstreamSent,
        seqStrictlyIncreasing: f.increasing && stats.duplicates === 0,
        lost: first === undefined ? 0 : Math.max(0, newest - first + 1 - delivered.size),
        duplicates: stats.duplicates,
        gaps: stats.gaps,
        reconnects: stats.reconnects,
        inspect: inspect.get(f.transport)?.transports[f.transport] ?? null,
      };
    }
    const status = await labRequest<FeedStatus>('GET', '/api/feed/status');
    return {
      kind: 'feed',
      label: run.label,
      rttMs,
      ratePerSecond: status.ratePerSecond,
      durationS,
      faults,
      transports,
    };
  } finally {
    for (const timer of timers) clearTimeout(timer);
    for (const f of followers) {
      f.client.stop();
      await f.close().catch(() => {});
    }
  }
}

/** A request to the lab's own port: method, path, optional JSON body → the parsed answer. */
export type LabRequest = <T = unknown>(method: string, path: string, body?: unknown) => Promise<T>;

async function clientMetrics(labRequest: LabRequest, f: Follower): Promise<TransportMetrics> {
  const snapshot = await labRequest<MetricsSnapshot>('GET', `/api/metrics?client=${f.clientId}`);
  return snapshot.transports[f.transport];
}

function figuresOf(values: number[]): LatencyFigures {
  const sorted = Float64Array.from(values).sort();
  return { count: values.length, mean: mean(values), p50: median(values), p99: percentileOfSorted(sorted, 99) };
}

async function waitFor(done: () => boolean, limitMs: number): Promise<void> {
  const until = performance.now() + limitMs;
  while (!done() && performance.now() < until) await sleep(50);
}
