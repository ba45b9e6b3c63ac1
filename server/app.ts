/**
 * buildApp: the whole lab as a Fastify instance that never listens by itself,
 * so tests can `listen({ port: 0 })` it and main.ts can add flags and signals.
 */
import type { Socket } from 'node:net';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, { type FastifyInstance } from 'fastify';
import { classRoundRoutes } from './api/class-round-routes.ts';
import { classRoutes } from './api/class-routes.ts';
import { clusterMetricsRoutes } from './api/cluster-metrics-routes.ts';
import { controlRoutes } from './api/control-routes.ts';
import { infoRoutes } from './api/info-routes.ts';
import { loadRoutes } from './api/load-routes.ts';
import { metricsRoutes } from './api/metrics-routes.ts';
import { processRoutes } from './api/process-routes.ts';
import { webRoutes } from './api/web-routes.ts';
import { clientErrorAnswer } from './client-error-answer.ts';
import { Conditioner } from './conditioner/conditioner.ts';
import { installLabOriginCors } from './conditioner/cors-for-lab-origins.ts';
import { networkRoutes } from './conditioner/network-routes.ts';
import { applyNetworkRequest, profileSettings } from './conditioner/network-settings.ts';
import { toLabError } from './error-mapping.ts';
import { errorBody, LabErrors } from './errors.ts';
import { Feed } from './feed/feed.ts';
import { RedisFeed } from './feed/redis-feed.ts';
import { loadBalancerRoutes } from './api/load-balancer-routes.ts';
import { jsonContentTypeProblem } from './json-content-type.ts';
import { type LabOptions, labOptions } from './lab-options.ts';
import { Meter } from './meter/meter.ts';
import { installRequestMetering } from './meter/request-metering.ts';
import { WireInspector } from './meter/wire-inspector.ts';
import { ClientAddresses } from './security/client-addresses.ts';
import { labOriginPredicate } from './security/lab-origins.ts';
import { isLoopbackAddress } from './security/loopback-address.ts';
import { installRequestGuards } from './security/request-guards.ts';
import { limitSlowHeads } from './security/slow-heads.ts';
import { UpstreamBudget } from './security/upstream-budget.ts';
import type { H2SessionInfo } from '../protocol/lab-status.ts';
import { SegmentLog } from './segment-log.ts';
import { labHandOff } from './lab-hand-off.ts';
import { startTlsListeners, type TlsListeners } from './tls/tls-listeners.ts';
import { publishRoute } from './transports/publish.ts';
import type { TransportContext } from './transports/transport-context.ts';
import { eventSplitters, TRANSPORTS } from './transports/transport-registry.ts';

declare module 'fastify' {
  interface FastifyInstance {
    feed: Feed;
    meter: Meter;
    labOptions: LabOptions;
    /** The network conditioner; `port` is null unless `conditionerPort` was set and the lab listens. */
    conditioner: Conditioner;
    /** The wire inspector behind `GET /api/inspect` (its `keptBytes` stay under `INSPECTOR_MAX_BYTES`). */
    inspector: WireInspector;
    /** Upstream budgets: per client address, for everyone together, and a lab-started load run's. */
    upstream: UpstreamBudget;
    /** Who is really behind a lab socket (the conditioner's client, not 127.0.0.1): see client-addresses.ts. */
    clientAddresses: ClientAddresses;
    /**
     * The HTTPS ports once the lab listens (null without `https`); rejects when one could not be bound.
     * Like `conditioner.ready()`, because Fastify only logs an onListen error.
     */
    httpsReady(): Promise<{ h2Port: number; http1Port: number } | null>;
    /** The open HTTP/2 sessions with their HPACK table sizes (none without `https`). */
    httpsSessions(): H2SessionInfo[];
  }
}

export async function buildApp(overrides: Partial<LabOptions> = {}): Promise<FastifyInstance> {
  const options = labOptions(overrides);
  const now = (): number => performance.timeOrigin + performance.now();
  const feedSettings = {
    scenario: options.scenario,
    seed: options.seed,
    ratePerSecond: options.ratePerSecond,
    payloadBytes: options.payloadBytes,
  };
  const feed = options.redis
    ? await RedisFeed.open(feedSettings, now, options.bufferSize, options.redis)
    : new Feed(feedSettings, now, options.bufferSize);
  const meter = new Meter();
  const clientAddresses = new ClientAddresses();
  const clientAddressOf = (socket: Socket): string => clientAddresses.clientAddressOf(socket);
  const upstream = new UpstreamBudget(options.upstreamLimits);
  const conditioner = new Conditioner(
    applyNetworkRequest(profileSettings('none'), options.network),
    options.conditionerPort,
    { clientAddresses, anyFreePortWhenBusy: options.conditionerPortFallback },
  );
  const segments = new SegmentLog(() => segmentState(feed, conditioner), now);
  const context: TransportContext = {
    feed,
    meter,
    inspector: new WireInspector(eventSplitters()),
    options,
    segments,
    closers: new Set(),
    upstream,
    clientAddressOf,
    // Defined below, once the app (whose port it needs) exists; only called for requests.
    isLabOrigin: (origin) => isLabOrigin(origin),
    admitConnection: (socket) => guards.admitConnection(socket),
  };

  const app = Fastify({
    logger: options.logger,
    bodyLimit: options.maxMessageBytes,
    forceCloseConnections: true,
    // Slow senders: a head must arrive within headersTimeoutMs, a whole request (a trickled body too)
    // within requestTimeoutMs, checked every second (Node's default check runs every 30 s).
    requestTimeout: options.requestTimeoutMs,
    http: {
      headersTimeout: options.headersTimeoutMs,
      maxHeaderSize: options.maxHeaderBytes,
      connectionsCheckingInterval: 1000,
      // The lab's guard answers a missing Host itself, in its error shape (Node's own 400 has no body).
      requireHostHeader: false,
    },
    clientErrorHandler: (error, socket) => {
      // Malformed, oversized or too slow HTTP never reaches a route: answer with the lab's error shape and close.
      if (!socket.writable) return socket.destroy();
      socket.end(clientErrorAnswer(error, options.maxHeaderBytes));
    },
  });
  app.decorate('feed', feed);
  app.decorate('meter', meter);
  app.decorate('labOptions', options);
  app.decorate('inspector', context.inspector);
  app.decorate('upstream', upstream);
  app.decorate('clientAddresses', clientAddresses);
  app.decorate('conditioner', conditioner);

  let tlsListeners: TlsListeners | null = null;
  let httpsStarted: Promise<TlsListeners | null> = Promise.resolve(null);
  app.decorate('httpsReady', async () => {
    const listeners = await httpsStarted;
    return listeners ? { h2Port: listeners.h2Port, http1Port: listeners.http1Port } : null;
  });
  app.decorate('httpsSessions', () => tlsListeners?.sessions() ?? []);

  installRequestMetering(app, meter);
  const ownOrigin = labOriginPredicate(app, {
    labPort: () => listeningPort(app),
    conditionerPort: () => conditioner.port,
    httpsPorts: () => (tlsListeners ? [tlsListeners.h2Port, tlsListeners.http1Port] : []),
  });
  const isLabOrigin = (origin: string): boolean => options.publicOrigins.includes(origin) || ownOrigin(origin);
  const perAddressExempt = options.perAddressExempt ?? isLoopbackAddress;
  const guards = installRequestGuards(app, {
    lan: options.lan,
    teacherToken: options.teacherToken,
    isLabOrigin,
    maxConnectionsPerAddress: options.maxConnectionsPerAddress,
    capExempt: perAddressExempt,
    clientAddressOf,
  });
  limitSlowHeads(app.server, options.slowHeads, clientAddressOf, perAddressExempt);
  installLabOriginCors(app, isLabOrigin);
  app.removeAllContentTypeParsers();
  // Plain JSON.parse: it keeps "__proto__" as an ordinary own key, which parseUpstream then refuses
  // with its own code, the same way on HTTP and WebSocket.
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // Only UTF-8: a body declared in another charset would be read as UTF-8 and mean something else.
    const typeProblem = jsonContentTypeProblem(request.headers['content-type']);
    if (typeProblem) return done(typeProblem, undefined);
    if (body === '') return done(LabErrors.BAD_JSON('the body is empty'), undefined);
    try {
      done(null, JSON.parse(body as string));
    } catch (error) {
      done(LabErrors.BAD_JSON((error as Error).message), undefined);
    }
  });
  app.setErrorHandler((error, request, reply) => {
    const labError = toLabError(error as Error, options.maxMessageBytes, request.headers['content-type']);
    if (labError.statusCode >= 500) request.log.error(error);
    if (reply.sent) return;
    // Refused before its body was read (411, 413, 415): the connection closes rather than read a
    // trickled body on for nothing.
    // (HTTP/2 has no Connection header: a stream ends alone.)
    if (!request.raw.complete && request.raw.httpVersionMajor !== 2) reply.header('connection', 'close');
    reply.code(labError.statusCode).send(errorBody(labError));
  });
  app.setNotFoundHandler((request, reply) => {
    const error = LabErrors.NOT_FOUND(request.method, request.url.split('?')[0] ?? '');
    reply.code(404).send(errorBody(error));
  });

  // Before the server stops accepting: stop the feed, end SSE streams and held polls,
  // close WebSockets with 1001. Given to @fastify/websocket as its preClose, whose
  // default would close sockets first, without a code.
  const closeStreams = (done: () => void): void => {
    feed.stop();
    for (const close of [...context.closers]) close();
    app.websocketServer.close();
    done();
  };
  await app.register(fastifyWebsocket, {
    options: { maxPayload: options.maxMessageBytes, perMessageDeflate: false },
    preClose: closeStreams,
  });
  for (const transport of Object.values(TRANSPORTS)) await app.register(transport.plugin, context);
  await app.register(publishRoute, context);
  await app.register(metricsRoutes, context);
  await app.register(infoRoutes, context);
  await app.register(controlRoutes, context);
  await app.register(processRoutes, context);
  await app.register(webRoutes, context);
  await app.register(networkRoutes, { conditioner, segments });
  await app.register(classRoutes, context);
  await app.register(classRoundRoutes, context);
  await app.register(loadRoutes, context);
  await app.register(clusterMetricsRoutes, context);
  await app.register(loadBalancerRoutes, context);
  if (feed instanceof RedisFeed) {
    // Behind a load balancer, which instance answered (the load-balancer lesson reads it).
    app.addHook('onRequest', (_request, reply, done) => {
      reply.header('x-lab-instance', options.instanceName);
      done();
    });
  }

  app.addHook('onReady', async () => {
    if (options.autostart) feed.start();
  });
  // The conditioner needs the lab's bound address. Fastify only logs an onListen error:
  // `await app.conditioner.ready()` reports it (and resolves with the conditioner's port).
  app.addHook('onListen', async () => {
    const address = app.server.address();
    if (options.https !== null && address && typeof address !== 'string') {
      httpsStarted = startTlsListeners(labHandOff(app), meter, address.address, options.https);
      httpsStarted.then(
        (listeners) => {
          tlsListeners = listeners;
        },
        () => {},
      );
    }
    if (options.conditionerPort === null || !address || typeof address === 'string') return;
    const wildcard = address.address === '0.0.0.0' || address.address === '::';
    await conditioner.start({
      host: address.address,
      targetHost: wildcard ? (address.address === '::' ? '::1' : '127.0.0.1') : address.address,
      targetPort: address.port,
    });
  });
  app.addHook('onClose', async () => {
    await httpsStarted.then(
      (listeners) => listeners?.close(),
      () => {},
    );
    await conditioner.stop();
    if (feed instanceof RedisFeed) await feed.close();
  });
  return app;
}

/** What a new segment records: the feed's position and the conditions now. */
function segmentState(feed: Feed, conditioner: Conditioner) {
  const { scenario, ratePerSecond, payloadBytes } = feed.currentSettings;
  const network = conditioner.state();
  return {
    epoch: feed.epoch,
    seq: feed.newestSeq,
    conditions: {
      scenario: scenario.id,
      ratePerSecond: ratePerSecond ?? scenario.ratePerSecond,
      payloadBytes: payloadBytes ?? scenario.payload.bytes,
      network: network.profile,
      rttMs: network.rttMs,
      jitterMs: network.jitterMs,
      downKbps: network.downKbps,
      upKbps: network.upKbps,
    },
  };
}

function listeningPort(app: FastifyInstance): number | null {
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : null;
}
