/**
 * `npm run compare`: the lab's main job without a browser. One FeedClient per
 * transport runs against a lab (started here, or `--url`) for `--duration`
 * seconds; then a side-by-side table of latency, requests and bytes per
 * message, with the bytes taken from the lab's meter for exactly these clients.
 * `--https` / `--http2` run them over TLS (HTTP/1.1, HTTP/2), side by side when both.
 */

import type { ClientEnv } from '../clients/client-env.ts';
import { createFeedClient } from '../clients/client-registry.ts';
import { estimateClockOffset } from '../clients/clock-offset.ts';
import type { FeedClient } from '../clients/feed-client.ts';
import { nodeEnv, nodeTlsEnv } from '../clients/node-env.ts';
import type { TransportName } from '../protocol/feed-event.ts';
import { bytesPerEvent, bytesPerRequest, median } from '../protocol/figures.ts';
import type { MetricsSnapshot } from '../protocol/metrics.ts';
import { socketIoTransportsOf } from '../protocol/socket-io-lanes.ts';
import { HINTS, isLabError } from '../server/errors.ts';
import { loadScenario } from '../server/feed/scenario.ts';
import { labCertificate } from '../server/tls/lab-certificate.ts';
import { COMPARE_USAGE, type CompareFlags, type CompareOver, parseCompareFlags } from './compare-flags.ts';
import { type Comparison, formatComparisonTable, type TransportResult } from './comparison-table.ts';

async function main(): Promise<void> {
  const flags = parseCompareFlags(process.argv.slice(2));
  if (flags.help) {
    console.log(COMPARE_USAGE);
    return;
  }
  const lab = await openLab(flags);
  try {
    const comparison = await compare(lab, flags);
    process.stdout.write(flags.json ? `${JSON.stringify(comparison, null, 2)}\n` : formatComparisonTable(comparison));
  } finally {
    await lab.close();
  }
}

interface Lab {
  /** The plain port's URL (the meter is read there). */
  url: string;
  /** Where the clients of each run go. */
  urls: Record<CompareOver, string>;
  /** The certificate the HTTPS ports present (null without them). */
  ca: string | null;
  scenarioId: string;
  close(): Promise<void>;
}

/** A lab of our own on free loopback ports (HTTPS ones too when a run is over TLS), or the running one at --url. */
async function openLab(flags: CompareFlags): Promise<Lab> {
  const overTls = flags.over.some((over) => over !== 'http');
  if (flags.url === undefined) {
    const scenario = loadScenario(flags.scenario);
    const certificate = overTls ? labCertificate({ cert: undefined, key: undefined }) : null;
    // Imported only to start a lab of its own: the server's modules take half a second to load.
    const { buildApp } = await import('../server/app.ts');
    const app = await buildApp({
      scenario,
      ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
      https: certificate ? { h2Port: 0, http1Port: 0, certificate } : null,
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const httpsPorts = await app.httpsReady();
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const url = `http://127.0.0.1:${port}`;
    return {
      url,
      urls: {
        http: url,
        https: `https://127.0.0.1:${httpsPorts?.http1Port ?? 0}`,
        h2: `https://127.0.0.1:${httpsPorts?.h2Port ?? 0}`,
      },
      ca: certificate?.cert ?? null,
      scenarioId: scenario.id,
      close: () => app.close(),
    };
  }
  const url = flags.url;
  if (overTls && (flags.over.length > 1 || !url.startsWith('https:'))) {
    throw Object.assign(
      new Error(
        "with --url, --https or --http2 (one of them) needs the lab's HTTPS port, e.g. --url https://127.0.0.1:3443",
      ),
      { exitCode: 2 },
    );
  }
  const ca = overTls ? labCertificate({ cert: undefined, key: undefined }).cert : null;
  if (overTls) {
    const env = nodeTlsEnv({ ca: ca ?? '', http2: false });
    const status = await env.fetch(`${url}/api/feed/status`).then(
      async (response) => (await response.json()) as { scenario: string },
      (error: unknown) => {
        throw Object.assign(new Error(`cannot reach a lab at ${url}: ${(error as Error).message}`), { exitCode: 2 });
      },
    );
    await env.close();
    return { url, urls: { http: url, https: url, h2: url }, ca, scenarioId: status.scenario, close: async () => {} };
  }
  const status = await fetchJson<{ scenario: string }>(`${url}/api/feed/status`).catch((error: unknown) => {
    throw Object.assign(new Error(`cannot reach a lab at ${url}: ${(error as Error).message}`), { exitCode: 2 });
  });
  return {
    url,
    urls: { http: url, https: url, h2: url },
    ca: null,
    scenarioId: status.scenario,
    close: async () => {},
  };
}

interface RunClient {
  over: CompareOver;
  transport: TransportName;
  id: string;
  client: FeedClient;
  env: ClientEnv & { close?(): Promise<void> };
}

async function compare(lab: Lab, flags: CompareFlags): Promise<Comparison> {
  const plainEnv = nodeEnv();
  const url = lab.url;
  const firstEnv = flags.over[0] === 'http' || lab.ca === null ? plainEnv : nodeTlsEnv({ ca: lab.ca, http2: false });
  // Same machine: the clocks are one. Another machine: estimate the offset (NTP-style, smallest round trip).
  const clock =
    flags.url === undefined
      ? { offsetMs: 0, errorMs: 0 }
      : await estimateClockOffset(lab.urls[flags.over[0] ?? 'http'], firstEnv);
  const scenario = loadScenario(lab.scenarioId);
  const runId = Math.random().toString(36).slice(2, 8);
  const clients = new Map<string, RunClient>();
  for (const over of flags.over) {
    for (const transport of flags.transports) {
      // Over TLS each client has a connection pool of its own, so each transport's connection (its
      // handshake, its HTTP/2 session) is its own, as the meter counts them.
      const env = over === 'http' || lab.ca === null ? plainEnv : nodeTlsEnv({ ca: lab.ca, http2: over === 'h2' });
      const id = `compare-${runId}-${over}-${transport}`;
      const client = createFeedClient(transport, {
        baseUrl: lab.urls[over],
        clientId: id,
        env,
        clockOffsetMs: clock.offsetMs,
        shortPollIntervalMs: flags.intervalMs,
        shortPollConditional: flags.conditional,
        socketIoTransports: socketIoTransportsOf(flags.socketIoLane),
        keepLatencySamples: 1_000_000,
      });
      clients.set(id, { over, transport, id, client, env });
    }
  }
  const feedClients = [...clients.values()].map((c) => c.client);
  for (const client of feedClients) client.start();

  // Upstream messages, as the scenario's users would send them, on every transport at once.
  const upstreamEveryMs = (scenario.upstreamPerSecond ?? 0) > 0 ? 1000 / (scenario.upstreamPerSecond ?? 1) : 0;
  let sent = 0;
  const upstream = upstreamEveryMs
    ? setInterval(() => {
        sent += 1;
        for (const client of feedClients) void client.publish({ text: `message ${sent}` }).catch(() => {});
      }, upstreamEveryMs)
    : null;

  const started = Date.now();
  const progress = setInterval(() => {
    const elapsed = Math.round((Date.now() - started) / 1000);
    const counts = [...clients.values()]
      .map((c) => `${c.transport}${flags.over.length > 1 ? ` (${c.over})` : ''} ${c.client.stats().messages}`)
      .join(', ');
    process.stderr.write(`${elapsed}/${flags.durationS} s: ${counts}\n`);
  }, 1000);
  await new Promise((resolve) => setTimeout(resolve, flags.durationS * 1000));
  clearInterval(progress);
  if (upstream) clearInterval(upstream);
  for (const client of feedClients) client.stop();
  await new Promise((resolve) => setTimeout(resolve, 300)); // let the lab settle the last bytes

  const runs = flags.over.map((over) => ({ over, transports: {} as Partial<Record<TransportName, TransportResult>> }));
  for (const { over, transport, id, client, env } of clients.values()) {
    const metricsUrl = `${flags.url !== undefined ? lab.urls[over] : url}/api/metrics?client=${id}`;
    const metrics = await fetchJson<MetricsSnapshot>(metricsUrl, flags.url !== undefined ? env.fetch : fetch);
    await env.close?.();
    const meter = metrics.transports[transport];
    const stats = client.stats();
    // The README's bytes per event (protocol/figures.ts): both directions over the events the lab delivered.
    const perEvent = bytesPerEvent(meter);
    const per = (n: number | undefined): number => (n === undefined ? 0 : round(n));
    const run = runs.find((r) => r.over === over);
    if (!run) continue;
    run.transports[transport] = {
      protocol: meter.protocols.h2 > 0 ? (meter.protocols['http/1.1'] > 0 ? 'mixed' : 'h2') : 'http/1.1',
      latencyMs: {
        p50: round(stats.latencyMs.p50),
        p95: round(stats.latencyMs.p95),
        p99: round(stats.latencyMs.p99),
        max: round(stats.latencyMs.max),
      },
      messages: stats.messages,
      gaps: stats.gaps,
      duplicates: stats.duplicates,
      requests: meter.requests,
      emptyResponses: meter.emptyResponses,
      notModified: meter.notModified ?? 0,
      bytesPerRequest: roundOrNull(bytesPerRequest(meter)),
      bytesPerMessage: {
        header: per(perEvent?.header),
        framing: per(perEvent?.framing),
        payload: per(perEvent?.payload),
        tls: per(perEvent?.tls),
        total: per(perEvent?.total),
      },
      roundTripMsP50: roundOrNull(median(stats.roundTripMs)),
    };
  }
  return {
    scenario: lab.scenarioId,
    durationS: flags.durationS,
    shortPollIntervalMs: flags.intervalMs,
    conditional: flags.conditional,
    clockOffsetMs: round(clock.offsetMs),
    clockErrorMs: round(clock.errorMs),
    over: flags.over,
    transports: runs[0]?.transports ?? {},
    runs,
  };
}

async function fetchJson<T>(url: string, fetcher: typeof fetch = fetch): Promise<T> {
  const response = await fetcher(url, { signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as T;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function roundOrNull(n: number | null): number | null {
  return n === null ? null : round(n);
}

main().catch((error: unknown) => {
  if (isLabError(error)) {
    console.error(`error ${error.code}: ${error.message}\nhint: ${HINTS[error.code]}`);
    process.exit(2);
  }
  if ((error as { exitCode?: number }).exitCode === 2) {
    console.error(
      `error LAB_ERR_UNREACHABLE: ${(error as Error).message}\nhint: start a lab with npm start, or leave out --url`,
    );
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
