/**
 * The results of a load run as one plain object: what `--json` writes and
 * what the table, CSV and Markdown are printed from. Units are in the names
 * (Ms, S, MB, KB, Pct, PerSecond); bytes are plain bytes.
 */
import { availableParallelism, cpus } from 'node:os';
import type { TransportName } from '../protocol/feed-event.ts';
import { metricsSince } from '../protocol/figures.ts';
import type { LatencyReport, LoadReport, MachineInfo, ServerReport, TransportReport } from '../protocol/load-report.ts';
import { type ByteSplit, byteTotal, type TransportMetrics } from '../protocol/metrics.ts';
import type { LatencyHistogram } from './latency-histogram.ts';
import type { Reading, RunRecord, TransportRun } from './load-run.ts';
import { cpuPercent } from './proc-sampler.ts';

export function machineInfo(): MachineInfo {
  return { cores: availableParallelism(), cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version };
}

export interface ReportContext {
  scenario: string;
  ratePerSecond: number | null;
}

export function buildLoadReport(run: RunRecord, context: ReportContext): LoadReport {
  const { plan } = run;
  const steadyS = (run.steadyEnd.at - run.steadyStart.at) / 1000;
  const transports: Partial<Record<TransportName, TransportReport>> = {};
  for (const transport of plan.transports) {
    const result = run.transports[transport];
    if (result) transports[transport] = transportReport(transport, result, run, steadyS);
  }
  return {
    tool: 'load',
    runId: plan.runId,
    startedAt: new Date(run.startedAt).toISOString(),
    scenario: context.scenario,
    ratePerSecond: context.ratePerSecond,
    clients: plan.clientsPerTransport,
    durationS: plan.durationS,
    rampS: plan.rampS,
    steadyS: round(steadyS, 2),
    headers: plan.headers,
    shortPollIntervalMs: plan.shortPollIntervalMs,
    upstreamPerSecond: plan.upstreamPerSecond,
    workers: plan.workers,
    url: plan.baseUrl,
    ownLab: plan.target === 'own-lab',
    meterSource:
      plan.target === 'own-lab'
        ? 'GET /api/metrics totals before and after the run (a lab of its own: no other traffic)'
        : plan.target === 'lab'
          ? 'GET /api/metrics totals before and after the run (includes any other traffic on that lab)'
          : 'none (baseline server)',
    machine: machineInfo(),
    transports,
    server: serverReport(run),
    generator: { cpuPct: generatorCpuPct(run), workers: plan.workers },
  };
}

/** The generator's CPU in the steady window, % of one core. */
export function generatorCpuPct(run: Pick<RunRecord, 'steadyStart' | 'steadyEnd'>): number {
  const wallMs = run.steadyEnd.at - run.steadyStart.at;
  return wallMs > 0 ? round(((run.steadyEnd.generatorCpuMs - run.steadyStart.generatorCpuMs) / wallMs) * 100, 1) : 0;
}

function transportReport(
  transport: TransportName,
  result: TransportRun,
  run: RunRecord,
  steadyS: number,
): TransportReport {
  const whole = meterDiff(run.before, run.after, transport);
  const steady = meterDiff(run.steadyStart, run.steadyEnd, transport);
  const perSecond = (n: number): number => (steadyS > 0 ? round(n / steadyS, 1) : 0);
  // The meter's own clock spans its window: a busy lab answers a read late, and the window with it.
  const meterS =
    run.steadyStart.meter && run.steadyEnd.meter ? (run.steadyEnd.meter.t - run.steadyStart.meter.t) / 1000 : steadyS;
  const perMeterSecond = (n: number): number => (meterS > 0 ? round(n / meterS, 1) : 0);
  const withTotal = (split: ByteSplit): ByteSplit & { total: number } => ({
    header: perMeterSecond(split.header),
    framing: perMeterSecond(split.framing),
    payload: perMeterSecond(split.payload),
    tls: perMeterSecond(split.tls),
    total: perMeterSecond(byteTotal(split)),
  });
  return {
    clients: result.clients,
    latencyMs: latencyReport(result.latency),
    messages: result.messages,
    messagesPerSecond: perSecond(result.steadyMessages),
    gaps: result.gaps,
    duplicates: result.duplicates,
    lost: result.missed + (result.behind ?? 0),
    lostCheckedToEnd: result.behind !== null,
    unpositioned: result.unpositioned,
    errors: result.errors,
    reconnects: result.reconnects,
    published: result.published,
    roundTripMs: result.roundTrip.count > 0 ? latencyReport(result.roundTrip) : null,
    requests: whole ? whole.requests : null,
    requestsPerSecond: steady ? perMeterSecond(steady.requests) : null,
    bytes: whole ? whole.bytes : null,
    bytesPerSecond: steady ? { up: withTotal(steady.bytes.up), down: withTotal(steady.bytes.down) } : null,
    meter: whole
      ? {
          messages: whole.messages,
          requests: whole.requests,
          connections: whole.connections,
          emptyResponses: whole.emptyResponses,
          protocols: whole.protocols,
        }
      : null,
    clientWire: { up: result.wire.up, down: result.wire.down, connections: result.connections },
    errorSamples: result.errorSamples,
  };
}

/** µs histogram → ms figures, rounded to µs. */
export function latencyReport(histogram: LatencyHistogram): LatencyReport {
  const ms = (us: number): number => round(us / 1000, 3);
  return {
    p50: ms(histogram.percentile(50)),
    p90: ms(histogram.percentile(90)),
    p99: ms(histogram.percentile(99)),
    p999: ms(histogram.percentile(99.9)),
    max: ms(histogram.max),
    mean: ms(histogram.mean),
    samples: histogram.count,
  };
}

/** One transport's meter counters between two readings; null without a meter. */
function meterDiff(from: Reading, to: Reading, transport: TransportName): TransportMetrics | null {
  const a = from.meter?.transports[transport];
  const b = to.meter?.transports[transport];
  return a && b ? metricsSince(b, a) : null;
}

const MB = 1024 * 1024;

export function serverReport(run: Pick<RunRecord, 'before' | 'steadyStart' | 'steadyEnd' | 'plan'>): ServerReport {
  const { before, steadyStart: start, steadyEnd: end } = run;
  const clients = run.plan.transports.length * run.plan.clientsPerTransport;
  if (start.process && end.process && before.process) {
    const wallMs = end.process.t - start.process.t;
    const cpuMs = end.process.cpuUserMs + end.process.cpuSystemMs - start.process.cpuUserMs - start.process.cpuSystemMs;
    const systemMs = end.process.cpuSystemMs - start.process.cpuSystemMs;
    const active = end.process.eventLoop.activeMs - start.process.eventLoop.activeMs;
    const idle = end.process.eventLoop.idleMs - start.process.eventLoop.idleMs;
    const connections = end.process.connections;
    return {
      source: 'api/process',
      cpuPct: wallMs > 0 ? round((cpuMs / wallMs) * 100, 1) : null,
      cpuSystemPct: wallMs > 0 ? round((systemMs / wallMs) * 100, 1) : null,
      rssMB: round(end.process.rssBytes / MB, 1),
      rssBeforeMB: round(before.process.rssBytes / MB, 1),
      heapMB: round(end.process.heapUsedBytes / MB, 1),
      memoryPerConnectionKB: perConnectionKB(end.process.rssBytes - before.process.rssBytes, connections || clients),
      connections,
      eventLoopUtilization: active + idle > 0 ? round(active / (active + idle), 3) : null,
      eventLoopDelayP99Ms: round(end.process.eventLoopDelayP99Ms, 2),
      eventLoopDelayMaxMs: round(end.process.eventLoopDelayMaxMs, 2),
      fanOutP50Ms: round(end.process.fanOut.p50Ms, 2),
      fanOutMaxMs: round(end.process.fanOut.maxMs, 2),
    };
  }
  if (start.proc && end.proc && before.proc) {
    return {
      source: 'proc',
      cpuPct: round(cpuPercent(start.proc, end.proc), 1),
      cpuSystemPct: null,
      rssMB: round(end.proc.rssBytes / MB, 1),
      rssBeforeMB: round(before.proc.rssBytes / MB, 1),
      heapMB: null,
      memoryPerConnectionKB: perConnectionKB(end.proc.rssBytes - before.proc.rssBytes, clients),
      connections: null,
      eventLoopUtilization: null,
      eventLoopDelayP99Ms: null,
      eventLoopDelayMaxMs: null,
      fanOutP50Ms: null,
      fanOutMaxMs: null,
    };
  }
  return {
    source: null,
    cpuPct: null,
    cpuSystemPct: null,
    rssMB: null,
    rssBeforeMB: null,
    heapMB: null,
    memoryPerConnectionKB: null,
    connections: null,
    eventLoopUtilization: null,
    eventLoopDelayP99Ms: null,
    eventLoopDelayMaxMs: null,
    fanOutP50Ms: null,
    fanOutMaxMs: null,
  };
}

/** Fewer connections than this make RSS growth per connection noise: RSS moves by megabytes on its own (GC, allocator). */
const MIN_CONNECTIONS_FOR_PER_CONNECTION = 500;

function perConnectionKB(bytes: number, connections: number): number | null {
  return connections >= MIN_CONNECTIONS_FOR_PER_CONNECTION ? round(bytes / connections / 1024, 1) : null;
}

export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
