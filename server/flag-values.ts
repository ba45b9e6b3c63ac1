/**
 * Shared by every command line of the lab: parse flags strictly and check
 * numbers, each mistake a LAB_ERR_BAD_FLAG naming the flag (exit code 2).
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { isTransportName, TRANSPORT_NAMES, type TransportName } from '../protocol/feed-event.ts';
import { isSocketIoLane, SOCKET_IO_LANES, type SocketIoLane } from '../protocol/socket-io-lanes.ts';
import { LabErrors } from './errors.ts';

export type FlagValues = Record<string, string | boolean | undefined>;

/** Only the named options, no positionals; node's own message when something is off. */
export function parseFlags(argv: string[], options: NonNullable<ParseArgsConfig['options']>): FlagValues {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals: false, options }).values as FlagValues;
  } catch (error) {
    throw LabErrors.BAD_FLAG((error as Error).message.split('\n')[0] ?? 'bad flags');
  }
}

/** A whole number min…max in plain digits; `fallback` when the flag is absent. */
export function wholeNumberFlag(
  flag: string,
  text: string | undefined,
  min: number,
  max: number,
  fallback: number,
): number {
  if (text === undefined) return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw LabErrors.BAD_FLAG(`${flag} must be a whole number from ${min} to ${max} (got ${JSON.stringify(text)})`);
  }
  return value;
}

/** A decimal number min…max such as 2.5. */
export function decimalFlag(flag: string, text: string, min: number, max: number): number {
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw LabErrors.BAD_FLAG(`${flag} must be a number from ${min} to ${max} (got ${JSON.stringify(text)})`);
  }
  return value;
}

/** A string flag's value (parseFlags already refused a missing value). */
export function str(values: FlagValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** `all` or a comma-separated list of transport names. */
export function transportsFlag(text: string | undefined): TransportName[] {
  if (text === undefined || text === 'all') return [...TRANSPORT_NAMES];
  const names = text.split(',').map((name) => name.trim());
  for (const name of names) {
    if (!isTransportName(name)) {
      throw LabErrors.BAD_FLAG(
        `--transports: unknown transport ${JSON.stringify(name)}; use ${TRANSPORT_NAMES.join(', ')} or all`,
      );
    }
  }
  // In the lab's order, whatever order they were typed in.
  return TRANSPORT_NAMES.filter((name) => names.includes(name));
}

/** `--socket-io-lane`: which Engine.IO transports the Socket.IO clients may use (protocol/socket-io-lanes.ts). */
export function socketIoLaneFlag(text: string | undefined): SocketIoLane {
  if (text === undefined) return 'default';
  if (isSocketIoLane(text)) return text;
  throw LabErrors.BAD_FLAG(
    `--socket-io-lane must be one of ${SOCKET_IO_LANES.join(', ')} (got ${JSON.stringify(text)})`,
  );
}
