/**
 * The page's one store: it runs the four real FeedClients (one client id for
 * the page), follows the server's meter for that id, and hands React an
 * immutable snapshot at most four times a second. Events arrive up to
 * thousands of times a second; they only update plain counters and rings
 * (transport-record.ts), never React state, so rendering cost does not grow
 * with the rate. The snapshot's types are in lab-snapshot.ts, the charts'
 * data in chart-data.ts.
 *
 * One clock drives the page: eight beats a second for the per-event flash
 * (components/event-flash.tsx), and on every second beat a snapshot, in the
 * same task, so the browser renders both in one frame instead of two.
 *
 * The clients go through the network conditioner when the lab runs one (see
 * client-route.ts); the meter, inspector, controls, network panel and class
 * view stay on the page's own origin.
 *
 * The lab's other parts each have a module of their own, with the state it
 * owns and the calls it makes; the snapshot carries their state:
 * network-control.ts (the network panel), class-round.ts (the class view),
 * inspector-poll.ts (the wire inspector), limit-demo-control.ts (the
 * six-connections demo).
 *
 * Figures are the current segment's (page-segments.ts): the lab announces
 * its segments on the metrics stream, with the meter's reading at the
 * instant each began; the page's own changes read the meter first, then
 * apply. Either way the reading is the segment's zero.
 */

import { browserEnv } from '../../clients/client-env.ts';
import { createFeedClient } from '../../clients/client-registry.ts';
import { type ClockOffset, estimateClockOffset } from '../../clients/clock-offset.ts';
import type { FeedClient } from '../../clients/feed-client.ts';
import { fetchNotingInstance } from '../../clients/load-balancer-effect.ts';
import type { Lesson } from '../../lessons/lesson.ts';
import type { TransportName } from '../../protocol/feed-event.ts';
import { median } from '../../protocol/figures.ts';
import type { LabAccess } from '../../protocol/lab-status.ts';
import type { LoadBalancerState } from '../../protocol/load-balancer.ts';
import {
  emptyTransportMetrics,
  type MetricsSnapshot,
  type SegmentZero,
  type TransportMetrics,
} from '../../protocol/metrics.ts';
import type { FaultRequest } from '../../protocol/network-state.ts';
import type { ScenarioInfo } from '../../protocol/scenario-info.ts';
import type { SegmentInfo } from '../../protocol/segment.ts';
import { socketIoTransportsOf } from '../../protocol/socket-io-lanes.ts';
import { watchRoundTrips } from './base-rtt.ts';
import { bytesRows, CHART_TURNS, chartMarks, emptyCharts, latencyRows, MeterHistory } from './chart-data.ts';
import { ClassPrediction } from './class-prediction.ts';
import { classReportFor } from './class-report.ts';
import { clientSettingOf } from './class-setting-lanes.ts';
import { ClassViewPoll } from './class-view-poll.ts';
import { type ClientRoute, chooseClientRoute, probeWithFetch } from './client-route.ts';
import { type ControlError, plainControlError } from './control-error.ts';
import { describeError } from './describe-error.ts';
import { InspectorPoll } from './inspector-poll.ts';
import { type FeedSettings, type FeedStatus, LabApi, type NetworkRequest } from './lab-api.ts';
import type {
  ArrivalListener,
  ChartData,
  ClientSettings,
  LabSnapshot,
  TransportView,
  UpstreamView,
} from './lab-snapshot.ts';
import { CHART_WINDOW_MS } from './latency-window.ts';
import type { LessonSetting } from './lessons/lesson-runner.ts';
import { LimitDemoControl } from './limit-demo-control.ts';
import { type LoadBalancerEffects, PageLoadBalancerEffects } from './load-balancer-effects.ts';
import { theoryRttMs } from './network-caption.ts';
import { NetworkControl } from './network-control.ts';
import { NewestReading } from './newest-reading.ts';
import {
  conditionsCaption,
  type PageSegment,
  pageChangeLabel,
  SEGMENTS_KEPT,
  type SegmentMark,
  type SegmentSummary,
  summarize,
} from './page-segments.ts';
import { TRANSPORTS } from './palette.ts';
import { TransportRecord } from './transport-record.ts';
import { WEB_TRANSPORTS } from './transports/web-transport-registry.ts';

export type { ControlError } from './control-error.ts';
export type {
  ArrivalListener,
  BytesRow,
  ChartData,
  ChartMark,
  ChartRow,
  ClientSettings,
  InspectView,
  LabSnapshot,
  LimitDemoView,
  TimelineChunk,
  TimelineLane,
  TimelineRequest,
  TimelineStream,
  TimeSeries,
  TransportState,
  TransportView,
  UpstreamView,
} from './lab-snapshot.ts';
export { TIMELINE_WINDOW_MS } from './lab-snapshot.ts';

/** The flash's beat (ms): eight a second. */
const BEAT_MS = 125;
/** A snapshot every second beat (250 ms): the budget says at most ~4 redraws a second. */
const BEATS_PER_TICK = 2;
const STATUS_POLL_MS = 2000;
/** Recent lab API timings kept for the base round trip (its median). */
const BASE_RTT_KEEP = 9;

export class LabStore {
  private readonly api: LabApi;
  private readonly env = browserEnv();
  private readonly clientId = newClientId();
  /** This page's id in the class view and the connection demo, kept apart from the clients' id the meter counts. */
  private readonly pageId = newClientId('page');
  private clock: ClockOffset | null = null;
  private settings: ClientSettings;
  private readonly records = makeRecords();
  /** What each transport went through since the cluster's nginx was switched (the load-balancer lesson). */
  private readonly loadBalancer = new PageLoadBalancerEffects();
  private readonly meterHistory = new MeterHistory();
  /** The lab's segment the page's current one lies in; null before the first meter reading. */
  private labSegment: SegmentInfo | null = null;
  private segment: PageSegment | null = null;
  private pastSegments: SegmentSummary[] = [];
  /** The segments' starts still within the charts' window, and the current one's (same array until one begins). */
  private segmentMarks: SegmentMark[] = [];
  /** The feed's newest position, from the metrics stream (a few times a second). */
  private liveFeed: { epoch: string; seq: number } | null = null;
  private meterSource: EventSource | null = null;
  private meterLive = false;
  private readonly newestReading = new NewestReading();
  private status: FeedStatus | null = null;
  private scenarios: ScenarioInfo[] = [];
  private controlError: ControlError | null = null;
  private upstream: UpstreamView | null = null;
  private readonly recentRoundTrips = new Map<string, number>();
  private route: ClientRoute;
  /** The lab's HTTPS ports, when this page is served over HTTPS and the lab has them (else null). */
  private httpsPorts: { h2Port: number; http1Port: number } | null = null;
  private readonly network: NetworkControl;
  private readonly classViewPoll: ClassViewPoll;
  private readonly prediction: ClassPrediction;
  private readonly inspector: InspectorPoll;
  private readonly limitDemo: LimitDemoControl;
  private access: LabAccess | null = null;
  private baseRtts: number[] = [];
  /** Stops the Resource Timing watch; null when the browser has none (wall-clock times are used then). */
  private stopRoundTripWatch: (() => void) | null = null;
  /** A round of pollLab() is under way. */
  private polling = false;

  private snapshot: LabSnapshot;
  private urgent = false;
  private charts: ChartData = emptyCharts();
  private chartTurn = 0;
  private beat = 0;
  private readonly listeners = new Set<() => void>();
  private readonly arrivalListeners = new Set<ArrivalListener>();
  private readonly beatListeners = new Set<() => void>();
  private readonly timers: Array<ReturnType<typeof setInterval>> = [];
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
    this.network = new NetworkControl(this.api, {
      changed: () => this.tick(true),
      // New shaping: the short-poll request times measured so far are another network's.
      onShapeChange: () => {
        for (const record of Object.values(this.records)) record.shortPollDurations = [];
      },
    });
    this.classViewPoll = new ClassViewPoll(this.api);
    this.prediction = new ClassPrediction(this.api, this.pageId, () => this.tick(true));
    this.inspector = new InspectorPoll(this.api, this.clientId);
    this.limitDemo = new LimitDemoControl({
      baseUrl,
      clientId: `${this.pageId}-limit-demo`,
      EventSource: globalThis.EventSource,
      fetch: this.env.fetch,
      now: () => this.now(),
      changed: () => this.tick(true),
    });
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

  /** Whether the last snapshot answers something the user did or waits for (see tick), rather than the clock. */
  readonly snapshotIsUrgent = (): boolean => this.urgent;

  /** Called for every arriving event; for effects that must not wait for the next snapshot. */
  onArrival(listener: ArrivalListener): () => void {
    this.arrivalListeners.add(listener);
    return () => this.arrivalListeners.delete(listener);
  }

  /**
   * Called eight times a second while the store runs, just before a snapshot
   * (every second beat) is published: for light DOM work that should land in
   * the same frame as React's.
   */
  onBeat(listener: () => void): () => void {
    this.beatListeners.add(listener);
    return () => this.beatListeners.delete(listener);
  }

  // ── Life cycle ───────────────────────────────────────────────────────────

  /**
   * Picks the clients' route (through the conditioner when one runs),
   * estimates the clock offset, applies feed settings from the URL (if any),
   * then starts the clients, and after them reads the scenarios, the access
   * rules, the network profiles and the class round, and opens the meter
   * stream, the status, network, class and inspect polls.
   */
  async start(feedSettings: FeedSettings | null): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.timers.push(setInterval(() => this.onClock(), BEAT_MS));
    this.stopRoundTripWatch = watchRoundTrips('/api/feed/status', (ms) => this.addBaseRtt(ms));
    // The route, the HTTPS ports and the feed's settings are independent: asked at once, the clients start
    // one round trip after the first answers instead of three (a slow laptop's first numbers come sooner).
    const [route, httpsPorts] = await Promise.all([
      this.pickRoute(),
      this.readHttpsPorts(),
      feedSettings && Object.keys(feedSettings).length > 0
        ? this.applyFeedSettings(feedSettings)
        : this.refreshStatus(),
    ]);
    this.route = route;
    this.httpsPorts = httpsPorts;
    if (!this.started) return; // stopped while starting
    if (isLoopback(new URL(this.route.baseUrl).hostname)) {
      // Same machine, same clock: an estimate could only add its own error (README: "same machine: offset 0").
      this.clock = { offsetMs: 0, errorMs: 0 };
    } else {
      try {
        this.clock = await estimateClockOffset(this.route.baseUrl, this.env, 8);
      } catch {
        this.clock = null; // unreachable lab: offset 0, and the clients will report their errors
      }
    }
    if (!this.started) return; // stopped while starting
    this.clientsRunning = true;
    this.startClients();
    // Asked once the clients run: their answers would only hold back the clients' start on a slow laptop.
    void this.api.scenarios().then(
      (list) => {
        this.scenarios = list;
      },
      (error: unknown) => this.noteControlError(error),
    );
    void this.api.access().then(
      (access) => {
        this.access = access;
      },
      () => {}, // an older lab: the panels still explain a refusal when one comes
    );
    void this.network.loadProfiles();
    void this.prediction.refresh(); // a student who joins mid-round sees the question at once
    this.openMeter();
    this.timers.push(setInterval(() => void this.pollLab(), STATUS_POLL_MS));
    this.inspector.start();
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.length = 0;
    this.inspector.stop();
    for (const record of Object.values(this.records)) record.client?.stop();
    this.meterSource?.close();
    this.stopRoundTripWatch?.();
    this.stopRoundTripWatch = null;
    this.started = false;
    this.clientsRunning = false;
  }

  // ── Controls ─────────────────────────────────────────────────────────────

  /**
   * Applies the page's client settings: starts, stops or recreates the
   * clients that changed, in a new segment (the meter is read first, so the
   * segment's zero is exact).
   */
  configure(settings: ClientSettings): void {
    const before = this.settings;
    this.settings = { ...settings, enabled: { ...settings.enabled } };
    if (!this.clientsRunning) return;
    const label = pageChangeLabel(before, {
      ...settings,
      // A version choice changes nothing on a page that has no HTTPS ports to choose from.
      httpVersion: this.httpsPorts === null ? before.httpVersion : settings.httpVersion,
    });
    if (label === null) return;
    void this.beginPageSegment(label, () => {
      for (const transport of TRANSPORTS) {
        const record = this.records[transport];
        const on = settings.enabled[transport];
        const setting = WEB_TRANSPORTS[transport].clientSetting;
        const optionChanged =
          (setting !== null && settings[setting] !== before[setting]) ||
          (WEB_TRANSPORTS[transport].alsoRecreatedBy ?? []).some(
            (key) => (settings[key] ?? false) !== (before[key] ?? false),
          );
        // Another HTTP version is another port: every client reconnects there.
        const versionChanged = this.httpsPorts !== null && settings.httpVersion !== before.httpVersion;
        if (record.client && (!on || optionChanged || versionChanged)) record.retire(this.now());
        if (on && !record.client) this.startClient(transport);
      }
    });
  }

  /** "New segment": the figures count from now, under the same conditions. */
  newSegment(): void {
    if (this.clientsRunning) void this.beginPageSegment('new segment', () => {});
  }

  /** What a lesson run needs from the page (see lessons/lesson-runner.ts); null until the clients run. */
  lessonSetting(): LessonSetting | null {
    if (!this.clientsRunning) return null;
    return {
      lab: {
        labUrl: this.baseUrl,
        conditionerUrl: this.route.via === 'conditioner' ? this.route.baseUrl : null,
        // The HTTP/2 lessons' runs go to the lab's HTTPS ports, which a page served over HTTPS trusts already.
        https: this.httpsPorts ? { ...this.httpsUrls(this.httpsPorts), certificatePem: null } : null,
      },
      request: (method, path, body) => this.api.request(method, path, body),
      clockOffsetMs: this.clock?.offsetMs ?? 0,
      beginSegment: (label) => void this.beginPageSegment(label, () => {}),
      beforeRun: (id) => this.prediction.closeVotesFor(id),
      afterRun: (result) => this.prediction.keepResult(result),
    };
  }

  // ── The class predicts ───────────────────────────────────────────────────

  /** Asks the class the lesson's question (teacher): every page shows it and takes one prediction. */
  askTheClass(lesson: Lesson): Promise<void> {
    return this.prediction.start(lesson);
  }

  /** This page's prediction in the class's round; changeable until the experiment runs. */
  predict(choice: string): Promise<void> {
    return this.prediction.vote(choice);
  }

  /** Shows the class the measured answer beside its votes (teacher, once the lesson ran). */
  revealToTheClass(): Promise<void> {
    return this.prediction.reveal();
  }

  endClassRound(): Promise<void> {
    return this.prediction.end();
  }

  dismissClassRoundError(): void {
    this.prediction.dismissError();
  }

  /** The past segments, oldest first, and the current one as it stands. */
  segmentRows(): SegmentSummary[] {
    const now = this.now();
    return this.segment ? [...this.pastSegments, summarize(this.segment, now, this.transportViews(now))] : [];
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
      if (this.upstream?.sentAt === sentAt) this.upstream = { ...this.upstream, error: describeError(error) };
    }
    this.tick(true);
  }

  /**
   * The student URL for the join code: the lab's first LAN URL, else this
   * page's own address (its origin and path only, so never a token).
   */
  async studentUrl(): Promise<{ url: string; lan: boolean }> {
    const own = new URL(this.baseUrl);
    const fallback = `${own.origin}/`;
    try {
      const { urls } = await this.api.join();
      return urls[0] ? { url: urls[0], lan: true } : { url: fallback, lan: false };
    } catch {
      return { url: fallback, lan: false };
    }
  }

  dismissControlError(): void {
    this.controlError = null;
    this.tick(true);
  }

  /** `PUT /api/network`: a profile or custom values, for everyone going through the conditioner. */
  changeNetwork(request: NetworkRequest): Promise<void> {
    return this.network.change(request);
  }

  /** `POST /api/network/faults`: drop all, stall, chaos or calm. */
  networkFault(request: FaultRequest): Promise<void> {
    return this.network.fault(request);
  }

  dismissNetworkError(): void {
    this.network.dismissError();
  }

  /** Opens extra SSE connections to the page's own origin and times a request that has to wait for one. */
  runLimitDemo(): Promise<void> {
    return this.limitDemo.run();
  }

  // ── Clients ──────────────────────────────────────────────────────────────

  private startClients(): void {
    for (const transport of TRANSPORTS) if (this.settings.enabled[transport]) this.startClient(transport);
  }

  private startClient(transport: TransportName): void {
    const record = this.records[transport];
    const client = createFeedClient(transport, {
      baseUrl: this.clientBaseUrl(),
      clientId: this.clientId,
      // Which instance answered each request: the load-balancer lesson's "moved".
      env: {
        ...this.env,
        fetch: fetchNotingInstance(this.env.fetch, (i) => this.loadBalancer.answeredBy(transport, i)),
      },
      clockOffsetMs: this.clock?.offsetMs ?? 0,
      shortPollIntervalMs: this.settings.intervalMs,
      shortPollConditional: this.settings.shortPollConditional ?? false,
      longPollTimeoutMs: this.settings.timeoutMs,
      socketIoTransports: socketIoTransportsOf(this.settings.socketIoLane),
      keepLatencySamples: 0, // the store keeps its own 60 s window
      onEvent: (event, latencyMs) => {
        if (record.event(this.now(), latencyMs, event)) void this.readFirstEventMeter(transport, client);
        this.loadBalancer.delivered(transport, event.seq, this.now());
        for (const listener of this.arrivalListeners) listener(transport, event, latencyMs);
      },
      onRoundTrip: (id, ms) => {
        record.roundTrip(ms);
        this.onRoundTrip(id, ms);
      },
      onWire: (activity) => {
        record.wire(activity);
        this.loadBalancer.wire(transport, activity);
      },
      onStateChange: (state) => record.resume.onState(state, this.now()),
    });
    record.starting(client);
    client.start();
    record.started(client, transport, () => this.now());
  }

  /** The lab's meter for this page's client id, read as a client's first event came (its start's bytes). */
  private async readFirstEventMeter(transport: TransportName, client: FeedClient): Promise<void> {
    // Events of the same answer or frame are delivered in this task: the arrival ends with it.
    // Its first figures are shown at once, not at the next snapshot (a quarter of a second later).
    setTimeout(() => {
      if (this.records[transport].client !== client) return;
      this.records[transport].firstArrivalEnded();
      this.tick(true);
    }, 0);
    try {
      const reading = await this.api.metrics(this.clientId);
      const record = this.records[transport];
      if (record.client === client) record.firstEventMeter(reading.transports[transport]);
    } catch {
      // No reading, no bytes: the figure stays "–".
    }
  }

  private onRoundTrip(id: string, ms: number): void {
    // publish() may not have returned the id yet when the echo comes back.
    this.recentRoundTrips.set(id, ms);
    if (this.recentRoundTrips.size > 50) {
      const oldest = this.recentRoundTrips.keys().next().value;
      if (oldest !== undefined) this.recentRoundTrips.delete(oldest);
    }
    if (this.upstream?.id === id) this.upstream = { ...this.upstream, roundTripMs: ms };
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
      const newest = this.newestReading.accept(snapshot.t);
      if (newest) {
        this.liveFeed = { epoch: snapshot.epoch, seq: snapshot.seq };
        for (const transport of TRANSPORTS) {
          this.records[transport].meter = snapshot.transports[transport] ?? emptyTransportMetrics();
        }
      }
      const segment = snapshot.segment;
      if (segment && segment.id !== this.labSegment?.id) this.beginLabSegment(segment, snapshot);
      else if (newest) this.meterHistory.add(this.now(), snapshot.transports);
    });
    source.addEventListener('zero', (message: MessageEvent<string>) => {
      if (source !== this.meterSource) return;
      let zero: SegmentZero;
      try {
        zero = JSON.parse(message.data) as SegmentZero;
      } catch {
        return;
      }
      // Only for the lab's segment under way, and only while the page's own segment is that one.
      if (zero.segment !== this.labSegment?.id || this.segment?.reason === 'page') return;
      // Read after every snapshot before it on this stream: it is the transport's newest reading too, or the
      // segment would count from a zero ahead of its meter (negative figures) until the next snapshot.
      this.records[zero.transport].meter = zero.metrics;
      this.records[zero.transport].moveZero(zero.metrics);
      this.meterHistory.moveSegmentZero(zero.transport, zero.metrics);
    });
  }

  // ── Segments ─────────────────────────────────────────────────────────────

  /**
   * The lab began a segment (or this is the page's first reading): a
   * snapshot tagged with a new segment is the meter at its start. The
   * feed's settings and the network are read again at once, for the theory.
   */
  private beginLabSegment(segment: SegmentInfo, reading: MetricsSnapshot): void {
    const first = this.labSegment === null;
    this.labSegment = segment;
    if (segment.reason === 'load-balancer') this.loadBalancer.begin(segment.label, this.now(), segment.seq);
    else this.loadBalancer.end();
    if (first) {
      // The page's client id is new: its meter counts from zero, and every event so far is the segment's.
      this.beginSegment(segment.reason, segment.label, null, null);
      this.meterHistory.add(this.now(), reading.transports);
      return;
    }
    this.beginSegment(segment.reason, segment.label, { epoch: segment.epoch, seq: segment.seq }, reading.transports);
    void this.refreshStatus();
    void this.network.refresh();
  }

  /** A change of the page's own: read the meter (the segment's zero), begin the segment, then apply the change. */
  private async beginPageSegment(label: string, apply: () => void): Promise<void> {
    let reading: MetricsSnapshot | null = null;
    try {
      reading = await this.api.metrics(this.clientId);
    } catch {
      // The lab did not answer: the newest streamed reading is the closest zero there is.
    }
    const meters = reading?.transports ?? mapTransports((t) => this.records[t].meter);
    const feed = reading ? { epoch: reading.epoch, seq: reading.seq } : this.liveFeed;
    if (reading) {
      this.newestReading.acceptOwn(reading.t);
      for (const t of TRANSPORTS) this.records[t].meter = reading.transports[t];
    }
    this.beginSegment('page', label, feed, meters);
    apply();
    this.tick(true);
  }

  private beginSegment(
    reason: PageSegment['reason'],
    label: string,
    boundary: { epoch: string; seq: number } | null,
    meters: Record<TransportName, TransportMetrics> | null,
  ): void {
    const now = this.now();
    if (this.segment) {
      // Views as of now, not the last snapshot's: nothing between the two may fall out of both segments.
      this.pastSegments.push(summarize(this.segment, now, this.transportViews(now)));
      if (this.pastSegments.length > SEGMENTS_KEPT) this.pastSegments.shift();
    }
    const lab = this.labSegment?.conditions;
    const shaped = this.route.via === 'conditioner';
    const conditions = {
      scenario: lab?.scenario ?? this.status?.scenario ?? '',
      ratePerSecond: lab?.ratePerSecond ?? this.status?.ratePerSecond ?? 0,
      payloadBytes: lab?.payloadBytes ?? this.status?.payloadBytes ?? 0,
      network: shaped ? (lab?.network ?? 'none') : 'direct',
      rttMs: shaped ? (lab?.rttMs ?? 0) : 0,
      jitterMs: shaped ? (lab?.jitterMs ?? 0) : 0,
      downKbps: shaped ? (lab?.downKbps ?? 0) : 0,
      upKbps: shaped ? (lab?.upKbps ?? 0) : 0,
      intervalMs: this.settings.intervalMs,
      timeoutMs: this.settings.timeoutMs,
      transports: TRANSPORTS.filter((t) => this.settings.enabled[t]),
    };
    this.segment = { index: (this.segment?.index ?? 0) + 1, reason, label, startedAt: now, conditions };
    for (const t of TRANSPORTS) this.records[t].beginSegment(boundary, meters?.[t] ?? null);
    this.meterHistory.beginSegment(now, meters);
    this.upstream = null;
    const windowStart = now - CHART_WINDOW_MS;
    const kept = this.segmentMarks.filter((_mark, i, all) => (all[i + 1]?.at ?? now) > windowStart);
    this.segmentMarks = [...kept, { at: now, label, reason, caption: conditionsCaption(conditions) }];
    // The bytes bars are the segment's: they start afresh (the time charts keep their rows, marked).
    this.charts = { ...this.charts, bytesPerMessage: [] };
  }

  private async refreshStatus(): Promise<void> {
    const mark = this.limitDemo.mark();
    const sentAt = this.now();
    try {
      this.setStatus(await this.api.status());
      // Without Resource Timing, the call's wall-clock time, unless the demo held it in the browser's queue.
      if (!this.stopRoundTripWatch && this.limitDemo.untouchedSince(mark)) {
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
      await this.network.refresh();
      await this.prediction.refresh();
      if (this.clientsRunning) {
        await this.classViewPoll.round(
          classReportFor(
            this.pageId,
            TRANSPORTS.map((t) => this.snapshot.transports[t]),
            (t) => this.clientSettingOf(t),
          ),
        );
      }
    } finally {
      this.polling = false;
    }
  }

  /** This page's own setting of `transport`'s client, ms (its poll interval, its long-poll timeout); null for none. */
  private clientSettingOf(transport: TransportName): number | null {
    return clientSettingOf(transport, this.settings);
  }

  /** The status call is small and unshaped: its time on the wire is the base round trip to the lab. */
  private addBaseRtt(ms: number): void {
    this.baseRtts.push(ms);
    if (this.baseRtts.length > BASE_RTT_KEEP) this.baseRtts.shift();
  }

  /**
   * Where the clients go. Over HTTPS (the conditioner is plain HTTP, so a secure page goes direct)
   * the HTTP version picks the port: the lab's HTTP/2 port or its HTTP/1.1-only one.
   */
  private clientBaseUrl(): string {
    const choice = this.settings.httpVersion;
    if (this.httpsPorts === null || this.route.via !== 'direct' || choice === 'page') return this.route.baseUrl;
    const url = new URL(this.route.baseUrl);
    url.port = String(choice === 'h2' ? this.httpsPorts.h2Port : this.httpsPorts.http1Port);
    return url.href;
  }

  /** The HTTPS ports, asked only by a page served over HTTPS; null when there are none (or an older lab). */
  private httpsUrls(ports: { h2Port: number; http1Port: number }): { h2Url: string; http1Url: string } {
    const at = (port: number): string => {
      const url = new URL(this.baseUrl);
      url.port = String(port);
      return url.origin;
    };
    return { h2Url: at(ports.h2Port), http1Url: at(ports.http1Port) };
  }

  private async readHttpsPorts(): Promise<{ h2Port: number; http1Port: number } | null> {
    if (new URL(this.baseUrl).protocol !== 'https:') return null;
    const ports = await this.api.https().catch(() => null);
    return ports?.h2Port != null && ports.http1Port != null
      ? { h2Port: ports.h2Port, http1Port: ports.http1Port }
      : null;
  }

  /** The conditioner's port decides the route; a lab without a conditioner API is reached directly. */
  private async pickRoute(): Promise<ClientRoute> {
    let port: number | null = null;
    try {
      port = (await this.network.read()).port;
    } catch {
      // No /api/network: an older lab, or one behind a proxy that does not pass it.
    }
    return chooseClientRoute(this.baseUrl, port, (base) => probeWithFetch(base, this.env.fetch));
  }

  /** A new status (a new scenario, rate or size reaches the figures as a segment, on the metrics stream). */
  private setStatus(status: FeedStatus): void {
    this.status = status;
  }

  private noteControlError(error: unknown): void {
    this.controlError = plainControlError(error, this.api.hasToken);
  }

  // ── Snapshots ────────────────────────────────────────────────────────────

  /** Every beat: the beat listeners (the flash); every second beat, a snapshot in the same task. */
  private onClock(): void {
    for (const listener of this.beatListeners) listener();
    this.beat++;
    if (this.beat % BEATS_PER_TICK === 0) this.tick();
  }

  /**
   * Builds and publishes a snapshot. The regular tick also rebuilds one chart;
   * an `immediate` one (after a control action, or a client's first event)
   * only shows the new state, and is `urgent` for the page (drawn at once,
   * not in a transition).
   */
  private tick(immediate = false): void {
    this.urgent = immediate;
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
    const scenario = this.scenarios.find((s) => s.id === this.status?.scenario) ?? null;
    return {
      now,
      clientId: this.clientId,
      clock: this.clock,
      rttMs: theoryRttMs(this.baseRtt(), this.network.state, this.route.via),
      baseRttMs: this.baseRtt(),
      measuredRttMs: this.rtt(),
      route: this.route,
      network: this.network.state,
      networkProfiles: this.network.profiles,
      networkError: this.network.error,
      teacher: this.api.hasToken,
      access: this.access,
      classView: this.classViewPoll.view,
      classRound: this.prediction.view,
      classRoundError: this.prediction.error,
      classRoundResult: this.prediction.result,
      limitDemo: this.limitDemo.view,
      status: this.status,
      scenarios: this.scenarios,
      scenario,
      controlError: this.controlError,
      meterLive: this.meterLive,
      intervalMs: this.settings.intervalMs,
      timeoutMs: this.settings.timeoutMs,
      transports: this.transportViews(now),
      segment: this.segment,
      segmentMarks: this.segmentMarks,
      pastSegments: this.pastSegments,
      liveFeed: this.liveFeed,
      charts: this.charts,
      timeline: { now, lanes: mapTransports((t) => this.records[t].timeline.lane(now)) },
      inspect: this.inspector.view,
      upstream: this.upstream,
    };
  }

  private transportViews(now: number): Record<TransportName, TransportView> {
    const start = this.segment?.startedAt ?? now;
    return mapTransports((t) =>
      this.records[t].view(t, this.settings.enabled[t], now, start, this.meterHistory.requestRate(t)),
    );
  }

  private buildChart<K extends keyof ChartData>(kind: K, now: number): ChartData[K];
  private buildChart(kind: keyof ChartData, now: number): ChartData[keyof ChartData] {
    if (kind === 'bytesPerMessage') {
      const meters = mapTransports((t) => this.snapshot.transports[t].meter);
      return bytesRows(meters, this.charts.bytesPerMessage);
    }
    const marks = chartMarks(this.segmentMarks, now);
    if (kind === 'latency') {
      const buckets = mapTransports((t) => this.records[t].buckets);
      return { rows: latencyRows(buckets, now), marks };
    }
    return { rows: this.meterHistory.rows(kind, now), marks };
  }

  /** Median of recent short-poll request times: the round trip as the clients see it, shaping included. */
  private rtt(): number | null {
    return median(
      TRANSPORTS.flatMap((t) => (WEB_TRANSPORTS[t].timesRoundTrip ? this.records[t].shortPollDurations : [])),
    );
  }

  /** Median of recent lab API calls on the page's origin; the clock probe's round trip before the first. */
  private baseRtt(): number | null {
    return median(this.baseRtts) ?? (this.clock && this.clock.errorMs > 0 ? this.clock.errorMs * 2 : null);
  }

  private now(): number {
    return this.env.now();
  }

  // ── The load-balancer lesson (under npm run cluster) ─────────────────────

  /** `GET /api/cluster/load-balancer`: the configs, and the one nginx runs. */
  loadBalancerState(): Promise<LoadBalancerState> {
    return this.api.request('GET', '/api/cluster/load-balancer');
  }

  /** Asks the cluster to switch nginx to `config` (202: nginx reloads; a `load-balancer` segment follows). */
  switchLoadBalancer(config: string): Promise<LoadBalancerState> {
    return this.api.request('PUT', '/api/cluster/load-balancer', { config });
  }

  /** Each transport's effect word since the switch; null before one. */
  loadBalancerEffects(): LoadBalancerEffects | null {
    return this.loadBalancer.effects(this.now(), this.liveFeed?.seq ?? 0);
  }

  /** A refused switch in plain words (the same wording as every control). */
  plainError(error: unknown): { message: string; hint?: string } {
    return plainControlError(error, this.api.hasToken);
  }
}

function makeRecords(): Record<TransportName, TransportRecord> {
  return mapTransports(() => new TransportRecord());
}

function mapTransports<T>(make: (transport: TransportName) => T): Record<TransportName, T> {
  return Object.fromEntries(TRANSPORTS.map((t) => [t, make(t)])) as Record<TransportName, T>;
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
