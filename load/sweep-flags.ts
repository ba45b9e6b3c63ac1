/**
 * `npm run sweep` flags, checked once; a mistake is a LAB_ERR_BAD_FLAG (exit 2).
 */
import { availableParallelism } from 'node:os';
import type { TransportName } from '../protocol/feed-event.ts';
import { LabErrors } from '../server/errors.ts';
import { DEFAULT_SCENARIO_ID } from '../server/feed/scenario.ts';
import { decimalFlag, parseFlags, str, transportsFlag, wholeNumberFlag } from '../server/flag-values.ts';
import type { HeaderSetName } from './browser-headers.ts';
import { fileFlag, headerSetFlag, MAX_CLIENTS_PER_TRANSPORT } from './load-flags.ts';

export interface SweepFlags {
  help: boolean;
  transports: TransportName[];
  /** Client counts, ascending. */
  steps: number[];
  scenario: string;
  rate: number;
  /** Seconds per step. */
  durationS: number;
  /** Ramp per step, s; undefined: 1 s per 1,000 clients, at most a third of the step. */
  rampS: number | undefined;
  intervalMs: number;
  headers: HeaderSetName;
  workers: number;
  json: string;
  svg: string;
}

export const DEFAULT_STEPS = [100, 500, 1000, 2000, 5000];

export const SWEEP_USAGE = `Usage: npm run sweep -- [options]

Loads one transport at a time over growing client counts, each step against a
fresh lab (a child process), and charts the lab's CPU, memory and p99 delivery
latency against clients per transport: a JSON file and a hand-drawn SVG.

Options:
  --transports <list>    comma-separated, or all (default all)
  --steps <list>         client counts (default ${DEFAULT_STEPS.join(',')})
  --scenario <id|path>   scenario the lab plays (default ${DEFAULT_SCENARIO_ID})
  --rate <events/s>      events per second, 0.001-1000 (default 1; 0.001 for idle connections)
  --duration <s>         length of each step, 3-3600 (default 20)
  --ramp <s>             clients start spread over this long (default 1 s per 1,000 clients)
  --interval <ms>        short-poll wait after each answer (default 1000)
  --headers <set>        node | browser | browser-cookies (default node)
  --workers <n>          worker threads for the clients (default ${availableParallelism()})
  --json <file>          results (default load-results/sweep-<time>.json)
  --svg <file>           chart (default: the JSON's name with .svg)
  -h, --help             show this help`;

export function parseSweepFlags(argv: string[]): SweepFlags {
  const values = parseFlags(argv, {
    help: { type: 'boolean', short: 'h' },
    transports: { type: 'string' },
    steps: { type: 'string' },
    scenario: { type: 'string' },
    rate: { type: 'string' },
    duration: { type: 'string' },
    ramp: { type: 'string' },
    interval: { type: 'string' },
    headers: { type: 'string' },
    workers: { type: 'string' },
    json: { type: 'string' },
    svg: { type: 'string' },
  });
  const durationS = wholeNumberFlag('--duration', str(values, 'duration'), 3, 3600, 20);
  const rampText = str(values, 'ramp');
  const rampS = rampText === undefined ? undefined : wholeNumberFlag('--ramp', rampText, 0, 3600, 0);
  if (rampS !== undefined && rampS > 0 && rampS >= durationS) {
    throw LabErrors.BAD_FLAG(`--ramp (${rampS} s) must be shorter than --duration (${durationS} s)`);
  }
  const rate = str(values, 'rate');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  const json = fileFlag('--json', str(values, 'json')) ?? `load-results/sweep-${stamp}.json`;
  return {
    help: values.help === true,
    transports: transportsFlag(str(values, 'transports')),
    steps: stepsFlag(str(values, 'steps')),
    scenario: str(values, 'scenario') ?? DEFAULT_SCENARIO_ID,
    rate: rate === undefined ? 1 : decimalFlag('--rate', rate, 0.001, 1000),
    durationS,
    rampS,
    intervalMs: wholeNumberFlag('--interval', str(values, 'interval'), 10, 60_000, 1000),
    headers: headerSetFlag(str(values, 'headers')),
    workers: wholeNumberFlag('--workers', str(values, 'workers'), 1, 64, availableParallelism()),
    json,
    svg: fileFlag('--svg', str(values, 'svg')) ?? `${json.replace(/\.json$/i, '')}.svg`,
  };
}

function stepsFlag(text: string | undefined): number[] {
  if (text === undefined) return DEFAULT_STEPS;
  const steps = text.split(',').map((part) => wholeNumberFlag('--steps', part.trim(), 1, MAX_CLIENTS_PER_TRANSPORT, 0));
  return [...new Set(steps)].sort((a, b) => a - b);
}
