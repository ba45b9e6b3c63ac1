/**
 * Short polling: every request is answered at once with whatever is new —
 * often nothing. Its cost is one full HTTP exchange per interval.
 */
import type { FastifyInstance } from 'fastify';
import { MAX_EVENTS_PER_ANSWER } from '../../protocol/limits.ts';
import { TRANSPORT_RECORDS } from '../../protocol/transport-records.ts';
import { parseFeedQuery } from './feed-query.ts';
import { sendPollAnswer } from './poll-answer.ts';
import { PollStarts } from './poll-starts.ts';
import type { TransportContext } from './transport-context.ts';

export async function shortPollTransport(app: FastifyInstance, context: TransportContext): Promise<void> {
  const { feed } = context;
  const starts = new PollStarts();
  app.get(TRANSPORT_RECORDS['short-poll'].path, { config: { meter: 'short-poll' } }, (request, reply) => {
    const point = starts.pointFor(parseFeedQuery(request.query), feed.newestSeq, feed.epoch);
    return sendPollAnswer(request, reply, context, 'short-poll', feed.epoch, feed.resume(point, MAX_EVENTS_PER_ANSWER));
  });
}
