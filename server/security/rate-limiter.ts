/**
 * A token bucket: `ratePerSecond` tokens on average, bursts up to `burst`.
 * The upstream budget (upstream-budget.ts) keeps one per client address, one
 * for everyone together, and one for bytes.
 */
/** Upstream messages a second per client address, on average, and the burst allowed on top. */
export const UPSTREAM_PER_SECOND = 20;
export const UPSTREAM_BURST = 40;

export class RateLimiter {
  private tokens: number;
  private last: number;

  /**
   * @param ratePerSecond=20 tokens a second on average
   * @param burst=40 tokens at once
   */
  constructor(
    readonly ratePerSecond = UPSTREAM_PER_SECOND,
    private readonly burst = UPSTREAM_BURST,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** True when `count` more tokens are there now (and takes them). */
  take(count = 1): boolean {
    this.refill();
    if (this.tokens < count) return false;
    this.tokens -= count;
    return true;
  }

  /** True when `count` tokens could be taken now, without taking them. */
  has(count = 1): boolean {
    this.refill();
    return this.tokens >= count;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
  }
}
