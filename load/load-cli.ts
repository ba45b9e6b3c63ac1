/**
 * `npm run load`: thousands of virtual clients against a lab, then a table of
 * what each transport delivered, what it cost on the wire, and what it cost
 * the lab. Without --url the lab is a child process of its own
 * (`server/main.ts --port 0`), killed at the end. With --progress-json the
 * progress and the report go to stdout as JSON lines instead, for the lab's
 * load runs from the dashboard (server/load-control/load-runner.ts).
 */
import { isAbsolute, resolve } from 'node:path';
import type { HttpsPorts } from '../protocol/lab-status.ts';
import type { LoadReport } from '../protocol/load-report.ts';
import { LabErrors } from '../server/errors.ts';
import { loadScenario, type Scenario } from '../server/feed/scenario.ts';
import { labCertificate } from '../server/tls/lab-certificate.ts';
import { newRunId, runCli, warnIfTooFewFiles, writeOutput } from './cli-support.ts';
import { readStatus, UnreachableLabError } from './lab-api.ts';
import { LOAD_USAGE, type LoadFlags, parseLoadFlags } from './load-flags.ts';
import { buildLoadReport } from './load-report.ts';
import { type RunRecord, runLoad } from './load-run.ts';
import { JsonProgress, lineEveryS, ProgressDisplay } from './progress-display.ts';
import { formatLoadCsv } from './result-csv.ts';
import { formatLoadMarkdown } from './result-markdown.ts';
import { formatLoadTable } from './result-table.ts';
import { prebuildDashboard, type ServerProcess, startServerProcess } from './server-process.ts';

async function main(): Promise<void> {
  const flags = parseLoadFlags(process.argv.slice(2));
  if (flags.help) {
    process.stdout.write(`${LOAD_USAGE}\n`);
    return;
  }
  // Checked here, before anything starts, so a typo is a clear error and not a lab that failed to start.
  const scenarioArg = scenarioArgument(flags.scenario);
  const scenario = loadScenario(scenarioArg);
  warnIfTooFewFiles(flags.clients * flags.transports.length);

  const lab = flags.url === undefined ? await startLab(flags, scenarioArg) : null;
  try {
    const baseUrl = lab?.url ?? flags.url ?? '';
    const status = await readStatus(baseUrl);
    if (lab === null) checkRunningLab(flags, status, scenario);
    const upstream = flags.upstream ?? upstreamOf(status.scenario, scenario);
    const runId = newRunId();
    // --progress-json: stdout is a program's input, so the bar and the table stay out of it.
    const json = flags.progressJson ? new JsonProgress(process.stdout, runId) : null;
    const display = json ? null : new ProgressDisplay(process.stderr, '', lineEveryS(flags.durationS));
    const run = await runLoad({
      baseUrl,
      ...(flags.http2 ? { clients: await http2Clients(baseUrl) } : {}),
      target: lab ? 'own-lab' : 'lab',
      serverPid: lab?.pid ?? null,
      transports: flags.transports,
      clientsPerTransport: flags.clients,
      durationS: flags.durationS,
      rampS: flags.rampS,
      shortPollIntervalMs: flags.intervalMs,
      socketIoLane: flags.socketIoLane,
      upstreamPerSecond: upstream,
      headers: flags.headers,
      workers: flags.workers,
      runId,
      onProgress: (progress) => (json ?? display)?.update(progress),
    });
    display?.finish();
    const loadOnly = keepLoadClientsOnly(run);
    const report = buildLoadReport(run, { scenario: status.scenario, ratePerSecond: status.ratePerSecond });
    if (loadOnly) report.meterSource = loadMeterSource(report);
    const markdown = formatLoadMarkdown(report);
    if (json) json.result(report);
    else {
      process.stdout.write(formatLoadTable(report));
      if (flags.md === undefined) process.stdout.write(`\n${markdown}`);
    }
    const written: string[] = [];
    if (flags.json !== undefined) written.push(await writeOutput(flags.json, `${JSON.stringify(report, null, 2)}\n`));
    if (flags.csv !== undefined) written.push(await writeOutput(flags.csv, formatLoadCsv(report)));
    if (flags.md !== undefined) written.push(await writeOutput(flags.md, markdown));
    for (const path of written) process.stderr.write(`wrote ${path}\n`);
  } finally {
    await lab?.stop();
  }
}

/**
 * The lab's meter counts load-run clients (ids `load-…`) apart, under `load`: reading those totals
 * instead of `transports` keeps a page's own clients (or anything else on a running lab) out of
 * this run's requests and bytes. False, readings untouched, for a lab without `load`.
 */
function keepLoadClientsOnly(run: RunRecord): boolean {
  const readings = [run.before, run.steadyStart, run.steadyEnd, run.after];
  // An older lab's snapshot has no `load`, whatever the type says.
  if (!readings.every((reading) => reading.meter?.load !== undefined)) return false;
  for (const reading of readings)
    if (reading.meter) reading.meter = { ...reading.meter, transports: reading.meter.load };
  return true;
}

function loadMeterSource(report: LoadReport): string {
  return report.ownLab
    ? 'GET /api/metrics load totals (load-run clients) before and after the run (a lab of its own: no other traffic)'
    : "GET /api/metrics load totals (load-run clients only, not the lab's other clients) before and after the run";
}

/** A scenario path is relative to where the command was typed; the lab child runs in the repository. */
function scenarioArgument(text: string): string {
  const isPath = text.includes('/') || text.endsWith('.json');
  return isPath && !isAbsolute(text) ? resolve(process.env.INIT_CWD ?? process.cwd(), text) : text;
}

/** The lab's HTTP/2 port (`GET /api/https`) and its certificate (the self-signed one it keeps in .lab-certs/). */
async function http2Clients(baseUrl: string): Promise<{ url: string; ca: string }> {
  const response = await fetch(`${baseUrl}/api/https`);
  const { h2Port } = (await response.json()) as HttpsPorts;
  if (h2Port === null) {
    throw new UnreachableLabError(
      `the lab at ${baseUrl} has no HTTPS ports, so --http2 has nowhere to go: start it with npm start -- --https`,
    );
  }
  // The same loopback host as the lab's URL (checked loopback by --url), on its HTTP/2 port.
  const { hostname } = new URL(baseUrl);
  return { url: `https://${hostname}:${h2Port}`, ca: labCertificate({ cert: undefined, key: undefined }).cert };
}

function startLab(flags: LoadFlags, scenario: string): Promise<ServerProcess> {
  const args = ['--port', '0', '--host', '127.0.0.1', '--scenario', scenario];
  if (flags.http2) args.push('--https', '--https-port', '0', '--https1-port', '0');
  if (flags.rate !== undefined) args.push('--rate', String(flags.rate));
  if (flags.seed !== undefined) args.push('--seed', String(flags.seed));
  process.stderr.write('Starting a lab of its own (server/main.ts)…\n');
  return prebuildDashboard().then(() => startServerProcess('server/main.ts', args));
}

/** With --url, --scenario and --rate may only confirm what the running lab plays: this tool never steers someone's lab. */
function checkRunningLab(
  flags: LoadFlags,
  status: { scenario: string; ratePerSecond: number },
  scenario: Scenario,
): void {
  if (flags.scenarioGiven && status.scenario !== scenario.id) {
    throw LabErrors.BAD_FLAG(
      `--scenario ${scenario.id} differs from the scenario the lab at ${flags.url} plays (${status.scenario}); leave --scenario out or change the lab's`,
    );
  }
  if (flags.rate !== undefined && Math.abs(status.ratePerSecond - flags.rate) > 1e-9) {
    throw LabErrors.BAD_FLAG(
      `--rate ${flags.rate} differs from the rate of the lab at ${flags.url} (${status.ratePerSecond} events/s); leave --rate out or change the lab's`,
    );
  }
}

/** The scenario's upstream messages per second per client; 0 when the running lab plays a scenario we cannot read. */
function upstreamOf(runningId: string, given: Scenario): number {
  if (runningId === given.id) return given.upstreamPerSecond ?? 0;
  try {
    return loadScenario(runningId).upstreamPerSecond ?? 0;
  } catch {
    return 0;
  }
}

runCli(main);
