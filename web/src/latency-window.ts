/**
 * A transport's delivery latencies as the page keeps them: a bounded ring of
 * the last minute (for the percentiles) and one median per second (for the
 * latency chart). Adding a sample is O(1); the work happens once per snapshot.
 */
import { percentileOfSorted } from '../../protocol/figures.ts';

/** Width of one point on the time charts (ms): 60 points per line keeps each redraw cheap. */
export const BUCKET_MS = 1000;
/** The time charts' window (ms). */
export const CHART_WINDOW_MS = 60_000;
/** Most recent latencies kept per transport for the percentiles (covers 60 s at 100 events/s). */
const LATENCY_KEEP = 6000;

/** Bounded ring of (time, latency, event position) samples. */
export class LatencyWindow {
  private readonly at = new Float64Array(LATENCY_KEEP);
  private readonly ms = new Float64Array(LATENCY_KEEP);
  private readonly seq = new Float64Array(LATENCY_KEEP);
  private readonly epoch: string[] = new Array(LATENCY_KEEP);
  private next = 0;
  private size = 0;

  get count(): number {
    return this.size;
  }

  add(at: number, ms: number, event: { epoch: string; seq: number }): void {
    this.at[this.next] = at;
    this.ms[this.next] = ms;
    this.seq[this.next] = event.seq;
    this.epoch[this.next] = event.epoch;
    this.next = (this.next + 1) % LATENCY_KEEP;
    this.size = Math.min(LATENCY_KEEP, this.size + 1);
  }

  /** The latencies of samples at or after `from`, newest first. */
  since(from: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.size; i++) {
      const index = (this.next - 1 - i + LATENCY_KEEP) % LATENCY_KEEP;
      if ((this.at[index] ?? 0) < from) break;
      out.push(this.ms[index] ?? 0);
    }
    return out;
  }

  /**
   * A new window holding the samples of events `belongs` accepts: a segment
   * the page learns of a moment after it began keeps the events that arrived
   * meanwhile.
   */
  carryOver(belongs: (event: { epoch: string; seq: number }) => boolean): LatencyWindow {
    const kept = new LatencyWindow();
    for (let i = this.size - 1; i >= 0; i--) {
      const index = (this.next - 1 - i + LATENCY_KEEP) % LATENCY_KEEP;
      const event = { epoch: this.epoch[index] ?? '', seq: this.seq[index] ?? 0 };
      if (belongs(event)) kept.add(this.at[index] ?? 0, this.ms[index] ?? 0, event);
    }
    return kept;
  }
}

/** Median latency per BUCKET_MS bucket, for the latency chart. */
export class LatencyBuckets {
  private bucket = -1;
  private samples: number[] = [];
  readonly closed: Array<{ bucket: number; median: number }> = [];

  add(at: number, ms: number): void {
    const bucket = Math.floor(at / BUCKET_MS);
    if (bucket !== this.bucket) this.close(bucket);
    this.samples.push(ms);
  }

  /** Closes the open bucket once time has moved past it. */
  close(upTo: number): void {
    if (this.bucket >= 0 && this.bucket < upTo && this.samples.length > 0) {
      const sorted = Float64Array.from(this.samples).sort();
      this.closed.push({ bucket: this.bucket, median: percentileOfSorted(sorted, 50) ?? 0 });
      const keep = CHART_WINDOW_MS / BUCKET_MS + 4;
      if (this.closed.length > keep) this.closed.splice(0, this.closed.length - keep);
      this.samples = [];
    }
    if (this.bucket < upTo) this.bucket = upTo;
  }
}
