/**
 * WebSocket: one upgrade, then one frame per event in each direction. The
 * meter takes the socket's byte counters after every frame the lab sends or
 * receives; what is not the event (or the client's message) is framing —
 * frame headers, masks, pings, pongs, close frames, control messages.
 */
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { WebSocket } from 'ws';
import type { ControlMessage } from '../../protocol/feed-event.ts';
import { LOAD_RUN_HEADER } from '../../protocol/load-run-header.ts';
import { TRANSPORT_RECORDS } from '../../protocol/transport-records.ts';
import { isLabError, LabErrors } from '../errors.ts';
import type { StoredEvent } from '../feed/stored-event.ts';
import { requestHeadOf, WireInspector } from '../meter/wire-inspector.ts';
import type { UpstreamSender } from '../security/upstream-budget.ts';
import { type FeedQuery, parseFeedQuery } from './feed-query.ts';
import { startStreamSession } from './stream-session.ts';
import type { TransportContext } from './transport-context.ts';
import { parseUpstream } from './upstream-message.ts';
import { eventFrame, rawSocketOf, sendEventFrame, textFrame } from './websocket-frame.ts';
import { WebSocketSendQueue } from './websocket-send-queue.ts';

/** Close code when the lab shuts down (RFC 6455 "going away"). */
export const CLOSE_GOING_AWAY = 1001;
/** Close code for a sender that ignores the upstream rate limit (RFC 6455 policy violation). */
export const CLOSE_POLICY_VIOLATION = 1008;
const MAX_REFUSED_IN_A_ROW = 20;
/**
 * Close code when a client reads too slowly and its queue passed `maxQueuedBytes`. Its queue is
 * dropped first, so the close frame follows the little its socket still holds; the socket is
 * closed once the frame is out to the kernel (which still delivers it), or after
 * `SLOW_CONSUMER_CLOSE_WAIT_MS` for a peer that reads nothing at all.
 */
export const CLOSE_SLOW_CONSUMER = 4008;
/** How long a slow consumer's socket may hold its close frame before it is cut anyway, ms. */
export const SLOW_CONSUMER_CLOSE_WAIT_MS = 5000;
/** On shutdown, how long a peer may take to answer the 1001 close frame before its socket is cut, ms. */
const CLOSE_GRACE_MS = 500;

export async function websocketTransport(app: FastifyInstance, context: TransportContext): Promise<void> {
  const { feed, meter, inspector, options, upstream, clientAddressOf } = context;
  const queries = new WeakMap<FastifyRequest, FeedQuery>();
  // ws builds the 101 answer's lines and announces them here; keep them for the inspector.
  const answerHeads = new WeakMap<IncomingMessage, string>();
  app.websocketServer.on('headers', (lines: string[], raw: IncomingMessage) => {
    answerHeads.set(raw, `${lines.join('\r\n')}\r\n\r\n`);
  });

  app.get(
    TRANSPORT_RECORDS.websocket.path,
    {
      websocket: true,
      config: { meter: 'websocket' },
      // A bad query is refused with a 400 before the upgrade, so no socket is opened for it.
      preValidation: (request, _reply, done) => {
        try {
          queries.set(request, parseFeedQuery(request.query));
          done();
        } catch (error) {
          done(error as Error);
        }
      },
    },
    (socket: WebSocket, request) => {
      const query = queries.get(request) ?? { since: undefined, epoch: undefined, client: null };
      // An upgrade is always HTTP/1.1 (ws has no WebSocket over HTTP/2), so its connection has a tally.
      const requestMeter = request.meter?.tally ? request.meter : null;
      const tally = requestMeter?.tally ?? null;
      if (requestMeter && tally) {
        requestMeter.selfMetered = true;
        // The 101 Switching Protocols answer ws just wrote.
        meter.addBytes(requestMeter.target, 'down', 'header', tally.takeWritten());
      }
      const noteSent = (payload: number, messages: number): void => {
        if (!requestMeter || !tally) return;
        tally.noteDown(requestMeter.target, payload);
        if (messages > 0) meter.count(requestMeter.target, 'messages', messages);
      };
      const raw = rawSocketOf(socket);
      const queue = raw ? new WebSocketSendQueue(raw, noteSent, () => socket.readyState === socket.OPEN) : null;
      const sendControl = (message: ControlMessage): void => {
        if (socket.readyState !== socket.OPEN) return;
        if (queue) {
          queue.send(textFrame(JSON.stringify(message)), 0, 0);
          return;
        }
        socket.send(JSON.stringify(message));
        noteSent(0, 0);
      };
      const exchange = inspector.exchange(
        'websocket',
        query.client,
        requestHeadOf(request.raw),
        answerHeads.get(request.raw) ?? '',
        Date.now(),
      );
      const sendEvent = (stored: StoredEvent): void => {
        if (socket.readyState !== socket.OPEN) return;
        WireInspector.sent(exchange, stored, Date.now());
        const payload = stored.binary ? stored.binary.length : stored.json.length;
        if (!queue) {
          sendEventFrame(socket, stored);
          noteSent(payload, 1);
          return;
        }
        queue.send(eventFrame(stored), payload, 1);
        // A client that does not read must not make the lab buffer without end: cut it, it resumes with since.
        // Its backlog is dropped first, so the 4008 close frame is the next thing it reads.
        if (queue.queuedBytes > options.maxQueuedBytes && raw) {
          queue.stop();
          socket.close(CLOSE_SLOW_CONSUMER, 'slow consumer');
          // Closed at the TCP level only once the close frame went out: the kernel then delivers it, then the FIN.
          raw.end(() => raw.destroy());
          setTimeout(() => socket.terminate(), SLOW_CONSUMER_CLOSE_WAIT_MS).unref();
        }
      };

      const loadRunKey = request.headers[LOAD_RUN_HEADER];
      const sender: UpstreamSender = {
        address: clientAddressOf(request.raw.socket),
        loadRunKey: typeof loadRunKey === 'string' ? loadRunKey : undefined,
      };
      let refusedInARow = 0;
      // Attached before anything else: @fastify/websocket drops messages that arrive without a listener.
      socket.on('message', (data: Buffer, isBinary: boolean) => {
        if (requestMeter && tally) tally.settleUp(requestMeter.target, data.length);
        try {
          upstream.take(sender, data.length);
        } catch (error) {
          if (!isLabError(error)) throw error;
          // An error reply first; a sender that keeps going after many is cut (1008 policy violation).
          refusedInARow += 1;
          if (refusedInARow >= MAX_REFUSED_IN_A_ROW) return socket.close(CLOSE_POLICY_VIOLATION, 'upstream rate limit');
          return sendControl({ type: 'error', code: error.code, message: error.message });
        }
        refusedInARow = 0;
        if (isBinary) {
          sendControl({
            type: 'error',
            code: 'LAB_ERR_BAD_MESSAGE',
            message: 'send upstream messages as JSON text frames',
          });
          return;
        }
        try {
          const upstream = parseUpstream(parseJson(data.toString('utf8')), query.client);
          // Settled later when the feed is shared through Redis: a refusal then still reaches the sender.
          feed.publishShared(upstream.body, upstream.origin).catch((error: unknown) => {
            const refusal = isLabError(error) ? error : LabErrors.INTERNAL();
            if (socket.readyState === socket.OPEN) {
              sendControl({ type: 'error', code: refusal.code, message: refusal.message });
            }
          });
        } catch (error) {
          if (!isLabError(error)) throw error;
          sendControl({ type: 'error', code: error.code, message: error.message });
        }
      });
      let alive = true;
      socket.on('pong', () => {
        alive = true;
      });

      const closeSession = startStreamSession(context, query, {
        isOpen: () => socket.readyState === socket.OPEN,
        queuedBytes: () => (queue ? queue.queuedBytes : socket.bufferedAmount),
        whenDrained: (next) => (queue ? queue.whenDrained(next) : setTimeout(next, 10)),
        sendEvent,
        sendHello: (epoch, next) => sendControl({ type: 'hello', epoch, next }),
        sendReset: (epoch, next, reason) => sendControl({ type: 'reset', epoch, next, reason }),
        // A peer that misses a whole ping interval is gone (e.g. a laptop lid closed): free its socket.
        heartbeat: () => {
          if (!alive) return socket.terminate();
          alive = false;
          socket.ping();
          noteSent(0, 0);
        },
        heartbeatEveryMs: options.wsPingMs,
        goAway: () => {
          queue?.stop();
          socket.close(CLOSE_GOING_AWAY, 'lab shutting down');
          // A peer that never answers the close frame must not hold the shutdown up.
          setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
        },
      });
      socket.on('close', () => {
        queue?.stop();
        closeSession();
        if (requestMeter && tally) {
          tally.settleUp(requestMeter.target, 0);
          tally.settleDown(requestMeter.target, 0);
        }
      });
    },
  );
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw LabErrors.BAD_JSON((error as Error).message);
  }
}
