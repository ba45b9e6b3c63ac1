/**
 * The lab's own state as its API reports it: the feed (`GET /api/feed/status`)
 * and the lab process's cost (`GET /api/process`).
 */
import type { SegmentInfo } from './segment.ts';

export interface FeedStatus {
  /** The segment under way: the conditions its figures are measured under. */
  segment: SegmentInfo;
  epoch: string;
  seq: number;
  running: boolean;
  scenario: string;
  seed: number;
  ratePerSecond: number;
  payloadBytes: number;
}

/**
 * `GET /api/process[?reset=true]`: CPU, memory and event loop, read inside the
 * lab's process so a load generator's CPU never counts. CPU and event-loop
 * times are cumulative (diff two reads); the delay figures cover the time since
 * the last `?reset=true` (or the start).
 */
/** `GET /api/access`: may this caller steer the lab (feed, network, load runs)? */
export interface LabAccess {
  lan: boolean;
  /** Control actions need `Authorization: Bearer <teacher token>`. */
  controlNeedsToken: boolean;
  /** This request's credentials would be accepted by a control action. */
  canControl: boolean;
}

export interface ProcessFigures {
  /** Server time of the reading, epoch ms. */
  t: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** The heap V8 has reserved (live objects, garbage not yet collected, and room to allocate): part of RSS. */
  heapTotalBytes: number;
  /** Memory outside the JS heap: Buffers and other C++ objects bound to JS (`arrayBuffersBytes` is the Buffer part). */
  externalBytes: number;
  arrayBuffersBytes: number;
  /** Cumulative: idle and active ms since the process started, and active / (idle + active). */
  eventLoop: { idleMs: number; activeMs: number; utilization: number };
  /** How late timers ran, beyond the sampling interval itself (ms). */
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  /** Open TCP connections of the lab's server. */
  connections: number;
  /**
   * Handing each event to every open stream and held poll (the publish loop), since
   * the last reset: what grows with the clients, as one thread writes to each socket.
   */
  fanOut: FanOutFigures;
}

export interface FanOutFigures {
  /** Events published in the window. */
  events: number;
  /** Streams and held polls subscribed now: what the next event fans out to. */
  listeners: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** `GET /api/https`: the lab's HTTPS ports (`npm start -- --https`), null when it has none. */
export interface HttpsPorts {
  /** Offers HTTP/2 (and HTTP/1.1, which WebSocket upgrades use). */
  h2Port: number | null;
  /** Offers HTTP/1.1 only. */
  http1Port: number | null;
  /** The open HTTP/2 connections, each with its HPACK dynamic tables. */
  sessions: H2SessionInfo[];
}

/** One HTTP/2 connection and what HPACK remembers on it (RFC 7541 §4: entry sizes, 32 B overhead each included). */
export interface H2SessionInfo {
  /** The client's address and port. */
  peer: string;
  /** Bytes in the lab's decoder table: request header fields the client indexed, which later heads point at. */
  requestTableBytes: number;
  /** Bytes in the lab's encoder table: response header fields it indexed. */
  responseTableBytes: number;
}
