/**
 * `npm run chaos` flags, checked once; a mistake is a LAB_ERR_BAD_FLAG (exit 2).
 */
import {
  isNetworkProfileName,
  NETWORK_PROFILE_NAMES,
  type NetworkProfileName,
} from '../server/conditioner/network-profiles.ts';
import { LabErrors } from '../server/errors.ts';
import type { TransportName } from '../protocol/feed-event.ts';
import { decimalFlag, parseFlags, transportsFlag, wholeNumberFlag } from '../server/flag-values.ts';
import { CHAOS_DEFAULTS } from './chaos-run.ts';

export interface ChaosFlags {
  help: boolean;
  json: boolean;
  drops: number;
  rate: number;
  minGapMs: number;
  maxGapMs: number;
  network: NetworkProfileName;
  intervalMs: number;
  maxSeconds: number;
  seed: number | undefined;
  transports: TransportName[];
  websocketBlocked: boolean;
}

export const CHAOS_USAGE = `Usage: npm run chaos -- [options]

Starts a lab with a network conditioner on free ports, runs one client per
transport through the conditioner while the feed publishes, and cuts every
connection (drop-all) at random moments. Then it checks, per transport, that
every event arrived exactly once and in order. Stops by itself; exits 1 if
anything was lost or duplicated.

Options:
  --drops <n>          drop-alls to force, 1-10000 (default ${CHAOS_DEFAULTS.drops})
  --rate <events/s>    feed rate, 0.1-1000 (default ${CHAOS_DEFAULTS.ratePerSecond})
  --min-gap <ms>       shortest wait before a drop, 10-60000 (default ${CHAOS_DEFAULTS.minGapMs})
  --max-gap <ms>       longest wait before a drop (default ${CHAOS_DEFAULTS.maxGapMs})
  --network <profile>  ${NETWORK_PROFILE_NAMES.join(', ')} (default ${String(CHAOS_DEFAULTS.network)})
  --interval <ms>      short-poll interval, 10-60000 (default ${CHAOS_DEFAULTS.shortPollIntervalMs})
  --max-seconds <s>    stop forcing drops after this long, 1-3600 (default ${CHAOS_DEFAULTS.maxSeconds})
  --seed <n>           generator seed
  --transports <list>  comma-separated subset, or all (default all)
  --websocket-blocked  the conditioner refuses every Upgrade (403), as some proxies do:
                       Socket.IO's default client falls back to polling; plain WebSocket
                       cannot connect, so leave it out of --transports
  --json               print only JSON on stdout (progress goes to stderr)
  -h, --help           show this help`;

export function parseChaosFlags(argv: string[]): ChaosFlags {
  const values = parseFlags(argv, {
    help: { type: 'boolean', short: 'h' },
    json: { type: 'boolean' },
    drops: { type: 'string' },
    rate: { type: 'string' },
    'min-gap': { type: 'string' },
    'max-gap': { type: 'string' },
    network: { type: 'string' },
    interval: { type: 'string' },
    'max-seconds': { type: 'string' },
    seed: { type: 'string' },
    transports: { type: 'string' },
    'websocket-blocked': { type: 'boolean' },
  });
  const text = (name: string): string | undefined => values[name] as string | undefined;
  const minGapMs = wholeNumberFlag('--min-gap', text('min-gap'), 10, 60_000, CHAOS_DEFAULTS.minGapMs);
  const maxGapMs = wholeNumberFlag(
    '--max-gap',
    text('max-gap'),
    minGapMs,
    60_000,
    Math.max(minGapMs, CHAOS_DEFAULTS.maxGapMs),
  );
  const network = text('network') ?? String(CHAOS_DEFAULTS.network);
  if (!isNetworkProfileName(network)) {
    throw LabErrors.BAD_FLAG(
      `--network must be one of ${NETWORK_PROFILE_NAMES.join(', ')} (got ${JSON.stringify(network)})`,
    );
  }
  const rateText = text('rate');
  const seedText = text('seed');
  const transports = transportsFlag(text('transports'));
  const websocketBlocked = values['websocket-blocked'] === true;
  if (websocketBlocked && transports.includes('websocket')) {
    throw LabErrors.BAD_FLAG(
      '--websocket-blocked refuses every WebSocket upgrade: plain WebSocket cannot connect at all; pick --transports without websocket',
    );
  }
  return {
    help: values.help === true,
    json: values.json === true,
    drops: wholeNumberFlag('--drops', text('drops'), 1, 10_000, CHAOS_DEFAULTS.drops),
    rate: rateText === undefined ? CHAOS_DEFAULTS.ratePerSecond : decimalFlag('--rate', rateText, 0.1, 1000),
    minGapMs,
    maxGapMs,
    network,
    intervalMs: wholeNumberFlag('--interval', text('interval'), 10, 60_000, CHAOS_DEFAULTS.shortPollIntervalMs),
    maxSeconds: wholeNumberFlag('--max-seconds', text('max-seconds'), 1, 3600, CHAOS_DEFAULTS.maxSeconds),
    seed: seedText === undefined ? undefined : wholeNumberFlag('--seed', seedText, 0, 2 ** 32 - 1, 0),
    transports,
    websocketBlocked,
  };
}
