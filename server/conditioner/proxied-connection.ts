/**
 * One client connection through the conditioner: the accepted socket, a
 * socket to the lab, and a shaped direction each way. Bytes pass unchanged;
 * only their timing is the network's.
 */
import net from 'node:net';
import type { ClientAddresses } from '../security/client-addresses.ts';
import { type DirectionCounts, type DirectionShape, ShapedDirection } from './shaped-direction.ts';

/** What the conditioner shows about one connection (`GET /api/network/connections`). */
export interface ConnectionSummary {
  id: number;
  /** The first request line the client sent, e.g. `GET /api/feed/sse?client=me HTTP/1.1`; null before any byte. */
  firstRequest: string | null;
  /** Epoch ms. */
  openedAt: number;
  /** Epoch ms; null while open. */
  closedAt: number | null;
  /** Cut by a fault (drop-all or chaos). */
  cut: boolean;
  /** Client → lab. */
  up: DirectionCounts;
  /** Lab → client. */
  down: DirectionCounts;
}

export interface ConnectionLinks {
  up: () => DirectionShape;
  down: () => DirectionShape;
  /** Added round trip now, ms: the setup a new connection pays before its first byte. */
  rttMs: number;
  /** Told whom the socket to the lab carries, so the lab's limits see the client, not the conditioner. */
  clientAddresses: ClientAddresses;
  /** The "WebSocket blocked" switch, read for each request: an `Upgrade` request is answered 403 and closed. */
  refusesUpgrades: () => boolean;
}

/** What a proxy that blocks WebSocket answers an upgrade with; the request never reaches the lab. */
const UPGRADE_REFUSAL_BODY = 'WebSocket blocked by the network conditioner (its "WebSocket blocked" switch)\n';
const UPGRADE_REFUSAL =
  'HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\n' +
  `Content-Length: ${Buffer.byteLength(UPGRADE_REFUSAL_BODY)}\r\nConnection: close\r\n\r\n${UPGRADE_REFUSAL_BODY}`;
/** A request head asking for an upgrade: a request line, then an `Upgrade:` header before the blank line. */
const UPGRADE_REQUEST = /^[A-Z]+ [^\r\n]* HTTP\/1\.[01]\r\n(?:[^\r\n]+\r\n)*?upgrade:/i;

const FIRST_LINE_MAX = 300;

export class ProxiedConnection {
  readonly openedAt = Date.now();
  private closedAt: number | null = null;
  private firstRequest: string | null = null;
  private wasCut = false;
  private readonly lab: net.Socket;
  private readonly up: ShapedDirection;
  private readonly down: ShapedDirection;
  private closedSockets = 0;

  /**
   * @param onClosed called once, when both sockets have closed
   */
  constructor(
    readonly id: number,
    private readonly client: net.Socket,
    target: { host: string; port: number },
    links: ConnectionLinks,
    private readonly onClosed: (connection: ProxiedConnection) => void,
  ) {
    // Both sides half-open: a FIN is passed on in order, after the bytes still on the way.
    this.lab = net.connect({ host: target.host, port: target.port, allowHalfOpen: true });
    // Noted on connect, before any byte can leave (writes wait for 'connect', and this listener is first).
    const clientAddress = client.remoteAddress ?? '';
    this.lab.once('connect', () => {
      const forget = links.clientAddresses.noteProxied(this.lab, clientAddress);
      this.lab.once('close', forget);
    });
    for (const socket of [client, this.lab]) socket.setNoDelay(true);
    // The handshake a real connection pays: one round trip before the client's first byte can leave.
    const setupDone = performance.now() + links.rttMs;
    this.up = new ShapedDirection(client, this.lab, links.up, setupDone, (bytes) => {
      // A request starts its own chunk on a connection (each is one write); only its head is looked at.
      if (!links.refusesUpgrades() || !UPGRADE_REQUEST.test(bytes.subarray(0, 8192).toString('latin1'))) return false;
      this.refuseUpgrade();
      return true;
    });
    this.down = new ShapedDirection(this.lab, client, links.down, 0);
    client.once('data', (bytes: Buffer) => {
      const head = bytes.subarray(0, FIRST_LINE_MAX).toString('latin1');
      const end = head.indexOf('\r\n');
      this.firstRequest = end >= 0 ? head.slice(0, end) : head;
    });
    for (const socket of [client, this.lab]) {
      // An error on either side (a reset, a refused connection) ends the whole connection at once.
      socket.on('error', () => this.destroy());
      socket.once('close', () => this.socketClosed());
    }
  }

  get open(): boolean {
    return this.closedAt === null;
  }

  /** Work the waiting bytes' times out again after a settings change or a stall. */
  reconsider(): void {
    this.up.reconsider();
    this.down.reconsider();
  }

  /** A network drop: both sides are reset at once; bytes on the way are lost. `byFault: false` when the lab shuts down. */
  cut({ byFault } = { byFault: true }): void {
    if (!this.open) return;
    this.wasCut ||= byFault;
    for (const socket of [this.client, this.lab]) {
      if (socket.destroyed) continue;
      // RST, as when a path dies, so the peer notices now rather than at its next write.
      socket.resetAndDestroy();
    }
    this.destroy();
  }

  summary(): ConnectionSummary {
    return {
      id: this.id,
      firstRequest: this.firstRequest,
      openedAt: this.openedAt,
      closedAt: this.closedAt,
      cut: this.wasCut,
      up: this.up.counts(),
      down: this.down.counts(),
    };
  }

  /** The switch's answer, written at once (not through the shaped link), then the connection ends. */
  private refuseUpgrade(): void {
    this.lab.destroy();
    this.client.end(UPGRADE_REFUSAL);
  }

  private destroy(): void {
    this.up.dispose();
    this.down.dispose();
    this.client.destroy();
    this.lab.destroy();
  }

  private socketClosed(): void {
    this.closedSockets++;
    // A side that closed cleanly still lets the other direction deliver what it holds (its FIN comes last).
    if (this.closedSockets < 2) return;
    this.up.dispose();
    this.down.dispose();
    this.closedAt = Date.now();
    this.onClosed(this);
  }
}
