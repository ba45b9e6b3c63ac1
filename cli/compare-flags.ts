/**
 * `npm run compare` flags, checked once; a mistake is a LAB_ERR_BAD_FLAG (exit 2).
 */
import type { TransportName } from '../protocol/feed-event.ts';
import type { SocketIoLane } from '../protocol/socket-io-lanes.ts';
import { LabErrors } from '../server/errors.ts';
import { DEFAULT_SCENARIO_ID } from '../server/feed/scenario.ts';
import { parseFlags, socketIoLaneFlag, str, transportsFlag, wholeNumberFlag } from '../server/flag-values.ts';

export interface CompareFlags {
  help: boolean;
  scenario: string;
  durationS: number;
  json: boolean;
  url: string | undefined;
  seed: number | undefined;
  intervalMs: number;
  transports: TransportName[];
  /**
   * How the clients reach the lab, one run each, side by side: `http` (plain, the default),
   * `https` (HTTP/1.1 over TLS, `--https`), `h2` (HTTP/2 over TLS for the HTTP transports, `--http2`).
   */
  over: CompareOver[];
  /** Which Engine.IO transports the Socket.IO client may use. Default `default`. */
  socketIoLane: SocketIoLane;
  /** Conditional short polling (`If-None-Match` → `304 Not Modified`), `--conditional`. Default false. */
  conditional: boolean;
}

export type CompareOver = 'http' | 'https' | 'h2';

export const COMPARE_USAGE = `Usage: npm run compare -- [options]

Runs one client per transport for a while and prints them side by side:
latency, messages, gaps, requests, empty responses and bytes per message
(header / framing / payload), the bytes taken from the lab's own meter.

Options:
  --scenario <id|path>   scenario to play (default ${DEFAULT_SCENARIO_ID}); with --url,
                         the running lab's scenario is used
  --duration <s>         how long to run, 1-3600 (default 10)
  --interval <ms>        short-poll interval, 10-60000 (default 1000)
  --conditional          conditional short polling: If-None-Match with the last ETag,
                         an answer with nothing new is 304 Not Modified (no body)
  --transports <list>    comma-separated subset, or all (default all)
  --socket-io-lane <l>   default | websocket | polling: the Engine.IO transports Socket.IO's
                         clients may use (default: polling, then the upgrade; websocket =
                         transports: ['websocket'], no fallback; polling = never upgrades)
  --url <lab url>        compare against a running lab instead of starting one
  --seed <n>             generator seed for a reproducible run
  --http2                over TLS with HTTP/2 for the HTTP transports (WebSocket on its
                         own HTTP/1.1 connection, as a browser's); with --https too, both
                         versions side by side in one run
  --https                over TLS with HTTP/1.1 only (the like-for-like baseline)
                         (with --url, the lab must run with --https and its
                         certificate be .lab-certs/cert.pem)
  --json                 print only JSON on stdout (progress goes to stderr)
  -h, --help             show this help`;

export function parseCompareFlags(argv: string[]): CompareFlags {
  const values = parseFlags(argv, {
    help: { type: 'boolean', short: 'h' },
    scenario: { type: 'string' },
    duration: { type: 'string' },
    interval: { type: 'string' },
    transports: { type: 'string' },
    url: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean' },
    http2: { type: 'boolean' },
    https: { type: 'boolean' },
    'socket-io-lane': { type: 'string' },
    conditional: { type: 'boolean' },
  });
  const over: CompareOver[] = [];
  if (values.https === true) over.push('https');
  if (values.http2 === true) over.push('h2');
  return {
    help: values.help === true,
    scenario: (values.scenario as string | undefined) ?? DEFAULT_SCENARIO_ID,
    durationS: wholeNumberFlag('--duration', values.duration as string | undefined, 1, 3600, 10),
    intervalMs: wholeNumberFlag('--interval', values.interval as string | undefined, 10, 60_000, 1000),
    transports: transportsFlag(str(values, 'transports')),
    url: labUrl(values.url as string | undefined),
    seed: values.seed === undefined ? undefined : wholeNumberFlag('--seed', values.seed as string, 0, 2 ** 32 - 1, 0),
    json: values.json === true,
    over: over.length > 0 ? over : ['http'],
    socketIoLane: socketIoLaneFlag(str(values, 'socket-io-lane')),
    conditional: values.conditional === true,
  };
}

function labUrl(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw LabErrors.BAD_FLAG(`--url must be a URL such as http://127.0.0.1:3000 (got ${JSON.stringify(text)})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw LabErrors.BAD_FLAG(`--url must start with http:// or https:// (got ${JSON.stringify(text)})`);
  }
  return url.href.replace(/\/$/, '');
}
