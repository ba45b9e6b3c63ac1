/**
 * `npm start`: parse flags, build the lab, listen, print the URL, and stop
 * cleanly on Ctrl-C / SIGTERM.
 */
import { ensureDashboardBuilt, isStale } from '../web/build-dashboard.ts';
import { buildApp } from './app.ts';
import { HINTS, isLabError } from './errors.ts';
import { loadScenario } from './feed/scenario.ts';
import { parseStartFlags, START_USAGE } from './start-flags.ts';

async function main(): Promise<void> {
  const flags = parseStartFlags(process.argv.slice(2), process.env);
  if (flags.help) {
    console.log(START_USAGE);
    return;
  }
  const webRoot = await dashboard();
  const app = await buildApp({
    ...(flags.scenario !== undefined ? { scenario: loadScenario(flags.scenario) } : {}),
    ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
    ratePerSecond: flags.rate,
    webRoot,
  });
  await app.listen({ port: flags.port, host: flags.host });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : flags.port;
  const shownHost = flags.host.includes(':') ? `[${flags.host}]` : flags.host;
  const { scenario, seed } = app.feed.currentSettings;
  console.log(`Transport Lab is running at http://${shownHost}:${port}/`);
  console.log(`  scenario ${scenario.id} (seed ${seed}); Ctrl-C stops it`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) process.exit(130); // a second Ctrl-C means now
    stopping = true;
    console.log(`\n${signal}: stopping…`);
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** The built dashboard, built first when missing or stale; without it the lab still serves the API. */
async function dashboard(): Promise<string | null> {
  if (isStale()) console.log('Building the dashboard (web/dist)…');
  try {
    return await ensureDashboardBuilt();
  } catch (error) {
    console.error(`The dashboard could not be built, serving the API only: ${(error as Error).message}`);
    return null;
  }
}

main().catch((error: unknown) => {
  if (isLabError(error)) {
    console.error(`error ${error.code}: ${error.message}\nhint: ${HINTS[error.code]}`);
    process.exit(2);
  }
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE' || (error as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL') {
    console.error(`error LAB_ERR_LISTEN: ${(error as Error).message}\nhint: choose another --port or --host`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
