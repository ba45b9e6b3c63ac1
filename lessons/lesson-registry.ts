/**
 * Every lesson, in the order a class meets them. Adding one is a file
 * `lessons/<id>.ts` and a line here; `satisfies` makes a malformed one a type error.
 */
import { http2LiftsSixConnectionLimit } from './http2-lifts-six-connection-limit.ts';
import type { Lesson } from './lesson.ts';
import { longPollFasterThanAjax } from './long-poll-faster-than-ajax.ts';
import { longPollHeaderOnce } from './long-poll-header-once.ts';
import { longPollOneConnectionOverHttp2 } from './long-poll-one-connection-over-http2.ts';
import { oneConnectionPerRequest } from './one-connection-per-request.ts';
import { pollingHeadersShrinkOverHttp2 } from './polling-headers-shrink-over-http2.ts';
import { pollingNotRealTime } from './polling-not-real-time.ts';
import { sameSizedHeaders } from './same-sized-headers.ts';
import { sixConnectionsPerOrigin } from './six-connections-per-origin.ts';
import { sseNoBinary } from './sse-no-binary.ts';
import { sseNotBidirectional } from './sse-not-bidirectional.ts';
import { tcpDeliversInOrder } from './tcp-delivers-in-order.ts';
import { websocketHeadersOnce } from './websocket-headers-once.ts';
import { websocketLowerLatency } from './websocket-lower-latency.ts';
import { websocketTwoBytesOverhead } from './websocket-two-bytes-overhead.ts';
import { websocketUpgradeSameConnection } from './websocket-upgrade-same-connection.ts';

export const LESSONS = [
  websocketHeadersOnce,
  websocketTwoBytesOverhead,
  sameSizedHeaders,
  websocketUpgradeSameConnection,
  pollingNotRealTime,
  longPollFasterThanAjax,
  longPollHeaderOnce,
  websocketLowerLatency,
  sseNoBinary,
  sseNotBidirectional,
  oneConnectionPerRequest,
  tcpDeliversInOrder,
  sixConnectionsPerOrigin,
  http2LiftsSixConnectionLimit,
  pollingHeadersShrinkOverHttp2,
  longPollOneConnectionOverHttp2,
] as const satisfies readonly Lesson[];

export const LESSON_IDS: readonly string[] = LESSONS.map((lesson) => lesson.id);

/** The lesson with this id, or undefined. */
export function findLesson(id: string): Lesson | undefined {
  return LESSONS.find((lesson) => lesson.id === id);
}
