/**
 * `npm start` flags: parsed and checked in one place, each mistake reported
 * with the flag's name, what was expected and exit code 2.
 */
import { LabErrors } from './errors.ts';
import { decimalFlag, parseFlags, wholeNumberFlag } from './flag-values.ts';

export interface StartFlags {
  help: boolean;
  port: number;
  host: string;
  scenario: string | undefined;
  seed: number | undefined;
  rate: number | undefined;
}

export const START_USAGE = `Usage: npm start -- [options]

Runs Transport Lab: one live feed served by short polling, long polling,
Server-Sent Events and WebSocket, with a dashboard at the printed URL.

Options:
  --port <n>          port to listen on (default 3000, or $PORT)
  --host <address>    address to bind (default 127.0.0.1, or $HOST)
  --scenario <id|path> scenario id from scenarios/ or a path to a scenario file
                      (default stock-ticker)
  --seed <n>          generator seed: the same seed replays the same events
  --rate <events/s>   override the scenario's event rate
  -h, --help          show this help`;

export function parseStartFlags(argv: string[], env: NodeJS.ProcessEnv): StartFlags {
  const values = parseFlags(argv, {
    help: { type: 'boolean', short: 'h' },
    port: { type: 'string' },
    host: { type: 'string' },
    scenario: { type: 'string' },
    seed: { type: 'string' },
    rate: { type: 'string' },
  });
  // An empty PORT/HOST (e.g. `PORT= npm start`) means unset, as shells and CI tools often leave them.
  const port = wholeNumberFlag('--port', (values.port as string | undefined) ?? (env.PORT || '3000'), 0, 65_535, 3000);
  const host = (values.host as string | undefined) ?? (env.HOST || '127.0.0.1');
  if (host.trim() === '') throw LabErrors.BAD_FLAG('--host needs an address such as 127.0.0.1');
  const seedText = values.seed as string | undefined;
  const rateText = values.rate as string | undefined;
  return {
    help: values.help === true,
    port,
    host,
    scenario: values.scenario as string | undefined,
    seed: seedText === undefined ? undefined : wholeNumberFlag('--seed', seedText, 0, 2 ** 32 - 1, 0),
    rate: rateText === undefined ? undefined : decimalFlag('--rate', rateText, 0.001, 1000),
  };
}
