/**
 * `npm run compare`: the lab's main job without a browser. One FeedClient per
 * transport runs against a lab (started here, or `--url`) for `--duration`
 * seconds; then a side-by-side table of latency, requests and bytes per
 * message, with the bytes taken from the lab's meter for exactly these clients.
 */

import { createFeedClient } from '../clients/client-registry.ts';
import { estimateClockOffset } from '../clients/clock-offset.ts';
import type { FeedClient } from '../clients/feed-client.ts';
import { nodeEnv } from '../clients/node-env.ts';
import type { TransportName } from '../protocol/feed-event.ts';
import { bytesPerEvent, median } from '../protocol/figures.ts';
import type { MetricsSnapshot } from '../protocol/metrics.ts';
import { socketIoTransportsOf } from '../protocol/socket-io-lanes.ts';
import { buildApp } from '../server/app.ts';
import { HINTS, isLabError } from '../server/errors.ts';
import { loadScenario } from '../server/feed/scenario.ts';
import { COMPARE_USAGE, type CompareFlags, parseCompareFlags } from './compare-flags.ts';
import { type Comparison, formatComparisonTable, type TransportResult } from './comparison-table.ts';

async function main(): Promise<void> {
  const flags = parseCompareFlags(process.argv.slice(2));
  if (flags.help) {
    console.log(COMPARE_USAGE);
    return;
  }
  const lab = await openLab(flags);
  try {
    const comparison = await compare(lab.url, flags, lab.scenarioId);
    process.stdout.write(flags.json ? `${JSON.stringify(comparison, null, 2)}\n` : formatComparisonTable(comparison));
  } finally {
    await lab.close();
  }
}

interface Lab {
  url: string;
  scenarioId: string;
  close(): Promise<void>;
}

/** A lab of our own on a free loopback port, or the running one at --url. */
async function openLab(flags: CompareFlags): Promise<Lab> {
  if (flags.url === undefined) {
    const scenario = loadScenario(flags.scenario);
    const app = await buildApp({ scenario, ...(flags.seed !== undefined ? { seed: flags.seed } : {}) });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return { url: `http://127.0.0.1:${port}`, scenarioId: scenario.id, close: () => app.close() };
  }
  const url = flags.url;
  const status = await fetchJson<{ scenario: string }>(`${url}/api/feed/status`).catch((error: unknown) => {
    throw Object.assign(new Error(`cannot reach a lab at ${url}: ${(error as Error).message}`), { exitCode: 2 });
  });
  return { url, scenarioId: status.scenario, close: async () => {} };
}

async function compare(url: string, flags: CompareFlags, scenarioId: string): Promise<Comparison> {
  const env = nodeEnv();
  // Same machine: the clocks are one. Another machine: estimate the offset (NTP-style, smallest round trip).
  const clock = flags.url === undefined ? { offsetMs: 0, errorMs: 0 } : await estimateClockOffset(url, env);
  const scenario = loadScenario(scenarioId);
  const runId = Math.random().toString(36).slice(2, 8);
  const clients = new Map<TransportName, FeedClient>();
  for (const transport of flags.transports) {
    clients.set(
      transport,
      createFeedClient(transport, {
        baseUrl: url,
        clientId: `compare-${runId}-${transport}`,
        env,
        clockOffsetMs: clock.offsetMs,
        shortPollIntervalMs: flags.intervalMs,
        socketIoTransports: socketIoTransportsOf(flags.socketIoLane),
        keepLatencySamples: 1_000_000,
      }),
    );
  }
  for (const client of clients.values()) client.start();

  // Upstream messages, as the scenario's users would send them, on every transport at once.
  const upstreamEveryMs = (scenario.upstreamPerSecond ?? 0) > 0 ? 1000 / (scenario.upstreamPerSecond ?? 1) : 0;
  let sent = 0;
  const upstream = upstreamEveryMs
    ? setInterval(() => {
        sent += 1;
        for (const client of clients.values()) void client.publish({ text: `message ${sent}` }).catch(() => {});
      }, upstreamEveryMs)
    : null;

  const started = Date.now();
  const progress = setInterval(() => {
    const elapsed = Math.round((Date.now() - started) / 1000);
    const counts = [...clients.values()].map((c) => `${c.transport} ${c.stats().messages}`).join(', ');
    process.stderr.write(`${elapsed}/${flags.durationS} s: ${counts}\n`);
  }, 1000);
  await new Promise((resolve) => setTimeout(resolve, flags.durationS * 1000));
  clearInterval(progress);
  if (upstream) clearInterval(upstream);
  for (const client of clients.values()) client.stop();
  await new Promise((resolve) => setTimeout(resolve, 300)); // let the lab settle the last bytes

  const transports: Partial<Record<TransportName, TransportResult>> = {};
  for (const [transport, client] of clients) {
    const metrics = await fetchJson<MetricsSnapshot>(`${url}/api/metrics?client=compare-${runId}-${transport}`);
    const meter = metrics.transports[transport];
    const stats = client.stats();
    // The README's bytes per event (protocol/figures.ts): both directions over the events the lab delivered.
    const perEvent = bytesPerEvent(meter);
    const per = (n: number | undefined): number => (n === undefined ? 0 : round(n));
    transports[transport] = {
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
      bytesPerMessage: {
        header: per(perEvent?.header),
        framing: per(perEvent?.framing),
        payload: per(perEvent?.payload),
        total: per(perEvent?.total),
      },
      roundTripMsP50: roundOrNull(median(stats.roundTripMs)),
    };
  }
  return {
    scenario: scenarioId,
    durationS: flags.durationS,
    shortPollIntervalMs: flags.intervalMs,
    clockOffsetMs: round(clock.offsetMs),
    clockErrorMs: round(clock.errorMs),
    transports,
  };
}

async function fetchJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
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
