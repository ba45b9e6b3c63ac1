/**
 * The part of every feed client that does not depend on the transport: options,
 * state, latency and round-trip measurement, reconnect backoff, timers and
 * HTTP upstream. Its parts live beside it: the seq/epoch bookkeeping in
 * sequence-tracker.ts, the HTTP helpers in feed-http.ts, the message checks in
 * protocol/feed-message-guards.ts, the polling loop in polling-client.ts.
 *
 * Written only against the APIs in ClientEnv (plus setTimeout and
 * AbortController, which every environment has), never Node or DOM globals.
 */

import { CLIENT_ID_PATTERN } from '../protocol/client-id.ts';
import type {
  ControlMessage,
  FeedEvent,
  PollResponse,
  ResetReason,
  TransportName,
  UpstreamMessage,
} from '../protocol/feed-event.ts';
import { isControlMessage, isFeedEvent, isKnownControlType, isRecord } from '../protocol/feed-message-guards.ts';
import { stripUndefined } from '../protocol/strip-undefined.ts';
import type { ClientEnv } from './client-env.ts';
import { describeError, FeedClientError } from './feed-client-error.ts';
import { apiUrl, type JsonAnswer, JsonRequests } from './feed-http.ts';
import { LatencyRing, type LatencySummary } from './latency-summary.ts';
import { SequenceTracker } from './sequence-tracker.ts';

/** One value at a time, changed only through `setState` (as engine.io's readyState). */
export type ClientState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface FeedClientOptions {
  /** Where the lab (or a proxy in front of it) listens, e.g. `http://127.0.0.1:3000`; a path prefix is kept, a trailing slash is optional. */
  baseUrl: string;
  /** Sent as `?client=` on every request (1–64 of `A-Za-z0-9._-`), so the meter can report this client alone. */
  clientId: string;
  env: ClientEnv;
  /**
   * Server clock − client clock, in ms (what `estimateClockOffset` returns). Default 0 (same machine).
   * Latency = receive − (t − offset): the event's server time `t` moved onto the client's clock.
   */
  clockOffsetMs?: number;
  /** Short poll: wait this long (ms) after each answer before the next request, so the period is interval + round trip. Default 1000. */
  shortPollIntervalMs?: number;
  /**
   * Short poll: conditional requests (`?conditional=1` with `If-None-Match` set to the last answer's
   * ETag), so an answer with nothing new is a `304 Not Modified` without a body. Default false.
   */
  shortPollConditional?: boolean;
  /** Long poll: sent as `timeoutMs`, how long (ms) the server may hold a request (100–60000). Default 25000. */
  longPollTimeoutMs?: number;
  /**
   * Socket.IO only: the Engine.IO transports its client may use, in order. Default `['polling', 'websocket']`
   * (long polling first, then the upgrade); `['websocket']` never falls back, `['polling']` never upgrades.
   */
  socketIoTransports?: ('polling' | 'websocket')[];
  /**
   * Socket.IO only: follow one topic of the scenario (its room, e.g. `ticker.ACME`) instead of the whole feed.
   * Its events keep their feed seq, so the seqs between them (other topics) are skipped on purpose, not lost.
   * Default: every topic.
   */
  socketIoRoom?: string;
  /** First reconnect delay (ms), doubled after each failure, ±50% jitter, reset after a success. Default 250. */
  reconnectMinMs?: number;
  /** Upper bound (ms) of the doubled reconnect delay, before jitter. Default 5000. */
  reconnectMaxMs?: number;
  /** How many of the most recent delivery latencies to keep for percentiles. Default 10000; 0 keeps none (use `onEvent`). */
  keepLatencySamples?: number;
  /** Called for each event delivered (not for duplicates), with its delivery latency in ms. */
  onEvent?: (event: FeedEvent, latencyMs: number) => void;
  /** Called when an event this client published comes back: its id and the round trip in ms. */
  onRoundTrip?: (id: string, roundTripMs: number) => void;
  onStateChange?: (state: ClientState) => void;
  /** Called on each discontinuity the server announced (`reset`) or the client saw (`epoch-changed`). */
  onReset?: (reason: ResetReason | 'epoch-changed') => void;
  /** Optional: each request, open, close and message as it happens, for a timeline of the wire (the dashboard's). */
  onWire?: (activity: WireActivity) => void;
}

/** One thing that happened on a client's wire (see `onWire`). `at` is `env.now()`. */
export interface WireActivity {
  kind: 'request-start' | 'request-end' | 'message' | 'open' | 'close';
  at: number;
  transport: TransportName;
  detail?: {
    /** Pairs a request-end with its request-start (per client). */
    request?: number;
    /** The API path, e.g. `/api/feed/long-poll` or `/api/feed/publish`. */
    path?: string;
    /** HTTP status of a request-end; absent when it failed without an answer. */
    status?: number;
    /** message: `down` server → client (default), `up` client → server. */
    direction?: 'up' | 'down';
  };
}

/** What a client has seen so far. Counts are totals since construction. */
export interface ClientStats {
  transport: TransportName;
  state: ClientState;
  /** The epoch the client follows; null before the first hello or poll answer. */
  epoch: string | null;
  /** The newest seq seen in `epoch` (0 before the first hello or poll answer). */
  lastSeq: number;
  /** Events delivered to the app (duplicates excluded). */
  messages: number;
  /** Discontinuities: a reset announced by the server, an epoch change, or a seq jump. */
  gaps: number;
  /** Events known to be lost within one epoch (seq jumps, and `too-old` resets). */
  missed: number;
  /** Events with seq ≤ lastSeq in the same epoch: dropped, not delivered. */
  duplicates: number;
  /** Events the server announced it did not send (Socket.IO volatile emits): known, not gaps. */
  dropped: number;
  /** Times the transport had to reconnect or retry after an error or a close it did not ask for. */
  reconnects: number;
  /** Failed requests, transport error events, unreadable messages, failed publishes, server `error` messages. */
  errors: number;
  /** The most recent error, for a human reading the stats. */
  lastError?: string;
  /** Delivery latency percentiles (ms) over the kept samples; zeros when none. */
  latencyMs: LatencySummary;
  /** The last 100 round trips (ms), oldest first. */
  roundTripMs: number[];
}

const DEFAULTS = {
  clockOffsetMs: 0,
  shortPollIntervalMs: 1000,
  shortPollConditional: false,
  longPollTimeoutMs: 25_000,
  reconnectMinMs: 250,
  reconnectMaxMs: 5000,
  keepLatencySamples: 10_000,
};

type ResolvedOptions = FeedClientOptions & typeof DEFAULTS;

/** A request with no answer after this long (ms, on top of a long poll's own timeout) is given up and retried: covers stalled networks. */
export const REQUEST_TIMEOUT_MS = 30_000;
const ROUND_TRIPS_KEPT = 100;
/** Published ids awaiting their echo; bounded so lost echoes cannot grow memory. */
const PENDING_ROUND_TRIPS_MAX = 1000;

export abstract class FeedClient {
  abstract readonly transport: TransportName;

  protected readonly options: ResolvedOptions;
  protected readonly env: ClientEnv;

  private currentState: ClientState = 'idle';
  private readonly sequence = new SequenceTracker((reason) => {
    const hook = this.options.onReset;
    if (hook) this.callHook(() => hook(reason));
  });
  private readonly counts = { messages: 0, reconnects: 0, errors: 0 };
  private lastError: string | undefined;
  private readonly latencies: LatencyRing;
  private readonly roundTrips: number[] = [];
  private readonly pendingRoundTrips = new Map<string, number>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly requests: JsonRequests;
  private failures = 0;
  private runId = 0;
  private publishCount = 0;
  // Distinguishes this instance's message ids from another instance using the same clientId.
  private readonly idPrefix = Math.random().toString(36).slice(2, 8);

  constructor(options: FeedClientOptions) {
    // Merged once; explicit `undefined`s must not hide a default.
    const resolved = { ...DEFAULTS, ...stripUndefined(options) } as ResolvedOptions;
    validateOptions(resolved);
    this.options = resolved;
    this.env = resolved.env;
    this.latencies = new LatencyRing(resolved.keepLatencySamples);
    this.requests = new JsonRequests(this.env, (kind, detail) => this.wire(kind, detail));
  }

  /** Opens the transport; does nothing when already started. */
  start(): void {
    if (this.running) return;
    this.runId++;
    this.setState('connecting');
    this.connect();
  }

  /** Closes everything and clears every timer, so a stopped client keeps no handle open. It can be started again and resumes. */
  stop(): void {
    if (this.currentState === 'closed') return;
    const wasRunning = this.running;
    this.runId++;
    this.setState('closed');
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.requests.abortAll();
    this.pendingRoundTrips.clear();
    if (wasRunning) this.disconnect();
  }

  get state(): ClientState {
    return this.currentState;
  }

  stats(): ClientStats {
    return {
      transport: this.transport,
      state: this.currentState,
      epoch: this.sequence.epoch,
      lastSeq: this.sequence.seq,
      ...this.counts,
      ...this.sequence.counts,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
      latencyMs: this.latencies.summary(),
      roundTripMs: [...this.roundTrips],
    };
  }

  /**
   * Sends `data` upstream over this client's transport; the server publishes it
   * as a feed event with `origin: {client, id}`. The round trip is measured when
   * that event comes back (`onRoundTrip`, `stats().roundTripMs`).
   * @param topic defaults to `upstream` on the server
   * @returns the message id
   */
  async publish(data: unknown, topic?: string): Promise<string> {
    if (data === undefined) throw new TypeError('publish needs data (any JSON value)');
    const id = `${this.idPrefix}-${++this.publishCount}`;
    const message: UpstreamMessage = { id, data, ...(topic === undefined ? {} : { topic }) };
    if (this.pendingRoundTrips.size >= PENDING_ROUND_TRIPS_MAX) {
      const oldest = this.pendingRoundTrips.keys().next().value;
      if (oldest !== undefined) this.pendingRoundTrips.delete(oldest);
    }
    this.pendingRoundTrips.set(id, this.env.now());
    try {
      await this.sendUpstream(message);
    } catch (error) {
      this.pendingRoundTrips.delete(id);
      this.noteError(error);
      throw error;
    }
    return id;
  }

  /** Opens the transport. Called by start() in state 'connecting'. */
  protected abstract connect(): void;
  /** Closes what connect() opened. Timers and requests made through the helpers below are already cleared. */
  protected abstract disconnect(): void;
  /** Sends one upstream message over this transport (HTTP transports: `postUpstream`). */
  protected abstract sendUpstream(message: UpstreamMessage): Promise<void>;

  /** True between start() and stop(). */
  protected get running(): boolean {
    return this.currentState === 'connecting' || this.currentState === 'open' || this.currentState === 'reconnecting';
  }

  protected get epoch(): string | null {
    return this.sequence.epoch;
  }

  protected get lastSeq(): number {
    return this.sequence.seq;
  }

  /** This client receives a filtered feed (one topic): a jump in seq is not a loss (see SequenceTracker.sparse). */
  protected receivesSomeTopicsOnly(): void {
    this.sequence.sparse = true;
  }

  /** The server says it did not send `count` events, the newest `last` (Socket.IO volatile): counted, and the position moves past them. */
  protected noteDropped(epoch: string, last: number, count: number): void {
    this.sequence.dropped(epoch, last, count);
  }

  protected setState(state: ClientState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    const hook = this.options.onStateChange;
    if (hook) this.callHook(() => hook(state));
  }

  /** The transport works: state 'open', and the next failure starts the backoff from the minimum again. */
  protected markOpen(): void {
    if (!this.running) return;
    this.failures = 0;
    this.setState('open');
  }

  protected noteError(error?: unknown): void {
    this.counts.errors++;
    if (error !== undefined) this.lastError = describeError(error);
  }

  /** Reports wire activity to `onWire`; costs nothing without the hook. */
  protected wire(kind: WireActivity['kind'], detail?: WireActivity['detail']): void {
    const hook = this.options.onWire;
    if (!hook) return;
    const activity: WireActivity = {
      kind,
      at: this.env.now(),
      transport: this.transport,
      ...(detail ? { detail } : {}),
    };
    this.callHook(() => hook(activity));
  }

  /** Counts a reconnect the transport does by itself (EventSource while CONNECTING). */
  protected noteReconnecting(): void {
    if (!this.running) return;
    this.counts.reconnects++;
    this.setState('reconnecting');
  }

  /** Counts a reconnect and runs `again` after the backoff delay. */
  protected retryLater(again: () => void): void {
    if (!this.running) return;
    this.noteReconnecting();
    const base = Math.min(this.options.reconnectMaxMs, this.options.reconnectMinMs * 2 ** this.failures);
    this.failures++;
    this.setTimer(again, base * (0.5 + Math.random()));
  }

  /** A setTimeout that stop() clears and that never fires after stop(). */
  protected setTimer(callback: () => void, ms: number): void {
    if (!this.running) return; // e.g. an onEvent hook called stop()
    const runId = this.runId;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (runId === this.runId) callback();
    }, ms);
    this.timers.add(timer);
  }

  /** URL of a feed endpoint with `client=` first and then `query` (e.g. `resumeQuery()`). */
  protected url(path: string, query = ''): string {
    const client = `client=${encodeURIComponent(this.options.clientId)}`;
    return apiUrl(this.options.baseUrl, path, query ? `${client}&${query}` : client);
  }

  /** `since=…&epoch=…` once the client has a position, '' before the first hello or poll answer ("from now"). */
  protected resumeQuery(): string {
    const { epoch, seq } = this.sequence;
    if (epoch === null) return '';
    return `since=${seq}&epoch=${encodeURIComponent(epoch)}`;
  }

  /**
   * The shared seq/epoch logic for one event; `receivedAt` (epoch ms) defaults to now.
   * Duplicates are dropped; jumps count a gap and the events known to be missed.
   */
  protected receive(event: FeedEvent, receivedAt = this.env.now()): void {
    if (!this.sequence.accept(event)) return;
    this.counts.messages++;
    const latencyMs = receivedAt - (event.t - this.options.clockOffsetMs);
    this.latencies.add(latencyMs);
    if (event.origin?.client === this.options.clientId) this.completeRoundTrip(event.origin.id, receivedAt);
    const hook = this.options.onEvent;
    if (hook) this.callHook(() => hook(event, latencyMs));
  }

  /** hello / reset / error, as sent on the WebSocket and as named SSE events. */
  protected handleControl(message: ControlMessage): void {
    if (message.type === 'error') this.noteError(new FeedClientError(message.code, message.message));
    else this.sequence.control(message);
  }

  /** A short- or long-poll answer: position, reset, events, then `next`. */
  protected handlePollAnswer(answer: PollResponse, receivedAt: number): void {
    this.sequence.beforePollAnswer(answer);
    for (const event of answer.events) this.receive(event, receivedAt);
    this.sequence.afterPollAnswer(answer);
  }

  /** HTTP upstream: `POST /api/feed/publish?client=ID&transport=NAME`. */
  protected async postUpstream(message: UpstreamMessage): Promise<void> {
    const body = JSON.stringify({
      client: this.options.clientId,
      id: message.id,
      data: message.data,
      topic: message.topic,
    });
    await this.requestJson(
      this.url('/api/feed/publish', `transport=${this.transport}`),
      { method: 'POST', headers: { 'Content-Type': 'application/json' }, body },
      REQUEST_TIMEOUT_MS,
    );
  }

  /**
   * fetch + JSON with an AbortController that stop() aborts and that gives up
   * after `timeoutMs`. Non-2xx answers throw a FeedClientError with the server's code.
   * @returns the parsed body and when the answer arrived (epoch ms)
   */
  protected requestJson(url: string, init: RequestInit, timeoutMs: number): Promise<JsonAnswer> {
    return this.requests.request(url, init, timeoutMs);
  }

  /** The client's run: it changes on every start() and stop(), so an answer can tell it arrived too late. */
  protected get run(): number {
    return this.runId;
  }

  /** Parses one event's JSON (SSE data, WebSocket text frame). */
  protected parseEvent(text: string): FeedEvent {
    return this.checkEvent(JSON.parse(text));
  }

  /** Checks the fields the bookkeeping relies on (epoch, seq, t). */
  protected checkEvent(value: unknown): FeedEvent {
    if (!isFeedEvent(value)) throw new FeedClientError('LAB_ERR_CLIENT_BAD_MESSAGE', 'not a feed event');
    return value;
  }

  /** Parses one control message's JSON; null for a type this client does not know (ignored, for forward compatibility). */
  protected parseControl(value: unknown): ControlMessage | null {
    if (!isRecord(value) || typeof value.type !== 'string') {
      throw new FeedClientError('LAB_ERR_CLIENT_BAD_MESSAGE', 'not a control message');
    }
    if (isControlMessage(value)) return value;
    if (isKnownControlType(value.type)) {
      throw new FeedClientError('LAB_ERR_CLIENT_BAD_MESSAGE', `malformed ${value.type} message`);
    }
    return null;
  }

  private completeRoundTrip(id: string, receivedAt: number): void {
    const sentAt = this.pendingRoundTrips.get(id);
    if (sentAt === undefined) return;
    this.pendingRoundTrips.delete(id);
    const roundTripMs = receivedAt - sentAt;
    this.roundTrips.push(roundTripMs);
    if (this.roundTrips.length > ROUND_TRIPS_KEPT) this.roundTrips.shift();
    const hook = this.options.onRoundTrip;
    if (hook) this.callHook(() => hook(id, roundTripMs));
  }

  /** An app hook that throws must not break the client's bookkeeping; the error is rethrown outside it, like a throwing event listener. */
  private callHook(call: () => void): void {
    try {
      call();
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}

/** All option problems at once, in one error. */
function validateOptions(o: ResolvedOptions): void {
  const problems: string[] = [];
  try {
    const url = new URL(o.baseUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      problems.push(`baseUrl must be http(s), got ${url.protocol}`);
  } catch {
    problems.push(`baseUrl is not a URL: ${JSON.stringify(o.baseUrl)}`);
  }
  if (typeof o.clientId !== 'string' || !CLIENT_ID_PATTERN.test(o.clientId)) {
    problems.push(`clientId must be 1–64 of A-Za-z0-9._-, got ${JSON.stringify(o.clientId)}`);
  }
  if (typeof o.env?.fetch !== 'function' || typeof o.env?.now !== 'function') problems.push('env needs fetch and now');
  if (!Number.isFinite(o.clockOffsetMs)) problems.push('clockOffsetMs must be a finite number');
  if (!(o.shortPollIntervalMs >= 0)) problems.push('shortPollIntervalMs must be ≥ 0');
  if (typeof o.shortPollConditional !== 'boolean') problems.push('shortPollConditional must be true or false');
  if (!(o.longPollTimeoutMs >= 100 && o.longPollTimeoutMs <= 60_000))
    problems.push('longPollTimeoutMs must be 100–60000');
  if (!(o.reconnectMinMs > 0)) problems.push('reconnectMinMs must be > 0');
  if (!(o.reconnectMaxMs >= o.reconnectMinMs)) problems.push('reconnectMaxMs must be ≥ reconnectMinMs');
  if (!Number.isInteger(o.keepLatencySamples) || o.keepLatencySamples < 0)
    problems.push('keepLatencySamples must be a whole number ≥ 0');
  if (problems.length > 0) {
    throw new FeedClientError('LAB_ERR_CLIENT_OPTIONS', `invalid FeedClient options: ${problems.join('; ')}`);
  }
}
