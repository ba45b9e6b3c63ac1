/**
 * Everything the page keeps about one transport: its client (replaced when
 * its option changes), the counts of replaced clients, the latencies, the
 * timeline, round trips and the server's meter, and how they become the
 * column's view of the current segment. What happens per event or per wire
 * activity is O(1); the view is built once per snapshot.
 */
import type { FeedClient, WireActivity } from '../../clients/feed-client.ts';
import { summarizeLatencies } from '../../clients/latency-summary.ts';
import type { TransportName } from '../../protocol/feed-event.ts';
import { metricsSince } from '../../protocol/figures.ts';
import { emptyTransportMetrics, type TransportMetrics } from '../../protocol/metrics.ts';
import { eventInSegment } from '../../protocol/segment.ts';
import { transportRecord } from '../../protocol/transport-records.ts';
import type { Counts, TransportView } from './lab-snapshot.ts';
import { LatencyBuckets, LatencyWindow } from './latency-window.ts';
import { ResumeTimer } from './resume-timer.ts';
import { FirstEventSetup } from './first-event-setup.ts';
import { type EngineWatch, watchEngine } from './socket-io-engine-watch.ts';
import { TimelineRecord } from './timeline-record.ts';
import { WEB_TRANSPORTS } from './transports/web-transport-registry.ts';
import { readiness } from './warm-up.ts';

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

type EventPosition = { epoch: string; seq: number };

const ZERO_COUNTS: Counts = { messages: 0, gaps: 0, duplicates: 0, missed: 0, reconnects: 0, errors: 0 };

export class TransportRecord {
  client: FeedClient | null = null;
  /** Delivery latencies of the segment's events (its newest ones, bounded). */
  private latencies = new LatencyWindow();
  readonly buckets = new LatencyBuckets();
  readonly timeline = new TimelineRecord();
  /** Recent short-poll request times (ms), for the round trip as the clients see it. */
  shortPollDurations: number[] = [];
  readonly roundTrips: number[] = [];
  /** The server's running totals for this page's client id. */
  meter: TransportMetrics = emptyTransportMetrics();
  readonly resume = new ResumeTimer();
  /** Counts of clients replaced since the page started. */
  private readonly base: Counts = { ...ZERO_COUNTS };
  private baseLastSeq = 0;
  /** The meter's totals and the client counts when the segment began. */
  private meterAtStart: TransportMetrics | null = null;
  private countsAtStart: Counts = { ...ZERO_COUNTS };
  /** Where the lab's segment began in the feed; events at or before it are not the segment's. */
  private boundary: EventPosition | null = null;
  private segmentEvents = 0;
  /** The running client's start: time, requests and bytes before its first event. */
  private setup = new FirstEventSetup(emptyTransportMetrics());
  /** The running client's Engine.IO connection, watched when its record says it reports one. */
  private engine: EngineWatch | null = null;

  /** A new client is about to start (call before its `start()`): its start is measured from here. */
  starting(client: FeedClient): void {
    this.client = client;
    this.setup = new FirstEventSetup(structuredClone(this.meter));
  }

  /** The new client has started (call right after its `start()`): its Engine.IO connection is watched, if any. */
  started(client: FeedClient, transport: TransportName, now: () => number): void {
    if (!WEB_TRANSPORTS[transport].reportsEngineTransport) return;
    const timeline = this.timeline;
    this.engine = watchEngine(
      client,
      {
        requestStart: (id, at, path) => {
          timeline.requestStart(id, at, path);
          this.setup.request(at);
        },
        requestEnd: (id, at, status) => timeline.requestEnd(id, at, status),
        upgraded: (at) => timeline.mark(at, 'upgrade'),
      },
      now,
    );
  }

  /** The lab's meter as read when the running client's first event came (FirstEventSetup). */
  firstEventMeter(reading: TransportMetrics): void {
    this.setup.meterRead(reading);
  }

  /** The task that delivered the running client's first event is over (FirstEventSetup). */
  firstArrivalEnded(): void {
    this.setup.arrivalEnded();
  }

  /** Stops the client, keeping its counts for the column (they are totals since the last reset). */
  retire(now: number): void {
    const client = this.client;
    if (!client) return;
    client.stop();
    this.engine?.stop();
    this.engine = null;
    const stats = client.stats();
    for (const key of COUNT_KEYS) this.base[key] += stats[key];
    this.baseLastSeq = Math.max(this.baseLastSeq, stats.lastSeq);
    this.client = null;
    // A stopped client's open stream or request ends now on the timeline.
    this.timeline.endAll(now);
  }

  /**
   * A new segment: its figures count from here. `meterAtStart` is the
   * meter's reading at its start (null: from zero); `boundary` is where it
   * began in the feed, so events the page received before it learned of the
   * segment still count in it, and events in flight from before it do not.
   */
  beginSegment(boundary: EventPosition | null, meterAtStart: TransportMetrics | null): void {
    this.boundary = boundary;
    this.latencies = boundary ? this.latencies.carryOver((e) => eventInSegment(e, boundary)) : new LatencyWindow();
    this.segmentEvents = this.latencies.count;
    this.meterAtStart = meterAtStart;
    this.countsAtStart = this.totalCounts();
    this.roundTrips.length = 0;
  }

  /** The segment's first poll answer carried older events: the meter's zero moves past it (SegmentZero). */
  moveZero(meterAfterAnswer: TransportMetrics): void {
    this.meterAtStart = meterAfterAnswer;
  }

  /** @returns true for the running client's first event (the moment to read the meter for `firstEventMeter`) */
  event(at: number, latencyMs: number, event: EventPosition): boolean {
    this.buckets.add(at, latencyMs);
    this.timeline.event(at);
    const first = this.setup.event(at);
    if (this.boundary && !eventInSegment(event, this.boundary)) return first;
    this.latencies.add(at, latencyMs, event);
    this.segmentEvents++;
    return first;
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
        // An Engine.IO client's HTTP requests come from its watch; its own start note is the connection's.
        if (detail?.request !== undefined || !WEB_TRANSPORTS[activity.transport].reportsEngineTransport)
          this.setup.request(at);
        break;
      case 'request-end': {
        if (detail?.request === undefined) break;
        const request = timeline.requestEnd(detail.request, at, detail.status);
        // Requests answered at once (a short poll's, not its upstream POSTs) time the round trip.
        if (
          request &&
          WEB_TRANSPORTS[activity.transport].timesRoundTrip &&
          request.path.endsWith(transportRecord(activity.transport).path) &&
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

  /** The column's figures for the segment that began at `segmentStart`, as of `now`. */
  view(
    transport: TransportName,
    enabled: boolean,
    now: number,
    segmentStart: number,
    requestRate: number,
  ): TransportView {
    const stats = this.client?.stats();
    const totals = this.totalCounts();
    const counts = { ...ZERO_COUNTS };
    for (const key of COUNT_KEYS) counts[key] = totals[key] - this.countsAtStart[key];
    counts.messages = this.segmentEvents;
    const latency = summarizeLatencies(this.latencies.since(Number.NEGATIVE_INFINITY));
    const meter = metricsSince(this.meter, this.meterAtStart);
    return {
      transport,
      enabled,
      state: stats?.state ?? 'off',
      ...counts,
      lastSeq: stats && stats.lastSeq > 0 ? stats.lastSeq : this.baseLastSeq,
      lastError: stats?.lastError ?? null,
      latency,
      meter,
      ready: readiness(latency.count, meter.messages, meter.requests, now - segmentStart),
      requestRate,
      roundTrips: [...this.roundTrips],
      lastResumeMs: this.resume.lastMs,
      reconnectingMs: this.resume.pendingMs(now),
      firstEvent: this.setup.view(),
      engine: this.engine?.view() ?? null,
    };
  }

  /** Counts since the page started: replaced clients' and the running one's. */
  private totalCounts(): Counts {
    const counts = { ...this.base };
    const stats = this.client?.stats();
    if (stats) for (const key of COUNT_KEYS) counts[key] += stats[key];
    return counts;
  }
}
