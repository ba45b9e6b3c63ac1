/**
 * `npm run sweep`: the lab's cost curves. One transport at a time (so each
 * cost is that transport's alone), over growing client counts, each step on a
 * fresh lab so memory starts from the same idle process. Writes JSON and an
 * SVG chart of CPU, memory and p99 latency against clients.
 */
import { isAbsolute, resolve } from 'node:path';
import type { TransportName } from '../protocol/feed-event.ts';
import type { MachineInfo } from '../protocol/load-report.ts';
import { TRANSPORT_RECORDS } from '../protocol/transport-records.ts';
import { loadScenario } from '../server/feed/scenario.ts';
import { defaultRampS } from './bench-flags.ts';
import { newRunId, runCli, warnIfTooFewFiles, writeOutput } from './cli-support.ts';
import { readStatus } from './lab-api.ts';
import { buildLoadReport, machineInfo, round } from './load-report.ts';
import { runLoad } from './load-run.ts';
import { lineEveryS, ProgressDisplay } from './progress-display.ts';
import { ms, num, textTable } from './result-table.ts';
import { prebuildDashboard, startServerProcess } from './server-process.ts';
import { svgLineCharts } from './svg-chart.ts';
import { parseSweepFlags, SWEEP_USAGE, type SweepFlags } from './sweep-flags.ts';

/** One step of the sweep: one transport, one client count. */
export interface SweepPoint {
  transport: TransportName;
  clients: number;
  /** Lab CPU in the steady window, % of one core. */
  cpuPct: number | null;
  rssMB: number | null;
  rssBeforeMB: number | null;
  heapMB: number | null;
  memoryPerConnectionKB: number | null;
  /** The lab's open connections at the end of the steady window; fewer than `clients`: not everyone was connected. */
  connections: number | null;
  eventLoopUtilization: number | null;
  eventLoopDelayP99Ms: number | null;
  latencyP50Ms: number;
  latencyP99Ms: number;
  messagesPerSecond: number;
  requestsPerSecond: number | null;
  /** The load generator's own CPU, % of one core: near workers × 100 %, the generator is the limit, not the lab. */
  generatorCpuPct: number;
  lost: number;
  duplicates: number;
  errors: number;
  reconnects: number;
}

export interface SweepReport {
  tool: 'sweep';
  machine: MachineInfo;
  scenario: string;
  ratePerSecond: number;
  durationS: number;
  headers: string;
  points: SweepPoint[];
  /**
   * Least-squares slope of RSS against clients, KB per connection, per transport, over the steps where every
   * client held its connection at the end of the steady window and none failed (`slopeSteps`).
   */
  memorySlopeKBPerConnection: Partial<Record<TransportName, number | null>>;
  /** The client counts each transport's slope was fitted over; a step left out had errors or clients not connected. */
  slopeSteps: Partial<Record<TransportName, number[]>>;
}

async function main(): Promise<void> {
  const flags = parseSweepFlags(process.argv.slice(2));
  if (flags.help) {
    process.stdout.write(`${SWEEP_USAGE}\n`);
    return;
  }
  const scenarioArg =
    /[/\\]|\.json$/.test(flags.scenario) && !isAbsolute(flags.scenario)
      ? resolve(process.env.INIT_CWD ?? process.cwd(), flags.scenario)
      : flags.scenario;
  const scenario = loadScenario(scenarioArg);
  warnIfTooFewFiles(Math.max(...flags.steps));
  const points: SweepPoint[] = [];
  for (const transport of flags.transports) {
    for (const clients of flags.steps) {
      const point = await step(flags, scenarioArg, transport, clients);
      points.push(point);
      process.stderr.write(
        `${transport} ${num(clients)}: CPU ${num(point.cpuPct, 1)} %, RSS ${num(point.rssMB, 1)} MB, ` +
          `p99 ${ms(point.latencyP99Ms)} ms, ${num(point.messagesPerSecond)} msgs/s, lost ${num(point.lost)}\n`,
      );
    }
  }
  const report: SweepReport = {
    tool: 'sweep',
    machine: machineInfo(),
    scenario: scenario.id,
    ratePerSecond: flags.rate,
    durationS: flags.durationS,
    headers: flags.headers,
    points,
    memorySlopeKBPerConnection: Object.fromEntries(
      flags.transports.map((transport) => [transport, memorySlope(points.filter((p) => p.transport === transport))]),
    ),
    slopeSteps: Object.fromEntries(
      flags.transports.map((transport) => [
        transport,
        points.filter((p) => p.transport === transport && everyoneConnected(p)).map((p) => p.clients),
      ]),
    ),
  };
  process.stdout.write(formatSweep(report));
  const jsonPath = await writeOutput(flags.json, `${JSON.stringify(report, null, 2)}\n`);
  const svgPath = await writeOutput(flags.svg, sweepChart(report));
  process.stderr.write(`wrote ${jsonPath}\nwrote ${svgPath}\n`);
}

async function step(
  flags: SweepFlags,
  scenario: string,
  transport: TransportName,
  clients: number,
): Promise<SweepPoint> {
  await prebuildDashboard();
  const lab = await startServerProcess('server/main.ts', [
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--scenario',
    scenario,
    '--rate',
    String(flags.rate),
    '--seed',
    '1',
  ]);
  try {
    const status = await readStatus(lab.url);
    const display = new ProgressDisplay(process.stderr, `${transport} ${clients}`, lineEveryS(flags.durationS));
    const run = await runLoad({
      baseUrl: lab.url,
      target: 'own-lab',
      serverPid: lab.pid,
      transports: [transport],
      clientsPerTransport: clients,
      durationS: flags.durationS,
      rampS: flags.rampS ?? defaultRampS(clients, flags.durationS),
      shortPollIntervalMs: flags.intervalMs,
      upstreamPerSecond: 0,
      headers: flags.headers,
      workers: flags.workers,
      runId: newRunId(),
      onProgress: (progress) => display.update(progress),
    });
    display.finish();
    const report = buildLoadReport(run, { scenario: status.scenario, ratePerSecond: status.ratePerSecond });
    const t = report.transports[transport];
    const s = report.server;
    return {
      transport,
      clients,
      cpuPct: s.cpuPct,
      rssMB: s.rssMB,
      rssBeforeMB: s.rssBeforeMB,
      heapMB: s.heapMB,
      memoryPerConnectionKB: s.memoryPerConnectionKB,
      connections: s.connections,
      eventLoopUtilization: s.eventLoopUtilization,
      eventLoopDelayP99Ms: s.eventLoopDelayP99Ms,
      latencyP50Ms: t?.latencyMs.p50 ?? 0,
      latencyP99Ms: t?.latencyMs.p99 ?? 0,
      messagesPerSecond: t?.messagesPerSecond ?? 0,
      requestsPerSecond: t?.requestsPerSecond ?? null,
      generatorCpuPct: report.generator.cpuPct,
      lost: t?.lost ?? 0,
      duplicates: t?.duplicates ?? 0,
      errors: t?.errors ?? 0,
      reconnects: t?.reconnects ?? 0,
    };
  } finally {
    await lab.stop();
  }
}

/**
 * A step whose memory is that of `clients` idle connections: no client failed, and the lab held at least one
 * connection per client at the end of the steady window (a Socket.IO ramp that saturates the lab's event loop with
 * handshakes leaves clients retrying, and its RSS is not theirs).
 */
export function everyoneConnected(p: SweepPoint): boolean {
  return p.errors === 0 && (p.connections === null || p.connections >= p.clients);
}

/**
 * KB of RSS per extra connection: the least-squares slope of RSS (MB) against clients over the steps where
 * everyone was connected; null with fewer than two such steps.
 */
export function memorySlope(points: SweepPoint[]): number | null {
  const known = points.filter((p) => p.rssMB !== null && everyoneConnected(p)) as Array<SweepPoint & { rssMB: number }>;
  if (known.length < 2) return null;
  const meanX = known.reduce((sum, p) => sum + p.clients, 0) / known.length;
  const meanY = known.reduce((sum, p) => sum + p.rssMB, 0) / known.length;
  let sxy = 0;
  let sxx = 0;
  for (const p of known) {
    sxy += (p.clients - meanX) * (p.rssMB - meanY);
    sxx += (p.clients - meanX) ** 2;
  }
  return sxx > 0 ? round((sxy / sxx) * 1024, 1) : null;
}

function formatSweep(report: SweepReport): string {
  const table = textTable(
    [
      'transport',
      'clients',
      'CPU %',
      'ELU',
      'RSS MB',
      'KB/conn',
      'conns',
      'p50 ms',
      'p99 ms',
      'msgs/s',
      'req/s',
      'gen CPU %',
      'lost',
      'dups',
      'errors',
    ],
    report.points.map((p) => [
      p.transport,
      num(p.clients),
      num(p.cpuPct, 1),
      num(p.eventLoopUtilization, 2),
      num(p.rssMB, 1),
      num(p.memoryPerConnectionKB, 1),
      num(p.connections),
      ms(p.latencyP50Ms),
      ms(p.latencyP99Ms),
      num(p.messagesPerSecond),
      num(p.requestsPerSecond, 1),
      num(p.generatorCpuPct),
      num(p.lost),
      num(p.duplicates),
      num(p.errors),
    ]),
  );
  const slopes = Object.entries(report.memorySlopeKBPerConnection)
    .map(([transport, slope]) => {
      const steps = report.slopeSteps[transport as TransportName] ?? [];
      const all = report.points.filter((p) => p.transport === transport).length;
      const over =
        steps.length === all
          ? ''
          : ` (over ${steps.map((n) => num(n)).join(', ')} clients: the other steps had errors or clients not connected)`;
      return `${transport} ${num(slope, 1)} KB${over}`;
    })
    .join(', ');
  return `Sweep: ${report.scenario} at ${report.ratePerSecond} events/s, ${report.durationS} s per step, headers ${report.headers}\n\n${table}\n\nRSS slope per connection: ${slopes}\n`;
}

export function sweepChart(report: SweepReport): string {
  const transports = [...new Set(report.points.map((p) => p.transport))];
  const series = (value: (p: SweepPoint) => number | null) =>
    transports.map((transport) => ({
      name: transport,
      color: TRANSPORT_RECORDS[transport].colour,
      points: report.points.filter((p) => p.transport === transport).map((p) => ({ x: p.clients, y: value(p) })),
    }));
  return svgLineCharts(
    `Transport Lab: cost per transport (${report.scenario}, ${report.ratePerSecond} event${report.ratePerSecond === 1 ? '' : 's'}/s)`,
    `${report.machine.cores} cores, ${report.machine.cpuModel}, Node ${report.machine.node}; one transport at a time, ${report.durationS} s per step`,
    'clients',
    [
      { title: 'Lab CPU', unit: '% of one core', series: series((p) => p.cpuPct) },
      { title: 'Lab memory (RSS)', unit: 'MB', series: series((p) => p.rssMB) },
      { title: 'Delivery latency p99', unit: 'ms', series: series((p) => p.latencyP99Ms) },
    ],
  );
}

runCli(main);
