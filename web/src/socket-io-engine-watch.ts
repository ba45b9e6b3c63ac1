/**
 * Watches a Socket.IO client's Engine.IO connection from the page, for the
 * timeline and the column: each HTTP request it makes (the handshake GET,
 * every polling GET and POST, the upgrade's WebSocket request), the moment
 * its connection opened (the open packet) and the upgrade. Only engine.io-
 * client's public events are used, except `_upgrades` (the upgrades the
 * server offered in the open packet), read to know a probe is starting.
 */
import type { FeedClient } from '../../clients/feed-client.ts';
import { SocketIoClient } from '../../clients/socket-io-client.ts';
import { TRANSPORT_RECORDS } from '../../protocol/transport-records.ts';

/** Where the watch reports (a transport's record on the page). */
export interface EngineSink {
  requestStart(id: number, at: number, path: string): void;
  /** `status` absent: the request failed without an answer. */
  requestEnd(id: number, at: number, status: number | undefined): void;
  /** The connection moved from polling to websocket. */
  upgraded(at: number): void;
}

/** The Engine.IO state a column shows. */
export interface EngineView {
  /** The Engine.IO transport carrying the connection now; null while not connected. */
  transport: 'polling' | 'websocket' | null;
  /** ms from this connection's open packet to its upgrade; null before (or without) one. */
  upgradeAfterOpenMs: number | null;
  /** The last feed event as it came: its polling answer's body or its WebSocket frame; null before one. */
  lastEvent: CapturedEvent | null;
}

/**
 * A feed event's bytes as the page's client received them. Over polling: the answer's body, its packets joined
 * by `\x1e` exactly as Engine.IO encodes a batch. Over websocket: the frame, whose header is the one RFC 6455
 * gives the packet's length, server → client (the lab writes exactly that, test/socket-io-on-the-wire.test.ts;
 * a browser does not show frame headers).
 */
export interface CapturedEvent {
  over: 'polling' | 'websocket';
  bytes: Uint8Array;
}

/** Engine.IO v4 packet types by the name engine.io-client gives a decoded packet. */
const PACKET_TYPE_CHARS: Record<string, string> = {
  open: '0',
  close: '1',
  ping: '2',
  pong: '3',
  message: '4',
  upgrade: '5',
  noop: '6',
};

/** The feed's event packets start so (server/transports/socket-io.ts). */
const FEED_EVENT_START = '2/feed,["feed",';

export interface EngineWatch {
  view(): EngineView;
  stop(): void;
}

/** Minimal view of engine.io-client's emitters (their reserved-event types do not list `poll`, `pollComplete`, `drain`). */
interface Emitting {
  on(event: string, listener: (...args: never[]) => void): unknown;
  off(event: string, listener?: (...args: never[]) => void): unknown;
}
interface EngineLike extends Emitting {
  transport: Emitting & { name: string };
  _upgrades?: string[];
}

const utf8 = new TextEncoder();

/** A server → client text frame around `text`: FIN + text opcode, no mask, a 7-, 16- or 64-bit length. */
function serverFrame(text: string): Uint8Array {
  const payload = utf8.encode(text);
  const n = payload.length;
  const header =
    n < 126
      ? [0x81, n]
      : n < 65_536
        ? [0x81, 126, n >> 8, n & 0xff]
        : [0x81, 127, 0, 0, 0, 0, ...[24, 16, 8, 0].map((shift) => (n >>> shift) & 0xff)];
  const frame = new Uint8Array(header.length + n);
  frame.set(header);
  frame.set(payload, header.length);
  return frame;
}

/** Far above the ids a client's own fetches use, so the two never pair up on one timeline. */
const FIRST_ID = 1_000_000_000;

/**
 * Starts watching, right after `client.start()` (its first handshake request is under way then).
 * @returns null when the client does not run on Engine.IO
 */
export function watchEngine(client: FeedClient, sink: EngineSink, now: () => number): EngineWatch | null {
  if (!(client instanceof SocketIoClient)) return null;
  const manager = client.manager;
  if (!manager) return null;
  const path = TRANSPORT_RECORDS[client.transport].path;
  let nextId = FIRST_ID;
  let openedAt: number | null = null;
  let lastEvent: CapturedEvent | null = null;
  let handshake: number | null = null;
  const detach: Array<() => void> = [];
  /** The listeners on the current connection's engine and transport, dropped when the next one opens. */
  const connectionDetach: Array<() => void> = [];
  const listenOn = (list: Array<() => void>, target: Emitting, event: string, listener: (...args: never[]) => void) => {
    target.on(event, listener);
    list.push(() => target.off(event, listener));
  };
  const listen = (target: Emitting, event: string, listener: (...args: never[]) => void): void =>
    listenOn(connectionDetach, target, event, listener);
  const start = (label: string, at = now()): number => {
    const id = nextId++;
    sink.requestStart(id, at, label);
    return id;
  };
  const handshakeStart = (): void => {
    const engine = manager.engine as unknown as EngineLike | undefined;
    const name = engine?.transport.name ?? 'polling';
    handshake = start(name === 'websocket' ? `GET ${path} websocket upgrade` : `GET ${path} polling handshake`);
  };

  // The first handshake was sent inside start(); a reconnect's is sent right after `reconnect_attempt`.
  handshakeStart();
  const managerEvents = manager as unknown as Emitting;
  listenOn(detach, managerEvents, 'reconnect_attempt', () => queueMicrotask(handshakeStart));
  listenOn(detach, managerEvents, 'error', () => {
    if (handshake !== null) sink.requestEnd(handshake, now(), undefined);
    handshake = null;
  });
  listenOn(detach, managerEvents, 'open', () => {
    const at = now();
    for (const off of connectionDetach.splice(0)) off();
    openedAt = at;
    if (handshake !== null) sink.requestEnd(handshake, at, client.engineTransport === 'websocket' ? 101 : 200);
    handshake = null;
    watchConnection(manager.engine as unknown as EngineLike);
  });

  function watchConnection(engine: EngineLike): void {
    const polling = engine.transport;
    // The packets of the polling answer being read, until its pollComplete.
    let batch: string[] = [];
    listen(engine, 'packet', (packet: { type: string; data?: unknown }) => {
      const type = PACKET_TYPE_CHARS[packet.type];
      // A binary attachment is not text; the lab's text events are what the inspector decodes.
      if (type === undefined || (packet.data !== undefined && typeof packet.data !== 'string')) return;
      const text = `${type}${(packet.data as string | undefined) ?? ''}`;
      if (engine.transport === polling && polling.name === 'polling') batch.push(text);
      else if (text.startsWith(`4${FEED_EVENT_START}`)) lastEvent = { over: 'websocket', bytes: serverFrame(text) };
    });
    if (polling.name === 'polling') {
      let poll: number | null = null;
      listen(polling, 'poll', () => {
        poll = start(`GET ${path} polling`);
      });
      listen(polling, 'pollComplete', () => {
        if (poll !== null) sink.requestEnd(poll, now(), 200);
        poll = null;
        if (batch.some((text) => text.startsWith(`4${FEED_EVENT_START}`)))
          lastEvent = { over: 'polling', bytes: utf8.encode(batch.join('\x1e')) };
        batch = [];
      });
      const posts: number[] = [];
      // The namespace connect (`40/feed,`) was flushed by socket.io-client's own `open` listener, before this one.
      if ((polling as Emitting & { writable?: boolean }).writable === false) posts.push(start(`POST ${path} polling`));
      listen(engine, 'flush', () => {
        if (engine.transport === polling) posts.push(start(`POST ${path} polling`));
      });
      listen(polling, 'drain', () => {
        const post = posts.shift();
        if (post !== undefined) sink.requestEnd(post, now(), 200);
      });
      listen(polling, 'close', () => {
        const at = now();
        if (poll !== null) sink.requestEnd(poll, at, undefined);
        for (const post of posts.splice(0)) sink.requestEnd(post, at, undefined);
        poll = null;
      });
    }
    // The probe starts as the open packet is handled, when the server offers the upgrade.
    if (polling.name !== 'polling' || !engine._upgrades?.includes('websocket')) return;
    const probe = start(`GET ${path} websocket upgrade`);
    let probing = true;
    listen(engine, 'upgrade', () => {
      if (!probing) return;
      probing = false;
      const at = now();
      sink.requestEnd(probe, at, 101);
      sink.upgraded(at);
    });
    listen(engine, 'upgradeError', () => {
      if (probing) sink.requestEnd(probe, now(), undefined);
      probing = false;
    });
  }

  return {
    view: () => {
      const upgradedAt = client.upgradedAt;
      return {
        transport: client.engineTransport,
        upgradeAfterOpenMs:
          upgradedAt !== null && openedAt !== null && upgradedAt >= openedAt ? upgradedAt - openedAt : null,
        lastEvent,
      };
    },
    stop: () => {
      for (const off of [...detach.splice(0), ...connectionDetach.splice(0)]) off();
    },
  };
}
