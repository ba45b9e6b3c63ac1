/**
 * One load run, start to end: plan the virtual clients, start the workers,
 * take the lab's readings at the run's marks, stop, and gather everything.
 *
 *   before ── ramp ── all open ─┬── steady window ──┬── pause feed, drain ── stop ── after
 *                          steady start        steady end
 *
 * Latency percentiles and the per-second rates describe the steady window
 * (after the ramp); counts, bytes and lost/duplicate checks cover the whole run.
 * The lab's meter is read as totals before and after (a lab this tool started
 * has no other traffic), never per client: that would be thousands of calls.
 */

import type { TransportName } from '../protocol/feed-event.ts';
import type { LoadPhase, TransportCounts } from '../protocol/load-progress-line.ts';
import type { MetricsSnapshot } from '../protocol/metrics.ts';
import { type SocketIoLane, socketIoTransportsOf } from '../protocol/socket-io-lanes.ts';
import { stripUndefined } from '../protocol/strip-undefined.ts';
import type { HeaderSetName } from './browser-headers.ts';
import { type FeedStatus, type ProcessFigures, pauseFeed, readMetrics, readProcess } from './lab-api.ts';
import { LatencyHistogram } from './latency-histogram.ts';
import { LoadWorkers } from './load-workers.ts';
import { type ProcSample, sampleProcess } from './proc-sampler.ts';
import type { TransportOutcome, VirtualClientPlan, WorkerSetup } from './worker-protocol.ts';

/** Whose server the run loads, which decides what can be read and done. */
export type LoadTarget =
  /** A lab this tool started: meter and process readings, and the feed is paused at the end so nothing is in flight. */
  | 'own-lab'
  /** A running lab (--url): meter and process readings; its feed is left alone. */
  | 'lab'
  /** A bare baseline server: no lab endpoints; its CPU and RSS come from /proc. */
  | 'baseline';

export interface LoadPlan {
  baseUrl: string;
  /** Where the clients go when not `baseUrl` (the lab's HTTP/2 port with --http2), and the certificate to trust there. */
  clients?: { url: string; ca: string };
  target: LoadTarget;
  /** The server's pid, for /proc readings (own lab, baseline); null for --url. */
  serverPid: number | null;
  transports: TransportName[];
  clientsPerTransport: number;
  durationS: number;
  rampS: number;
  shortPollIntervalMs: number;
  /** Which Engine.IO transports the Socket.IO clients may use. Default `default`. */
  socketIoLane?: SocketIoLane;
  /** Upstream messages per second per client (0: none). */
  upstreamPerSecond: number;
  headers: HeaderSetName;
  workers: number;
  /** Short random id; client ids are `load-<runId>-<transport>-<n>`. */
  runId: string;
  /** Called about four times a second while the run goes. */
  onProgress?: (progress: RunProgress) => void;
  /** Awaited right after the steady window's first and last readings (bench --url reads every instance then). */
  onSteady?: (edge: 'start' | 'end') => Promise<void>;
}

export interface RunProgress {
  elapsedS: number;
  durationS: number;
  phase: LoadPhase;
  transports: Partial<Record<TransportName, TransportCounts>>;
}

/** Readings of the lab at one moment. */
export interface Reading {
  /** Epoch ms. */
  at: number;
  meter: MetricsSnapshot | null;
  process: ProcessFigures | null;
  proc: ProcSample | null;
  /** CPU time of this process (main thread and every worker), ms: to tell when the generator, not the server, is the limit. */
  generatorCpuMs: number;
}

export interface TransportRun extends Omit<TransportOutcome, 'latency' | 'roundTrip'> {
  latency: LatencyHistogram;
  roundTrip: LatencyHistogram;
  /** Messages the clients received in the steady window. */
  steadyMessages: number;
}

export interface RunRecord {
  plan: LoadPlan;
  startedAt: number;
  before: Reading;
  steadyStart: Reading;
  steadyEnd: Reading;
  /** After every client has stopped and every socket closed. */
  after: Reading;
  /** The feed's seq when it was paused (own lab), else null. */
  finalSeq: number | null;
  transports: Partial<Record<TransportName, TransportRun>>;
}

/** How often the workers count their clients for the progress display, ms: counting reads every client's stats, so not too often. */
const WORKER_PROGRESS_EVERY_MS = 1000;
/** How often the display is redrawn, ms. */
const DISPLAY_EVERY_MS = 250;

export async function runLoad(plan: LoadPlan): Promise<RunRecord> {
  const workers = await LoadWorkers.start(workerSetups(plan));
  let failed: Error | null = null;
  workers.whenFailed((error) => {
    failed = error;
  });
  const check = (): void => {
    if (failed) throw failed;
  };
  try {
    const before = await read(plan, true);
    const startedAt = Date.now() + 50;
    let steady = false;
    workers.begin(startedAt);
    const progress = setInterval(() => {
      const elapsedS = Math.max(0, (Date.now() - startedAt) / 1000);
      plan.onProgress?.({
        elapsedS: Math.min(elapsedS, plan.durationS),
        durationS: plan.durationS,
        phase: steady ? 'steady' : 'ramp',
        transports: workers.progress(),
      });
    }, DISPLAY_EVERY_MS);
    try {
      await sleepUntil(startedAt + plan.rampS * 1000);
      await allOpen(workers, startedAt + plan.rampS * 1000 + Math.max(1000, (plan.durationS - plan.rampS) * 250));
      check();
      const steadyCounts = await workers.mark(true);
      steady = true;
      const steadyStart = await read(plan, true);
      await plan.onSteady?.('start');
      await sleepUntil(startedAt + plan.durationS * 1000);
      check();
      const endCounts = await workers.mark(false);
      const steadyEnd = await read(plan, false);
      await plan.onSteady?.('end');
      clearInterval(progress);

      let finalSeq: number | null = null;
      let epoch: string | null = null;
      if (plan.target === 'own-lab') {
        // Upstream senders first go quiet, then the feed stops: after the drain nothing is in flight,
        // so the clients' counts and the meter's must agree exactly.
        await workers.quiet();
        const paused: FeedStatus = await pauseFeed(plan.baseUrl);
        finalSeq = paused.seq;
        epoch = paused.epoch;
      }
      const outcomes = await workers.stop(finalSeq, epoch, plan.shortPollIntervalMs + 5000);
      check();
      // The lab settles a socket's last bytes when it sees the close.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const after = await read(plan, false);
      const transports = mergeOutcomes(outcomes);
      for (const [transport, run] of Object.entries(transports) as [TransportName, TransportRun][]) {
        run.steadyMessages = (endCounts[transport]?.messages ?? 0) - (steadyCounts[transport]?.messages ?? 0);
      }
      return { plan, startedAt, before, steadyStart, steadyEnd, after, finalSeq, transports };
    } finally {
      clearInterval(progress);
    }
  } finally {
    await workers.terminate();
  }
}

/** Client plans, interleaved across transports so every transport ramps up together, dealt round-robin to the workers. */
function workerSetups(plan: LoadPlan): WorkerSetup[] {
  const total = plan.transports.length * plan.clientsPerTransport;
  const workerCount = Math.max(1, Math.min(plan.workers, total));
  const setups: WorkerSetup[] = Array.from({ length: workerCount }, () => ({
    baseUrl: plan.clients?.url ?? plan.baseUrl,
    tls: plan.clients ? { ca: plan.clients.ca } : null,
    headerSet: plan.headers,
    shortPollIntervalMs: plan.shortPollIntervalMs,
    upstreamPerSecond: plan.upstreamPerSecond,
    progressEveryMs: WORKER_PROGRESS_EVERY_MS,
    ...stripUndefined({ socketIoTransports: socketIoTransportsOf(plan.socketIoLane ?? 'default') }),
    clients: [] as VirtualClientPlan[],
  }));
  let i = 0;
  for (let n = 0; n < plan.clientsPerTransport; n++) {
    for (const transport of plan.transports) {
      const client: VirtualClientPlan = {
        transport,
        clientId: `load-${plan.runId}-${transport}-${n}`,
        startAfterMs: total > 1 ? (plan.rampS * 1000 * i) / total : 0,
      };
      setups[i % workerCount]?.clients.push(client);
      i++;
    }
  }
  return setups;
}

async function read(plan: LoadPlan, resetDelay: boolean): Promise<Reading> {
  const at = Date.now();
  const hasLab = plan.target !== 'baseline';
  const [meter, process] = hasLab
    ? await Promise.all([readMetrics(plan.baseUrl), readProcess(plan.baseUrl, resetDelay)])
    : [null, null];
  const proc = plan.serverPid !== null ? sampleProcess(plan.serverPid) : null;
  const cpu = globalThis.process.cpuUsage();
  return { at, meter, process, proc, generatorCpuMs: (cpu.user + cpu.system) / 1000 };
}

function mergeOutcomes(
  outcomes: Partial<Record<TransportName, TransportOutcome>>[],
): Partial<Record<TransportName, TransportRun>> {
  const out: Partial<Record<TransportName, TransportRun>> = {};
  for (const outcome of outcomes) {
    for (const [transport, part] of Object.entries(outcome) as [TransportName, TransportOutcome][]) {
      let run = out[transport];
      if (!run) {
        run = {
          ...part,
          latency: new LatencyHistogram(),
          roundTrip: new LatencyHistogram(),
          wire: { ...part.wire },
          errorSamples: [...part.errorSamples],
          steadyMessages: 0,
        };
        run.latency.merge(part.latency);
        run.roundTrip.merge(part.roundTrip);
        out[transport] = run;
        continue;
      }
      run.clients += part.clients;
      run.open += part.open;
      run.messages += part.messages;
      run.errors += part.errors;
      run.reconnects += part.reconnects;
      run.gaps += part.gaps;
      run.missed += part.missed;
      run.duplicates += part.duplicates;
      run.behind = run.behind === null || part.behind === null ? null : run.behind + part.behind;
      run.unpositioned += part.unpositioned;
      run.published += part.published;
      run.connections += part.connections;
      run.wire.up += part.wire.up;
      run.wire.down += part.wire.down;
      run.latency.merge(part.latency);
      run.roundTrip.merge(part.roundTrip);
      for (const sample of part.errorSamples)
        if (run.errorSamples.length < 5 && !run.errorSamples.includes(sample)) run.errorSamples.push(sample);
    }
  }
  return out;
}

/**
 * The steady window starts once every client is open (the last ones of a ramp
 * may still be connecting), or at `deadline` (epoch ms) if some never open.
 */
async function allOpen(workers: LoadWorkers, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const counts = Object.values(await workers.mark(false));
    if (counts.every((c) => c.open >= c.clients)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function sleepUntil(at: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
}
