/**
 * The comparison charts' data: the server's meter sampled as it streams in
 * (requests and bytes per transport over time), and the rows each chart draws
 * from it and from the per-second latency medians. A chart's rows are rebuilt
 * on its turn (about once a second) and bounded to the 60-second window.
 * Segments split them: a request rate never spans a segment's start, and
 * bytes so far count from it.
 */
import type { TransportName } from '../../protocol/feed-event.ts';
import { bytesPerEvent, totalBytes } from '../../protocol/figures.ts';
import { emptyTransportMetrics, type TransportMetrics } from '../../protocol/metrics.ts';
import type { BytesRow, ChartData, ChartMark, ChartRow } from './lab-snapshot.ts';
import { BUCKET_MS, CHART_WINDOW_MS, type LatencyBuckets } from './latency-window.ts';
import type { SegmentMark } from './page-segments.ts';
import { TRANSPORTS } from './palette.ts';

/** Trailing window of the requests-per-second figure (ms): long enough to smooth a 1 s poll. */
export const RATE_WINDOW_MS = 5_000;

/**
 * The charts take turns: each tick rebuilds one of them, so one snapshot
 * makes React redraw at most one chart and each chart still moves once a second.
 */
export const CHART_TURNS = [
  'latency',
  'requestRate',
  'cumulativeBytes',
  'bytesPerMessage',
] as const satisfies ReadonlyArray<keyof ChartData>;

export function emptyCharts(): ChartData {
  const empty = { rows: [], marks: [] };
  return { latency: empty, requestRate: empty, cumulativeBytes: empty, bytesPerMessage: [] };
}

/**
 * The segments' marks on a time chart as of `now`: one per segment that
 * reaches into the window (oldest first), at its start or at the window's
 * left edge.
 */
export function chartMarks(segments: readonly SegmentMark[], now: number): ChartMark[] {
  const from = now - CHART_WINDOW_MS;
  const marks: ChartMark[] = [];
  segments.forEach((segment, i) => {
    const next = segments[i + 1];
    if (next && next.at <= from) return; // ended before the window
    const inside = segment.at > from;
    marks.push({
      at: segment.at,
      x: Math.round(((inside ? segment.at : from) - now) / 100) / 10,
      label: inside && i > 0 ? segment.label : null,
      caption: segment.caption,
    });
  });
  return marks;
}

interface MeterSample {
  at: number;
  requests: Record<TransportName, number>;
  bytes: Record<TransportName, number>;
}

/** Samples of the meter's running totals, trimmed to what the charts and the request rate need. */
export class MeterHistory {
  private samples: MeterSample[] = [];
  /** The readings segments began with, oldest first (the one before the window is kept). */
  private starts: MeterSample[] = [];

  /** A meter reading taken at `at`; a transport missing from it counts as zero. */
  add(at: number, transports: Partial<Record<TransportName, TransportMetrics>>): void {
    this.samples.push(toSample(at, transports));
    const from = at - CHART_WINDOW_MS - RATE_WINDOW_MS - 2 * BUCKET_MS;
    let drop = 0;
    while (drop < this.samples.length && (this.samples[drop]?.at ?? 0) < from) drop++;
    if (drop > 0) this.samples.splice(0, drop);
    while (this.starts.length > 1 && (this.starts[1]?.at ?? 0) < from) this.starts.shift();
  }

  /** A segment began at `at` with this reading (null: from zero). */
  beginSegment(at: number, transports: Partial<Record<TransportName, TransportMetrics>> | null): void {
    this.starts.push(toSample(at, transports ?? {}));
    if (transports) this.samples.push(toSample(at, transports)); // a copy: a moved zero must not rewrite history
  }

  /** One transport's zero of the segment under way moved (a poll answer of older events ended it). */
  moveSegmentZero(transport: TransportName, metrics: TransportMetrics): void {
    const start = this.starts.at(-1);
    if (!start) return;
    start.requests[transport] = metrics.requests;
    start.bytes[transport] = totalBytes(metrics);
  }

  /** Requests per second over the trailing RATE_WINDOW_MS of the segment, as of the newest sample. */
  requestRate(transport: TransportName): number {
    const newest = this.samples.at(-1);
    if (!newest) return 0;
    return requestsPerSecond(newest, this.earlierInSegment(newest.at), transport) ?? 0;
  }

  /** Requests per second (trailing RATE_WINDOW_MS) or cumulative bytes at the end of each second in the window. */
  rows(kind: 'requestRate' | 'cumulativeBytes', now: number): ChartRow[] {
    const rows: ChartRow[] = [];
    for (const { end, x } of bucketEnds(now)) {
      const sample = this.sampleAt(end);
      if (!sample || sample.at > end) continue;
      const row: ChartRow = { x };
      if (kind === 'cumulativeBytes') {
        const start = this.startAt(sample.at);
        for (const t of TRANSPORTS) row[t] = sample.bytes[t] - (start?.bytes[t] ?? 0);
      } else {
        const earlier = this.earlierInSegment(sample.at);
        for (const t of TRANSPORTS) row[t] = requestsPerSecond(sample, earlier, t);
      }
      rows.push(row);
    }
    return rows;
  }

  /** The sample RATE_WINDOW_MS before `at`, or the segment's start when that is later. */
  private earlierInSegment(at: number): MeterSample | undefined {
    const earlier = this.sampleAt(at - RATE_WINDOW_MS);
    const start = this.startAt(at);
    return start && (!earlier || start.at > earlier.at) ? start : earlier;
  }

  /** The reading of the segment `at` lies in; undefined for the page's first segment (from zero). */
  private startAt(at: number): MeterSample | undefined {
    for (let i = this.starts.length - 1; i >= 0; i--) {
      const start = this.starts[i];
      if (start && start.at <= at) return start;
    }
    return undefined;
  }

  /** The newest sample at or before `at` (or the oldest one). */
  private sampleAt(at: number): MeterSample | undefined {
    const history = this.samples;
    let lo = 0;
    let hi = history.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((history[mid]?.at ?? Number.POSITIVE_INFINITY) <= at) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return history[found];
  }
}

function toSample(at: number, transports: Partial<Record<TransportName, TransportMetrics>>): MeterSample {
  const sample: MeterSample = { at, requests: zeroPerTransport(), bytes: zeroPerTransport() };
  for (const transport of TRANSPORTS) {
    const metrics = transports[transport] ?? emptyTransportMetrics();
    sample.requests[transport] = metrics.requests;
    sample.bytes[transport] = totalBytes(metrics);
  }
  return sample;
}

/** A rate over less than this (ms) says little: the first moments of a segment show none. */
const MIN_RATE_SPAN_MS = 1000;

/** Requests per second between two meter samples; null without an earlier one far enough back. */
function requestsPerSecond(sample: MeterSample, earlier: MeterSample | undefined, t: TransportName): number | null {
  if (!earlier || sample.at - earlier.at < MIN_RATE_SPAN_MS) return null;
  return ((sample.requests[t] - earlier.requests[t]) * 1000) / (sample.at - earlier.at);
}

/** The latency chart: each transport's median per whole second in the window (null where it had no events). */
export function latencyRows(buckets: Record<TransportName, LatencyBuckets>, now: number): ChartRow[] {
  const bucket = Math.floor(now / BUCKET_MS);
  const medians = TRANSPORTS.map((t) => {
    buckets[t].close(bucket);
    return new Map(buckets[t].closed.map((c) => [c.bucket, c.median]));
  });
  return bucketEnds(now).map(({ x, b }) => {
    const row: ChartRow = { x };
    TRANSPORTS.forEach((t, i) => {
      row[t] = medians[i]?.get(b) ?? null;
    });
    return row;
  });
}

/** Bytes per delivered event by kind; `previous` itself when nothing changed, so the chart is not redrawn. */
export function bytesRows(meters: Record<TransportName, TransportMetrics>, previous: BytesRow[]): BytesRow[] {
  const rows = TRANSPORTS.map((transport) => {
    const per = bytesPerEvent(meters[transport]);
    return {
      transport,
      header: Math.round(per?.header ?? 0),
      framing: Math.round(per?.framing ?? 0),
      payload: Math.round(per?.payload ?? 0),
      tls: Math.round(per?.tls ?? 0),
    };
  });
  const same =
    previous.length === rows.length &&
    rows.every((row, i) => {
      const before = previous[i];
      return (
        before !== undefined &&
        before.transport === row.transport &&
        before.header === row.header &&
        before.framing === row.framing &&
        before.payload === row.payload &&
        before.tls === row.tls
      );
    });
  return same ? previous : rows;
}

/** Points at the end of each whole second in the window: x in seconds relative to now. */
function bucketEnds(now: number): Array<{ end: number; x: number; b: number }> {
  const bucket = Math.floor(now / BUCKET_MS);
  const out: Array<{ end: number; x: number; b: number }> = [];
  for (let b = bucket - CHART_WINDOW_MS / BUCKET_MS; b < bucket; b++) {
    const end = (b + 1) * BUCKET_MS;
    out.push({ end, b, x: Math.round((end - now) / 100) / 10 });
  }
  return out;
}

function zeroPerTransport(): Record<TransportName, number> {
  return Object.fromEntries(TRANSPORTS.map((t) => [t, 0])) as Record<TransportName, number>;
}
