/**
 * Upstream for the HTTP transports: one POST per message. Its bytes count
 * under the transport named by `?transport=` (the sender's), else under `lab`.
 */
import type { FastifyInstance } from 'fastify';
import { TRANSPORT_NAMES } from '../../protocol/feed-event.ts';
import { LOAD_RUN_HEADER } from '../../protocol/load-run-header.ts';
import { sendsUpstreamOverHttp, TRANSPORT_RECORDS } from '../../protocol/transport-records.ts';
import { LabErrors } from '../errors.ts';
import { jsonContentTypeProblem } from '../json-content-type.ts';
import { parseFeedQuery } from './feed-query.ts';
import type { TransportContext } from './transport-context.ts';
import { parseUpstream } from './upstream-message.ts';

const overHttp = TRANSPORT_NAMES.filter((name) => TRANSPORT_RECORDS[name].upstream === 'http');
const onSocket = TRANSPORT_NAMES.filter((name) => TRANSPORT_RECORDS[name].upstream === 'socket');
/** Built from the records, so a new transport is named here without an edit. */
const TRANSPORT_PROBLEM = `"transport" must be ${overHttp.join(', ')} (${onSocket.join(', ')} send${onSocket.length === 1 ? 's' : ''} upstream on its own socket)`;

export async function publishRoute(
  app: FastifyInstance,
  { feed, upstream: budget, clientAddressOf }: TransportContext,
): Promise<void> {
  app.post(
    '/api/feed/publish',
    {
      config: { meter: 'publish' },
      onRequest: (request, _reply, done) => {
        // Refused before the body is read: a chunked body's wire size could not be metered.
        if (request.headers['transfer-encoding'] !== undefined) return done(LabErrors.LENGTH_REQUIRED());
        done(jsonContentTypeProblem(request.headers['content-type']) ?? undefined);
      },
    },
    async (request) => {
      const query = parseFeedQuery(request.query);
      const transport = (request.query as Record<string, unknown>).transport;
      if (transport !== undefined && !sendsUpstreamOverHttp(transport)) throw LabErrors.BAD_QUERY(TRANSPORT_PROBLEM);
      // Keyed by the address, not by the client id the sender picks (see upstream-budget.ts).
      const loadRunKey = request.headers[LOAD_RUN_HEADER];
      budget.take(
        {
          address: clientAddressOf(request.raw.socket),
          loadRunKey: typeof loadRunKey === 'string' ? loadRunKey : undefined,
        },
        Number(request.headers['content-length'] ?? 0),
      );
      const upstream = parseUpstream(request.body, query.client);
      const stored = await feed.publishShared(upstream.body, upstream.origin);
      return { epoch: feed.epoch, seq: stored.seq };
    },
  );
}
