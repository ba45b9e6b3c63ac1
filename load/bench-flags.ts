/**
 * `npm run bench` flags, checked once; a mistake is a LAB_ERR_BAD_FLAG (exit 2).
 */
import { availableParallelism } from 'node:os';
import type { TransportName } from '../protocol/feed-event.ts';
import { LabErrors } from '../server/errors.ts';
import { decimalFlag, parseFlags, str, transportsFlag, wholeNumberFlag } from '../server/flag-values.ts';
import type { HeaderSetName } from './browser-headers.ts';
import { fileFlag, headerSetFlag, MAX_CLIENTS_PER_TRANSPORT } from './load-flags.ts';
import { loopbackUrlFlag } from './loopback-url.ts';

export interface BenchFlags {
  help: boolean;
  transports: TransportName[];
  clients: number;
  rate: number;
  /** Lab and baseline runs per transport, alternating which goes first; medians are reported. */
  rounds: number;
  durationS: number;
  rampS: number;
  intervalMs: number;
  headers: HeaderSetName;
  workers: number;
  json: string | undefined;
  /** A running lab or cluster to load instead of starting labs and baselines (loopback only). */
  url: string | undefined;
}

export const BENCH_USAGE = `Usage: npm run bench -- [options]

Loads the lab and a bare baseline server of each transport — \`ws\` broadcast,
\`node:http\` SSE, long poll and short poll, each a few lines in
load/baselines/ — one after the other in the same run, with the same virtual
clients, event rate and event size, and prints lab / baseline for throughput
(messages/s) and p99 delivery latency. Each server is a child process; its CPU
and memory are read from /proc the same way for both.

Options:
  --transports <list>    comma-separated, or all (default all)
  --clients <n>          virtual clients per run, 1-${MAX_CLIENTS_PER_TRANSPORT} (default 2000)
  --rate <events/s>      events per second, 0.001-1000 (default 10)
  --duration <s>         length of each run, 2-3600 (default 20)
  --rounds <n>           runs of each server per transport, 1-20 (default 1); rounds
                         alternate which server goes first and the medians are
                         compared — use 3 or more on a machine that is busy otherwise
  --ramp <s>             clients start spread over this long (default: 1 s per 1,000 clients)
  --interval <ms>        short-poll wait after each answer (default 1000)
  --headers <set>        node | browser | browser-cookies (default node)
  --workers <n>          worker threads for the clients (default ${availableParallelism()})
  --json <file>          write the results as JSON
  --url <lab url>        load a running lab or cluster (npm run cluster prints its
                         URL) instead: no baseline, the lab's own rate; prints each
                         instance's CPU and fan-out and the front's CPU (loopback
                         only: 127.0.0.0/8, ::1, localhost)
  -h, --help             show this help`;

export function parseBenchFlags(argv: string[]): BenchFlags {
  const values = parseFlags(argv, {
    help: { type: 'boolean', short: 'h' },
    transports: { type: 'string' },
    clients: { type: 'string' },
    rate: { type: 'string' },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    ramp: { type: 'string' },
    interval: { type: 'string' },
    headers: { type: 'string' },
    workers: { type: 'string' },
    json: { type: 'string' },
    url: { type: 'string' },
  });
  const url = str(values, 'url');
  if (url !== undefined && str(values, 'rate') !== undefined) {
    throw LabErrors.BAD_FLAG('--rate sets the rate of labs this tool starts; with --url the running lab keeps its own');
  }
  const clients = wholeNumberFlag('--clients', str(values, 'clients'), 1, MAX_CLIENTS_PER_TRANSPORT, 2000);
  const durationS = wholeNumberFlag('--duration', str(values, 'duration'), 2, 3600, 20);
  const rampS = wholeNumberFlag('--ramp', str(values, 'ramp'), 0, 3600, defaultRampS(clients, durationS));
  if (rampS > 0 && rampS >= durationS)
    throw LabErrors.BAD_FLAG(`--ramp (${rampS} s) must be shorter than --duration (${durationS} s)`);
  const rate = str(values, 'rate');
  return {
    help: values.help === true,
    transports: transportsFlag(str(values, 'transports')),
    clients,
    rate: rate === undefined ? 10 : decimalFlag('--rate', rate, 0.001, 1000),
    rounds: wholeNumberFlag('--rounds', str(values, 'rounds'), 1, 20, 1),
    durationS,
    rampS,
    intervalMs: wholeNumberFlag('--interval', str(values, 'interval'), 10, 60_000, 1000),
    headers: headerSetFlag(str(values, 'headers')),
    workers: wholeNumberFlag('--workers', str(values, 'workers'), 1, 64, availableParallelism()),
    json: fileFlag('--json', str(values, 'json')),
    url: url === undefined ? undefined : loopbackUrlFlag('--url', url),
  };
}

/** About one second per 1,000 connections, and never more than a third of the run. */
export function defaultRampS(clients: number, durationS: number): number {
  return Math.min(Math.ceil(clients / 1000), Math.floor(durationS / 3));
}
