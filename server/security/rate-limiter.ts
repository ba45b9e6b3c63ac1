/**
 * A token bucket per sender for upstream messages: `ratePerSecond` on average,
 * bursts up to `burst`. One student's script must not flood everyone's feed.
 */
/** Upstream messages a second per sender, on average, and the burst allowed on top. */
export const UPSTREAM_PER_SECOND = 20;
export const UPSTREAM_BURST = 40;

export class RateLimiter {
  private tokens: number;
  private last: number;

  /**
   * @param ratePerSecond=20 messages a second on average
   * @param burst=40 messages at once
   */
  constructor(
    readonly ratePerSecond = UPSTREAM_PER_SECOND,
    private readonly burst = UPSTREAM_BURST,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** True when one more message may pass now (and takes its token). */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
