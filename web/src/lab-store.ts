/**
 * The page's one store: it runs the four real FeedClients (one client id for
 * the page), follows the server's meter for that id, and hands React an
 * immutable snapshot at most four times a second. Events arrive up to
 * thousands of times a second; they only update plain counters and rings
 * here, never React state, so rendering cost does not grow with the rate.
 *
 * The clients go through the network conditioner when the lab runs one (see
 * client-route.ts); the meter, inspector, controls, network panel and class
 * view stay on the page's own origin.
 */
import { browserEnv } from '../../clients/client-env.ts';
import { createFeedClient } from '../../clients/client-registry.ts';
import { type ClockOffset, estimateClockOffset } from '../../clients/clock-offset.ts';
import type { ClientState, FeedClient, WireActivity } from '../../clients/feed-client.ts';
import { type LatencySummary, summarizeLatencies } from '../../clients/latency-summary.ts';
import type { FeedEvent, TransportName } from '../../protocol/feed-event.ts';
import {
  byteTotal,
  emptyTransportMetrics,
  type MetricsSnapshot,
  type TransportMetrics,
} from '../../protocol/metrics.ts';
import type { InspectResponse } from '../../protocol/wire-sample.ts';
import { watchRoundTrips } from './base-rtt.ts';
import { classReportFor } from './class-report.ts';
import { type ClientRoute, chooseClientRoute, probeWithFetch } from './client-route.ts';
import { type LimitDemoResult, runConnectionLimitDemo } from './connection-limit-demo.ts';
import { type ControlError, plainControlError } from './control-error.ts';
import {
  type ClassView,
  type FaultRequest,
  type FeedSettings,
  type FeedStatus,
  LabApi,
  LabApiError,
  type NetworkProfileInfo,
  type NetworkRequest,
  type NetworkState,
  type ScenarioInfo,
} from './lab-api.ts';
import { shapeChanged, theoryRttMs } from './network-caption.ts';
import { TRANSPORTS } from './palette.ts';
import { ResumeTimer } from './resume-timer.ts';

export type { ControlError } from './control-error.ts';

/** How often React may see a new snapshot (ms): the budget says at most ~4 redraws a second. */
const TICK_MS = 250;
/** Width of one point on the time charts (ms): 60 points per line keeps each redraw cheap. */
const BUCKET_MS = 1000;
/** The time charts' window (ms). */
const CHART_WINDOW_MS = 60_000;
/** The timeline's window (ms). */
export const TIMELINE_WINDOW_MS = 10_000;
/** Trailing window of the requests-per-second figure (ms): long enough to smooth a 1 s poll. */
const RATE_WINDOW_MS = 5_000;
/** Most recent latencies kept per transport for the percentiles (covers 60 s at 100 events/s). */
const LATENCY_KEEP = 6000;
const STATUS_POLL_MS = 2000;
/** Recent lab API timings kept for the base round trip (its median). */
const BASE_RTT_KEEP = 9;
const INSPECT_POLL_MS = 2000;
const INSPECT_RETRY_MS = 10_000;

export type TransportState = ClientState | 'off';

/** Client-side counts; they survive the client being recreated (new interval) within one reset. */
interface Counts {
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
  /** Delivery latency over the last 60 s (ms). */
  latency: LatencySummary;
  /** The server's meter for this page's client id. */
  meter: TransportMetrics;
  /** Requests per second over the last few seconds, from the meter. */
  requestRate: number;
  /** Round-trip times of this page's upstream messages on this transport (ms), newest last. */
  roundTrips: number[];
  /** The last outage: from `reconnecting` to `open` again (ms); null before the first one ended. */
  lastResumeMs: number | null;
  /** How long the client has been reconnecting (ms); null while it is not. */
  reconnectingMs: number | null;
}

/** One row of a time chart: `x` is seconds relative to now (−60 … 0). */
export type ChartRow = { x: number } & Partial<Record<TransportName, number | null>>;

/** One bar of the bytes-per-event chart: bytes per delivered event, both directions. */
export interface BytesRow {
  transport: TransportName;
  header: number;
  framing: number;
  payload: number;
}

export interface ChartData {
  latency: ChartRow[];
  requestRate: ChartRow[];
  cumulativeBytes: ChartRow[];
  bytesPerMessage: BytesRow[];
}

/**
 * The charts take turns: each tick rebuilds one of them, so one snapshot
 * makes React redraw at most one chart (a Recharts redraw is the costliest
 * thing on the page) and each chart still moves once a second.
 */
const CHART_TURNS = ['latency', 'requestRate', 'cumulativeBytes', 'bytesPerMessage'] as const satisfies ReadonlyArray<
  keyof ChartData
>;

export interface TimelineRequest {
  start: number;
  end: number | null;
  path: string;
  status?: number;
}

export interface TimelineStream {
  start: number;
  open: number | null;
  end: number | null;
}

export interface TimelineLane {
  requests: TimelineRequest[];
  streams: TimelineStream[];
  /** Arrival times of events. */
  events: number[];
  /** Times this page sent an upstream message on the open WebSocket. */
  upstream: number[];
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
  /** The class-wide spread (teacher's page only); null until read. */
  classView: ClassView | null;
  limitDemo: LimitDemoView;
  status: FeedStatus | null;
  scenarios: ScenarioInfo[];
  scenario: ScenarioInfo | null;
  controlError: ControlError | null;
  meterLive: boolean;
  intervalMs: number;
  timeoutMs: number;
  transports: Record<TransportName, TransportView>;
  charts: ChartData;
  timeline: { now: number; lanes: Record<TransportName, TimelineLane> };
  inspect: InspectView;
  upstream: UpstreamView | null;
}

export interface ClientSettings {
  intervalMs: number;
  timeoutMs: number;
  enabled: Record<TransportName, boolean>;
}

/** One arriving event, for the per-event flash (called synchronously, keep it cheap). */
export type ArrivalListener = (transport: TransportName, event: FeedEvent, latencyMs: number) => void;

/** Bounded ring of (time, latency) pairs. */
class LatencyWindow {
  private readonly at = new Float64Array(LATENCY_KEEP);
  private readonly ms = new Float64Array(LATENCY_KEEP);
  private next = 0;
  private size = 0;

  add(at: number, ms: number): void {
    this.at[this.next] = at;
    this.ms[this.next] = ms;
    this.next = (this.next + 1) % LATENCY_KEEP;
    this.size = Math.min(LATENCY_KEEP, this.size + 1);
  }

  since(from: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.size; i++) {
      const index = (this.next - 1 - i + LATENCY_KEEP) % LATENCY_KEEP;
      if ((this.at[index] ?? 0) < from) break;
      out.push(this.ms[index] ?? 0);
    }
    return out;
  }
}

/** Median latency per BUCKET_MS bucket, for the latency chart. */
class LatencyBuckets {
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
      this.closed.push({ bucket: this.bucket, median: sorted[Math.floor((sorted.length - 1) / 2)] ?? 0 });
      const keep = CHART_WINDOW_MS / BUCKET_MS + 4;
      if (this.closed.length > keep) this.closed.splice(0, this.closed.length - keep);
      this.samples = [];
    }
    if (this.bucket < upTo) this.bucket = upTo;
  }
}

/** Everything kept per transport between resets. */
class TransportRecord {
  client: FeedClient | null = null;
  /** Counts of clients replaced since the last reset. */
  base: Counts = zeroCounts();
  baseLastSeq = 0;
  latencies = new LatencyWindow();
  buckets = new LatencyBuckets();
  requests = new Map<number, TimelineRequest>();
  streams: TimelineStream[] = [];
  events: number[] = [];
  upstream: number[] = [];
  shortPollDurations: number[] = [];
  roundTrips: number[] = [];
  meter: TransportMetrics = emptyTransportMetrics();
  resume = new ResumeTimer();
}

interface MeterSample {
  at: number;
  requests: Record<TransportName, number>;
  bytes: Record<TransportName, number>;
}

export class LabStore {
  private readonly api: LabApi;
  private readonly env = browserEnv();
  private clientId = newClientId();
  /** This page's id in the class view: one per page load, unlike the client id, which "Reset numbers" renews. */
  private readonly pageId = newClientId('page');
  private clock: ClockOffset | null = null;
  private settings: ClientSettings;
  private records = makeRecords();
  private meterHistory: MeterSample[] = [];
  private meterSource: EventSource | null = null;
  private meterLive = false;
  private status: FeedStatus | null = null;
  private scenarios: ScenarioInfo[] = [];
  private controlError: ControlError | null = null;
  private inspect: InspectView = { supported: null, data: null, error: null };
  private upstream: UpstreamView | null = null;
  private readonly recentRoundTrips = new Map<string, number>();
  private route: ClientRoute;
  private network: NetworkState | null = null;
  private networkProfiles: NetworkProfileInfo[] = [];
  private networkError: ControlError | null = null;
  private baseRtts: number[] = [];
  private classView: ClassView | null = null;
  /** False once the lab answered 404: a lab without the class view. */
  private classSupported = true;
  private limitDemo: LimitDemoView = { running: false, progress: null, result: null, error: null };
  /** Counts demo runs, so a lab API call that overlapped one is not taken as a round trip. */
  private demoRuns = 0;
  /** Stops the Resource Timing watch; null when the browser has none (wall-clock times are used then). */
  private stopRoundTripWatch: (() => void) | null = null;
  /** A round of pollLab() is under way. */
  private polling = false;

  private snapshot: LabSnapshot;
  private charts: ChartData = emptyCharts();
  private chartTurn = 0;
  private readonly listeners = new Set<() => void>();
  private readonly arrivalListeners = new Set<ArrivalListener>();
  private readonly timers: Array<ReturnType<typeof setInterval>> = [];
  private inspectTimer: ReturnType<typeof setTimeout> | null = null;
  private started = false;
  /** Set once the clients run (after the clock estimate): configure() before that only records settings. */
  private clientsRunning = false;

  /** @param token the teacher token for the control calls, when the lab asks for one */
  constructor(
    private readonly baseUrl: string,
    settings: ClientSettings,
    token: string | null = null,
  ) {
    this.api = new LabApi(baseUrl, token);
    this.route = { via: 'direct', baseUrl, conditionerPort: null, note: null };
    this.settings = { ...settings, enabled: { ...settings.enabled } };
    this.snapshot = this.buildSnapshot(this.now());
  }

  // ── React side ───────────────────────────────────────────────────────────

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): LabSnapshot => this.snapshot;

  /** Called for every arriving event; for effects that must not wait for the next snapshot. */
  onArrival(listener: ArrivalListener): () => void {
    this.arrivalListeners.add(listener);
    return () => this.arrivalListeners.delete(listener);
  }

  // ── Life cycle ───────────────────────────────────────────────────────────

  /**
   * Picks the clients' route (through the conditioner when one runs),
   * estimates the clock offset, applies feed settings from the URL (if any),
   * then starts the clients, the meter stream, the status, network, class and
   * inspect polls.
   */
  async start(feedSettings: FeedSettings | null): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.timers.push(setInterval(() => this.tick(), TICK_MS));
    this.stopRoundTripWatch = watchRoundTrips('/api/feed/status', (ms) => this.addBaseRtt(ms));
    void this.api.scenarios().then(
      (list) => {
        this.scenarios = list;
      },
      (error: unknown) => this.noteControlError(error),
    );
    void this.api.networkProfiles().then(
      (list) => {
        this.networkProfiles = list;
      },
      () => {}, // a lab without a conditioner API: the panel says so
    );
    this.route = await this.pickRoute();
    if (!this.started) return; // stopped while starting
    if (isLoopback(new URL(this.route.baseUrl).hostname)) {
      // Same machine, same clock: an estimate could only add its own error (DESIGN: "same machine: offset 0").
      this.clock = { offsetMs: 0, errorMs: 0 };
    } else {
      try {
        this.clock = await estimateClockOffset(this.route.baseUrl, this.env, 8);
      } catch {
        this.clock = null; // unreachable lab: offset 0, and the clients will report their errors
      }
    }
    if (feedSettings && Object.keys(feedSettings).length > 0) await this.applyFeedSettings(feedSettings);
    else await this.refreshStatus();
    if (!this.started) return; // stopped while starting
    this.clientsRunning = true;
    this.startClients();
    this.openMeter();
    this.timers.push(setInterval(() => void this.pollLab(), STATUS_POLL_MS));
    this.scheduleInspect(0);
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.length = 0;
    if (this.inspectTimer) clearTimeout(this.inspectTimer);
    for (const record of Object.values(this.records)) record.client?.stop();
    this.meterSource?.close();
    this.stopRoundTripWatch?.();
    this.stopRoundTripWatch = null;
    this.started = false;
    this.clientsRunning = false;
  }

  // ── Controls ─────────────────────────────────────────────────────────────

  /** Applies the page's client settings: starts, stops or recreates the clients that changed. */
  configure(settings: ClientSettings): void {
    const before = this.settings;
    this.settings = { ...settings, enabled: { ...settings.enabled } };
    if (!this.clientsRunning) return;
    for (const transport of TRANSPORTS) {
      const record = this.records[transport];
      const on = settings.enabled[transport];
      const optionChanged =
        (transport === 'short-poll' && settings.intervalMs !== before.intervalMs) ||
        (transport === 'long-poll' && settings.timeoutMs !== before.timeoutMs);
      if (record.client && (!on || optionChanged)) this.retireClient(record);
      // Percentiles compare with the theory for the current settings, so they start afresh (the chart keeps its history).
      if (optionChanged) record.latencies = new LatencyWindow();
      if (on && !record.client) this.startClient(transport);
    }
    this.tick(true);
  }

  /** Forgets every number: a new client id (so the server's meter starts from zero too) and fresh clients. */
  resetNumbers(): void {
    for (const record of Object.values(this.records)) record.client?.stop();
    this.meterSource?.close();
    this.clientId = newClientId();
    this.records = makeRecords();
    this.meterHistory = [];
    this.upstream = null;
    this.recentRoundTrips.clear();
    this.charts = emptyCharts();
    this.inspect = { supported: this.inspect.supported, data: null, error: null };
    if (this.clientsRunning) {
      this.startClients();
      this.openMeter();
    }
    this.tick(true);
  }

  /** `PUT /api/feed/settings`; the answer becomes the shown status. */
  async applyFeedSettings(settings: FeedSettings): Promise<boolean> {
    try {
      this.setStatus(await this.api.settings(settings));
      this.controlError = null;
      return true;
    } catch (error) {
      this.noteControlError(error);
      await this.refreshStatus();
      return false;
    } finally {
      this.tick(true);
    }
  }

  /** `POST /api/feed/restart`: a new epoch, which every client sees as a reset. */
  async restartFeed(): Promise<void> {
    try {
      this.setStatus(await this.api.restart());
      this.controlError = null;
    } catch (error) {
      this.noteControlError(error);
    }
    this.tick(true);
  }

  /** Sends `text` upstream over `transport`; the round trip shows when the event comes back. */
  async sendUpstream(transport: TransportName, text: string): Promise<void> {
    const client = this.records[transport].client;
    const sentAt = this.now();
    this.upstream = { transport, id: null, text, sentAt, roundTripMs: null, error: null };
    this.tick(true);
    if (!client) {
      this.upstream = { ...this.upstream, error: 'this transport is switched off' };
      return;
    }
    try {
      const id = await client.publish(text);
      const early = this.recentRoundTrips.get(id);
      if (this.upstream?.sentAt === sentAt) this.upstream = { ...this.upstream, id, roundTripMs: early ?? null };
    } catch (error) {
      if (this.upstream?.sentAt === sentAt) this.upstream = { ...this.upstream, error: describe(error) };
    }
    this.tick(true);
  }

  dismissControlError(): void {
    this.controlError = null;
    this.tick(true);
  }

  /** `PUT /api/network`: a profile or custom values, for everyone going through the conditioner. */
  async changeNetwork(request: NetworkRequest): Promise<void> {
    try {
      this.setNetwork(await this.api.setNetwork(request));
      this.networkError = null;
    } catch (error) {
      this.networkError = plainControlError(error, this.api.hasToken);
    }
    this.tick(true);
  }

  /** `POST /api/network/faults`: drop all, stall, chaos or calm. */
  async networkFault(request: FaultRequest): Promise<void> {
    try {
      this.setNetwork(await this.api.fault(request));
      this.networkError = null;
    } catch (error) {
      this.networkError = plainControlError(error, this.api.hasToken);
    }
    this.tick(true);
  }

  dismissNetworkError(): void {
    this.networkError = null;
    this.tick(true);
  }

  /** Opens extra SSE connections to the page's own origin and times a request that has to wait for one. */
  async runLimitDemo(): Promise<void> {
    if (this.limitDemo.running) return;
    this.demoRuns++;
    this.limitDemo = { running: true, progress: 'starting…', result: null, error: null };
    this.tick(true);
    try {
      const result = await runConnectionLimitDemo({
        baseUrl: this.baseUrl,
        clientId: `${this.pageId}-limit-demo`,
        EventSource: globalThis.EventSource,
        fetch: this.env.fetch,
        now: () => this.now(),
        onProgress: (progress) => {
          this.limitDemo = { ...this.limitDemo, progress };
          this.tick(true);
        },
      });
      this.limitDemo = { running: false, progress: null, result, error: null };
    } catch (error) {
      this.limitDemo = { running: false, progress: null, result: null, error: describe(error) };
    }
    this.demoRuns++;
    this.tick(true);
  }

  // ── Clients ──────────────────────────────────────────────────────────────

  private startClients(): void {
    for (const transport of TRANSPORTS) if (this.settings.enabled[transport]) this.startClient(transport);
  }

  private startClient(transport: TransportName): void {
    const record = this.records[transport];
    const client = createFeedClient(transport, {
      baseUrl: this.route.baseUrl,
      clientId: this.clientId,
      env: this.env,
      clockOffsetMs: this.clock?.offsetMs ?? 0,
      shortPollIntervalMs: this.settings.intervalMs,
      longPollTimeoutMs: this.settings.timeoutMs,
      keepLatencySamples: 0, // the store keeps its own 60 s window
      onEvent: (event, latencyMs) => this.onEvent(transport, record, event, latencyMs),
      onRoundTrip: (id, ms) => this.onRoundTrip(record, id, ms),
      onWire: (activity) => this.onWire(record, activity),
      onStateChange: (state) => record.resume.onState(state, this.now()),
    });
    record.client = client;
    client.start();
  }

  /** Stops a client, keeping its counts for the column (they are totals since the last reset). */
  private retireClient(record: TransportRecord): void {
    const client = record.client;
    if (!client) return;
    client.stop();
    const stats = client.stats();
    for (const key of COUNT_KEYS) record.base[key] += stats[key];
    record.baseLastSeq = Math.max(record.baseLastSeq, stats.lastSeq);
    record.client = null;
    // A stopped client's open stream or request ends now on the timeline.
    const now = this.now();
    for (const stream of record.streams) if (stream.end === null) stream.end = now;
    for (const request of record.requests.values()) if (request.end === null) request.end = now;
  }

  private onEvent(transport: TransportName, record: TransportRecord, event: FeedEvent, latencyMs: number): void {
    const at = this.now();
    record.latencies.add(at, latencyMs);
    record.buckets.add(at, latencyMs);
    record.events.push(at);
    for (const listener of this.arrivalListeners) listener(transport, event, latencyMs);
  }

  private onRoundTrip(record: TransportRecord, id: string, ms: number): void {
    record.roundTrips.push(ms);
    if (record.roundTrips.length > 20) record.roundTrips.shift();
    // publish() may not have returned the id yet when the echo comes back.
    this.recentRoundTrips.set(id, ms);
    if (this.recentRoundTrips.size > 50) {
      const oldest = this.recentRoundTrips.keys().next().value;
      if (oldest !== undefined) this.recentRoundTrips.delete(oldest);
    }
    if (this.upstream?.id === id) this.upstream = { ...this.upstream, roundTripMs: ms };
  }

  private onWire(record: TransportRecord, activity: WireActivity): void {
    const { kind, at, detail } = activity;
    switch (kind) {
      case 'request-start':
        if (detail?.request !== undefined) {
          record.requests.set(detail.request, { start: at, end: null, path: detail.path ?? '' });
        } else {
          record.streams.push({ start: at, open: null, end: null });
        }
        break;
      case 'request-end': {
        const request = detail?.request === undefined ? undefined : record.requests.get(detail.request);
        if (!request) break;
        request.end = at;
        if (detail?.status !== undefined) request.status = detail.status;
        if (activity.transport === 'short-poll' && request.path.endsWith('/short-poll') && detail?.status === 200) {
          record.shortPollDurations.push(at - request.start);
          if (record.shortPollDurations.length > 21) record.shortPollDurations.shift();
        }
        break;
      }
      case 'open': {
        const stream = record.streams.at(-1);
        if (stream && stream.open === null) stream.open = at;
        // EventSource reconnects by itself: a new response without a new request-start.
        else record.streams.push({ start: at, open: at, end: null });
        break;
      }
      case 'close': {
        const stream = record.streams.at(-1);
        if (stream && stream.end === null) stream.end = at;
        break;
      }
      case 'message':
        if (detail?.direction === 'up') record.upstream.push(at);
        break;
    }
  }

  // ── Server side ──────────────────────────────────────────────────────────

  private openMeter(): void {
    const source = new EventSource(
      new URL(`api/metrics/stream?client=${encodeURIComponent(this.clientId)}`, this.baseUrl),
    );
    this.meterSource = source;
    source.addEventListener('open', () => {
      this.meterLive = true;
    });
    source.addEventListener('error', () => {
      this.meterLive = false;
    });
    source.addEventListener('message', (message: MessageEvent<string>) => {
      if (source !== this.meterSource) return;
      let snapshot: MetricsSnapshot;
      try {
        snapshot = JSON.parse(message.data) as MetricsSnapshot;
      } catch {
        return;
      }
      if (snapshot.client !== undefined && snapshot.client !== this.clientId) return;
      this.meterLive = true;
      const sample: MeterSample = { at: this.now(), requests: zeroPerTransport(), bytes: zeroPerTransport() };
      for (const transport of TRANSPORTS) {
        const metrics = snapshot.transports[transport] ?? emptyTransportMetrics();
        this.records[transport].meter = metrics;
        sample.requests[transport] = metrics.requests;
        sample.bytes[transport] = byteTotal(metrics.bytes.up) + byteTotal(metrics.bytes.down);
      }
      this.meterHistory.push(sample);
      const from = sample.at - CHART_WINDOW_MS - RATE_WINDOW_MS - 2 * BUCKET_MS;
      while ((this.meterHistory[0]?.at ?? Number.POSITIVE_INFINITY) < from) this.meterHistory.shift();
    });
  }

  private async refreshStatus(): Promise<void> {
    const demoRuns = this.demoRuns;
    const sentAt = this.now();
    try {
      this.setStatus(await this.api.status());
      // Without Resource Timing, the call's wall-clock time, unless the demo held it in the browser's queue.
      if (!this.stopRoundTripWatch && demoRuns === this.demoRuns && !this.limitDemo.running) {
        this.addBaseRtt(this.now() - sentAt);
      }
    } catch {
      // Keep the last status: a lab that is down shows as "meter offline" in the header.
    }
  }

  /**
   * Every 2 s: the feed's status, the network, and the class view (each page
   * reports, the teacher's page reads). One after another, so the page's own
   * calls hold at most one of the six connections its origin allows (see
   * docs/connection-limit.md); a round still waiting (the demo) skips the next.
   */
  private async pollLab(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      await this.refreshStatus();
      await this.refreshNetwork();
      await this.classRound();
    } finally {
      this.polling = false;
    }
  }

  /** The status call is small and unshaped: its time on the wire is the base round trip to the lab. */
  private addBaseRtt(ms: number): void {
    this.baseRtts.push(ms);
    if (this.baseRtts.length > BASE_RTT_KEEP) this.baseRtts.shift();
  }

  /** The conditioner's port decides the route; a lab without a conditioner API is reached directly. */
  private async pickRoute(): Promise<ClientRoute> {
    let port: number | null = null;
    try {
      const state = await this.api.network();
      this.setNetwork(state);
      port = state.port;
    } catch {
      // No /api/network: an older lab, or one behind a proxy that does not pass it.
    }
    return chooseClientRoute(this.baseUrl, port, (base) => probeWithFetch(base, this.env.fetch));
  }

  private async refreshNetwork(): Promise<void> {
    try {
      this.setNetwork(await this.api.network());
    } catch {
      // Keep the last state, as for the status.
    }
  }

  /** New network settings; when they shape traffic differently, latencies and round trips start afresh. */
  private setNetwork(state: NetworkState): void {
    const before = this.network;
    // The same answer keeps the same object, so the network panel does not redraw every 2 s for nothing.
    if (before && JSON.stringify(before) === JSON.stringify(state)) return;
    this.network = state;
    if (before && shapeChanged(before, state)) {
      for (const record of Object.values(this.records)) {
        record.latencies = new LatencyWindow();
        record.shortPollDurations = [];
      }
    }
  }

  /** Every page reports its figures; the teacher's page also reads the class's. */
  private async classRound(): Promise<void> {
    if (!this.clientsRunning || !this.classSupported) return;
    const views = TRANSPORTS.map((t) => this.snapshot.transports[t]);
    const unsupported = (error: unknown): void => {
      if (error instanceof LabApiError && error.status === 404) this.classSupported = false;
    };
    await this.api.reportToClass(classReportFor(this.pageId, views)).catch(unsupported);
    if (this.api.hasToken && this.classSupported) {
      this.classView = await this.api.classView().catch((error: unknown) => {
        unsupported(error);
        return this.classView;
      });
    }
  }

  /** A new status; when the feed's scenario, rate or payload changed, the latency percentiles start afresh. */
  private setStatus(status: FeedStatus): void {
    const before = this.status;
    this.status = status;
    if (
      before &&
      (before.scenario !== status.scenario ||
        before.ratePerSecond !== status.ratePerSecond ||
        before.payloadBytes !== status.payloadBytes)
    ) {
      for (const record of Object.values(this.records)) record.latencies = new LatencyWindow();
    }
  }

  private scheduleInspect(delayMs: number): void {
    if (this.inspectTimer) clearTimeout(this.inspectTimer);
    this.inspectTimer = setTimeout(() => void this.pollInspect(), delayMs);
  }

  private async pollInspect(): Promise<void> {
    if (!this.started) return;
    const clientId = this.clientId;
    let next = INSPECT_POLL_MS;
    try {
      const data = await this.api.inspect(clientId);
      if (clientId === this.clientId) this.inspect = { supported: true, data, error: null };
    } catch (error) {
      if (error instanceof LabApiError && error.status === 404 && error.code === 'LAB_ERR_NOT_FOUND') {
        this.inspect = { supported: false, data: null, error: null };
        next = INSPECT_RETRY_MS;
      } else {
        this.inspect = { ...this.inspect, error: describe(error) };
      }
    }
    this.scheduleInspect(next);
  }

  private noteControlError(error: unknown): void {
    this.controlError = plainControlError(error, this.api.hasToken);
  }

  // ── Snapshots ────────────────────────────────────────────────────────────

  /**
   * Builds and publishes a snapshot. The regular tick also rebuilds one chart;
   * an `immediate` one (after a control action) only shows the new state.
   */
  private tick(immediate = false): void {
    const now = this.now();
    if (!immediate && this.clientsRunning) {
      const turn = CHART_TURNS[this.chartTurn % CHART_TURNS.length] ?? 'latency';
      this.chartTurn++;
      this.charts = { ...this.charts, [turn]: this.buildChart(turn, now) };
    }
    this.snapshot = this.buildSnapshot(now);
    for (const listener of this.listeners) listener();
  }

  private buildSnapshot(now: number): LabSnapshot {
    this.prune(now);
    const scenario = this.scenarios.find((s) => s.id === this.status?.scenario) ?? null;
    return {
      now,
      clientId: this.clientId,
      clock: this.clock,
      rttMs: theoryRttMs(this.baseRtt(), this.network, this.route.via),
      baseRttMs: this.baseRtt(),
      measuredRttMs: this.rtt(),
      route: this.route,
      network: this.network,
      networkProfiles: this.networkProfiles,
      networkError: this.networkError,
      teacher: this.api.hasToken,
      classView: this.classView,
      limitDemo: this.limitDemo,
      status: this.status,
      scenarios: this.scenarios,
      scenario,
      controlError: this.controlError,
      meterLive: this.meterLive,
      intervalMs: this.settings.intervalMs,
      timeoutMs: this.settings.timeoutMs,
      transports: mapTransports((t) => this.transportView(t, now)),
      charts: this.charts,
      timeline: { now, lanes: mapTransports((t) => this.lane(t, now)) },
      inspect: this.inspect,
      upstream: this.upstream,
    };
  }

  private transportView(transport: TransportName, now: number): TransportView {
    const record = this.records[transport];
    const stats = record.client?.stats();
    const counts = { ...record.base };
    if (stats) for (const key of COUNT_KEYS) counts[key] += stats[key];
    return {
      transport,
      enabled: this.settings.enabled[transport],
      state: stats?.state ?? 'off',
      ...counts,
      lastSeq: stats && stats.lastSeq > 0 ? stats.lastSeq : record.baseLastSeq,
      lastError: stats?.lastError ?? null,
      latency: summarizeLatencies(record.latencies.since(now - CHART_WINDOW_MS)),
      meter: record.meter,
      requestRate: this.requestRate(transport),
      roundTrips: [...record.roundTrips],
      lastResumeMs: record.resume.lastMs,
      reconnectingMs: record.resume.pendingMs(now),
    };
  }

  private requestRate(transport: TransportName): number {
    const newest = this.meterHistory.at(-1);
    if (!newest) return 0;
    const older = this.sampleAt(newest.at - RATE_WINDOW_MS);
    if (!older || older === newest) return 0;
    return ((newest.requests[transport] - older.requests[transport]) * 1000) / (newest.at - older.at);
  }

  /** The newest meter sample at or before `at` (or the oldest one). */
  private sampleAt(at: number): MeterSample | undefined {
    const history = this.meterHistory;
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

  private buildChart<K extends keyof ChartData>(kind: K, now: number): ChartData[K];
  private buildChart(kind: keyof ChartData, now: number): ChartData[keyof ChartData] {
    const bucket = Math.floor(now / BUCKET_MS);
    if (kind === 'bytesPerMessage') return this.bytesRows();
    if (kind === 'latency') return this.latencyRows(now, bucket);
    return this.meterRows(kind, now, bucket);
  }

  /** Points at the end of each whole bucket in the window: x in seconds relative to now. */
  private bucketEnds(now: number, bucket: number): Array<{ end: number; x: number; b: number }> {
    const out: Array<{ end: number; x: number; b: number }> = [];
    for (let b = bucket - CHART_WINDOW_MS / BUCKET_MS; b < bucket; b++) {
      const end = (b + 1) * BUCKET_MS;
      out.push({ end, b, x: Math.round((end - now) / 100) / 10 });
    }
    return out;
  }

  private latencyRows(now: number, bucket: number): ChartRow[] {
    const medians = mapTransports((t) => {
      const record = this.records[t];
      record.buckets.close(bucket);
      return new Map(record.buckets.closed.map((c) => [c.bucket, c.median]));
    });
    return this.bucketEnds(now, bucket).map(({ x, b }) => {
      const row: ChartRow = { x };
      for (const t of TRANSPORTS) row[t] = medians[t].get(b) ?? null;
      return row;
    });
  }

  /** Requests per second (trailing RATE_WINDOW_MS) or cumulative bytes, from the meter history. */
  private meterRows(kind: 'requestRate' | 'cumulativeBytes', now: number, bucket: number): ChartRow[] {
    const rows: ChartRow[] = [];
    for (const { end, x } of this.bucketEnds(now, bucket)) {
      const sample = this.sampleAt(end);
      if (!sample || sample.at > end) continue;
      const row: ChartRow = { x };
      if (kind === 'cumulativeBytes') {
        for (const t of TRANSPORTS) row[t] = sample.bytes[t];
      } else {
        const earlier = this.sampleAt(end - RATE_WINDOW_MS);
        for (const t of TRANSPORTS) {
          row[t] =
            earlier && earlier.at < sample.at
              ? ((sample.requests[t] - earlier.requests[t]) * 1000) / (sample.at - earlier.at)
              : null;
        }
      }
      rows.push(row);
    }
    return rows;
  }

  private bytesRows(): BytesRow[] {
    return TRANSPORTS.map((transport) => {
      const { messages, bytes } = this.records[transport].meter;
      const per = (n: number): number => (messages > 0 ? Math.round(n / messages) : 0);
      return {
        transport,
        header: per(bytes.up.header + bytes.down.header),
        framing: per(bytes.up.framing + bytes.down.framing),
        payload: per(bytes.up.payload + bytes.down.payload),
      };
    });
  }

  private lane(transport: TransportName, now: number): TimelineLane {
    const record = this.records[transport];
    const from = now - TIMELINE_WINDOW_MS;
    const requests: TimelineRequest[] = [];
    for (const request of record.requests.values()) {
      if (request.end === null || request.end >= from) requests.push({ ...request });
    }
    return {
      requests,
      streams: record.streams.filter((s) => s.end === null || s.end >= from).map((s) => ({ ...s })),
      events: record.events.filter((at) => at >= from),
      upstream: record.upstream.filter((at) => at >= from),
    };
  }

  /** Drops timeline entries older than the window (with a margin). */
  private prune(now: number): void {
    const from = now - TIMELINE_WINDOW_MS - 2000;
    for (const record of Object.values(this.records)) {
      for (const [id, request] of record.requests) {
        if (request.end !== null && request.end < from) record.requests.delete(id);
      }
      // Requests that never ended (a lost answer) still must not grow memory.
      if (record.requests.size > 5000) {
        const oldest = record.requests.keys().next().value;
        if (oldest !== undefined) record.requests.delete(oldest);
      }
      record.streams = record.streams.filter((s) => s.end === null || s.end >= from).slice(-50);
      dropBefore(record.events, from);
      dropBefore(record.upstream, from);
    }
  }

  /** Median of recent short-poll request times: the round trip as the clients see it, shaping included. */
  private rtt(): number | null {
    return median(this.records['short-poll'].shortPollDurations);
  }

  /** Median of recent lab API calls on the page's origin; the clock probe's round trip before the first. */
  private baseRtt(): number | null {
    return median(this.baseRtts) ?? (this.clock && this.clock.errorMs > 0 ? this.clock.errorMs * 2 : null);
  }

  private now(): number {
    return this.env.now();
  }
}

const COUNT_KEYS = [
  'messages',
  'gaps',
  'duplicates',
  'missed',
  'reconnects',
  'errors',
] as const satisfies ReadonlyArray<keyof Counts>;

function emptyCharts(): ChartData {
  return { latency: [], requestRate: [], cumulativeBytes: [], bytesPerMessage: [] };
}

function zeroCounts(): Counts {
  return { messages: 0, gaps: 0, duplicates: 0, missed: 0, reconnects: 0, errors: 0 };
}

function makeRecords(): Record<TransportName, TransportRecord> {
  return mapTransports(() => new TransportRecord());
}

function mapTransports<T>(make: (transport: TransportName) => T): Record<TransportName, T> {
  return Object.fromEntries(TRANSPORTS.map((t) => [t, make(t)])) as Record<TransportName, T>;
}

function zeroPerTransport(): Record<TransportName, number> {
  return mapTransports(() => 0);
}

/** Removes the leading entries of a time-sorted array older than `from`, in place. */
function dropBefore(times: number[], from: number): void {
  let n = 0;
  while (n < times.length && (times[n] ?? 0) < from) n++;
  if (n > 0) times.splice(0, n);
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || hostname === '::1' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** `web-` (or another prefix) and 8 random characters: one id for all of this page's clients. */
function newClientId(prefix = 'web'): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  return `${prefix}-${Array.from(bytes, (b) => b.toString(36).padStart(2, '0'))
    .join('')
    .slice(0, 8)}`;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? null;
}

function describe(error: unknown): string {
  if (error instanceof LabApiError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
