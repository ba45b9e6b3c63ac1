/**
 * The wire inspector: per transport (and per client id), the last exchange's
 * heads and the last event sent. Sending only stores references; the
 * annotated byte parts are built when someone asks (`GET /api/inspect`), so
 * thousands of connections pay nothing for it. The heads it keeps are bounded
 * in bytes across all client ids (`INSPECTOR_MAX_BYTES`), the least recently
 * seen ids forgotten first: a client inventing ids with 15 KB heads cannot
 * grow the lab's memory.
 */
import type { IncomingMessage } from 'node:http';
import type { Http2ServerRequest } from 'node:http2';
import { TRANSPORT_NAMES, type TransportName } from '../../protocol/feed-event.ts';
import type { WireSample } from '../../protocol/wire-sample.ts';
import type { StoredEvent } from '../feed/stored-event.ts';
import { H2StreamRecord } from './h2-stream-record.ts';
import type { EventSplitter, PollSurroundings } from './wire-parts.ts';

/** What is needed to show a request head: references only, so recording costs nothing per request. */
export interface RequestHead {
  method: string | undefined;
  url: string | undefined;
  httpVersion: string;
  rawHeaders: string[];
  /** Over HTTP/2: the stream's frames and HPACK blocks, filled as they pass. */
  h2?: H2StreamRecord;
}

interface Exchange {
  at: number;
  /** The heads' size as kept, bytes (see headBytes). */
  bytes: number;
  requestHead: RequestHead;
  responseHead: string;
  /** The last event sent, with what surrounded it in a poll answer. */
  event: StoredEvent | null;
  poll: PollSurroundings | null;
}

type Row = Partial<Record<TransportName, Exchange>>;

/** Bytes of request and response heads kept for all client ids together: 8 MiB. */
export const INSPECTOR_MAX_BYTES = 8 * 1024 * 1024;

export class WireInspector {
  private readonly latest: Row = {};
  /** Least recently seen first: a client's row moves to the end with each exchange. */
  private readonly byClient = new Map<string, Row>();
  private bytesKept = 0;

  /**
   * @param splitters how each transport splits one of its events (each transport's own, see transport-registry.ts)
   * @param maxBytes=INSPECTOR_MAX_BYTES heads kept across all client ids, bytes
   */
  constructor(
    private readonly splitters: Record<TransportName, EventSplitter>,
    private readonly maxBytes = INSPECTOR_MAX_BYTES,
  ) {}

  /** Bytes of heads kept for client ids now (never above `maxBytes`). */
  get keptBytes(): number {
    return this.bytesKept;
  }

  /** Client ids with a row now. */
  get clientCount(): number {
    return this.byClient.size;
  }

  /** Starts (or restarts) the record of an exchange: a new request and its answer's head. */
  exchange(
    transport: TransportName,
    client: string | null,
    requestHead: RequestHead,
    responseHead: string,
    at: number,
  ): Exchange {
    const previous = (client !== null ? this.byClient.get(client)?.[transport] : undefined) ?? this.latest[transport];
    const exchange: Exchange = {
      at,
      bytes: headBytes(requestHead) + responseHead.length,
      requestHead,
      responseHead,
      event: previous?.event ?? null,
      poll: previous?.poll ?? null,
    };
    this.latest[transport] = exchange;
    if (client !== null) this.keep(client, transport, exchange);
    return exchange;
  }

  /** Notes the event just sent on an open exchange (SSE, WebSocket). */
  static sent(exchange: Exchange, event: StoredEvent, at: number): void {
    exchange.event = event;
    exchange.at = at;
  }

  /** Notes a poll answer: its envelope up to the first event, and how many events followed. */
  static answered(exchange: Exchange, prefix: string, events: readonly StoredEvent[]): void {
    const [first, ...rest] = events;
    if (!first) return; // an empty answer keeps showing the last event seen
    exchange.event = first;
    exchange.poll = { prefix, others: rest.length, othersBytes: rest.reduce((sum, e) => sum + e.json.length, 0) };
  }

  samples(client: string | null): Record<TransportName, WireSample | null> {
    const row = client === null ? this.latest : (this.byClient.get(client) ?? {});
    return Object.fromEntries(
      TRANSPORT_NAMES.map((transport) => {
        const exchange = row[transport];
        return [transport, exchange ? toSample(this.splitters[transport], exchange) : null];
      }),
    ) as Record<TransportName, WireSample | null>;
  }

  private keep(client: string, transport: TransportName, exchange: Exchange): void {
    const row = this.byClient.get(client) ?? {};
    this.byClient.delete(client);
    this.bytesKept += exchange.bytes - (row[transport]?.bytes ?? 0);
    row[transport] = exchange;
    this.byClient.set(client, row);
    // Oldest first; never the row just written (four heads are far below the budget).
    for (const [oldest, oldRow] of this.byClient) {
      if (this.bytesKept <= this.maxBytes || oldest === client) break;
      this.byClient.delete(oldest);
      for (const kept of Object.values(oldRow)) this.bytesKept -= kept.bytes;
    }
  }
}

/** Kept per exchange; the text is built only when someone inspects. */
export function requestHeadOf(raw: IncomingMessage): RequestHead {
  const head: RequestHead = {
    method: raw.method,
    url: raw.url,
    httpVersion: raw.httpVersion,
    rawHeaders: raw.rawHeaders,
  };
  if (raw.httpVersionMajor === 2) {
    const record = H2StreamRecord.of((raw as unknown as Http2ServerRequest).stream);
    if (record) head.h2 = record;
  }
  return head;
}

/** A request head's size as kept: its strings' lengths (what the rebuilt text would take). */
function headBytes(head: RequestHead): number {
  let bytes = (head.method?.length ?? 0) + (head.url?.length ?? 0) + 16;
  for (const part of head.rawHeaders) bytes += part.length + 2;
  return bytes + (head.h2?.boundBytes() ?? 0);
}

/**
 * The request head as Node parsed it: request line and headers with their
 * original case and order. Node keeps no copy of the raw bytes, so spacing
 * around colons is shown normalised; the meter's byte counts come from the
 * socket, not from this text.
 */
function requestHeadText(raw: RequestHead): string {
  const lines = [`${raw.method} ${raw.url} HTTP/${raw.httpVersion}`];
  for (let i = 0; i + 1 < raw.rawHeaders.length; i += 2) lines.push(`${raw.rawHeaders[i]}: ${raw.rawHeaders[i + 1]}`);
  return `${lines.join('\r\n')}\r\n\r\n`;
}

function toSample(split: EventSplitter, exchange: Exchange): WireSample {
  const { event } = exchange;
  return {
    at: exchange.at,
    requestHead: requestHeadText(exchange.requestHead),
    responseHead: exchange.responseHead,
    event: event ? split(event, exchange.poll) : null,
    eventsCarried: event ? 1 + (exchange.poll?.others ?? 0) : 0,
    ...(exchange.requestHead.h2 ? { h2: exchange.requestHead.h2.sample() } : {}),
  };
}
