/**
 * The answer both polling transports send: `{"epoch","next","events":[…]}`.
 * Built by concatenating the events' stored JSON bytes, so the payload inside
 * the envelope is byte-for-byte what every other transport sends; the rest of
 * the body is framing.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TransportName } from '../../protocol/feed-event.ts';
import type { WirePart } from '../../protocol/wire-sample.ts';
import type { ResumeResult } from '../feed/feed.ts';
import type { StoredEvent } from '../feed/stored-event.ts';
import { requestHeadOf, WireInspector } from '../meter/wire-inspector.ts';
import { type PollSurroundings, payloadPart, textPart } from '../meter/wire-parts.ts';
import type { TransportContext } from './transport-context.ts';

const OPEN_EVENTS = Buffer.from('"events":[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']}');

interface PollAnswerBody {
  body: Buffer;
  payload: number;
  prefix: string;
}

/**
 * The last answer built. When an event is published, every held long poll (and
 * every short poll asking in the same breath) wants the identical answer: build
 * it once. Seqs are consecutive, so epoch, first seq, next and reset name it.
 */
let lastAnswer: { key: string; answer: PollAnswerBody } | null = null;

export function pollAnswerBody(epoch: string, result: ResumeResult): PollAnswerBody {
  const key = `${epoch}:${result.events[0]?.seq ?? '-'}:${result.next}:${result.reset ?? ''}`;
  if (lastAnswer?.key === key) return lastAnswer.answer;
  const answer = buildPollAnswerBody(epoch, result);
  lastAnswer = { key, answer };
  return answer;
}

function buildPollAnswerBody(epoch: string, result: ResumeResult): PollAnswerBody {
  const reset = result.reset ? `"reset":${JSON.stringify(result.reset)},` : '';
  const head = `{"epoch":${JSON.stringify(epoch)},"next":${result.next},${reset}`;
  const parts: Buffer[] = [Buffer.from(head), OPEN_EVENTS];
  let payload = 0;
  result.events.forEach((stored, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(stored.json);
    payload += stored.json.length;
  });
  parts.push(CLOSE);
  return { body: Buffer.concat(parts), payload, prefix: `${head}"events":[` };
}

export function sendPollAnswer(
  request: FastifyRequest,
  reply: FastifyReply,
  { meter, inspector }: Pick<TransportContext, 'meter' | 'inspector'>,
  transport: TransportName,
  epoch: string,
  result: ResumeResult,
): FastifyReply {
  const { body, payload, prefix } = pollAnswerBody(epoch, result);
  if (request.meter) {
    request.meter.downPayload = payload;
    const oldest = result.events[0];
    request.meter.pollAnswer = { oldest: oldest ? { epoch, seq: oldest.seq } : null };
    meter.count(request.meter.target, 'messages', result.events.length);
    if (result.events.length === 0) meter.count(request.meter.target, 'emptyResponses');
  }
  reply.raw.once('finish', () => {
    const head = responseHeadText(reply.raw);
    const exchange = inspector.exchange(
      transport,
      request.meter?.target.client ?? null,
      requestHeadOf(request.raw),
      head,
      Date.now(),
    );
    WireInspector.answered(exchange, prefix, result.events);
  });
  return reply.header('cache-control', 'no-store').type('application/json; charset=utf-8').send(body);
}

/**
 * Conditional short polling's `304 Not Modified`: nothing new since the
 * answer the client holds, so a head and no body. Metered as an empty answer
 * (and a 304); the inspector keeps showing the last event seen.
 */
export function sendNotModified(
  request: FastifyRequest,
  reply: FastifyReply,
  { meter, inspector }: Pick<TransportContext, 'meter' | 'inspector'>,
  transport: TransportName,
): FastifyReply {
  if (request.meter) {
    request.meter.pollAnswer = { oldest: null };
    meter.count(request.meter.target, 'emptyResponses');
    meter.count(request.meter.target, 'notModified');
  }
  reply.raw.once('finish', () => {
    const client = request.meter?.target.client ?? null;
    inspector.exchange(transport, client, requestHeadOf(request.raw), responseHeadText(reply.raw), Date.now());
  });
  return reply.code(304).header('cache-control', 'no-store').send();
}

/**
 * The answer's head as the inspector shows it: over HTTP/1.1 the bytes Node
 * wrote (`_header`); over HTTP/2 (where `_header` is only `true`) its header
 * fields, `:status` first, as the SSE route shows its own.
 */
function responseHeadText(response: FastifyReply['raw']): string {
  const written = (response as typeof response & { _header?: unknown })._header;
  if (typeof written === 'string') return written;
  const fields = Object.entries(response.getHeaders()).map(([name, value]) => `${name}: ${String(value)}\r\n`);
  return `:status: ${response.statusCode}\r\n${fields.join('')}\r\n`;
}

/** How the inspector shows a poll answer: the envelope, the first event, the others, the commas and the close. */
export function splitPollAnswerEvent(event: StoredEvent, poll: PollSurroundings | null): WirePart[] {
  const surroundings = poll ?? { prefix: '', others: 0, othersBytes: 0 };
  const parts: WirePart[] = [
    textPart('framing', 'JSON envelope: epoch, next, start of the events array', surroundings.prefix),
    payloadPart(event),
  ];
  if (surroundings.others > 0) {
    parts.push({ kind: 'payload', label: `${surroundings.others} more event(s)`, bytes: surroundings.othersBytes });
    parts.push({ kind: 'framing', label: 'commas between the events', bytes: surroundings.others });
  }
  parts.push(textPart('framing', 'end of the events array and object', CLOSE.toString()));
  return parts;
}
