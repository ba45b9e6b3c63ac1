/**
 * The network conditioner: a TCP proxy on its own port in front of the lab.
 * Clients that connect to it instead of the lab get added round trip, jitter,
 * bandwidth limits, a connection-setup round trip, and faults — over every
 * transport alike, WebSocket included. It forwards bytes unchanged and knows
 * nothing of HTTP, so the lab's meter counts its traffic like any other.
 */
import net from 'node:net';
import type { FaultRequest, NetworkState } from '../../protocol/network-state.ts';
import type { ClientAddresses } from '../security/client-addresses.ts';
import { NetworkFaults } from './network-faults.ts';
import { applyNetworkRequest, type NetworkRequest, type NetworkSettings } from './network-settings.ts';
import { type ConnectionSummary, ProxiedConnection } from './proxied-connection.ts';
import type { DirectionShape } from './shaped-direction.ts';

export interface ConditionerAddress {
  /** Address to listen on (the lab's own bind address). */
  host: string;
  /** Where the lab itself listens. */
  targetHost: string;
  targetPort: number;
}

export interface ConditionerLinks {
  /** Where the conditioner notes whom each of its sockets to the lab carries, for the lab's address-keyed limits. */
  clientAddresses: ClientAddresses;
  /** When `listenPort` is taken (EADDRINUSE), listen on any free port instead. @default false */
  anyFreePortWhenBusy?: boolean;
}

/** Closed connections kept for `connections()`; the oldest are forgotten first. */
const CLOSED_KEPT = 1000;

export class Conditioner {
  private current: NetworkSettings;
  private server: net.Server | null = null;
  private boundPort: number | null = null;
  private readonly started: Promise<number | null>;
  private settleStart: (port: number | null) => void = () => {};
  private failStart: (error: Error) => void = () => {};
  private nextId = 1;
  private busyPort: number | null = null;
  private readonly open = new Set<ProxiedConnection>();
  private readonly closed: ConnectionSummary[] = [];
  readonly faults: NetworkFaults<ProxiedConnection>;

  /**
   * @param settings the initial network (see `profileSettings`)
   * @param listenPort where `start()` will listen: 0 = any free port; null = never (no conditioner)
   */
  constructor(
    settings: NetworkSettings,
    private readonly listenPort: number | null,
    private readonly links: ConditionerLinks,
  ) {
    this.current = settings;
    this.started = new Promise<number | null>((resolve, reject) => {
      this.settleStart = resolve;
      this.failStart = reject;
    });
    // Whoever starts it may not await it (Fastify's onListen hook only logs); ready() reports the error.
    this.started.catch(() => {});
    if (listenPort === null) this.settleStart(null);
    this.faults = new NetworkFaults<ProxiedConnection>({
      connections: () => this.open,
      cut: (connection) => connection.cut(),
      stallChanged: () => this.reconsiderAll(),
    });
  }

  get settings(): Readonly<NetworkSettings> {
    return this.current;
  }

  /** The bound port, or null when not listening. */
  get port(): number | null {
    return this.boundPort;
  }

  /** The port asked for when it was taken and another was used instead (`anyFreePortWhenBusy`); else null. */
  get portTakenInstead(): number | null {
    return this.busyPort;
  }

  /** Starts listening (the lab calls it once it listens itself); resolves with the bound port, as `ready()` does. */
  start(address: ConditionerAddress): Promise<number | null> {
    if (this.listenPort === null || this.server) return this.started;
    this.listen(address, this.listenPort);
    return this.started;
  }

  private listen(address: ConditionerAddress, port: number): void {
    const server = net.createServer({ allowHalfOpen: true }, (client) => this.accept(client, address));
    this.server = server;
    const onError = (error: NodeJS.ErrnoException): void => {
      this.server = null;
      if (error.code === 'EADDRINUSE' && port !== 0 && this.links.anyFreePortWhenBusy) {
        this.busyPort = port;
        this.listen(address, 0);
        return;
      }
      this.failStart(error);
    };
    server.once('error', onError);
    server.listen(port, address.host, () => {
      server.off('error', onError);
      // Later errors (an accept failing under EMFILE) must not take the lab down; the next accept may work.
      server.on('error', () => {});
      this.boundPort = (server.address() as net.AddressInfo).port;
      this.settleStart(this.boundPort);
    });
  }

  /**
   * Resolves with the conditioner's port once it listens, which is just after
   * the lab listens (null at once when there is no conditioner); rejects when
   * its port could not be bound (e.g. EADDRINUSE).
   */
  ready(): Promise<number | null> {
    return this.started;
  }

  /** Stops listening and cuts every connection. */
  async stop(): Promise<void> {
    this.settleStart(null); // a lab closed before it listened: nobody waits forever
    this.faults.dispose();
    const server = this.server;
    this.server = null;
    this.boundPort = null;
    for (const connection of [...this.open]) connection.cut({ byFault: false });
    if (server?.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Applies a change (a profile name or a PUT body) to every connection, open ones included. */
  update(request: NetworkRequest): NetworkSettings {
    this.current = applyNetworkRequest(this.current, request);
    this.reconsiderAll();
    return this.current;
  }

  fault(request: FaultRequest): void {
    this.faults.apply(request);
  }

  state(): NetworkState & NetworkSettings {
    return { port: this.boundPort, ...this.current, faults: this.faults.state(), openConnections: this.open.size };
  }

  /** Open connections, then the most recently closed ones (up to 1000), with their byte counts. */
  connections(): ConnectionSummary[] {
    return [...[...this.open].map((connection) => connection.summary()), ...this.closed];
  }

  private accept(client: net.Socket, address: ConditionerAddress): void {
    const target = { host: address.targetHost, port: address.targetPort };
    const connection = new ProxiedConnection(
      this.nextId++,
      client,
      target,
      {
        up: () => this.shape('up'),
        down: () => this.shape('down'),
        rttMs: this.current.rttMs,
        clientAddresses: this.links.clientAddresses,
        refusesUpgrades: () => this.current.websocketBlocked,
      },
      (done) => {
        this.open.delete(done);
        this.faults.forget(done);
        this.closed.unshift(done.summary());
        if (this.closed.length > CLOSED_KEPT) this.closed.pop();
      },
    );
    this.open.add(connection);
    this.faults.watch(connection);
  }

  private shape(direction: 'up' | 'down'): DirectionShape {
    const { rttMs, jitterMs, downKbps, upKbps } = this.current;
    return {
      delayMs: rttMs / 2,
      jitterMs,
      kbps: direction === 'up' ? upKbps : downKbps,
      stalledUntil: this.faults.stalledUntil,
    };
  }

  private reconsiderAll(): void {
    for (const connection of this.open) connection.reconsider();
  }
}
