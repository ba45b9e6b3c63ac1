/**
 * The part of every feed client that does not depend on the transport: options,
 * state, the seq/epoch bookkeeping (messages, gaps, missed, duplicates),
 * latency and round-trip measurement, reconnect backoff, timers and the HTTP
 * helpers the polling transports and HTTP upstream share.
 *
 * Written only against the APIs in ClientEnv (plus setTimeout and
 * AbortController, which every environment has), never Node or DOM globals.
 */
import type {
  ControlMessage,
  FeedEvent,
  PollResponse,
  ResetReason,
  TransportName,
  UpstreamMessage,
} from '../protocol/feed-event.ts';
import { stripUndefined } from '../protocol/strip-undefined.ts';
import type { ClientEnv } from './client-env.ts';
import { LatencyRing, type LatencySummary } from './latency-summary.ts';

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
  /** Long poll: sent as `timeoutMs`, how long (ms) the server may hold a request (100–60000). Default 25000. */
  longPollTimeoutMs?: number;
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

/** An error with a `LAB_ERR_…` code: from the server's error body, or raised by the client itself. */
export class FeedClientError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'FeedClientError';
  }
}

const DEFAULTS = {
  clockOffsetMs: 0,
  shortPollIntervalMs: 1000,
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
const CLIENT_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Joins the lab's base URL (which may carry a proxy's path prefix and a
 * trailing slash) with an API path and an optional query string.
 */
export function apiUrl(baseUrl: string, path: string, query = ''): string {
  const url = new URL(baseUrl);
  const prefix = url.pathname.replace(/\/+$/, '');
  return `${url.origin}${prefix}${path}${query ? `?${query}` : ''}`;
}

export abstract class FeedClient {
  abstract readonly transport: TransportName;

  protected readonly options: ResolvedOptions;
  protected readonly env: ClientEnv;

  private currentState: ClientState = 'idle';
  private currentEpoch: string | null = null;
  private currentSeq = 0;
  private readonly counts = { messages: 0, gaps: 0, missed: 0, duplicates: 0, reconnects: 0, errors: 0 };
  private lastError: string | undefined;
  private readonly latencies: LatencyRing;
  private readonly roundTrips: number[] = [];
  private readonly pendingRoundTrips = new Map<string, number>();
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly requests = new Set<AbortController>();
  private failures = 0;
  private runId = 0;
  private publishCount = 0;
  private requestCount = 0;
  // Distinguishes this instance's message ids from another instance using the same clientId.
  private readonly idPrefix = Math.random().toString(36).slice(2, 8);

  constructor(options: FeedClientOptions) {
    // Merged once; explicit `undefined`s must not hide a default.
    const resolved = { ...DEFAULTS, ...stripUndefined(options) } as ResolvedOptions;
    validateOptions(resolved);
    this.options = resolved;
    this.env = resolved.env;
    this.latencies = new LatencyRing(resolved.keepLatencySamples);
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
    for (const controller of this.requests) controller.abort();
    this.requests.clear();
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
      epoch: this.currentEpoch,
      lastSeq: this.currentSeq,
      ...this.counts,
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
    return this.currentEpoch;
  }

  protected get lastSeq(): number {
    return this.currentSeq;
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
    if (this.currentEpoch === null) return '';
    return `since=${this.currentSeq}&epoch=${encodeURIComponent(this.currentEpoch)}`;
  }

  /**
   * The shared seq/epoch logic for one event; `receivedAt` (epoch ms) defaults to now.
   * Duplicates are dropped; jumps count a gap and the events known to be missed.
   */
  protected receive(event: FeedEvent, receivedAt = this.env.now()): void {
    if (this.currentEpoch === null) {
      this.moveTo(event.epoch, event.seq - 1);
    } else if (event.epoch !== this.currentEpoch) {
      this.noteReset('epoch-changed');
      this.moveTo(event.epoch, event.seq - 1);
    }
    if (event.seq <= this.currentSeq) {
      this.counts.duplicates++;
      return;
    }
    this.skipTo(event.seq - 1);
    this.currentSeq = event.seq;
    this.counts.messages++;
    const latencyMs = receivedAt - (event.t - this.options.clockOffsetMs);
    this.latencies.add(latencyMs);
    if (event.origin?.client === this.options.clientId) this.completeRoundTrip(event.origin.id, receivedAt);
    const hook = this.options.onEvent;
    if (hook) this.callHook(() => hook(event, latencyMs));
  }

  /** hello / reset / error, as sent on the WebSocket and as named SSE events. */
  protected handleControl(message: ControlMessage): void {
    switch (message.type) {
      case 'hello':
        if (this.currentEpoch === null) {
          this.moveTo(message.epoch, message.next);
        } else if (message.epoch !== this.currentEpoch) {
          this.noteReset('epoch-changed');
          this.moveTo(message.epoch, message.next);
        }
        // Same epoch: keep our position. Whether `next` is the resume point or the
        // head, the events that follow carry their seq, and receive() sees any jump.
        break;
      case 'reset':
        this.noteReset(message.reason);
        // Within one epoch (too-old) the lost events are exactly those up to `next`.
        if (message.epoch === this.currentEpoch && message.next > this.currentSeq) {
          this.counts.missed += message.next - this.currentSeq;
        }
        this.moveTo(message.epoch, message.next);
        break;
      case 'error':
        this.noteError(new FeedClientError(message.code, message.message));
        break;
    }
  }

  /** A short- or long-poll answer: position, reset, events, then `next`. */
  protected handlePollAnswer(answer: PollResponse, receivedAt: number): void {
    const first = answer.events[0];
    // With events, `next` is the last event's seq; the position before the batch is just before the first one.
    const position = first ? Math.min(answer.next, first.seq - 1) : answer.next;
    if (answer.reset) {
      this.handleControl({ type: 'reset', epoch: answer.epoch, next: position, reason: answer.reset });
    } else if (this.currentEpoch === null) {
      this.moveTo(answer.epoch, position);
    } else if (answer.epoch !== this.currentEpoch) {
      this.noteReset('epoch-changed');
      this.moveTo(answer.epoch, position);
    }
    for (const event of answer.events) this.receive(event, receivedAt);
    // `next` is what the server will continue after; skipping ahead of what we saw loses events.
    if (answer.epoch === this.currentEpoch) this.skipTo(answer.next);
  }

  /**
   * One poll request. Handles the answer and returns it, or counts the failure,
   * schedules `again` after the backoff and returns null. Also null when the
   * client was stopped meanwhile (the request is aborted by stop()).
   */
  protected async pollOnce(
    path: string,
    query: string,
    timeoutMs: number,
    again: () => void,
  ): Promise<PollResponse | null> {
    const runId = this.runId;
    try {
      const { body, receivedAt } = await this.requestJson(this.url(path, query), {}, timeoutMs);
      if (runId !== this.runId) return null;
      if (!isPollResponse(body))
        throw new FeedClientError('LAB_ERR_CLIENT_BAD_ANSWER', `unexpected poll answer from ${path}`);
      this.markOpen();
      this.handlePollAnswer(body, receivedAt);
      // An app hook may have stopped (or restarted) the client while handling the answer.
      return runId === this.runId ? body : null;
    } catch (error) {
      if (runId !== this.runId) return null;
      this.noteError(error);
      this.retryLater(again);
      return null;
    }
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
  protected async requestJson(
    url: string,
    init: RequestInit,
    timeoutMs: number,
  ): Promise<{ body: unknown; receivedAt: number }> {
    const controller = new AbortController();
    this.requests.add(controller);
    const request = ++this.requestCount;
    const path = new URL(url).pathname;
    let status: number | undefined;
    this.wire('request-start', { request, path });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const response = await this.env.fetch(url, { ...init, signal: controller.signal });
      status = response.status;
      const text = await response.text();
      const receivedAt = this.env.now();
      if (!response.ok) {
        // A proxy in front of the lab may answer with HTML; only the lab's own errors carry a code.
        const body = parseJsonOrNull(text);
        if (isErrorBody(body)) throw new FeedClientError(body.code, body.message);
        throw new FeedClientError('LAB_ERR_CLIENT_HTTP', `HTTP ${response.status} from ${url}`);
      }
      return { body: text ? (JSON.parse(text) as unknown) : null, receivedAt };
    } catch (error) {
      if (timedOut) throw new FeedClientError('LAB_ERR_CLIENT_TIMEOUT', `no answer within ${timeoutMs} ms`);
      throw error;
    } finally {
      clearTimeout(timer);
      this.requests.delete(controller);
      this.wire('request-end', { request, path, ...(status === undefined ? {} : { status }) });
    }
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
    const valid =
      ((value.type === 'hello' || value.type === 'reset') && typeof value.epoch === 'string' && isSeq(value.next)) ||
      (value.type === 'error' && typeof value.code === 'string');
    if (valid) return value as unknown as ControlMessage;
    if (value.type === 'hello' || value.type === 'reset' || value.type === 'error') {
      throw new FeedClientError('LAB_ERR_CLIENT_BAD_MESSAGE', `malformed ${value.type} message`);
    }
    return null;
  }

  private moveTo(epoch: string, seq: number): void {
    this.currentEpoch = epoch;
    this.currentSeq = seq;
  }

  /** Moves the position forward to `seq`, counting a gap and the skipped events when that skips any. */
  private skipTo(seq: number): void {
    if (seq <= this.currentSeq) return;
    this.counts.gaps++;
    this.counts.missed += seq - this.currentSeq;
    this.currentSeq = seq;
  }

  private noteReset(reason: ResetReason | 'epoch-changed'): void {
    this.counts.gaps++;
    const hook = this.options.onReset;
    if (hook) this.callHook(() => hook(reason));
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
  if (typeof o.clientId !== 'string' || !CLIENT_ID.test(o.clientId)) {
    problems.push(`clientId must be 1–64 of A-Za-z0-9._-, got ${JSON.stringify(o.clientId)}`);
  }
  if (typeof o.env?.fetch !== 'function' || typeof o.env?.now !== 'function') problems.push('env needs fetch and now');
  if (!Number.isFinite(o.clockOffsetMs)) problems.push('clockOffsetMs must be a finite number');
  if (!(o.shortPollIntervalMs >= 0)) problems.push('shortPollIntervalMs must be ≥ 0');
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

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSeq(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}

function isFeedEvent(value: unknown): value is FeedEvent {
  return isRecord(value) && typeof value.epoch === 'string' && isSeq(value.seq) && typeof value.t === 'number';
}

function isPollResponse(value: unknown): value is PollResponse {
  return (
    isRecord(value) &&
    typeof value.epoch === 'string' &&
    isSeq(value.next) &&
    Array.isArray(value.events) &&
    value.events.every(isFeedEvent)
  );
}

function parseJsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function isErrorBody(value: unknown): value is { code: string; message: string } {
  return isRecord(value) && typeof value.code === 'string' && typeof value.message === 'string';
}

function describeError(error: unknown): string {
  if (error instanceof FeedClientError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
