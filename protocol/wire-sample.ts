/**
 * The wire inspector's view of one transport's last exchange, as the server
 * saw it: `GET /api/inspect?client=ID` → `{"transports":{"<name>": WireSample | null}}`.
 */
import type { TransportName } from './feed-event.ts';
import type { H2StreamSample } from './h2-stream-sample.ts';

/** A run of consecutive bytes on the wire and what it is for. */
export interface WirePart {
  kind: 'header' | 'framing' | 'payload';
  /** Plain-words label, e.g. `chunk size line`, `frame header: FIN=1 opcode=1 (text) MASK=0 length=100`. */
  label: string;
  /** How many bytes this part is on the wire. */
  bytes: number;
  /** The bytes as text (UTF-8, possibly cut to a preview), when they are text. */
  text?: string;
  /** The bytes in hex, space-separated (frame headers). */
  hex?: string;
}

export interface WireSample {
  /** Server time of the exchange, epoch ms. */
  at: number;
  /** The request line and headers as received (for WebSocket: the upgrade request). */
  requestHead: string;
  /** The status line and headers as sent (for WebSocket: the 101 answer). */
  responseHead: string;
  /**
   * One event as it travelled, split into annotated parts; null when none was
   * sent yet. For a poll: the whole answer that carried it.
   */
  event: WirePart[] | null;
  /** How many events those parts carry: a poll answer's count, 1 for a stream's event, 0 before any. */
  eventsCarried: number;
  /** Over HTTP/2 only: the request's stream, its frames and its HPACK header blocks. */
  h2?: H2StreamSample;
}

export type InspectResponse = { transports: Record<TransportName, WireSample | null> };
