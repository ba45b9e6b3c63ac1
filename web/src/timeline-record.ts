/**
 * One transport's wire activity for the timeline ("on the wire, last 10
 * seconds"), kept in one-second chunks. Each event, request and upstream
 * message is an O(1) append to its chunk; a snapshot hands out each chunk as
 * an immutable view that keeps its identity until something in that chunk
 * changes. At 50 events/s a lane holds ~500 events and, for long polling,
 * ~500 requests: the timeline redraws only the chunks that changed (usually
 * the newest) and slides the others, instead of rebuilding every bar 4 times a second.
 */

/** The timeline's window (ms). */
export const TIMELINE_WINDOW_MS = 10_000;
/** Width of one chunk (ms). */
export const CHUNK_MS = 1000;
/** Kept beyond the window (ms), so a late answer still finds its request. */
const MARGIN_MS = 2000;
/** Requests without an answer kept at most (an answer that never came must not grow memory). */
const PENDING_KEEP = 5000;
const STREAMS_KEEP = 50;
const MARKS_KEEP = 50;

/** A moment in one lane worth a label, e.g. Socket.IO's `upgrade` from polling to websocket. */
export interface TimelineMark {
  at: number;
  label: string;
}

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

/** One second of one lane. The same object while nothing in it changes. */
export interface TimelineChunk {
  /** Start of the second (ms since the epoch, a multiple of CHUNK_MS). */
  start: number;
  /** Requests that started in this second and have been answered. */
  requests: readonly TimelineRequest[];
  /** Arrival times of events. */
  events: readonly number[];
  /** Times this page sent an upstream message on the open WebSocket. */
  upstream: readonly number[];
}

export interface TimelineLane {
  /** Oldest first: every chunk with something inside the window. */
  chunks: readonly TimelineChunk[];
  /** Requests still waiting for their answer (drawn up to now). */
  pending: readonly TimelineRequest[];
  streams: readonly TimelineStream[];
  marks: readonly TimelineMark[];
  /** Feed requests (not upstream posts) and streams inside the window. */
  feedRequests: number;
  /** Events that arrived inside the window. */
  events: number;
}

/**
 * Upstream messages over HTTP are POSTs to the publish path, or Engine.IO's POSTs (`POST /socket.io/ polling`,
 * which carry the client's packets); everything else is a feed request.
 */
export const isUpstreamRequest = (request: TimelineRequest): boolean =>
  request.path.endsWith('/publish') || request.path.startsWith('POST ');

class Chunk {
  readonly requests: TimelineRequest[] = [];
  readonly events: number[] = [];
  readonly upstream: number[] = [];
  /** The latest answer to a request that started here (ms): the chunk stays while that is in the window. */
  lastEnd = 0;
  /** Requests that started here and wait for their answer: the chunk stays until they have one. */
  waiting = 0;
  private view: TimelineChunk | null = null;

  constructor(readonly start: number) {}

  changed(): void {
    this.view = null;
  }

  /** The immutable view, rebuilt only after a change. */
  freeze(): TimelineChunk {
    this.view ??= {
      start: this.start,
      requests: this.requests.map((r) => ({ ...r })),
      events: [...this.events],
      upstream: [...this.upstream],
    };
    return this.view;
  }
}

export class TimelineRecord {
  /** Oldest first. */
  private chunks: Chunk[] = [];
  private readonly pending = new Map<number, { request: TimelineRequest; chunk: Chunk }>();
  private streams: TimelineStream[] = [];
  private marks: TimelineMark[] = [];

  mark(at: number, label: string): void {
    this.marks.push({ at, label });
    if (this.marks.length > MARKS_KEEP) this.marks.shift();
  }

  event(at: number): void {
    const chunk = this.chunkAt(at);
    chunk.events.push(at);
    chunk.changed();
  }

  upstreamMessage(at: number): void {
    const chunk = this.chunkAt(at);
    chunk.upstream.push(at);
    chunk.changed();
  }

  requestStart(id: number, at: number, path: string): void {
    // Shown as pending until answered; only then does it join its chunk's view.
    const chunk = this.chunkAt(at);
    chunk.waiting++;
    this.pending.set(id, { request: { start: at, end: null, path }, chunk });
    if (this.pending.size > PENDING_KEEP) {
      const [oldest, entry] = this.pending.entries().next().value ?? [];
      if (oldest !== undefined && entry) {
        this.pending.delete(oldest);
        entry.chunk.waiting--;
      }
    }
  }

  /** @returns the answered request, or undefined when it is not known (too old, or from a replaced client) */
  requestEnd(id: number, at: number, status: number | undefined): TimelineRequest | undefined {
    const entry = this.pending.get(id);
    if (!entry) return undefined;
    this.pending.delete(id);
    const { request, chunk } = entry;
    chunk.waiting--;
    request.end = at;
    if (status !== undefined) request.status = status;
    chunk.requests.push(request);
    chunk.lastEnd = Math.max(chunk.lastEnd, at);
    chunk.changed();
    return request;
  }

  streamStart(at: number): void {
    this.streams.push({ start: at, open: null, end: null });
  }

  streamOpen(at: number): void {
    const stream = this.streams.at(-1);
    if (stream && stream.open === null) stream.open = at;
    // EventSource reconnects by itself: a new response without a new request-start.
    else this.streams.push({ start: at, open: at, end: null });
  }

  streamClose(at: number): void {
    const stream = this.streams.at(-1);
    if (stream && stream.end === null) stream.end = at;
  }

  /** A stopped client: its open stream and its requests end now on the timeline. */
  endAll(at: number): void {
    for (const stream of this.streams) if (stream.end === null) stream.end = at;
    for (const id of [...this.pending.keys()]) this.requestEnd(id, at, undefined);
  }

  /** The lane as of `now`, and drops what has left the window (with a margin). */
  lane(now: number): TimelineLane {
    const from = now - TIMELINE_WINDOW_MS;
    this.prune(from - MARGIN_MS);
    const chunks: TimelineChunk[] = [];
    let events = 0;
    let feedRequests = 0;
    for (const chunk of this.chunks) {
      const whole = chunk.start >= from;
      if (!whole && chunk.start + CHUNK_MS <= from && chunk.lastEnd < from) continue;
      const view = chunk.freeze();
      chunks.push(view);
      if (whole) events += view.events.length;
      else for (const at of view.events) if (at >= from) events++;
      for (const request of view.requests) {
        if ((request.end ?? now) >= from && !isUpstreamRequest(request)) feedRequests++;
      }
    }
    const pending: TimelineRequest[] = [];
    for (const { request } of this.pending.values()) {
      pending.push({ ...request });
      if (!isUpstreamRequest(request)) feedRequests++;
    }
    const streams = this.streams.filter((s) => s.end === null || s.end >= from).map((s) => ({ ...s }));
    const marks = this.marks.filter((m) => m.at >= from).map((m) => ({ ...m }));
    return { chunks, pending, streams, marks, feedRequests: feedRequests + streams.length, events };
  }

  private prune(before: number): void {
    let drop = 0;
    while (drop < this.chunks.length) {
      const chunk = this.chunks[drop] as Chunk;
      if (chunk.start + CHUNK_MS >= before || chunk.lastEnd >= before || chunk.waiting > 0) break;
      drop++;
    }
    if (drop > 0) this.chunks.splice(0, drop);
    if (this.streams.length > STREAMS_KEEP || this.streams.some((s) => s.end !== null && s.end < before)) {
      this.streams = this.streams.filter((s) => s.end === null || s.end >= before).slice(-STREAMS_KEEP);
    }
  }

  /** The chunk holding time `at`, created when missing (times arrive in order, nearly always at the end). */
  private chunkAt(at: number): Chunk {
    const start = Math.floor(at / CHUNK_MS) * CHUNK_MS;
    for (let i = this.chunks.length - 1; i >= 0; i--) {
      const chunk = this.chunks[i] as Chunk;
      if (chunk.start === start) return chunk;
      if (chunk.start < start) {
        const created = new Chunk(start);
        this.chunks.splice(i + 1, 0, created);
        return created;
      }
    }
    const created = new Chunk(start);
    this.chunks.unshift(created);
    return created;
  }
}
