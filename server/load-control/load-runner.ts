/**
 * Runs one load run at a time for the dashboard: `npm run load` as a child
 * process (never inside the lab: the lab's cost must stay measurable, and the
 * generator's CPU is not the lab's), pointed at the lab's own loopback
 * address, reading its `--progress-json` lines into a view the page polls.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { TransportName } from '../../protocol/feed-event.ts';
import type { JsonProgressLine, JsonProgressTransport } from '../../protocol/load-progress-line.ts';
import type { LoadReport } from '../../protocol/load-report.ts';
import { LOAD_RUN_KEY_ENV } from '../../protocol/load-run-header.ts';
import type {
  LoadRunError,
  LoadRunSettings,
  LoadRunState,
  LoadRunView,
  LoadSample,
  PerTransport,
} from '../../protocol/load-run-view.ts';
import { LabErrors } from '../errors.ts';
import type { UpstreamBudget } from '../security/upstream-budget.ts';

/** The repository root: the generator's script and tsx are found from there. */
const REPO_DIR = fileURLToPath(new URL('../..', import.meta.url));
/**
 * Most samples kept (about one a second arrives): beyond, every other one is dropped, so a long
 * run stays whole on the chart at a coarser step and each poll of `GET /api/load` stays small.
 */
export const MAX_LOAD_SAMPLES = 300;
/** After SIGTERM, how long the generator may take to let go of its sockets before SIGKILL, ms. */
const KILL_GRACE_MS = 3000;
/** Beyond its duration, how long a run may take (starting workers, draining, reading the lab) before it is killed, ms. */
const OVERTIME_MS = 90_000;
/** Kept of the generator's stderr, for the failure message. */
const STDERR_KEEP = 4000;
/** A longer stdout line than this is not ours; dropping it keeps memory bounded. */
const MAX_LINE = 4 * 1024 * 1024;

const children = new Set<ChildProcess>();
// Whatever ends the lab's process, a load run must not outlive it.
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

export class LoadRunner {
  private state: LoadRunState = 'idle';
  private settings: LoadRunSettings | null = null;
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();
  private stopping = false;
  private startedAt: number | null = null;
  private endedAt: number | null = null;
  private runId: string | null = null;
  private latest: JsonProgressLine | null = null;
  private samples: LoadSample[] = [];
  private result: LoadReport | null = null;
  private error: LoadRunError | null = null;
  private watchdog: NodeJS.Timeout | null = null;

  /** @param upstream where a run's own upstream budget is opened (its clients carry the run's key) */
  constructor(private readonly upstream: UpstreamBudget | null = null) {}

  /** True while a run is starting or running: a second start is refused. */
  get busy(): boolean {
    return this.state === 'starting' || this.state === 'running';
  }

  /** @throws LAB_ERR_LOAD_RUNNING while a run goes */
  checkIdle(): void {
    if (!this.busy) return;
    const elapsed = Math.floor(this.latest?.elapsedS ?? 0);
    throw LabErrors.LOAD_RUNNING(
      `a load run is already ${this.state} (${elapsed}/${this.settings?.durationS ?? 0} s); one at a time`,
    );
  }

  /** Starts the generator against `baseUrl` (the lab's loopback URL); the previous run's view is replaced. */
  start(settings: LoadRunSettings, baseUrl: string): void {
    this.checkIdle();
    this.state = 'starting';
    this.settings = settings;
    this.stopping = false;
    this.startedAt = Date.now();
    this.endedAt = null;
    this.runId = null;
    this.latest = null;
    this.samples = [];
    this.result = null;
    this.error = null;
    const args = [
      ...['--url', baseUrl, '--clients', String(settings.clientsPerTransport)],
      ...['--duration', String(settings.durationS), '--ramp', String(settings.rampS)],
      ...['--transports', settings.transports.join(','), '--progress-json'],
    ];
    // The run's upstream budget, for its clients only: the key goes to the child alone, in its environment.
    const runKey = randomBytes(24).toString('base64url');
    const endBudget =
      this.upstream?.openLoadRun(runKey, settings.clientsPerTransport * settings.transports.length) ?? (() => {});
    // Through sh only to raise the open-files limit (every client is a socket); `exec` keeps the pid the generator's.
    const shell = 'ulimit -Sn "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"';
    const child = spawn('/bin/sh', ['-c', shell, process.execPath, '--import', 'tsx', 'load/load-cli.ts', ...args], {
      cwd: REPO_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PORT: '', HOST: '', [LOAD_RUN_KEY_ENV]: runKey },
    });
    this.child = child;
    children.add(child);
    let stderr = '';
    let partial = '';
    child.stderr?.on('data', (data: Buffer) => {
      stderr = (stderr + data.toString()).slice(-STDERR_KEEP);
    });
    child.stdout?.on('data', (data: Buffer) => {
      const lines = (partial + data.toString()).split('\n');
      partial = lines.pop() ?? '';
      if (partial.length > MAX_LINE) partial = '';
      for (const line of lines) this.receive(line);
    });
    this.exited = new Promise<void>((resolve) => {
      // 'close', not 'exit': every line of stdout has been read by then.
      child.once('close', (code, signal) => {
        children.delete(child);
        endBudget();
        this.ended(code, signal, stderr);
        resolve();
      });
      child.once('error', (error) => {
        if (child.pid !== undefined) return; // a failed kill: the process still runs, 'close' will come
        children.delete(child);
        endBudget();
        this.fail({ code: null, message: `the load generator could not start: ${error.message}`, hint: null });
        resolve();
      });
    });
    const limitMs = settings.durationS * 1000 + OVERTIME_MS;
    this.watchdog = setTimeout(() => {
      this.fail({
        code: null,
        message: `the load generator did not finish within ${Math.round(limitMs / 1000)} s and was stopped`,
        hint: null,
      });
      this.kill();
    }, limitMs);
  }

  /** Stops a run that goes (idempotent) and resolves once the generator process is gone. */
  async stop(): Promise<void> {
    if (this.busy) {
      this.stopping = true;
      this.kill();
    }
    await this.exited;
  }

  /** Resolves once the current run's generator process is gone, however it ends. */
  whenEnded(): Promise<void> {
    return this.exited;
  }

  view(): LoadRunView {
    const counts = (pick: (t: JsonProgressTransport) => number): PerTransport => {
      const out: PerTransport = {};
      for (const [name, t] of entries(this.latest?.transports ?? {})) out[name] = pick(t);
      return out;
    };
    return {
      state: this.state,
      settings: this.settings,
      runId: this.runId,
      pid: this.busy ? (this.child?.pid ?? null) : null,
      startedAt: this.startedAt,
      endedAt: this.endedAt,
      elapsedS: this.state === 'finished' ? (this.settings?.durationS ?? 0) : (this.latest?.elapsedS ?? 0),
      phase: this.latest?.phase ?? null,
      clients: counts((t) => t.clients),
      connected: this.busy ? counts((t) => t.open) : {},
      messagesPerSecond: this.busy ? counts((t) => t.messagesPerSecond ?? 0) : {},
      errors: counts((t) => t.errors),
      samples: this.samples,
      result: this.result,
      error: this.error,
    };
  }

  private receive(line: string): void {
    if (!line.startsWith('{')) return;
    let parsed: { type?: unknown; report?: unknown };
    try {
      parsed = JSON.parse(line) as typeof parsed;
    } catch {
      return; // not one of the generator's lines
    }
    if (parsed.type === 'result' && typeof parsed.report === 'object' && parsed.report !== null) {
      this.result = parsed.report as LoadReport;
      return;
    }
    if (parsed.type !== 'progress' || !this.busy) return;
    const progress = parsed as JsonProgressLine;
    this.latest = progress;
    this.runId = progress.runId;
    this.state = 'running';
    const connected: PerTransport = {};
    const messagesPerSecond: PerTransport = {};
    for (const [name, t] of entries(progress.transports)) {
      connected[name] = t.open;
      // The first line has no rate yet: the chart's line starts at the second.
      if (t.messagesPerSecond !== null) messagesPerSecond[name] = t.messagesPerSecond;
    }
    this.samples.push({ elapsedS: progress.elapsedS, connected, messagesPerSecond });
    if (this.samples.length > MAX_LOAD_SAMPLES) {
      const last = this.samples.length - 1;
      this.samples = this.samples.filter((_, i) => i % 2 === 0 || i === last);
    }
  }

  private ended(code: number | null, signal: NodeJS.Signals | null, stderr: string): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = null;
    if (!this.busy) return; // already failed (watchdog, spawn error)
    this.endedAt = Date.now();
    if (this.stopping) {
      this.state = 'stopped';
      return;
    }
    if (code === 0 && this.result !== null) {
      this.state = 'finished';
      return;
    }
    this.fail(failureOf(code, signal, stderr, this.result !== null));
  }

  private fail(error: LoadRunError): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = null;
    if (!this.busy) return;
    this.state = 'failed';
    this.error = error;
    this.endedAt = Date.now();
  }

  /** SIGTERM lets the generator exit (its workers and sockets go with it); SIGKILL if it does not. */
  private kill(): void {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    child.once('close', () => clearTimeout(killer));
  }
}

function entries(transports: JsonProgressLine['transports']): [TransportName, JsonProgressTransport][] {
  return Object.entries(transports) as [TransportName, JsonProgressTransport][];
}

/** The generator prints `error LAB_ERR_…: message` and `hint: …` for what a user can fix; anything else is its last lines. */
function failureOf(
  code: number | null,
  signal: NodeJS.Signals | null,
  stderr: string,
  hadResult: boolean,
): LoadRunError {
  const coded = /^error (LAB_ERR_[A-Z_]+): (.*)$/m.exec(stderr);
  if (coded?.[1] && coded[2] !== undefined) {
    return { code: coded[1], message: coded[2], hint: /^hint: (.*)$/m.exec(stderr)?.[1] ?? null };
  }
  const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
  const tail = stderr.trim().split('\n').slice(-3).join(' ').slice(-500);
  const message = hadResult
    ? `the load generator ${how} after its result`
    : `the load generator ${how} without a result${tail ? `: ${tail}` : ''}`;
  return { code: null, message, hint: null };
}
