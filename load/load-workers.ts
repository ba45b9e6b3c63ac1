/**
 * The worker threads of one load run, driven as one: start, mark, stop. The
 * virtual clients live in workers so that thousands of them use every core
 * of the generator's process — never the lab's, which is another process.
 */
import { Worker } from 'node:worker_threads';
import type { TransportName } from '../protocol/feed-event.ts';
import type { TransportCounts } from '../protocol/load-progress-line.ts';
import type { FromWorker, ToWorker, TransportOutcome, WorkerSetup } from './worker-protocol.ts';

type CountsByTransport = Partial<Record<TransportName, TransportCounts>>;
type OutcomesByTransport = Partial<Record<TransportName, TransportOutcome>>;

/**
 * Worker threads do not inherit tsx's module hooks on Node 20, so each worker
 * first registers tsx itself, then imports the TypeScript entry.
 */
function startTsWorker(entry: URL, workerData: unknown): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(code, { eval: true, workerData, execArgv: [] });
}

export class LoadWorkers {
  private readonly latestProgress: CountsByTransport[];
  private readonly pendingMarks = new Map<
    number,
    { left: number; parts: CountsByTransport[]; resolve: (c: CountsByTransport[]) => void }
  >();
  private nextMark = 1;
  private readonly pendingQuiet = new Map<number, { left: number; resolve: () => void }>();
  private results: Array<OutcomesByTransport | null>;
  private resultWaiter: (() => void) | null = null;
  private failure: Error | null = null;
  private onFailure: ((error: Error) => void) | null = null;

  private constructor(private readonly workers: Worker[]) {
    this.latestProgress = workers.map(() => ({}));
    this.results = workers.map(() => null);
  }

  /** Starts one worker per setup and resolves when every one has built its clients. */
  static async start(setups: WorkerSetup[]): Promise<LoadWorkers> {
    const entry = new URL('./load-worker.ts', import.meta.url);
    const workers = setups.map((setup) => startTsWorker(entry, setup));
    const pool = new LoadWorkers(workers);
    const ready = workers.map(
      (worker, index) =>
        new Promise<void>((resolve, reject) => {
          worker.on('message', (message: FromWorker) => {
            if (message.type === 'ready') resolve();
            else pool.receive(index, message);
          });
          worker.on('error', (error) => {
            reject(error);
            pool.fail(error);
          });
          worker.on('exit', (code) => {
            if (pool.results[index] === null && code !== 0) {
              const error = new Error(`load worker ${index} exited with code ${code}`);
              reject(error);
              pool.fail(error);
            }
          });
        }),
    );
    try {
      await Promise.all(ready);
    } catch (error) {
      await pool.terminate();
      throw error;
    }
    return pool;
  }

  /** Called once if a worker fails mid-run (the run should end and report it). */
  whenFailed(callback: (error: Error) => void): void {
    this.onFailure = callback;
    if (this.failure) callback(this.failure);
  }

  /** @param startAt the run's start, epoch ms: every client's ramp offset counts from it */
  begin(startAt: number): void {
    this.post({ type: 'start', startAt });
  }

  /** The newest progress of every worker, summed per transport. */
  progress(): CountsByTransport {
    return sumCounts(this.latestProgress);
  }

  /** Counts of every worker at this moment, summed; with resetLatency the histograms start over. */
  mark(resetLatency: boolean): Promise<CountsByTransport> {
    const id = this.nextMark++;
    return new Promise((resolve) => {
      this.pendingMarks.set(id, {
        left: this.workers.length,
        parts: [],
        resolve: (parts) => resolve(sumCounts(parts)),
      });
      this.post({ type: 'mark', id, resetLatency });
    });
  }

  /** Every worker stops sending upstream; resolves when the messages already sent are through. */
  quiet(): Promise<void> {
    const id = this.nextMark++;
    return new Promise((resolve) => {
      this.pendingQuiet.set(id, { left: this.workers.length, resolve });
      this.post({ type: 'quiet', id });
    });
  }

  /** Stops every client (after the drain, when `finalSeq` is given) and gathers each worker's outcome. */
  async stop(finalSeq: number | null, epoch: string | null, drainMs: number): Promise<OutcomesByTransport[]> {
    const done = new Promise<void>((resolve) => {
      this.resultWaiter = resolve;
    });
    this.post({ type: 'stop', finalSeq, epoch, drainMs });
    await done;
    if (this.failure) throw this.failure;
    return this.results.map((result) => result ?? {});
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private post(message: ToWorker): void {
    for (const worker of this.workers) worker.postMessage(message);
  }

  private receive(index: number, message: FromWorker): void {
    switch (message.type) {
      case 'progress':
        this.latestProgress[index] = message.transports;
        break;
      case 'mark': {
        const pending = this.pendingMarks.get(message.id);
        if (!pending) break;
        pending.parts.push(message.transports);
        this.latestProgress[index] = message.transports;
        if (--pending.left === 0) {
          this.pendingMarks.delete(message.id);
          pending.resolve(pending.parts);
        }
        break;
      }
      case 'quiet': {
        const pending = this.pendingQuiet.get(message.id);
        if (pending && --pending.left === 0) {
          this.pendingQuiet.delete(message.id);
          pending.resolve();
        }
        break;
      }
      case 'result':
        this.results[index] = message.transports;
        if (this.results.every((result) => result !== null)) this.resultWaiter?.();
        break;
      case 'failed':
        this.fail(new Error(`load worker ${index} failed: ${message.message}`));
        break;
      case 'ready':
        break;
    }
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    this.onFailure?.(error);
    this.resultWaiter?.();
    for (const pending of this.pendingMarks.values()) pending.resolve(pending.parts);
    this.pendingMarks.clear();
    for (const pending of this.pendingQuiet.values()) pending.resolve();
    this.pendingQuiet.clear();
  }
}

/** Sums per-transport counts of several workers. */
export function sumCounts(parts: CountsByTransport[]): CountsByTransport {
  const out: CountsByTransport = {};
  for (const part of parts) {
    for (const [transport, counts] of Object.entries(part) as [TransportName, TransportCounts][]) {
      const sum = out[transport] ?? { clients: 0, open: 0, messages: 0, errors: 0, reconnects: 0 };
      out[transport] = sum;
      sum.clients += counts.clients;
      sum.open += counts.open;
      sum.messages += counts.messages;
      sum.errors += counts.errors;
      sum.reconnects += counts.reconnects;
    }
  }
  return out;
}
