/**
 * Socket.IO (socket.io 4.8 on engine.io 6.6) on the lab's own HTTP server.
 * engine.io answers its polling requests and its upgrade itself, before
 * Fastify's hooks, so this file meters and guards them at the connection:
 * one dispatcher by path (own-path-dispatch.ts) gives `/socket.io/` to
 * engine.io alone. The namespace `/feed` carries every feed event as one
 * broadcast to the room `live` and its topic's room (encoded once by the
 * adapter, socket-io-rooms.ts); a new socket first gets hello, a reset if it
 * cannot resume, and its backlog from the lab's ring (`since`/`epoch` in the
 * handshake's `auth`, only its topic's events with `auth.room`), then joins
 * `live` or its topic's room. A socket Socket.IO recovers itself
 * (`socket.recovered`, within 2 min) is already in its rooms and got what it
 * missed from the adapter.
 *
 * The meter: header = every HTTP head (polling GETs and POSTs, the upgrade
 * and its 101); payload = each event's JSON (a binary event's envelope, as on
 * WebSocket), and the client's upstream message; framing = the rest (Engine.IO
 * and Socket.IO envelopes, `\x1e` separators, pings, probes, `ok` answers,
 * WebSocket frame headers and masks, the recovery offset).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket as NetSocket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Server as EngineServer, type Socket as EngineSocket } from 'engine.io';
import type { FastifyInstance } from 'fastify';
import { type Namespace, Server, type Socket } from 'socket.io';
import { CLIENT_ID_PATTERN } from '../../protocol/client-id.ts';
import type { ResetReason } from '../../protocol/feed-event.ts';
import { LOAD_RUN_HEADER } from '../../protocol/load-run-header.ts';
import { positionInSessionId, sessionIdAt } from '../../protocol/socket-io-session-id.ts';
import { SOCKET_IO_CHAT_NAMESPACE } from '../../protocol/socket-io-features.ts';
import { TRANSPORT_RECORDS } from '../../protocol/transport-records.ts';
import type { WirePart } from '../../protocol/wire-sample.ts';
import { errorBody, isLabError, LabErrors } from '../errors.ts';
import type { FeedSettings } from '../feed/feed.ts';
import type { Scenario } from '../feed/scenario.ts';
import type { StoredEvent } from '../feed/stored-event.ts';
import type { MeterTarget } from '../meter/meter.ts';
import { declaredBodyLength, responseHeadLength } from '../meter/request-metering.ts';
import { payloadPart, textPart } from '../meter/wire-parts.ts';
import { WireTally } from '../meter/wire-tally.ts';
import { isLabHost, labHostnames } from '../security/lab-hosts.ts';
import { replayBacklog } from './backlog-replay.ts';
import { socketIoChat } from './socket-io-chat.ts';
import { LIVE_ROOM, MEMBERS_ROOM, requestedTopic, topicOfRooms, topicRoom } from './socket-io-rooms.ts';
import { SocketIoSettingsStore, socketIoSettingsRoutes } from './socket-io-settings.ts';
import { VolatileDrops } from './socket-io-volatile.ts';
import { parseFeedQuery } from './feed-query.ts';
import { dispatchOwnPath } from './own-path-dispatch.ts';
import { PreSerializedJson, preSerializingParser } from './socket-io-parser.ts';
import type { TransportContext } from './transport-context.ts';
import { parseUpstream } from './upstream-message.ts';

/** The namespace that carries the feed. */
export const SOCKET_IO_FEED_NAMESPACE = '/feed';
/** How long Socket.IO keeps a disconnected socket's session and missed packets for its own recovery, ms. */
export const SOCKET_IO_RECOVERY_MS = TRANSPORT_RECORDS['socket-io'].ownRecoveryMs;
/** On shutdown, how long a WebSocket peer may take to answer the close before its socket is cut, ms (as on /api/feed/websocket). */
const CLOSE_GRACE_MS = 500;
/** A feed event's Socket.IO packet as the adapter encodes it for `/feed`: `2/feed,["feed",<event>…]`. */
const EVENT_PREFIX = `2${SOCKET_IO_FEED_NAMESPACE},["feed",`;
/** A chat message's packet on `/chat`: `2/chat,["chat",<message>…]`; the message is payload, the rest framing. */
const CHAT_PREFIX = `2${SOCKET_IO_CHAT_NAMESPACE},["chat",`;

/** What the meter keeps per Engine.IO connection (one `sid`, any number of HTTP requests and one upgrade). */
interface ConnectionMeter {
  target: MeterTarget;
  /** Event bytes flushed onto the polling transport, not yet counted in a GET's answer. */
  pollPayload: number;
  /** Upstream message bytes that arrived in POST bodies, not yet counted. */
  upPayload: number;
  /** The upgraded connection's tally, once the transport is websocket. */
  wsTally: WireTally | null;
}

export async function socketIoTransport(app: FastifyInstance, context: TransportContext): Promise<void> {
  const { feed, meter, options, upstream, clientAddressOf, closers, isLabOrigin, admitConnection } = context;
  const record = TRANSPORT_RECORDS['socket-io'];
  const hostnames = labHostnames(options.lan);
  const connections = new Map<string, ConnectionMeter>();
  const upgradeTallies = new WeakMap<IncomingMessage, WireTally>();
  /** The tally of an upgrade that names an existing connection (`sid`), until engine.io switches it over. */
  const upgradesBySid = new Map<string, WireTally>();
  const binaryPayloads = new WeakSet<Buffer>();
  /** Sockets handed to engine.io by an upgrade: the http server no longer tracks them, so shutdown does. */
  const upgradedSockets = new Set<Duplex>();
  const preSerialized = new WeakMap<StoredEvent, PreSerializedJson>();
  // A broadcast hands every socket the same encoded string: its payload size is worked out once.
  let lastPacket = '';
  let lastPayload = 0;
  /** Set by the graceful shutdown: engine.io closes once the last connection has (see goAway). */
  let shuttingDown = false;
  let engineClosed = false;
  const settings = new SocketIoSettingsStore();
  socketIoSettingsRoutes(app, settings);

  const engine = new EngineServer({
    pingInterval: options.wsPingMs,
    perMessageDeflate: false,
    httpCompression: options.socketIoHttpCompression ? { threshold: 1024 } : false,
    maxHttpBufferSize: options.maxMessageBytes,
    // The same checks as the guards give every other transport: the lab's Host, and a browser's Origin one of its pages.
    allowRequest: (request, answer) => {
      const problem = admissionProblem(request);
      answer(problem, problem === null);
    },
    // engine.io answers its own preflights: the same methods the lab's preflight route names.
    cors: {
      origin: (origin, answer) => answer(null, origin !== undefined && isLabOrigin(origin)),
      methods: 'GET, POST',
    },
  });
  const io = new Server({
    serveClient: false,
    parser: preSerializingParser,
    connectionStateRecovery: { maxDisconnectionDuration: SOCKET_IO_RECOVERY_MS, skipMiddlewares: true },
  });
  io.bind(engine);
  const feedSpace = io.of(SOCKET_IO_FEED_NAMESPACE);
  closeStaleSessionsBeforeRestoring(feedSpace);
  const volatileDrops = new VolatileDrops(feedSpace, (socket) =>
    settings.countDrop(connectionOf(socket)?.target.client ?? null),
  );
  // The open packet's sid names the feed's position: "from now" is fixed at the client's first request and
  // known to it from the first answer, so a client cut before its hello resumes from there, not from a later now.
  engine.generateId = () =>
    sessionIdAt({ epoch: feed.epoch, since: feed.newestSeq }, randomBytes(15).toString('base64url'));

  function closeEngine(): void {
    if (engineClosed) return;
    engineClosed = true;
    engine.close();
  }

  function admissionProblem(request: IncomingMessage): string | null {
    const host = request.headers.host;
    if (host === undefined || !isLabHost(host, hostnames)) return LabErrors.BAD_HOST(String(host).slice(0, 100)).code;
    const origin = request.headers.origin;
    if (origin !== undefined && !isLabOrigin(origin)) return LabErrors.FOREIGN_ORIGIN(origin.slice(0, 100)).code;
    return null;
  }

  function targetOf(request: IncomingMessage): MeterTarget {
    const client = new URL(request.url ?? '/', 'http://lab').searchParams.get('client');
    return meter.target('socket-io', client !== null && CLIENT_ID_PATTERN.test(client) ? client : null);
  }

  /** Whether an outgoing Engine.IO message packet is a feed event (what `messages` counts). */
  function isFeedEvent(data: unknown): boolean {
    if (Buffer.isBuffer(data)) return binaryPayloads.has(data);
    return typeof data === 'string' && data.startsWith(EVENT_PREFIX);
  }
  /** The bytes of the feed event or chat message inside one outgoing Engine.IO message packet; 0 for everything else (framing). */
  function payloadOf(data: unknown): number {
    if (Buffer.isBuffer(data)) return binaryPayloads.has(data) ? data.length : 0;
    if (typeof data !== 'string') return 0;
    if (data === lastPacket) return lastPayload;
    const prefix = data.startsWith(EVENT_PREFIX) ? EVENT_PREFIX : data.startsWith(CHAT_PREFIX) ? CHAT_PREFIX : null;
    if (prefix === null) return 0;
    // The event is a JSON object: it ends at the last `}`; after it come only ASCII (the offset, `]`).
    const end = data.lastIndexOf('}') + 1;
    lastPacket = data;
    lastPayload = Buffer.byteLength(data) - prefix.length - (data.length - end);
    return lastPayload;
  }

  function meterPollingRequest(request: IncomingMessage, response: ServerResponse): void {
    const tally = WireTally.of(request.socket);
    if (!tally) return;
    const target = targetOf(request);
    tally.claim(target);
    meter.count(target, 'requests');
    const readAtStart = tally.takeRead();
    const bodyLength = declaredBodyLength(request);
    if (bodyLength === 0) meter.addBytes(target, 'up', 'header', readAtStart);
    const sid = new URL(request.url ?? '/', 'http://lab').searchParams.get('sid');
    response.once('close', () => {
      const connection = sid === null ? undefined : connections.get(sid);
      if (bodyLength !== 0) {
        const wire = readAtStart + tally.takeRead();
        const body = Math.min(bodyLength ?? 0, wire);
        const payload = Math.min(body, connection?.upPayload ?? 0);
        if (connection) connection.upPayload -= payload;
        meter.addBytes(target, 'up', 'header', wire - body);
        meter.addBytes(target, 'up', 'payload', payload);
        meter.addBytes(target, 'up', 'framing', body - payload);
      } else tally.settleUp(target, 0);
      const written = tally.takeWritten();
      const header = Math.min(written, responseHeadLength(response));
      const payload = request.method === 'GET' ? Math.min(written - header, connection?.pollPayload ?? 0) : 0;
      if (connection) connection.pollPayload -= payload;
      meter.addBytes(target, 'down', 'header', header);
      meter.addBytes(target, 'down', 'payload', payload);
      meter.addBytes(target, 'down', 'framing', written - header - payload);
    });
  }

  function meterUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const tally = WireTally.of(socket as NetSocket);
    if (!tally) return;
    const target = targetOf(request);
    tally.claim(target);
    meter.count(target, 'requests');
    // Bytes read past the head are already WebSocket frames.
    meter.addBytes(target, 'up', 'header', tally.takeRead() - head.length);
    tally.giveBackRead(head.length);
    upgradeTallies.set(request, tally);
    const sid = new URL(request.url ?? '/', 'http://lab').searchParams.get('sid');
    if (sid !== null) upgradesBySid.set(sid, tally);
  }

  // ws announces the 101's lines just before it writes them (engine.io added its own first).
  (
    engine as unknown as {
      ws: { on(event: 'headers', listener: (lines: string[], request: IncomingMessage) => void): void };
    }
  ).ws.on('headers', (lines: string[], request: IncomingMessage) => {
    const tally = upgradeTallies.get(request);
    if (tally) tally.countHeadAhead(targetOf(request), Buffer.byteLength(`${lines.join('\r\n')}\r\n\r\n`));
  });

  engine.on('connection', (conn: EngineSocket) => {
    const id = sidOf(conn);
    const connection: ConnectionMeter = {
      target: targetOf(conn.request),
      pollPayload: 0,
      upPayload: 0,
      wsTally: null,
    };
    connections.set(id, connection);
    // Straight onto websocket (`transports: ['websocket']`): the handshake was the upgrade.
    if (conn.transport.name === 'websocket') connection.wsTally = upgradeTallies.get(conn.request) ?? null;
    conn.on('upgrade', () => {
      connection.wsTally = upgradesBySid.get(id) ?? connection.wsTally;
      upgradesBySid.delete(id);
    });
    conn.on('flush', (packets: { type: string; data?: unknown }[]) => {
      let payload = 0;
      let events = 0;
      for (const packet of packets) {
        if (packet.type !== 'message') continue;
        payload += payloadOf(packet.data);
        if (isFeedEvent(packet.data)) events += 1;
      }
      if (events > 0) meter.count(connection.target, 'messages', events);
      if (conn.transport.name === 'websocket' && connection.wsTally)
        connection.wsTally.noteDown(connection.target, payload);
      else connection.pollPayload += payload;
    });
    conn.once('close', () => {
      connections.delete(id);
      upgradesBySid.delete(id);
      connection.wsTally?.settle();
      if (shuttingDown && connections.size === 0) closeEngine();
    });
  });

  feedSpace.on('connection', (socket: Socket) => {
    const conn = socket.conn as unknown as EngineSocket;
    const connection = connections.get(sidOf(conn));
    const loadRunKey = socket.handshake.headers[LOAD_RUN_HEADER];
    const sender = {
      address: clientAddressOf(socket.request.socket as NetSocket),
      loadRunKey: typeof loadRunKey === 'string' ? loadRunKey : undefined,
    };
    const client = connection?.target.client ?? null;
    // Upstream: `publish` with a message; with an acknowledgement callback it answers `{type:'ack', epoch, seq}`
    // once the event is in the feed, or the error (without one, errors come as `lab-error`).
    socket.on('publish', (message: unknown, ack?: unknown) => {
      const bytes = Buffer.byteLength(JSON.stringify(message) ?? '');
      countUp(socket, bytes);
      const refuse = (error: unknown): void => {
        const refusal = isLabError(error) ? error : LabErrors.INTERNAL();
        const answer = { type: 'error', code: refusal.code, message: refusal.message };
        if (typeof ack === 'function') ack(answer);
        else socket.emit('lab-error', answer);
      };
      try {
        upstream.take(sender, bytes);
        const parsed = parseUpstream(message, client);
        feed.publishShared(parsed.body, parsed.origin).then((stored) => {
          if (typeof ack === 'function') ack({ type: 'ack', epoch: feed.epoch, seq: stored.seq });
        }, refuse);
      } catch (error) {
        if (!isLabError(error)) throw error;
        refuse(error);
      }
    });
    // Socket.IO's own recovery: back in its rooms, its missed packets already sent — all but volatile ones. A socket
    // cut during its backlog replay had not joined its rooms yet (they are joined once the replay is done): its
    // session comes back without them and would never get another event, so it resumes from the lab's ring.
    if (socket.recovered && socket.rooms.has(MEMBERS_ROOM)) {
      announceVolatileMissed(socket);
      return;
    }

    let point: { since: number | undefined; epoch: string | undefined };
    let topic: string | null;
    try {
      const auth = socket.handshake.auth as Record<string, unknown>;
      const { scenario } = feed.currentSettings;
      topic = requestedTopic(auth.room, scenario.id, scenario.topics);
      const query = parseFeedQuery({
        since: auth.since === undefined ? undefined : String(auth.since),
        epoch: auth.epoch,
      });
      // No position in auth (a client that does not read the sid): from this connection's handshake.
      point = query.since === undefined ? (positionInSessionId(sidOf(conn)) ?? query) : query;
    } catch (error) {
      const refusal = isLabError(error) ? error : LabErrors.INTERNAL();
      // With the hint: a bad room or position is the caller's to fix.
      socket.emit('lab-error', { type: 'error', ...errorBody(refusal) });
      socket.disconnect(true);
      return;
    }
    const start = feed.resume(point, 0);
    const position = start.reset ? start.next : (point.since ?? start.next);
    socket.emit('hello', { type: 'hello', epoch: feed.epoch, next: position });
    if (start.reset) sendReset(socket, start.next, start.reset);
    replayBacklog(
      feed,
      position,
      feed.epoch,
      options.maxQueuedBytes / 2,
      {
        isOpen: () => socket.connected,
        // engine.io queues per socket without a byte count: the backlog goes out in one pass (bounded by the ring).
        queuedBytes: () => 0,
        whenDrained: (next) => setImmediate(next),
        send: (stored) => {
          if (topic === null || stored.topic === topic) emitEvent(socket, stored);
        },
        reset: (next, reason) => sendReset(socket, next, reason),
      },
      () => {
        // The scenario may have changed while the backlog went out.
        const { scenario } = feed.currentSettings;
        if (topic !== null && !scenario.topics.includes(topic)) letGoOfStaleRoom(socket, topic, scenario);
        else socket.join([MEMBERS_ROOM, topic === null ? LIVE_ROOM : topicRoom(topic)]);
      },
    );
  });

  /** Tells the sockets of a topic the scenario no longer has why they get nothing more, and lets them go. */
  function letGoOfStaleRoom(socket: Socket, topic: string, scenario: Scenario): void {
    const refusal = LabErrors.UNKNOWN_ROOM(
      `the scenario is now ${scenario.id}, which has no topic ${JSON.stringify(topic)}; its topics: ${scenario.topics.join(', ')}`,
    );
    socket.emit('lab-error', { type: 'error', ...errorBody(refusal) });
    socket.disconnect(true);
  }
  /** A recovered socket's volatile events it missed while away, from its position in `auth` (a lab client sends one). */
  function announceVolatileMissed(socket: Socket): void {
    const auth = socket.handshake.auth as Record<string, unknown>;
    if (typeof auth.since !== 'number' || auth.epoch !== feed.epoch) return;
    const missed = feed.resume({ since: auth.since, epoch: feed.epoch }, Number.MAX_SAFE_INTEGER);
    if (missed.reset) return;
    volatileDrops.afterRecovery(socket, feed.epoch, missed.events, topicOfRooms(socket.rooms));
  }
  function sidOf(conn: EngineSocket): string {
    return (conn as unknown as { id: string }).id;
  }
  function connectionOf(socket: Socket): ConnectionMeter | undefined {
    return connections.get(sidOf(socket.conn as unknown as EngineSocket));
  }
  /** An upstream message's own bytes, payload of the socket's connection (whichever namespace it came on). */
  function countUp(socket: Socket, bytes: number): void {
    const connection = connectionOf(socket);
    if (!connection) return;
    if (socket.conn.transport.name === 'websocket' && connection.wsTally)
      connection.wsTally.settleUp(connection.target, bytes);
    else connection.upPayload += bytes;
  }

  socketIoChat(io.of(SOCKET_IO_CHAT_NAMESPACE), settings, context, {
    clientOf: (socket) => connectionOf(socket)?.target.client ?? null,
    countUp,
  });

  function emitEvent(to: { emit(event: string, ...args: unknown[]): unknown }, stored: StoredEvent): void {
    if (stored.binary) {
      binaryPayloads.add(stored.binary);
      to.emit('feed-binary', stored.binary);
    } else to.emit('feed', preSerializedOf(stored));
  }
  /** The event's own bytes for the encoder, made once per event however many backlogs carry it. */
  function preSerializedOf(stored: StoredEvent): PreSerializedJson {
    let json = preSerialized.get(stored);
    if (json === undefined) {
      json = new PreSerializedJson(stored.json.toString('utf8'));
      preSerialized.set(stored, json);
    }
    return json;
  }
  /** One broadcast per event, to everyone following the whole feed and to the event's topic room at once. */
  function broadcastEvent(stored: StoredEvent): void {
    const rooms = [LIVE_ROOM, topicRoom(stored.topic)];
    const { volatile } = settings.current;
    // Sockets with volatile drops pending are told of them first, then get this event on their own.
    const served = volatileDrops.beforeBroadcast(rooms, feed.epoch, stored.seq, volatile);
    for (const socket of served) {
      volatileDrops.announce(socket);
      emitEvent(socket, stored);
    }
    const to = volatile ? feedSpace.volatile.to(rooms) : feedSpace.to(rooms);
    emitEvent(served.length === 0 ? to : to.except(served.map((socket) => socket.id)), stored);
  }
  function sendReset(
    to: { emit(event: string, ...args: unknown[]): unknown },
    next: number,
    reason: ResetReason,
  ): void {
    to.emit('reset', { type: 'reset', epoch: feed.epoch, next, reason });
  }

  // Subscribed while `members` has members, and for the recovery window after the last one left: Socket.IO can
  // only give a reconnecting socket the packets that were broadcast (and so stored) while it was away.
  let unsubscribe: (() => void) | null = null;
  let stopOnEpoch: (() => void) | null = null;
  let stopOnSettings: (() => void) | null = null;
  let lingering: ReturnType<typeof setTimeout> | null = null;
  const unsubscribeNow = (): void => {
    unsubscribe?.();
    stopOnEpoch?.();
    stopOnSettings?.();
    unsubscribe = stopOnEpoch = stopOnSettings = null;
  };
  // A room whose topic the new scenario does not have would get nothing, silently: its sockets are told why
  // (LAB_ERR_UNKNOWN_ROOM, as at the handshake) and let go; their clients' retries are refused the same way.
  const closeRoomsNotIn = ({ scenario }: FeedSettings): void => {
    for (const [room, ids] of [...feedSpace.adapter.rooms]) {
      const topic = topicOfRooms([room]);
      if (topic === null || scenario.topics.includes(topic)) continue;
      for (const id of [...ids]) {
        const socket = feedSpace.sockets.get(id);
        if (socket) letGoOfStaleRoom(socket, topic, scenario);
      }
    }
  };
  feedSpace.adapter.on('create-room', (room: string) => {
    if (room !== MEMBERS_ROOM) return;
    if (lingering) clearTimeout(lingering);
    lingering = null;
    unsubscribe ??= feed.subscribe(broadcastEvent);
    stopOnEpoch ??= feed.onEpoch(() => sendReset(feedSpace.to(MEMBERS_ROOM), feed.newestSeq, 'foreign-epoch'));
    stopOnSettings ??= feed.onSettings(closeRoomsNotIn);
  });
  feedSpace.adapter.on('delete-room', (room: string) => {
    if (room !== MEMBERS_ROOM) return;
    lingering = setTimeout(unsubscribeNow, SOCKET_IO_RECOVERY_MS);
    lingering.unref();
  });
  const goAway = (): void => {
    // A disconnect packet (`41/feed,`) tells each client why, and each connection closes once it is written.
    // engine.close() would discard what is still queued (a frame still being written under load leaves the
    // `41` behind it, and the client sees "transport close"): it runs when the last connection has closed,
    // or after the grace for those that do not.
    shuttingDown = true;
    feedSpace.disconnectSockets(true);
    io.of(SOCKET_IO_CHAT_NAMESPACE).disconnectSockets(true);
    if (connections.size === 0) closeEngine();
    else setTimeout(closeEngine, CLOSE_GRACE_MS).unref();
    // A peer that never answers the WebSocket close frame must not hold the shutdown up.
    setTimeout(() => {
      for (const socket of upgradedSockets) socket.destroy();
    }, CLOSE_GRACE_MS).unref();
  };
  closers.add(goAway);
  app.addHook('onClose', async () => {
    if (lingering) clearTimeout(lingering);
    unsubscribeNow();
    closers.delete(goAway);
  });

  dispatchOwnPath(app.server, record.path, {
    request: (request, response) => {
      if (!admitConnection(request.socket)) return;
      meterPollingRequest(request, response);
      engine.handleRequest(request, response);
    },
    upgrade: (request, socket, head) => {
      if (!admitConnection(request.socket)) return;
      // Node removed its own socket error listener before 'upgrade'.
      socket.on('error', () => socket.destroy());
      upgradedSockets.add(socket);
      socket.once('close', () => upgradedSockets.delete(socket));
      meterUpgrade(request, socket, head);
      engine.handleUpgrade(request, socket, head);
    },
  });
}

/** How long a stale socket may take to close before its client's new connection is restored without it, ms. */
const STALE_CLOSE_MS = 1000;

/**
 * A client that leaves a connection mid-upgrade (clients/socket-io-client.ts, on `upgradeError`: its probe
 * WebSocket was cut) comes back at once with its session id (`pid`) while the lab still holds the old socket —
 * its polling paused for the probe, alive until engine.io's upgrade timeout. Socket.IO restores only a session
 * persisted at a disconnect, so without this the client would lose its own recovery and fall back to the
 * lab's ring (a `too-old` reset when the ring no longer holds what it missed). The old socket is closed first,
 * at once ("forced close", a reason Socket.IO persists the session for; what it still had queued is dropped, the
 * session's store has it), then the session is restored.
 */
function closeStaleSessionsBeforeRestoring(space: Namespace): void {
  const adapter = space.adapter as unknown as {
    restoreSession(pid: string, offset: string): Promise<unknown> | unknown;
  };
  const restore = adapter.restoreSession.bind(adapter);
  adapter.restoreSession = async (pid: string, offset: string) => {
    const stale = [...space.sockets.values()].find((socket) => (socket as unknown as { pid?: string }).pid === pid);
    if (stale) {
      const gone = new Promise<void>((resolve) => {
        stale.once('disconnect', () => resolve());
        setTimeout(resolve, STALE_CLOSE_MS).unref();
      });
      stale.conn.close(true);
      await gone;
    }
    return restore(pid, offset);
  };
}

/**
 * How the inspector shows one Socket.IO event over websocket: the Engine.IO
 * type `4` (message), the Socket.IO type `2` (event), the namespace, the event
 * name and `[`, the event, then the recovery offset and `]`.
 * The WebSocket frame header and the offset's exact text are the socket's, not shown here.
 */
export function splitSocketIoEvent(event: StoredEvent): WirePart[] {
  return [
    textPart(
      'framing',
      `Engine.IO 4 (message), Socket.IO 2 (event), namespace ${SOCKET_IO_FEED_NAMESPACE}, name "feed"`,
      `4${EVENT_PREFIX}`,
    ),
    payloadPart(event),
    textPart('framing', "the recovery offset (Socket.IO's connection state recovery) and the closing bracket", ',"…"]'),
  ];
}
