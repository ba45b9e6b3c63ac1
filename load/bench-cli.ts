/**
 * `npm run bench`: the lab against bare baseline servers, transport by
 * transport, in one run: same clients, same event rate and size, same
 * machine minutes apart. Prints lab / baseline for throughput and p99
 * latency, and the serialize-once count. With --url: a running lab or
 * cluster instead (bench-against-url.ts).
 */
import type { TransportName } from '../protocol/feed-event.ts';
import { median, metricsSince, payloadPerEvent } from '../protocol/figures.ts';
import type { LatencyReport, MachineInfo } from '../protocol/load-report.ts';
import { BASELINES } from './baselines/baseline-registry.ts';
import { benchAgainstUrl } from './bench-against-url.ts';
import { BENCH_USAGE, type BenchFlags, parseBenchFlags } from './bench-flags.ts';
import { benchLoadPlan } from './bench-load-plan.ts';
import { runCli, warnIfTooFewFiles, writeOutput } from './cli-support.ts';
import { readStatus } from './lab-api.ts';
import { LatencyHistogram } from './latency-histogram.ts';
import { generatorCpuPct, latencyReport, machineInfo, round } from './load-report.ts';
import { type LoadTarget, type RunRecord, runLoad } from './load-run.ts';
import { cpuPercent } from './proc-sampler.ts';
import { lineEveryS, ProgressDisplay } from './progress-display.ts';
import { ms, num, textTable } from './result-table.ts';
import { checkSerializeOnce, type SerializeOnceResult } from './serialize-once-check.ts';
import { prebuildDashboard, startServerProcess } from './server-process.ts';

export interface ServerRun {
  messagesPerSecond: number;
  /** clients × rate: what a server that keeps up delivers. */
  expectedMessagesPerSecond: number;
  latencyMs: LatencyReport;
  /** From /proc for both servers, steady window, % of one core. */
  cpuPct: number | null;
  rssMB: number | null;
  /** The load generator's own CPU in the same window, % of one core (near workers × 100 %: the generator is the limit). */
  generatorCpuPct: number;
  lost: number;
  duplicates: number;
  errors: number;
  reconnects: number;
  /** The lab only (its /api/process), steady window: its publish loop per event, i.e. one thread writing to every socket. */
  fanOutMs: { p50: number; max: number } | null;
}

export interface BenchResult {
  clients: number;
  /** Lab messages/s ÷ baseline messages/s: 1 is parity, the target is ≥ 0.9. */
  throughputRatio: number | null;
  /** Lab p99 ÷ baseline p99: 1 is parity, the target is ≤ 1.25. */
  p99Ratio: number | null;
  /** Medians over the rounds, field by field. */
  lab: ServerRun;
  baseline: ServerRun;
  /** Every round's figures, with --rounds > 1. */
  rounds?: Array<{ lab: ServerRun; baseline: ServerRun }>;
}

export interface BenchReport {
  machine: MachineInfo;
  settings: {
    clients: number;
    ratePerSecond: number;
    rounds: number;
    durationS: number;
    rampS: number;
    headers: string;
    workers: number;
    eventBytes: number | null;
  };
  results: Partial<Record<TransportName, BenchResult>>;
  serializeOnce: SerializeOnceResult;
}

async function main(): Promise<void> {
  const flags = parseBenchFlags(process.argv.slice(2));
  if (flags.help) {
    process.stdout.write(`${BENCH_USAGE}\n`);
    return;
  }
  if (flags.url !== undefined) return benchAgainstUrl({ ...flags, url: flags.url });
  warnIfTooFewFiles(flags.clients);
  const results: Partial<Record<TransportName, BenchResult>> = {};
  let eventBytes: number | null = null;
  for (const transport of flags.transports) {
    const rounds: Array<{ lab: ServerRun; baseline: ServerRun }> = [];
    for (let round = 1; round <= flags.rounds; round++) {
      // Round 1 runs the lab first (its meter gives the event size the baseline must match);
      // later rounds alternate, so a machine that gets busier or quieter favours neither.
      const labFirst = round % 2 === 1;
      let lab: ServerRun | null = null;
      if (labFirst) {
        const measured = await serverRun(flags, transport, 'own-lab', null, round);
        lab = measured.run;
        eventBytes = measured.eventBytes ?? eventBytes ?? 150;
      }
      const baseline = (await serverRun(flags, transport, 'baseline', eventBytes ?? 150, round)).run;
      lab ??= (await serverRun(flags, transport, 'own-lab', null, round)).run;
      rounds.push({ lab, baseline });
    }
    const lab = medianRun(rounds.map((r) => r.lab));
    const baseline = medianRun(rounds.map((r) => r.baseline));
    results[transport] = {
      clients: flags.clients,
      throughputRatio: ratio(lab.messagesPerSecond, baseline.messagesPerSecond),
      p99Ratio: ratio(lab.latencyMs.p99, baseline.latencyMs.p99),
      lab,
      baseline,
      ...(rounds.length > 1 ? { rounds } : {}),
    };
  }
  process.stderr.write('Counting JSON.stringify calls during a fan-out…\n');
  const serializeOnce = await checkSerializeOnce();
  const report: BenchReport = {
    machine: machineInfo(),
    settings: {
      clients: flags.clients,
      ratePerSecond: flags.rate,
      rounds: flags.rounds,
      durationS: flags.durationS,
      rampS: flags.rampS,
      headers: flags.headers,
      workers: flags.workers,
      eventBytes,
    },
    results,
    serializeOnce,
  };
  process.stdout.write(formatBench(report));
  if (flags.json !== undefined)
    process.stderr.write(`wrote ${await writeOutput(flags.json, `${JSON.stringify(report, null, 2)}\n`)}\n`);
}

async function serverRun(
  flags: BenchFlags,
  transport: TransportName,
  target: LoadTarget,
  eventBytes: number | null,
  round: number,
): Promise<{ run: ServerRun; eventBytes: number | null }> {
  const isLab = target === 'own-lab';
  const rate = String(flags.rate);
  const roundText = flags.rounds > 1 ? ` (round ${round} of ${flags.rounds})` : '';
  process.stderr.write(`${transport}: starting the ${isLab ? 'lab' : 'baseline'}${roundText}…\n`);
  if (isLab) await prebuildDashboard();
  const server = isLab
    ? await startServerProcess('server/main.ts', [
        '--port',
        '0',
        '--host',
        '127.0.0.1',
        '--scenario',
        'stock-ticker',
        '--rate',
        rate,
        '--seed',
        '1',
      ])
    : await startServerProcess(BASELINES[transport], [
        '--port',
        '0',
        '--rate',
        rate,
        '--bytes',
        String(eventBytes ?? 150),
      ]);
  try {
    if (isLab) await readStatus(server.url);
    const display = new ProgressDisplay(
      process.stderr,
      `${transport} ${isLab ? 'lab' : 'baseline'}`,
      lineEveryS(flags.durationS),
    );
    const record = await runLoad({
      baseUrl: server.url,
      target,
      serverPid: server.pid,
      ...benchLoadPlan(flags, transport, display),
    });
    display.finish();
    return { run: summarize(record, transport, flags), eventBytes: meanEventBytes(record, transport) };
  } finally {
    await server.stop();
  }
}

function summarize(record: RunRecord, transport: TransportName, flags: BenchFlags): ServerRun {
  const result = record.transports[transport];
  const steadyS = (record.steadyEnd.at - record.steadyStart.at) / 1000;
  const { steadyStart, steadyEnd } = record;
  return {
    messagesPerSecond: result && steadyS > 0 ? round(result.steadyMessages / steadyS, 1) : 0,
    expectedMessagesPerSecond: round(flags.clients * flags.rate, 1),
    latencyMs: latencyReport(result?.latency ?? new LatencyHistogram()),
    cpuPct: steadyStart.proc && steadyEnd.proc ? round(cpuPercent(steadyStart.proc, steadyEnd.proc), 1) : null,
    rssMB: steadyEnd.proc ? round(steadyEnd.proc.rssBytes / 1024 / 1024, 1) : null,
    generatorCpuPct: generatorCpuPct(record),
    lost: result ? result.missed + (result.behind ?? 0) : 0,
    duplicates: result?.duplicates ?? 0,
    errors: result?.errors ?? 0,
    reconnects: result?.reconnects ?? 0,
    fanOutMs: steadyEnd.process ? { p50: steadyEnd.process.fanOut.p50Ms, max: steadyEnd.process.fanOut.maxMs } : null,
  };
}

/** The lab's mean event size (payload bytes per delivered event, from its meter), so a baseline sends the same. */
function meanEventBytes(record: RunRecord, transport: TransportName): number | null {
  const before = record.before.meter?.transports[transport];
  const after = record.after.meter?.transports[transport];
  if (!before || !after) return null;
  const perEvent = payloadPerEvent(metricsSince(after, before));
  return perEvent === null ? null : Math.round(perEvent);
}

/** Field-by-field medians of several rounds' figures (protocol/figures.ts: nearest rank, the lower middle of an even count). */
function medianRun(runs: ServerRun[]): ServerRun {
  const pick = <T>(value: (run: ServerRun) => T): T[] => runs.map(value);
  return {
    messagesPerSecond: median(pick((r) => r.messagesPerSecond)) ?? 0,
    expectedMessagesPerSecond: runs[0]?.expectedMessagesPerSecond ?? 0,
    latencyMs: {
      p50: median(pick((r) => r.latencyMs.p50)) ?? 0,
      p90: median(pick((r) => r.latencyMs.p90)) ?? 0,
      p99: median(pick((r) => r.latencyMs.p99)) ?? 0,
      p999: median(pick((r) => r.latencyMs.p999)) ?? 0,
      max: median(pick((r) => r.latencyMs.max)) ?? 0,
      mean: median(pick((r) => r.latencyMs.mean)) ?? 0,
      samples: median(pick((r) => r.latencyMs.samples)) ?? 0,
    },
    cpuPct: median(pick((r) => r.cpuPct)),
    rssMB: median(pick((r) => r.rssMB)),
    generatorCpuPct: median(pick((r) => r.generatorCpuPct)) ?? 0,
    // Losses and errors must be zero in every round: report the worst.
    lost: Math.max(...pick((r) => r.lost)),
    duplicates: Math.max(...pick((r) => r.duplicates)),
    errors: Math.max(...pick((r) => r.errors)),
    reconnects: Math.max(...pick((r) => r.reconnects)),
    fanOutMs: runs.every((r) => r.fanOutMs)
      ? {
          p50: median(pick((r) => r.fanOutMs?.p50 ?? null)) ?? 0,
          max: median(pick((r) => r.fanOutMs?.max ?? null)) ?? 0,
        }
      : null,
  };
}

function ratio(lab: number, baseline: number): number | null {
  return baseline > 0 ? round(lab / baseline, 3) : null;
}

function formatBench(report: BenchReport): string {
  const rows = (Object.entries(report.results) as [TransportName, BenchResult][]).map(([name, r]) => [
    name,
    num(r.clients),
    num(r.lab.messagesPerSecond),
    num(r.baseline.messagesPerSecond),
    num(r.throughputRatio, 3),
    ms(r.lab.latencyMs.p99),
    ms(r.baseline.latencyMs.p99),
    num(r.p99Ratio, 2),
    num(r.lab.cpuPct, 1),
    num(r.baseline.cpuPct, 1),
    num(r.lab.rssMB, 1),
    num(r.baseline.rssMB, 1),
    `${num(r.lab.generatorCpuPct)}/${num(r.baseline.generatorCpuPct)}`,
    `${num(r.lab.lost)}/${num(r.baseline.lost)}`,
  ]);
  const s = report.settings;
  const once = report.serializeOnce;
  return [
    `Bench: lab vs baseline, ${num(s.clients)} clients, ${s.ratePerSecond} events/s of ~${s.eventBytes ?? '?'} B, ` +
      `${s.durationS} s each (ramp ${s.rampS} s), ${s.rounds > 1 ? `medians of ${s.rounds} rounds, ` : ''}headers ${s.headers}; ` +
      `${report.machine.cores} cores, Node ${report.machine.node}`,
    '',
    textTable(
      [
        'transport',
        'clients',
        'lab msgs/s',
        'base msgs/s',
        'ratio',
        'lab p99 ms',
        'base p99 ms',
        'ratio',
        'lab CPU %',
        'base CPU %',
        'lab RSS MB',
        'base RSS MB',
        'generator CPU %',
        'lost lab/base',
      ],
      rows,
    ),
    '',
    ...fanOutLines(report),
    `Serialize once: ${num(once.events)} events to ${num(once.clients)} WebSocket + ${num(once.clients)} SSE clients ` +
      `(${num(once.deliveries)} deliveries) made ${num(once.stringifyCalls)} JSON.stringify calls ` +
      `(per-delivery serialization would make ${num(once.perDeliveryWouldBe)}).`,
    '',
  ].join('\n');
}

/** Where a push transport's p99 comes from at thousands of clients: the lab's own loop over its sockets. */
function fanOutLines(report: BenchReport): string[] {
  const lines = Object.entries(report.results).flatMap(([name, r]) =>
    r.lab.fanOutMs
      ? [`${name} ${ms(r.lab.fanOutMs.p50)} ms (max ${ms(r.lab.fanOutMs.max)} ms) for ${num(r.clients)} clients`]
      : [],
  );
  return lines.length ? [`Lab fan-out per event (its publish loop, p50): ${lines.join('; ')}.`] : [];
}

runCli(main);
