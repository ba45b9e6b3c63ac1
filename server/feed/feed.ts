/**
 * The one live feed: a scenario-driven generator publishing into a ring
 * buffer, with listeners for the transports and the resume rules every
 * transport shares.
 */
import { randomBytes } from 'node:crypto';
import { createHistogram, performance } from 'node:perf_hooks';
import type { EventOrigin, ResetReason } from '../../protocol/feed-event.ts';
import { EventRing } from './event-ring.ts';
import type { Scenario } from './scenario.ts';
import { createScenarioGenerator, type ScenarioGenerator } from './scenario-generator.ts';
import { type EventBody, type StoredEvent, storeEvent } from './stored-event.ts';

/** Where a client wants to resume: `since` (and `epoch`), or undefined for "from now". */
export interface ResumePoint {
  since: number | undefined;
  epoch: string | undefined;
}

export interface FeedSettings {
  scenario: Scenario;
  /** Seed of the generator: the same seed replays the same events (data and spacing). */
  seed: number;
  /** Overrides the scenario's mean event rate (events/s). */
  ratePerSecond?: number | undefined;
  /** Overrides the scenario's payload size (bytes of `data`). */
  payloadBytes?: number | undefined;
}

export interface ResumeResult {
  events: StoredEvent[];
  /** What the client should pass as `since` next. */
  next: number;
  reset?: ResetReason;
}

type EventListener = (event: StoredEvent) => void;
type EpochListener = (epoch: string) => void;
type SettingsListener = (settings: FeedSettings) => void;

/** A stalled event loop must not make the generator fire a burst to catch up. */
const MAX_CATCH_UP_MS = 1000;

export class Feed {
  epoch = newEpoch();
  newestSeq = 0;
  protected readonly ring: EventRing;
  private readonly listeners = new Set<EventListener>();
  /** µs each publish spent handing its event to every listener (see /api/process). */
  readonly fanOutTimes = createHistogram();
  protected readonly epochListeners = new Set<EpochListener>();
  private readonly settingsListeners = new Set<SettingsListener>();
  private settings: FeedSettings;
  private generator: ScenarioGenerator;
  private timer: NodeJS.Timeout | null = null;
  private dueAt = 0;
  private pending: EventBody | null = null;

  /**
   * @param now clock in epoch ms with a sub-ms fraction
   * @param bufferSize=100000 events kept for resume
   */
  constructor(
    settings: FeedSettings,
    private readonly now: () => number,
    bufferSize = 100_000,
    bufferBytes = 64 * 1024 * 1024,
  ) {
    this.settings = settings;
    this.generator = makeGenerator(settings);
    this.ring = new EventRing(bufferSize, bufferBytes);
  }

  get running(): boolean {
    return this.timer !== null;
  }

  get currentSettings(): Readonly<FeedSettings> {
    return this.settings;
  }

  publish(body: EventBody, origin?: EventOrigin): StoredEvent {
    this.newestSeq += 1;
    const stored = storeEvent(this.epoch, this.newestSeq, this.now(), body, origin);
    this.deliver(stored);
    return stored;
  }

  /**
   * The route's and the WebSocket's publish: resolves with the event once it has its seq. Here that is at
   * once; a feed shared through Redis (redis-feed.ts) gets its seq from Redis.
   */
  publishShared(body: EventBody, origin?: EventOrigin): Promise<StoredEvent> {
    return Promise.resolve(this.publish(body, origin));
  }

  /** Keeps an event that has its seq (the next one) and hands it to every listener. */
  protected deliver(stored: StoredEvent): void {
    this.ring.push(stored);
    const started = performance.now();
    for (const listener of this.listeners) listener(stored);
    this.fanOutTimes.record(Math.max(1, Math.round((performance.now() - started) * 1000)));
  }

  /** Events after the client's position, or a reset (from now) when that position cannot be honoured. */
  resume(point: ResumePoint, limit: number): ResumeResult {
    const { since, epoch } = point;
    if (since === undefined) return { events: [], next: this.newestSeq };
    const reset = this.resetReason(since, epoch);
    if (reset) return { events: [], next: this.newestSeq, reset };
    const events = this.ring.after(since, limit);
    return { events, next: events.at(-1)?.seq ?? since };
  }

  /** Open streams and held polls, i.e. what the next event fans out to. */
  get listenerCount(): number {
    return this.listeners.size;
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called when the epoch changes, so open streams can tell their clients. */
  onEpoch(listener: EpochListener): () => void {
    this.epochListeners.add(listener);
    return () => this.epochListeners.delete(listener);
  }

  /** Called after the scenario, rate or payload size changed (configure), with the new settings. */
  onSettings(listener: SettingsListener): () => void {
    this.settingsListeners.add(listener);
    return () => this.settingsListeners.delete(listener);
  }

  start(): void {
    if (this.timer) return;
    this.dueAt = this.now();
    this.scheduleNext();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = null;
  }

  /** Starts a new epoch: seq restarts at 1 and every client must reset. */
  restart(): void {
    this.epoch = newEpoch();
    this.newestSeq = 0;
    this.ring.clear();
    for (const listener of this.epochListeners) listener(this.epoch);
  }

  /** Changes scenario, rate or payload size; the generator restarts from the seed. */
  configure(settings: FeedSettings): void {
    const wasRunning = this.running;
    this.stop();
    this.settings = settings;
    this.generator = makeGenerator(settings);
    if (wasRunning) this.start();
    for (const listener of this.settingsListeners) listener(settings);
  }

  /** Where the generator's events go (a shared feed sends them to Redis). */
  protected publishGenerated(body: EventBody): void {
    this.publish(body);
  }

  private resetReason(since: number, epoch: string | undefined): ResetReason | undefined {
    if (epoch !== undefined && epoch !== this.epoch) return 'foreign-epoch';
    if (since > this.newestSeq) return 'future-seq';
    const oldest = this.ring.oldestSeq ?? this.newestSeq + 1;
    if (since < oldest - 1) return 'too-old';
    return undefined;
  }

  private scheduleNext(): void {
    const { delayMs, body } = this.generator.next();
    this.pending = body;
    this.dueAt = Math.max(this.dueAt + delayMs, this.now() - MAX_CATCH_UP_MS);
    this.timer = setTimeout(this.fire, Math.max(0, this.dueAt - this.now()));
  }

  private readonly fire = (): void => {
    // Publish everything that is due (a burst's events are 0 ms apart), then wait for the next.
    this.dueAt = Math.max(this.dueAt, this.now() - MAX_CATCH_UP_MS);
    while (this.pending && this.dueAt <= this.now()) {
      this.publishGenerated(this.pending);
      const { delayMs, body } = this.generator.next();
      this.pending = body;
      this.dueAt += delayMs;
    }
    if (!this.timer) return; // a listener stopped the feed
    this.timer = setTimeout(this.fire, Math.max(0, this.dueAt - this.now()));
  };
}

function makeGenerator(settings: FeedSettings): ScenarioGenerator {
  return createScenarioGenerator(settings.scenario, {
    seed: settings.seed,
    ...(settings.ratePerSecond !== undefined ? { ratePerSecond: settings.ratePerSecond } : {}),
    ...(settings.payloadBytes !== undefined ? { payloadBytes: settings.payloadBytes } : {}),
  });
}

/** A fresh epoch id (8 base64url characters). */
export function newEpoch(): string {
  return randomBytes(6).toString('base64url');
}
