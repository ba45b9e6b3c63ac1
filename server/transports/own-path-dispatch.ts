/**
 * One dispatcher by path for transports that answer their own requests
 * (`ownsPath` in their record: engine.io). Both engine.io and
 * @fastify/websocket listen for `upgrade` on the same server; attached side by
 * side, @fastify/websocket's 404 (the lab's guard: upgrades only on a route's
 * path) destroys the socket engine.io was upgrading, and every Socket.IO
 * client silently stays on polling. So each request and each upgrade goes to
 * exactly one owner: a path under the transport's prefix to the transport,
 * everything else to the listeners that were there before (Fastify, and
 * through it the guards that allow upgrades only on registered paths).
 * Listeners marked as observers (`asRequestObserver`) still see every request.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { isRequestObserver } from '../request-observer.ts';

export interface OwnPathHandlers {
  request(request: IncomingMessage, response: ServerResponse): void;
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
}

/**
 * Routes every request and upgrade whose path starts with `prefix` (e.g. `/socket.io/`) to `handlers`
 * alone. Call after every other `request` and `upgrade` listener is attached (listeners added later
 * would see the transport's requests too).
 */
export function dispatchOwnPath(server: Server, prefix: string, handlers: OwnPathHandlers): void {
  const owns = (request: IncomingMessage): boolean => (request.url ?? '').startsWith(prefix);
  for (const event of ['request', 'upgrade'] as const) {
    const listeners = server.listeners(event) as ((...args: unknown[]) => void)[];
    const observers = listeners.filter(isRequestObserver);
    const others = listeners.filter((listener) => !isRequestObserver(listener));
    server.removeAllListeners(event);
    for (const observer of observers) server.on(event, observer);
    server.on(event, (request: IncomingMessage, second: unknown, third: unknown) => {
      if (owns(request)) {
        if (event === 'request') handlers.request(request, second as ServerResponse);
        else handlers.upgrade(request, second as Duplex, third as Buffer);
        return;
      }
      for (const listener of others) listener.call(server, request, second, third);
    });
  }
}
