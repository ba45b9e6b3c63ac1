/**
 * A bounded ring of the most recent latency samples and their percentiles.
 * Bounded so a client running for hours keeps a constant memory footprint.
 */
import { percentileOfSorted } from '../protocol/figures.ts';

/** Percentiles in milliseconds; all zeros when there are no samples. */
export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** Keeps the newest `capacity` samples (ms); older ones are overwritten. */
export class LatencyRing {
  private readonly samples: number[] = [];
  private nextIndex = 0;

  /** @param capacity=10000 how many of the most recent samples to keep; 0 keeps none. */
  constructor(readonly capacity = 10_000) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new RangeError(`latency ring capacity must be a whole number ≥ 0, got ${capacity}`);
    }
  }

  get size(): number {
    return this.samples.length;
  }

  add(ms: number): void {
    if (this.capacity === 0) return;
    if (this.samples.length < this.capacity) {
      this.samples.push(ms);
    } else {
      this.samples[this.nextIndex] = ms;
    }
    this.nextIndex = (this.nextIndex + 1) % this.capacity;
  }

  clear(): void {
    this.samples.length = 0;
    this.nextIndex = 0;
  }

  summary(): LatencySummary {
    return summarizeLatencies(this.samples);
  }
}

/**
 * Nearest-rank percentiles (the smallest sample with at least p% of samples at
 * or below it), so every reported value is a latency that really happened, as
 * an HDR histogram reports it.
 */
export function summarizeLatencies(samples: readonly number[]): LatencySummary {
  const count = samples.length;
  if (count === 0) return { count: 0, p50: 0, p95: 0, p99: 0, max: 0, mean: 0 };
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const ms of sorted) sum += ms;
  const rank = (p: number): number => percentileOfSorted(sorted, p) ?? 0;
  return {
    count,
    p50: rank(50),
    p95: rank(95),
    p99: rank(99),
    max: sorted[count - 1] ?? 0,
    mean: sum / count,
  };
}
