/**
 * `npm run bench -- --url <lab or cluster URL>`: the bench's clients against
 * a lab that is already running (loopback only), so a cluster's scale figures
 * come from one command: per transport the clients' latency and losses, and
 * per process over the steady window the CPU and, for each lab instance, its
 * fan-out (instance-readings.ts). There is no bare baseline here: the lab is
 * someone else's, with its own rate, which the bench reads and never changes.
 */
import type { TransportName } from '../protocol/feed-event.ts';
import { median } from '../protocol/figures.ts';
import type { LatencyReport, MachineInfo } from '../protocol/load-report.ts';
import type { BenchFlags } from './bench-flags.ts';
import { benchLoadPlan } from './bench-load-plan.ts';
import { warnIfTooFewFiles, writeOutput } from './cli-support.ts';
import { type InstanceReading, type ProcessWindow, processWindows, readInstances } from './instance-readings.ts';
import { readStatus } from './lab-api.ts';
import { LatencyHistogram } from './latency-histogram.ts';
import { generatorCpuPct, latencyReport, machineInfo, round } from './load-report.ts';
import { runLoad } from './load-run.ts';
import { lineEveryS, ProgressDisplay } from './progress-display.ts';
import { ms, num, textTable } from './result-table.ts';

/** One run of one transport against the URL. */
export interface UrlRun {
  round: number;
  messagesPerSecond: number;
  /** clients × the lab's rate: what a cluster that keeps up delivers. */
  expectedMessagesPerSecond: number;
  latencyMs: LatencyReport;
  lost: number;
  duplicates: number;
  errors: number;
  reconnects: number;
  /** The generator's own CPU (this process and its worker threads), % of one core. */
  generatorCpuPct: number;
  /** Each lab instance and the front's processes over the steady window. */
  processes: ProcessWindow[];
}

export interface UrlBenchReport {
  machine: MachineInfo;
  url: string;
  settings: { clients: number; ratePerSecond: number; durationS: number; rampS: number; rounds: number };
  /** Per transport: every round, and the median p99 over them (nearest rank, protocol/figures.ts). */
  results: Partial<Record<TransportName, { p99MedianMs: number | null; rounds: UrlRun[] }>>;
}

export async function benchAgainstUrl(flags: BenchFlags & { url: string }): Promise<void> {
  const status = await readStatus(flags.url);
  warnIfTooFewFiles(flags.clients);
  const report: UrlBenchReport = {
    machine: machineInfo(),
    url: flags.url,
    settings: {
      clients: flags.clients,
      ratePerSecond: status.ratePerSecond,
      durationS: flags.durationS,
      rampS: flags.rampS,
      rounds: flags.rounds,
    },
    results: {},
  };
  for (const transport of flags.transports) {
    const rounds: UrlRun[] = [];
    for (let round = 1; round <= flags.rounds; round++) {
      process.stderr.write(`${transport}: ${flags.clients} clients against ${flags.url} (round ${round})…\n`);
      rounds.push(await urlRun(flags, transport, status.ratePerSecond, round));
    }
    report.results[transport] = { p99MedianMs: median(rounds.map((r) => r.latencyMs.p99)), rounds };
  }
  process.stdout.write(formatUrlBench(report));
  if (flags.json !== undefined)
    process.stderr.write(`wrote ${await writeOutput(flags.json, `${JSON.stringify(report, null, 2)}\n`)}\n`);
}

async function urlRun(flags: BenchFlags & { url: string }, transport: TransportName, rate: number, round: number) {
  const readings: Partial<Record<'start' | 'end', InstanceReading>> = {};
  const display = new ProgressDisplay(process.stderr, `${transport} via ${flags.url}`, lineEveryS(flags.durationS));
  const record = await runLoad({
    baseUrl: flags.url,
    target: 'lab',
    serverPid: null,
    ...benchLoadPlan(flags, transport, display),
    onSteady: async (edge) => {
      readings[edge] = await readInstances(flags.url, edge === 'start');
    },
  });
  display.finish();
  const result = record.transports[transport];
  const steadyS = (record.steadyEnd.at - record.steadyStart.at) / 1000;
  return {
    round,
    messagesPerSecond: result && steadyS > 0 ? round1(result.steadyMessages / steadyS) : 0,
    expectedMessagesPerSecond: round1(flags.clients * rate),
    latencyMs: latencyReport(result?.latency ?? new LatencyHistogram()),
    lost: result ? result.missed + (result.behind ?? 0) : 0,
    duplicates: result?.duplicates ?? 0,
    errors: result?.errors ?? 0,
    reconnects: result?.reconnects ?? 0,
    generatorCpuPct: generatorCpuPct(record),
    processes: readings.start && readings.end ? processWindows(readings.start, readings.end) : [],
  } satisfies UrlRun;
}

const round1 = (n: number): number => round(n, 1);

function formatUrlBench(report: UrlBenchReport): string {
  const s = report.settings;
  const rows: string[][] = [];
  const lines: string[] = [];
  for (const [name, result] of Object.entries(report.results) as [
    TransportName,
    NonNullable<UrlBenchReport['results'][TransportName]>,
  ][]) {
    for (const run of result.rounds) {
      rows.push([
        name,
        String(run.round),
        num(s.clients),
        `${num(run.messagesPerSecond)} / ${num(run.expectedMessagesPerSecond)}`,
        ms(run.latencyMs.p50),
        ms(run.latencyMs.p99),
        ms(run.latencyMs.p999),
        `${num(run.lost)}/${num(run.duplicates)}`,
        num(run.errors),
        num(run.generatorCpuPct, 1),
      ]);
      const each = run.processes.map((p) =>
        p.fanOut
          ? `${p.name} CPU ${num(p.cpuPct, 1)} %, fan-out p50 ${ms(p.fanOut.p50Ms)} ms (max ${ms(p.fanOut.maxMs)}) to ${num(p.fanOut.listeners)} listeners`
          : `${p.name} CPU ${num(p.cpuPct, 1)} %`,
      );
      lines.push(`${name} round ${run.round}: ${each.join('; ') || 'no instance readings'}`);
    }
  }
  return [
    `Bench against ${report.url}: ${num(s.clients)} clients, the lab's ${s.ratePerSecond} events/s, ${s.durationS} s each ` +
      `(ramp ${s.rampS} s); ${report.machine.cores} cores, Node ${report.machine.node}, the generator on the same machine`,
    '',
    textTable(
      [
        'transport',
        'round',
        'clients',
        'msgs/s / expected',
        'p50 ms',
        'p99 ms',
        'p99.9 ms',
        'lost/dup',
        'errors',
        'generator CPU %',
      ],
      rows,
    ),
    '',
    "Per process over the steady window (CPU in % of one core; fan-out: the instance's publish loop per event):",
    ...lines,
    '',
  ].join('\n');
}
