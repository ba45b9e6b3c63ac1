/**
 * Everything the page keeps about one transport between resets: its client
 * (replaced when its option changes), the counts of replaced clients, the
 * latencies, the timeline, round trips and the server's meter, and how they
 * become the column's view. What happens per event or per wire activity is
 * O(1); the view is built once per snapshot.
 */
import type { FeedClient, WireActivity } from '../../clients/feed-client.ts';
import { summarizeLatencies } from '../../clients/latency-summary.ts';
import type { TransportName } from '../../protocol/feed-event.ts';
import { emptyTransportMetrics, type TransportMetrics } from '../../protocol/metrics.ts';
import type { Counts, TransportView } from './lab-snapshot.ts';
import { CHART_WINDOW_MS, LatencyBuckets, LatencyWindow } from './latency-window.ts';
import { ResumeTimer } from './resume-timer.ts';
import { TimelineRecord } from './timeline-record.ts';

/** Short-poll request times kept for the measured round trip (their median). */
const SHORT_POLL_KEEP = 21;
/** Upstream round trips kept for the column. */
const ROUND_TRIPS_KEEP = 20;

const COUNT_KEYS = [
  'messages',
  'gaps',
  'duplicates',
  'missed',
  'reconnects',
  'errors',
] as const satisfies ReadonlyArray<keyof Counts>;

export class TransportRecord {
  client: FeedClient | null = null;
  /** Delivery latencies of the last minute; replaced (started afresh) when what they compare with changes. */
  latencies = new LatencyWindow();
  readonly buckets = new LatencyBuckets();
  readonly timeline = new TimelineRecord();
  /** Recent short-poll request times (ms), for the round trip as the clients see it. */
  shortPollDurations: number[] = [];
  readonly roundTrips: number[] = [];
  meter: TransportMetrics = emptyTransportMetrics();
  readonly resume = new ResumeTimer();
  /** Counts of clients replaced since the last reset. */
  private readonly base: Counts = { messages: 0, gaps: 0, duplicates: 0, missed: 0, reconnects: 0, errors: 0 };
  private baseLastSeq = 0;

  /** Stops the client, keeping its counts for the column (they are totals since the last reset). */
  retire(now: number): void {
    const client = this.client;
    if (!client) return;
    client.stop();
    const stats = client.stats();
    for (const key of COUNT_KEYS) this.base[key] += stats[key];
    this.baseLastSeq = Math.max(this.baseLastSeq, stats.lastSeq);
    this.client = null;
    // A stopped client's open stream or request ends now on the timeline.
    this.timeline.endAll(now);
  }

  /** Starts latencies afresh: the percentiles compare with theory for settings that just changed. */
  restartLatencies(): void {
    this.latencies = new LatencyWindow();
  }

  event(at: number, latencyMs: number): void {
    this.latencies.add(at, latencyMs);
    this.buckets.add(at, latencyMs);
    this.timeline.event(at);
  }

  roundTrip(ms: number): void {
    this.roundTrips.push(ms);
    if (this.roundTrips.length > ROUND_TRIPS_KEEP) this.roundTrips.shift();
  }

  wire(activity: WireActivity): void {
    const { kind, at, detail } = activity;
    const timeline = this.timeline;
    switch (kind) {
      case 'request-start':
        if (detail?.request !== undefined) timeline.requestStart(detail.request, at, detail.path ?? '');
        else timeline.streamStart(at);
        break;
      case 'request-end': {
        if (detail?.request === undefined) break;
        const request = timeline.requestEnd(detail.request, at, detail.status);
        if (
          request &&
          activity.transport === 'short-poll' &&
          request.path.endsWith('/short-poll') &&
          detail.status === 200
        ) {
          this.shortPollDurations.push(at - request.start);
          if (this.shortPollDurations.length > SHORT_POLL_KEEP) this.shortPollDurations.shift();
        }
        break;
      }
      case 'open':
        timeline.streamOpen(at);
        break;
      case 'close':
        timeline.streamClose(at);
        break;
      case 'message':
        if (detail?.direction === 'up') timeline.upstreamMessage(at);
        break;
    }
  }

  /** The column's figures as of `now`. */
  view(transport: TransportName, enabled: boolean, now: number, requestRate: number): TransportView {
    const stats = this.client?.stats();
    const counts = { ...this.base };
    if (stats) for (const key of COUNT_KEYS) counts[key] += stats[key];
    return {
      transport,
      enabled,
      state: stats?.state ?? 'off',
      ...counts,
      lastSeq: stats && stats.lastSeq > 0 ? stats.lastSeq : this.baseLastSeq,
      lastError: stats?.lastError ?? null,
      latency: summarizeLatencies(this.latencies.since(now - CHART_WINDOW_MS)),
      meter: this.meter,
      requestRate,
      roundTrips: [...this.roundTrips],
      lastResumeMs: this.resume.lastMs,
      reconnectingMs: this.resume.pendingMs(now),
    };
  }
}
