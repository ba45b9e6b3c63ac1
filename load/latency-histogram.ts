/**
 * A log-bucketed latency histogram in microseconds, in the spirit of HDR
 * histograms: constant memory whatever the sample count, every percentile
 * within 0.5% of a latency that really happened, and merging is adding arrays.
 *
 * Why not `hdr-histogram-js`: its histograms have to be encoded to cross a
 * worker boundary and decoded to merge, and it pulls WASM in; this one is a
 * plain Float64Array that `postMessage` copies as is, ~80 lines, no
 * dependency. Buckets grow by 1% (`GROWTH`), so a value is reported as the
 * geometric middle of its bucket: at most √1.01 − 1 ≈ 0.499% off. Min and max
 * are kept exactly.
 */

/** Each bucket's upper bound is 1% above its lower bound. */
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
/** Bucket 0 holds 0 ≤ v < 1 µs; bucket i ≥ 1 holds GROWTH^(i−1) ≤ v < GROWTH^i. 2,400 buckets reach ~6.4 hours. */
export const BUCKET_COUNT = 2400;

/** What crosses a worker boundary: plain data, structured-clone friendly. */
export interface HistogramSnapshot {
  counts: Float64Array;
  count: number;
  /** µs; Infinity when empty. */
  min: number;
  /** µs; 0 when empty. */
  max: number;
  /** µs, for the mean. */
  sum: number;
}

export class LatencyHistogram {
  private counts = new Float64Array(BUCKET_COUNT);
  private total = 0;
  private minimum = Number.POSITIVE_INFINITY;
  private maximum = 0;
  private sum = 0;

  /** Records one latency in µs; negative values (clock skew) count as 0. */
  record(us: number): void {
    const value = Math.max(us, 0);
    const index = value < 1 ? 0 : Math.min(BUCKET_COUNT - 1, 1 + Math.floor(Math.log(value) / LOG_GROWTH));
    this.counts[index] = (this.counts[index] ?? 0) + 1;
    this.total++;
    this.sum += value;
    if (value < this.minimum) this.minimum = value;
    if (value > this.maximum) this.maximum = value;
  }

  get count(): number {
    return this.total;
  }

  /** µs; 0 when empty. */
  get max(): number {
    return this.maximum;
  }

  /** µs; 0 when empty. */
  get mean(): number {
    return this.total > 0 ? this.sum / this.total : 0;
  }

  /**
   * Nearest rank: the smallest recorded latency with at least p% of samples at or
   * below it, to within 0.5%. µs; 0 when empty.
   * @param p 0–100 (e.g. 99.9)
   */
  percentile(p: number): number {
    if (this.total === 0) return 0;
    if (p >= 100) return this.maximum;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKET_COUNT; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= rank) return Math.min(this.maximum, Math.max(this.minimum, bucketMiddle(i)));
    }
    return this.maximum;
  }

  /** Adds another histogram's samples (from another worker) to this one. */
  merge(other: HistogramSnapshot): void {
    if (other.count === 0) return;
    for (let i = 0; i < BUCKET_COUNT; i++) this.counts[i] = (this.counts[i] ?? 0) + (other.counts[i] ?? 0);
    this.total += other.count;
    this.sum += other.sum;
    this.minimum = Math.min(this.minimum, other.min);
    this.maximum = Math.max(this.maximum, other.max);
  }

  /** Forgets every sample (e.g. the ramp's, so percentiles describe the steady state). */
  reset(): void {
    this.counts = new Float64Array(BUCKET_COUNT);
    this.total = 0;
    this.sum = 0;
    this.minimum = Number.POSITIVE_INFINITY;
    this.maximum = 0;
  }

  snapshot(): HistogramSnapshot {
    return { counts: this.counts.slice(), count: this.total, min: this.minimum, max: this.maximum, sum: this.sum };
  }

  static from(snapshot: HistogramSnapshot): LatencyHistogram {
    const histogram = new LatencyHistogram();
    histogram.merge(snapshot);
    return histogram;
  }
}

/** The geometric middle of bucket i, µs: the value every sample in it is reported as. */
function bucketMiddle(index: number): number {
  if (index === 0) return 0.5;
  return GROWTH ** (index - 0.5);
}
