/**
 * What the page's store hands React: one immutable snapshot, published at
 * most four times a second (see lab-store.ts). Components select the parts
 * they show (`useLab`), so a part that did not change keeps its identity and
 * its components do not re-render.
 */

import type { ClockOffset } from '../../clients/clock-offset.ts';
import type { ClientState } from '../../clients/feed-client.ts';
import type { LatencySummary } from '../../clients/latency-summary.ts';
import type { LessonResult } from '../../lessons/run-lesson.ts';
import type { ClassView } from '../../protocol/class-report.ts';
import type { ClassRoundView } from '../../protocol/class-round.ts';
import type { FeedEvent, TransportName } from '../../protocol/feed-event.ts';
import type { LabAccess } from '../../protocol/lab-status.ts';
import type { TransportMetrics } from '../../protocol/metrics.ts';
import type { NetworkProfileInfo, NetworkState } from '../../protocol/network-state.ts';
import type { ScenarioInfo } from '../../protocol/scenario-info.ts';
import type { SocketIoLane } from '../../protocol/socket-io-lanes.ts';
import type { InspectResponse } from '../../protocol/wire-sample.ts';
import type { ClientRoute } from './client-route.ts';
import type { LimitDemoResult } from './connection-limit-demo.ts';
import type { ControlError } from './control-error.ts';
import type { FeedStatus } from './lab-api.ts';
import type { PageSegment, SegmentMark, SegmentSummary } from './page-segments.ts';
import type { FirstEventView } from './first-event-setup.ts';
import type { EngineView } from './socket-io-engine-watch.ts';
import type { TimelineLane } from './timeline-record.ts';
import type { Readiness } from './warm-up.ts';

export type { TimelineChunk, TimelineLane, TimelineRequest, TimelineStream } from './timeline-record.ts';
export { TIMELINE_WINDOW_MS } from './timeline-record.ts';

export type TransportState = ClientState | 'off';

/** Client-side counts in the segment; they survive the client being recreated (new interval). */
export interface Counts {
  messages: number;
  gaps: number;
  duplicates: number;
  missed: number;
  reconnects: number;
  errors: number;
}

export interface TransportView extends Counts {
  transport: TransportName;
  enabled: boolean;
  state: TransportState;
  /** The newest seq this page's client holds. */
  lastSeq: number;
  lastError: string | null;
  /** Delivery latency of the segment's events (ms). */
  latency: LatencySummary;
  /** The server's meter for this page's client id, since the segment began. */
  meter: TransportMetrics;
  /** Which figures have enough data in the segment to be shown (warm-up.ts). */
  ready: Readiness;
  /** Requests per second over the last few seconds of the segment, from the meter. */
  requestRate: number;
  /** Round-trip times of this page's upstream messages on this transport (ms), newest last. */
  roundTrips: number[];
  /** The last outage: from `reconnecting` to `open` again (ms); null before the first one ended. */
  lastResumeMs: number | null;
  /** How long the client has been reconnecting (ms); null while it is not. */
  reconnectingMs: number | null;
  /** The running client's start: time to its first event, the requests and bytes before it. */
  firstEvent: FirstEventView;
  /** Its Engine.IO connection (transport in use, the upgrade), for a record that reports one; else null. */
  engine: EngineView | null;
}

/** One row of a time chart: `x` is seconds relative to now (−60 … 0). */
export type ChartRow = { x: number } & Partial<Record<TransportName, number | null>>;

/** One bar of the bytes-per-event chart: bytes per delivered event, both directions. */
export interface BytesRow {
  transport: TransportName;
  header: number;
  framing: number;
  payload: number;
  /** TLS bytes per event (0 over plain HTTP). */
  tls: number;
}

/** Where a segment begins on a time chart (x as its rows'), its marker and the caption of its stretch. */
export interface ChartMark {
  /** The segment's start, page clock (ms): stable while x moves. */
  at: number;
  x: number;
  /** The boundary marker's words; null for a segment that began before the window. */
  label: string | null;
  caption: string;
}

/** A time chart's rows and its segments' marks, built at the same moment. */
export interface TimeSeries {
  rows: ChartRow[];
  marks: ChartMark[];
}

export interface ChartData {
  latency: TimeSeries;
  requestRate: TimeSeries;
  cumulativeBytes: TimeSeries;
  bytesPerMessage: BytesRow[];
}

export interface UpstreamView {
  transport: TransportName;
  id: string | null;
  text: string;
  sentAt: number;
  roundTripMs: number | null;
  error: string | null;
}

export interface InspectView {
  /** null: not asked yet; false: the server has no /api/inspect. */
  supported: boolean | null;
  data: InspectResponse | null;
  error: string | null;
}

/** The six-connections demo, as the page shows it. */
export interface LimitDemoView {
  running: boolean;
  progress: string | null;
  result: LimitDemoResult | null;
  error: string | null;
}

export interface LabSnapshot {
  now: number;
  clientId: string;
  clock: ClockOffset | null;
  /** The round trip theory uses (ms): the conditioner's added round trip + the base round trip. */
  rttMs: number | null;
  /** Round trip to the lab on the page's own origin, unshaped (ms): median of recent lab API calls. */
  baseRttMs: number | null;
  /** Round trip as the clients see it (ms): median of recent short-poll requests. */
  measuredRttMs: number | null;
  /** Which way the clients reach the lab. */
  route: ClientRoute;
  /** The conditioner's settings and faults; null before the first answer (or without a conditioner API). */
  network: NetworkState | null;
  networkProfiles: NetworkProfileInfo[];
  networkError: ControlError | null;
  /** This page holds a teacher token: it shows the class view. */
  teacher: boolean;
  /** What the lab says this page may do; null until it answered (or on a lab without `/api/access`). */
  access: LabAccess | null;
  /** The class-wide spread (teacher's page only); null until read. */
  classView: ClassView | null;
  /** The class's prediction round (every page); null before the first read or on a lab without rounds. */
  classRound: ClassRoundView | null;
  /** The last refused round call, in plain words. */
  classRoundError: ControlError | null;
  /** The teacher's measured result of the round's lesson, ready to reveal; null before it ran. */
  classRoundResult: LessonResult | null;
  limitDemo: LimitDemoView;
  status: FeedStatus | null;
  scenarios: ScenarioInfo[];
  scenario: ScenarioInfo | null;
  controlError: ControlError | null;
  meterLive: boolean;
  intervalMs: number;
  timeoutMs: number;
  transports: Record<TransportName, TransportView>;
  /** The segment the figures are of; null until the first meter reading. */
  segment: PageSegment | null;
  /** Segment starts within the charts' window (page-segments.ts). */
  segmentMarks: SegmentMark[];
  /** Ended segments, oldest first: the segment table. */
  pastSegments: SegmentSummary[];
  /** The feed's newest position, live from the metrics stream. */
  liveFeed: { epoch: string; seq: number } | null;
  charts: ChartData;
  timeline: { now: number; lanes: Record<TransportName, TimelineLane> };
  inspect: InspectView;
  upstream: UpstreamView | null;
}

export interface ClientSettings {
  intervalMs: number;
  timeoutMs: number;
  /** Which Engine.IO transports the page's Socket.IO client may use. */
  socketIoLane: SocketIoLane;
  enabled: Record<TransportName, boolean>;
  /**
   * Over HTTPS, the HTTP version of the HTTP transports: the clients go to the page's own port
   * (`page`), the lab's HTTP/2 port or its HTTP/1.1-only port. Ignored on a plain-HTTP page
   * (browsers speak HTTP/2 only over TLS).
   */
  httpVersion: 'page' | 'h2' | 'http/1.1';
  /** Conditional short polling (`If-None-Match` → `304 Not Modified`); default false. */
  shortPollConditional?: boolean;
}

/** One arriving event, for the per-event flash (called synchronously, keep it cheap). */
export type ArrivalListener = (transport: TransportName, event: FeedEvent, latencyMs: number) => void;
