/**
 * The event model every transport carries (see README "The feed").
 * Shared by the server, the Node load tools and the browser dashboard, so it
 * imports nothing environment-specific.
 */

/** Where an upstream event came from, so its sender can time the round trip. */
export interface EventOrigin {
  client: string;
  id: string;
}

export interface FeedEvent {
  /** Random id of this feed's life; changes when the feed restarts or resets. */
  epoch: string;
  /** 1, 2, 3 … within an epoch. */
  seq: number;
  /** Publish time on the server: epoch milliseconds with a sub-ms fraction. */
  t: number;
  topic: string;
  /**
   * Any JSON value. Binary events carry their bytes base64-encoded here on the
   * text transports, with `encoding: "base64"`; WebSocket sends them raw.
   */
  data: unknown;
  encoding?: 'base64';
  origin?: EventOrigin;
}

/** The names of the transports, in the order the lab shows them. */
export const TRANSPORT_NAMES = ['short-poll', 'long-poll', 'sse', 'websocket', 'socket-io'] as const;
export type TransportName = (typeof TRANSPORT_NAMES)[number];

export function isTransportName(value: unknown): value is TransportName {
  return typeof value === 'string' && (TRANSPORT_NAMES as readonly string[]).includes(value);
}

/** The answer of both polling endpoints. `next` is what to pass as `since` next time. */
export interface PollResponse {
  epoch: string;
  next: number;
  events: FeedEvent[];
  /** Present when the client's `since`/`epoch` could not be honoured: the events in between are lost. */
  reset?: ResetReason;
}

/** Why a resume could not continue where the client left off. */
export type ResetReason = 'foreign-epoch' | 'future-seq' | 'too-old';

/**
 * Control messages on the WebSocket and as named SSE events (`event: hello`,
 * `event: reset`). They are framing, not payload: only events are payload.
 */
export type ControlMessage =
  | { type: 'hello'; epoch: string; next: number }
  | { type: 'reset'; epoch: string; next: number; reason: ResetReason }
  | { type: 'error'; code: string; message: string };

/** What a client sends upstream: over WebSocket as a text message, over HTTP as the publish body. */
export interface UpstreamMessage {
  client?: string;
  id?: string;
  topic?: string;
  data: unknown;
}

/** The body of every error answer of the API. */
export interface ErrorBody {
  code: string;
  message: string;
  hint?: string;
}
