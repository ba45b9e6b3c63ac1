/**
 * Long polling: the request is held until there is something after `since`
 * (or a timeout), then answered with everything new. Each answer costs a new
 * request, and events published while the client re-requests wait for it.
 */
import type { FastifyInstance } from 'fastify';
import { MAX_EVENTS_PER_ANSWER } from '../../protocol/limits.ts';
import { TRANSPORT_RECORDS } from '../../protocol/transport-records.ts';
import { parseFeedQuery, parseIntParam } from './feed-query.ts';
import { sendPollAnswer } from './poll-answer.ts';
import { PollStarts } from './poll-starts.ts';
import type { TransportContext } from './transport-context.ts';

export async function longPollTransport(app: FastifyInstance, context: TransportContext): Promise<void> {
  const { feed, options, closers } = context;
  const starts = new PollStarts();

  app.get(TRANSPORT_RECORDS['long-poll'].path, { config: { meter: 'long-poll' } }, (request, reply) => {
    const point = starts.pointFor(parseFeedQuery(request.query), feed.newestSeq, feed.epoch);
    const timeoutMs = parseIntParam(request.query, 'timeoutMs', 100, 60_000, options.longPollTimeoutMs);
    const first = feed.resume(point, MAX_EVENTS_PER_ANSWER);
    if (first.events.length > 0 || first.reset)
      return sendPollAnswer(request, reply, context, 'long-poll', feed.epoch, first);

    // Nothing yet: wait from the position the first look established ("now" when since was absent).
    const position = { since: first.next, epoch: feed.epoch };
    const answer = (): void => {
      cleanup();
      if (reply.raw.destroyed) return;
      sendPollAnswer(request, reply, context, 'long-poll', feed.epoch, feed.resume(position, MAX_EVENTS_PER_ANSWER));
    };
    const unsubscribe = feed.subscribe(answer);
    const stopOnEpoch = feed.onEpoch(answer);
    const timer = setTimeout(answer, timeoutMs);
    const cleanup = (): void => {
      unsubscribe();
      stopOnEpoch();
      clearTimeout(timer);
      closers.delete(answer);
    };
    closers.add(answer);
    // An aborted request frees its waiter at once.
    reply.raw.once('close', cleanup);
    return reply;
  });
}
