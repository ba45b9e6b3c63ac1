/**
 * Whether the Node client of a transport speaks HTTP/2 on the lab's h2 port:
 * undici's fetch and the EventSource on it negotiate h2 by ALPN; `ws` and
 * engine.io-client (Socket.IO) speak HTTP/1.1 only, so the port's
 * HTTP/1.1 fallback serves them.
 */
import type { TransportName } from '../../protocol/feed-event.ts';
import { TRANSPORT_RECORDS } from '../../protocol/transport-records.ts';

export function nodeClientSpeaksH2(transport: TransportName): boolean {
  const { clientApi } = TRANSPORT_RECORDS[transport];
  return clientApi === 'fetch' || clientApi === 'EventSource';
}
