/**
 * `npm start`: parse flags, build the lab, listen, print the URL, and stop
 * cleanly on Ctrl-C / SIGTERM.
 */
import { ensureDashboardBuilt, isStale } from '../web/build-dashboard.ts';
import { HINTS, isLabError } from './errors.ts';
import { loadScenario } from './feed/scenario.ts';
import { lanBanner } from './lan-addresses.ts';
import { createTeacherToken } from './security/teacher-token.ts';
import { parseStartFlags, START_USAGE } from './start-flags.ts';
import { labCertificate } from './tls/lab-certificate.ts';

async function main(): Promise<void> {
  const flags = parseStartFlags(process.argv.slice(2), process.env);
  if (flags.help) {
    console.log(START_USAGE);
    return;
  }
  // Read (or made) before anything listens: a bad --cert stops the start with its reason.
  const certificate = flags.https ? labCertificate({ cert: flags.https.cert, key: flags.https.key }) : null;
  const webRoot = await dashboard();
  // LAN mode: anyone on the network can reach the lab, so steering it takes a secret the teacher holds.
  const teacherToken = flags.lan ? createTeacherToken() : null;
  // Imported once the flags are good: the server's modules take half a second to load, a flag error none.
  const { buildApp } = await import('./app.ts');
  const app = await buildApp({
    ...(flags.scenario !== undefined ? { scenario: loadScenario(flags.scenario) } : {}),
    ...(flags.seed !== undefined ? { seed: flags.seed } : {}),
    ratePerSecond: flags.rate,
    ...(flags.history !== undefined ? { bufferSize: flags.history } : {}),
    webRoot,
    lan: flags.lan,
    teacherToken,
    conditionerPort: flags.conditionerPort,
    // The default port (the lab's + 1) is one other dev servers like: when it is taken, any free one does.
    conditionerPortFallback: flags.conditionerPortIsDefault,
    ...(flags.network !== undefined ? { network: flags.network } : {}),
    ...(flags.redis !== undefined ? { redis: { url: flags.redis, keyPrefix: 'transport-lab:' } } : {}),
    ...(flags.instanceName !== undefined ? { instanceName: flags.instanceName } : {}),
    publicOrigins: flags.publicOrigins,
    ...(flags.noGenerator ? { autostart: false } : {}),
    ...(flags.clusterControl !== undefined ? { clusterControl: flags.clusterControl } : {}),
    https:
      flags.https && certificate ? { h2Port: flags.https.h2Port, http1Port: flags.https.http1Port, certificate } : null,
  });
  // A deep accept queue: thousands of clients connecting at once (a load run, a class) must not be dropped.
  await app.listen({ port: flags.port, host: flags.host, backlog: 4096 });
  const conditionerPort = await app.conditioner.ready().catch(async (error: unknown) => {
    await app.close();
    throw Object.assign(error as Error, { conditioner: true });
  });
  const httpsPorts = await app.httpsReady().catch(async (error: unknown) => {
    await app.close();
    throw Object.assign(error as Error, { https: true });
  });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : flags.port;
  // Bound to every interface (LAN mode): this machine's own browser still uses loopback.
  const wildcard = flags.host === '0.0.0.0' || flags.host === '::';
  const shownHost = wildcard ? '127.0.0.1' : flags.host.includes(':') ? `[${flags.host}]` : flags.host;
  const { scenario, seed } = app.feed.currentSettings;
  console.log(`Transport Lab is running at http://${shownHost}:${port}/`);
  if (conditionerPort !== null) {
    const { profile } = app.conditioner.settings;
    console.log(`  network conditioner at http://${shownHost}:${conditionerPort}/ (profile ${profile})`);
    const taken = app.conditioner.portTakenInstead;
    if (taken !== null) console.log(`  (port ${taken} was taken, so the conditioner uses ${conditionerPort})`);
  }
  if (httpsPorts && certificate) {
    console.log(
      `  over TLS, HTTP/2: https://${shownHost}:${httpsPorts.h2Port}/ (WebSocket there on its own HTTP/1.1 connection)`,
    );
    console.log(`  over TLS, HTTP/1.1 only: https://${shownHost}:${httpsPorts.http1Port}/`);
    console.log(`  certificate: ${certificate.certPath}, ${certificate.source}`);
    if (certificate.source !== 'given') {
      console.log('  (your browser warns once: see the README, "HTTPS and HTTP/2", to proceed or to trust it)');
    }
  }
  console.log(`  scenario ${scenario.id} (seed ${seed}); Ctrl-C stops it`);
  if (flags.redis !== undefined) console.log(`  feed shared through Redis at ${flags.redis}`);
  if (teacherToken !== null) console.log(`\n${lanBanner(port, teacherToken)}`);

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
  if (
    (error as NodeJS.ErrnoException).code === 'EADDRINUSE' ||
    (error as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL'
  ) {
    const flag = (error as { conditioner?: boolean }).conditioner
      ? '--conditioner-port (or off)'
      : (error as { https?: boolean }).https
        ? '--https-port or --https1-port'
        : '--port or --host';
    console.error(`error LAB_ERR_LISTEN: ${(error as Error).message}\nhint: choose another ${flag}`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
