/**
 * `npm run chaos`: lossless resume under fire. Starts a lab and its network
 * conditioner on free ports, follows the feed with one client per transport
 * through the conditioner, forces drop-alls at random moments, and prints per
 * transport what was published, received, lost, duplicated, the gaps and
 * reconnects, and whether seq was strictly increasing. Exit code 1 when
 * anything was lost or duplicated, 2 for bad flags.
 */
import { TRANSPORT_NAMES } from '../protocol/feed-event.ts';
import { HINTS, isLabError } from '../server/errors.ts';
import { CHAOS_USAGE, parseChaosFlags } from './chaos-flags.ts';
import { type ChaosResult, runChaos, type TransportChaosResult } from './chaos-run.ts';

async function main(): Promise<void> {
  const flags = parseChaosFlags(process.argv.slice(2));
  if (flags.help) {
    console.log(CHAOS_USAGE);
    return;
  }
  const result = await runChaos({
    drops: flags.drops,
    ratePerSecond: flags.rate,
    minGapMs: flags.minGapMs,
    maxGapMs: flags.maxGapMs,
    network: flags.network,
    shortPollIntervalMs: flags.intervalMs,
    maxSeconds: flags.maxSeconds,
    seed: flags.seed,
    transports: flags.transports,
    websocketBlocked: flags.websocketBlocked,
    onProgress: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : formatChaosTable(result));
  process.exitCode = result.ok ? 0 : 1;
}

const ROWS: [string, (r: TransportChaosResult) => string][] = [
  ['events published', (r) => String(r.published)],
  ['received', (r) => String(r.received)],
  ['lost', (r) => String(r.lost)],
  ['duplicated', (r) => String(r.duplicated)],
  ['gaps', (r) => String(r.gaps)],
  ['reconnects', (r) => String(r.reconnects)],
  ['drops that hit it', (r) => String(r.dropsHit)],
  ['connections cut', (r) => String(r.connectionsCut)],
  ['seq strictly increasing', (r) => (r.strictlyIncreasing ? 'yes' : 'NO')],
  ['Engine.IO transport at the end', (r) => (r.engine ? String(r.engine.transport) : '–')],
  ['ever upgraded to websocket', (r) => (r.engine ? (r.engine.everUpgraded ? 'yes' : 'no') : '–')],
];

function formatChaosTable(result: ChaosResult): string {
  const { network } = result;
  const followed = TRANSPORT_NAMES.filter((name) => result.transports[name] !== undefined);
  const header = ['', ...followed];
  const rows = ROWS.map(([label, cell]) => [
    label,
    ...followed.map((name) => cell(result.transports[name] as TransportChaosResult)),
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => (row[i] ?? '').length)));
  const line = (row: string[]): string =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');
  const kbps = (n: number): string => (n === 0 ? 'unlimited' : `${n} kbit/s`);
  const title =
    `Chaos: ${result.drops} drop-alls in ${result.durationS} s, ${result.ratePerSecond} events/s, ` +
    `network ${network.profile} (+${network.rttMs} ms round trip, down ${kbps(network.downKbps)}, up ${kbps(network.upKbps)}), ` +
    `SSE retry ${result.sseRetryMs} ms${result.websocketBlocked ? ', WebSocket blocked' : ''}`;
  const verdict = result.ok
    ? 'OK: every client got every event exactly once, in order.'
    : 'FAILED: events were lost, duplicated or out of order (see above).';
  return `${title}\n\n${line(header)}\n${rows.map(line).join('\n')}\n\n${verdict}\n`;
}

main().catch((error: unknown) => {
  if (isLabError(error)) {
    console.error(`error ${error.code}: ${error.message}\nhint: ${HINTS[error.code]}`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
