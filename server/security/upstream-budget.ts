/**
 * What upstream the lab takes, keyed by what a sender cannot choose: its
 * client address (behind the conditioner, the student's own — see
 * client-addresses.ts), never the `client` id it names, so a fresh id per
 * message buys no fresh allowance. On top, one budget for everyone together,
 * in messages and in bytes, so no set of senders can flood the feed.
 *
 * A load run the lab started itself (server/load-control/) is one deliberate
 * sender with many virtual clients: it carries the run's secret key
 * (`LOAD_RUN_HEADER`, handed to the child process only) and gets a budget of
 * its own, scaled by its client count, outside the shared one.
 */
import { timingSafeEqual } from 'node:crypto';
import { LabErrors } from '../errors.ts';
import { RateLimiter, UPSTREAM_BURST, UPSTREAM_PER_SECOND } from './rate-limiter.ts';

export interface UpstreamLimits {
  /** @default 20 messages a second per client address, on average */
  perAddressPerSecond: number;
  /** @default 40 messages at once per client address */
  perAddressBurst: number;
  /** @default 200 messages a second from everyone together */
  totalPerSecond: number;
  /** @default 400 messages at once from everyone together */
  totalBurst: number;
  /** @default 1 MiB a second of upstream messages from everyone together */
  totalBytesPerSecond: number;
  /** @default 2 MiB at once from everyone together */
  totalBytesBurst: number;
}

export const UPSTREAM_LIMITS: UpstreamLimits = {
  perAddressPerSecond: UPSTREAM_PER_SECOND,
  perAddressBurst: UPSTREAM_BURST,
  totalPerSecond: 200,
  totalBurst: 400,
  totalBytesPerSecond: 1024 * 1024,
  totalBytesBurst: 2 * 1024 * 1024,
};

/** Addresses remembered; the oldest are forgotten first (a forgotten one starts with a full burst again). */
const MAX_ADDRESSES = 10_000;

/** Who sends: the real client address, and the load-run key the request carried, if any. */
export interface UpstreamSender {
  address: string;
  loadRunKey: string | undefined;
}

interface LoadRunBudget {
  key: Buffer;
  limiter: RateLimiter;
}

export class UpstreamBudget {
  private readonly byAddress = new Map<string, RateLimiter>();
  private readonly total: RateLimiter;
  private readonly totalBytes: RateLimiter;
  private loadRun: LoadRunBudget | null = null;

  constructor(
    readonly limits: UpstreamLimits = UPSTREAM_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    this.total = new RateLimiter(limits.totalPerSecond, limits.totalBurst, now);
    this.totalBytes = new RateLimiter(limits.totalBytesPerSecond, limits.totalBytesBurst, now);
  }

  /**
   * A lab-started load run's budget: each of its `clients` gets what one address gets.
   * @returns end: call when the run is over (its key stops counting at once)
   */
  openLoadRun(key: string, clients: number): () => void {
    const budget: LoadRunBudget = {
      key: Buffer.from(key),
      limiter: new RateLimiter(
        this.limits.perAddressPerSecond * clients,
        this.limits.perAddressBurst * clients,
        this.now,
      ),
    };
    this.loadRun = budget;
    return () => {
      if (this.loadRun === budget) this.loadRun = null;
    };
  }

  /**
   * Takes one message of `bytes` from `sender`, or throws what to answer.
   * @throws LAB_ERR_RATE_LIMITED naming the budget that ran out
   */
  take(sender: UpstreamSender, bytes: number): void {
    const run = this.loadRunOf(sender);
    if (run) {
      if (!run.take()) throw LabErrors.RATE_LIMITED(`this load run sends at most ${run.ratePerSecond} a second`);
      return;
    }
    const own = this.limiterFor(sender.address);
    // Each budget is checked before any is taken from, so a refused message costs nothing.
    if (!own.has()) throw LabErrors.RATE_LIMITED(`at most ${own.ratePerSecond} a second from one address`);
    if (!this.total.has() || !this.totalBytes.has(bytes)) {
      throw LabErrors.RATE_LIMITED(
        `the lab takes at most ${this.limits.totalPerSecond} a second (${this.limits.totalBytesPerSecond / 1024} KiB/s) from everyone together`,
      );
    }
    own.take();
    this.total.take();
    this.totalBytes.take(bytes);
  }

  private loadRunOf(sender: UpstreamSender): RateLimiter | null {
    const run = this.loadRun;
    if (!run || sender.loadRunKey === undefined) return null;
    const given = Buffer.from(sender.loadRunKey);
    return given.length === run.key.length && timingSafeEqual(given, run.key) ? run.limiter : null;
  }

  private limiterFor(address: string): RateLimiter {
    let limiter = this.byAddress.get(address);
    if (limiter) {
      // Most recently used last, so the forgotten are the long quiet.
      this.byAddress.delete(address);
    } else {
      if (this.byAddress.size >= MAX_ADDRESSES) this.byAddress.delete(this.byAddress.keys().next().value ?? '');
      limiter = new RateLimiter(this.limits.perAddressPerSecond, this.limits.perAddressBurst, this.now);
    }
    this.byAddress.set(address, limiter);
    return limiter;
  }
}
