/**
 * `npm run load` flags, checked once; a mistake is a LAB_ERR_BAD_FLAG (exit 2).
 * The sweep and the bench reuse the pieces (transports, header sets, files).
 */
import { availableParallelism } from 'node:os';
import type { TransportName } from '../protocol/feed-event.ts';
import type { SocketIoLane } from '../protocol/socket-io-lanes.ts';
import { LabErrors } from '../server/errors.ts';
import { DEFAULT_SCENARIO_ID } from '../server/feed/scenario.ts';
import {
  decimalFlag,
  parseFlags,
  socketIoLaneFlag,
  str,
  transportsFlag,
  wholeNumberFlag,
} from '../server/flag-values.ts';
import { HEADER_SETS, type HeaderSetName, isHeaderSetName } from './browser-headers.ts';
import { loopbackUrlFlag } from './loopback-url.ts';

/** Most virtual clients per transport: each is a socket in both processes, and the lab's meter keeps 20,000 client rows. */
export const MAX_CLIENTS_PER_TRANSPORT = 20_000;

export interface LoadFlags {
  help: boolean;
  scenario: string;
  /** True when --scenario was given (with --url it must match the running lab's). */
  scenarioGiven: boolean;
  /** Virtual clients per transport. */
  clients: number;
  transports: TransportName[];
  durationS: number;
  /** Overrides the scenario's event rate (events/s); undefined: the scenario's. */
  rate: number | undefined;
  /** Clients start spread over the first rampS seconds of the run. */
  rampS: number;
  /** Short-poll wait between an answer and the next request, ms. */
  intervalMs: number;
  /** Upstream messages per second per client; undefined: the scenario's `upstreamPerSecond`. */
  upstream: number | undefined;
  url: string | undefined;
  /** The HTTP transports over HTTP/2 (TLS) on the lab's HTTP/2 port; WebSocket over TLS on HTTP/1.1 (own lab only). */
  http2: boolean;
  headers: HeaderSetName;
  workers: number;
  seed: number | undefined;
  json: string | undefined;
  csv: string | undefined;
  md: string | undefined;
  /** Progress and the result as JSON lines on stdout, for a program that runs this tool (the lab's load control). */
  progressJson: boolean;
  /** Which Engine.IO transports the Socket.IO clients may use. Default `default`. */
  socketIoLane: SocketIoLane;
}

export const LOAD_USAGE = `Usage: npm run load -- [options]

Runs virtual clients — the dashboard's own FeedClients, in worker threads of
this process — against a lab of its own (a separate process, so its CPU is its
own) or a running lab on this machine, and reports per transport: delivery
latency (p50 … p99.9, max), messages, requests and bytes per second (header /
framing / payload, from the lab's meter), errors, reconnects, gaps, duplicates
and lost events; and the lab's cost: CPU, event loop, memory per connection.

Options:
  --scenario <id|path>   scenario the lab plays (default ${DEFAULT_SCENARIO_ID})
  --clients <n>          virtual clients per transport, 1-${MAX_CLIENTS_PER_TRANSPORT} (default 10)
  --transports <list>    comma-separated, or all (default all)
  --duration <s>         the run stops by itself after this long, 1-3600 (default 10)
  --rate <events/s>      override the scenario's event rate, 0.001-1000
  --ramp <s>             start the clients spread over this long, less than --duration
                         (default 0: all at once); latency percentiles and rates
                         cover the time after the ramp
  --interval <ms>        short-poll wait after each answer, 10-60000 (default 1000)
  --upstream <msgs/s>    upstream messages per second per client, 0-20 (the lab allows 20/s per address
                         in all: keep clients × rate under it, or start the run from the dashboard)
                         (default: the scenario's upstreamPerSecond)
  --headers <set>        ${HEADER_SETS.join(' | ')} (default node): browser sends
                         Chrome's ~500-byte request heads, browser-cookies adds ~1 KB of cookies
  --socket-io-lane <l>   default | websocket | polling: the Engine.IO transports Socket.IO's
                         clients may use (default: polling, then the upgrade; websocket =
                         transports: ['websocket'], no fallback; polling = never upgrades)
  --workers <n>          worker threads for the clients, 1-64 (default: one per core, ${availableParallelism()})
  --http2                over TLS with HTTP/2 for the HTTP transports (undici, ALPN h2;
                         WebSocket on its own HTTP/1.1 TLS connection); the lab started
                         here gets --https; with --url (the lab's plain URL, a lab started
                         with --https) the clients go to its HTTP/2 port, trusting
                         .lab-certs/cert.pem
  --url <lab url>        load a running lab on this machine instead of starting one
                         (loopback only: 127.0.0.0/8, ::1, localhost)
  --seed <n>             generator seed of the lab this tool starts
  --json <file>          write the results as JSON
  --csv <file>           write one CSV row per transport
  --md <file>            write the Markdown summary to a file (default: printed after the table)
  --progress-json        for programs: stdout gets one JSON line per second of progress
                         ({"type":"progress",…}) and the --json result as the last line
                         ({"type":"result","report":{…}}) instead of the table
  -h, --help             show this help

Without --url the lab's meter has no other traffic, so bytes and requests are
the difference of its totals before and after the run; with --url they include
whatever else that lab serves meanwhile.`;

export function parseLoadFlags(argv: string[]): LoadFlags {
  const values = parseFlags(argv, {
    help: { type: 'boolean', short: 'h' },
    scenario: { type: 'string' },
    clients: { type: 'string' },
    transports: { type: 'string' },
    duration: { type: 'string' },
    rate: { type: 'string' },
    ramp: { type: 'string' },
    interval: { type: 'string' },
    upstream: { type: 'string' },
    headers: { type: 'string' },
    workers: { type: 'string' },
    url: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'string' },
    csv: { type: 'string' },
    md: { type: 'string' },
    'progress-json': { type: 'boolean' },
    http2: { type: 'boolean' },
    'socket-io-lane': { type: 'string' },
  });
  const durationS = wholeNumberFlag('--duration', str(values, 'duration'), 1, 3600, 10);
  const rampS = wholeNumberFlag('--ramp', str(values, 'ramp'), 0, 3600, 0);
  if (rampS > 0 && rampS >= durationS) {
    throw LabErrors.BAD_FLAG(
      `--ramp (${rampS} s) must be shorter than --duration (${durationS} s): the run needs a steady part to measure`,
    );
  }
  const url = str(values, 'url');
  const rate = str(values, 'rate');
  const upstream = str(values, 'upstream');
  const seed = str(values, 'seed');
  if (url !== undefined && seed !== undefined)
    throw LabErrors.BAD_FLAG('--seed applies to a lab this tool starts; leave it out with --url');
  if (url !== undefined && values.http2 === true && !url.startsWith('http://'))
    throw LabErrors.BAD_FLAG(
      "with --http2, --url is the running lab's plain URL (e.g. http://127.0.0.1:3000): its meter is read there, and the clients go to the HTTP/2 port it names in GET /api/https",
    );
  return {
    help: values.help === true,
    scenario: str(values, 'scenario') ?? DEFAULT_SCENARIO_ID,
    scenarioGiven: values.scenario !== undefined,
    clients: wholeNumberFlag('--clients', str(values, 'clients'), 1, MAX_CLIENTS_PER_TRANSPORT, 10),
    transports: transportsFlag(str(values, 'transports')),
    durationS,
    rate: rate === undefined ? undefined : decimalFlag('--rate', rate, 0.001, 1000),
    rampS,
    intervalMs: wholeNumberFlag('--interval', str(values, 'interval'), 10, 60_000, 1000),
    upstream: upstream === undefined ? undefined : decimalFlag('--upstream', upstream, 0, 20),
    url: url === undefined ? undefined : loopbackUrlFlag('--url', url),
    headers: headerSetFlag(str(values, 'headers')),
    http2: values.http2 === true,
    workers: wholeNumberFlag('--workers', str(values, 'workers'), 1, 64, availableParallelism()),
    seed: seed === undefined ? undefined : wholeNumberFlag('--seed', seed, 0, 2 ** 32 - 1, 0),
    json: fileFlag('--json', str(values, 'json')),
    csv: fileFlag('--csv', str(values, 'csv')),
    md: fileFlag('--md', str(values, 'md')),
    progressJson: values['progress-json'] === true,
    socketIoLane: socketIoLaneFlag(str(values, 'socket-io-lane')),
  };
}

export function headerSetFlag(text: string | undefined): HeaderSetName {
  if (text === undefined) return 'node';
  if (!isHeaderSetName(text))
    throw LabErrors.BAD_FLAG(`--headers must be one of ${HEADER_SETS.join(', ')} (got ${JSON.stringify(text)})`);
  return text;
}

/** An output file path: not empty. */
export function fileFlag(flag: string, text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (text.trim() === '') throw LabErrors.BAD_FLAG(`${flag} needs a file path`);
  return text;
}
