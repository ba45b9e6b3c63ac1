/**
 * Short polling: every request is answered at once with whatever is new —
 * often nothing. Its cost is one full HTTP exchange per interval.
 *
 * Conditional (`?conditional=1`): every answer carries an ETag
 * (protocol/poll-etag.ts), and a request whose `If-None-Match` names the
 * answer it would get again — nothing new — is answered `304 Not Modified`
 * with no body. The request and the answer's head are still paid.
 */
import type { FastifyInstance } from 'fastify';
import { MAX_EVENTS_PER_ANSWER } from '../../protocol/limits.ts';
import { ifNoneMatchMatches, pollETag } from '../../protocol/poll-etag.ts';
import { TRANSPORT_RECORDS } from '../../protocol/transport-records.ts';
import { parseFeedQuery, parseFlagParam } from './feed-query.ts';
import { sendNotModified, sendPollAnswer } from './poll-answer.ts';
import { PollStarts } from './poll-starts.ts';
import type { TransportContext } from './transport-context.ts';

export async function shortPollTransport(app: FastifyInstance, context: TransportContext): Promise<void> {
  const { feed } = context;
  const starts = new PollStarts();
  app.get(TRANSPORT_RECORDS['short-poll'].path, { config: { meter: 'short-poll' } }, (request, reply) => {
    const point = starts.pointFor(parseFeedQuery(request.query), feed.newestSeq, feed.epoch);
    const conditional = parseFlagParam(request.query, 'conditional');
    const result = feed.resume(point, MAX_EVENTS_PER_ANSWER);
    if (!conditional) return sendPollAnswer(request, reply, context, 'short-poll', feed.epoch, result);
    const etag = pollETag(feed.epoch, result.next);
    reply.header('etag', etag);
    const unchanged = result.events.length === 0 && result.reset === undefined;
    if (unchanged && ifNoneMatchMatches(request.headers['if-none-match'], etag)) {
      return sendNotModified(request, reply, context, 'short-poll');
    }
    return sendPollAnswer(request, reply, context, 'short-poll', feed.epoch, result);
  });
}
