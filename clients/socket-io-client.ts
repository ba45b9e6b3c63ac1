/**
 * Socket.IO through socket.io-client 4.8 (bundled into the page by Vite, the
 * `ws` package's WebSocket and an XHR shim in Node). It joins the lab's `/feed`
 * namespace with `?client=ID` in the handshake and its position (`since`,
 * `epoch`) in `auth`, asked again before every reconnect; before the lab's
 * first hello that position is the one the first open packet's sid names. socket.io-client
 * reconnects by itself (so Socket.IO's connection state recovery can restore
 * the session); a disconnect by the server (the lab's shutdown) is retried
 * after this client's backoff. Events are `feed` (JSON), `feed-binary` (a
 * binary attachment); `hello`, `reset` and `lab-error` carry control messages.
 * With `socketIoRoom` it asks for one topic (`auth.room`) and gets only that
 * topic's events, with their feed seqs: its tracker treats the seqs between
 * them as other topics', not as losses. `dropped` announces events the lab's
 * volatile emits did not send: counted in `stats().dropped`, never a gap.
 * `joinChat` adds `/chat` on the same connection; `publish` and `chat` are
 * emitted with an acknowledgement and timed by it (`ackRoundTripMs`).
 */
import { io, type Manager, type Socket } from 'socket.io-client';
import { decodeBinaryEvent } from '../protocol/binary-envelope.ts';
import type { UpstreamMessage } from '../protocol/feed-event.ts';
import {
  type ChatMessage,
  type ChatSend,
  isDroppedNotice,
  SOCKET_IO_CHAT_NAMESPACE,
} from '../protocol/socket-io-features.ts';
import { positionInSessionId } from '../protocol/socket-io-session-id.ts';
import { TRANSPORT_RECORDS } from '../protocol/transport-records.ts';
import { FeedClient, type FeedClientOptions } from './feed-client.ts';
import { FeedClientError } from './feed-client-error.ts';

/** The lab's namespace for the feed (server/transports/socket-io.ts). */
const FEED_NAMESPACE = '/feed';

/** Which Engine.IO transport carries the connection now. */
export type EngineTransportName = 'polling' | 'websocket';

/** How long an emit with an acknowledgement waits for it before it counts as an error, ms. */
export const ACK_TIMEOUT_MS = 10_000;
/** Ack round trips kept, the newest last. */
const ACK_ROUND_TRIPS_KEPT = 100;

export class SocketIoClient extends FeedClient {
  readonly transport = 'socket-io' as const;
  private socket: Socket | null = null;
  private engineName: EngineTransportName | null = null;
  private upgradeTime: number | null = null;
  private recoveredCount = 0;
  private chatSocket: Socket | null = null;
  private chatListener: ((message: ChatMessage, receivedAt: number) => void) | null = null;
  private chatCount = 0;
  private readonly ackRoundTrips: number[] = [];

  constructor(options: FeedClientOptions) {
    super(options);
    if (options.socketIoRoom !== undefined) this.receivesSomeTopicsOnly();
  }

  /** The Engine.IO transport in use (`polling` until the upgrade), null while not connected. */
  get engineTransport(): EngineTransportName | null {
    return this.engineName;
  }

  /** When (`env.now()`, epoch ms) the connection last moved from polling to websocket; null if it has not. */
  get upgradedAt(): number | null {
    return this.upgradeTime;
  }

  /**
   * The current connection's Manager (its `engine` is the Engine.IO socket), null before the first connect: for
   * watching the Engine.IO requests, the upgrade and the frames (the dashboard's timeline). Read-only use only.
   */
  get manager(): Manager | null {
    return this.socket?.io ?? null;
  }

  /** Reconnects that Socket.IO's own recovery restored (`socket.recovered`): no backlog from the lab's ring was needed. */
  get recoveries(): number {
    return this.recoveredCount;
  }

  /**
   * The last ack round trips (ms, newest last): from an emit with an acknowledgement (`publish`, `chat`) to its
   * ack's arrival, on this client's clock. protocol/figures.ts `ackRoundTrip` summarises them.
   */
  get ackRoundTripMs(): number[] {
    return [...this.ackRoundTrips];
  }

  /**
   * Joins the `/chat` namespace on this client's Engine.IO connection (the Manager's second socket: no new
   * connection). `onMessage` gets every chat message the lab sends it, with when it arrived (`env.now()`).
   * Call before or after start(); stop() leaves the chat too.
   */
  joinChat(onMessage: (message: ChatMessage, receivedAt: number) => void): void {
    this.chatListener = onMessage;
    if (this.socket && !this.chatSocket) this.openChat(this.socket);
  }

  /**
   * Sends a chat message on `/chat` with an acknowledgement.
   * @returns the ack round trip in ms
   */
  chat(text: string): Promise<number> {
    const socket = this.chatSocket;
    if (!socket?.connected) {
      return Promise.reject(new FeedClientError('LAB_ERR_CLIENT_NOT_OPEN', 'the /chat namespace is not connected'));
    }
    const message: ChatSend = { id: `chat-${++this.chatCount}`, text };
    this.wire('message', { direction: 'up' });
    return this.emitWithAck(socket, 'chat', message);
  }

  private openChat(feed: Socket): void {
    const chat = feed.io.socket(SOCKET_IO_CHAT_NAMESPACE);
    this.chatSocket = chat;
    chat.on('chat', (message: ChatMessage) => {
      const receivedAt = this.env.now();
      this.wire('message');
      this.chatListener?.(message, receivedAt);
    });
    chat.on('lab-error', (message: unknown) => {
      try {
        const control = this.parseControl(message);
        if (control) this.handleControl(control);
      } catch (error) {
        this.noteError(error);
      }
    });
    chat.connect();
  }

  /** Emits with an acknowledgement; resolves with the round trip (ms) when the ack says `ack`, rejects with its error otherwise. */
  private emitWithAck(socket: Socket, event: string, message: unknown): Promise<number> {
    const sentAt = this.env.now();
    return new Promise((resolve, reject) => {
      socket.timeout(ACK_TIMEOUT_MS).emit(event, message, (timedOut: Error | null, answer: unknown) => {
        const roundTripMs = this.env.now() - sentAt;
        if (timedOut) {
          reject(
            new FeedClientError(
              'LAB_ERR_CLIENT_TIMEOUT',
              `no acknowledgement of "${event}" within ${ACK_TIMEOUT_MS} ms`,
            ),
          );
          return;
        }
        const reply = answer as { type?: unknown; code?: unknown; message?: unknown } | null;
        if (reply?.type !== 'ack') {
          reject(
            new FeedClientError(
              String(reply?.code ?? 'LAB_ERR_CLIENT_BAD_MESSAGE'),
              String(reply?.message ?? 'not an ack'),
            ),
          );
          return;
        }
        this.ackRoundTrips.push(roundTripMs);
        if (this.ackRoundTrips.length > ACK_ROUND_TRIPS_KEPT) this.ackRoundTrips.shift();
        resolve(roundTripMs);
      });
    });
  }

  protected connect(): void {
    if (this.socket) {
      this.socket.connect();
      this.chatSocket?.connect();
      return;
    }
    const base = new URL(this.options.baseUrl);
    const prefix = base.pathname.replace(/\/+$/, '');
    const socket = io(`${base.origin}${FEED_NAMESPACE}`, {
      path: `${prefix}${TRANSPORT_RECORDS[this.transport].path}`,
      query: { client: this.options.clientId },
      auth: (give) => give(this.resumeAuth()),
      forceNew: true,
      ...(this.options.socketIoTransports ? { transports: this.options.socketIoTransports } : {}),
      reconnectionDelay: this.options.reconnectMinMs,
      reconnectionDelayMax: this.options.reconnectMaxMs,
      ...(this.env.socketIoOptions as Record<string, unknown> | undefined),
    });
    this.socket = socket;
    this.wire('request-start', { path: TRANSPORT_RECORDS[this.transport].path });
    if (this.chatListener) this.openChat(socket);

    socket.io.on('open', () => {
      const engine = socket.io.engine;
      this.engineName = engine.transport.name as EngineTransportName;
      let pausedForUpgrade = false;
      engine.on('upgrading', () => {
        pausedForUpgrade = true;
      });
      engine.on('upgrade', (transport) => {
        pausedForUpgrade = false;
        this.engineName = transport.name as EngineTransportName;
        this.upgradeTime = this.env.now();
      });
      // engine.io-client 6.6 pauses polling once the probe answers `3probe`; if the probe's WebSocket dies after
      // that, it never resumes polling and the connection hangs, silent, until the heartbeat times out (45 s);
      // even its close() waits for an upgrade that will not come. So this client leaves that connection and
      // opens a new one now (public API only); the resume loses nothing.
      engine.on('upgradeError', () => {
        if (!pausedForUpgrade || socket !== this.socket) return;
        socket.disconnect();
        this.noteReconnecting();
        socket.connect();
      });
    });
    // Messages that came before a namespace connect wait in socket.io-client's receiveBuffer until the CONNECT
    // (a recovered socket's missed packets come first). If the connection dies before its CONNECT, they stay
    // there and would be delivered after the next connect, which resends them: the server resends everything
    // after the last message this client handled (recovery's offset, or `since`), so they are dropped here.
    socket.io.on('close', () => {
      socket.receiveBuffer.length = 0;
    });
    socket.io.on('reconnect_attempt', () => {
      if (socket === this.socket) this.noteReconnecting();
    });
    socket.on('connect', () => {
      if (socket !== this.socket) return;
      if (socket.recovered) this.recoveredCount++;
      else forgetLastOffset(socket);
      this.wire('open');
      this.markOpen();
    });
    socket.on('connect_error', (error) => {
      if (socket === this.socket) this.noteError(new FeedClientError('LAB_ERR_CLIENT_SOCKET_IO', error.message));
    });
    socket.on('disconnect', (reason) => {
      if (socket !== this.socket) return;
      this.engineName = null;
      this.wire('close');
      // Only a disconnect the server asked for is not retried by socket.io-client itself.
      if (reason === 'io server disconnect') this.retryLater(() => this.connect());
    });
    socket.on('feed', (event: unknown) => {
      if (socket !== this.socket) return;
      const receivedAt = this.env.now();
      this.wire('message');
      try {
        this.receive(this.checkEvent(event), receivedAt);
      } catch (error) {
        this.noteError(error);
      }
    });
    socket.on('feed-binary', (data: unknown) => {
      if (socket !== this.socket) return;
      const receivedAt = this.env.now();
      this.wire('message');
      try {
        this.receive(this.checkEvent(decodeBinaryEvent(toBytes(data))), receivedAt);
      } catch (error) {
        this.noteError(error);
      }
    });
    // The lab's volatile emits: the events it did not send, announced before any later one arrives.
    socket.on('dropped', (notice: unknown) => {
      if (socket !== this.socket) return;
      this.wire('message');
      if (isDroppedNotice(notice)) this.noteDropped(notice.epoch, notice.last, notice.count);
      else this.noteError(new FeedClientError('LAB_ERR_CLIENT_BAD_MESSAGE', 'malformed dropped notice'));
    });
    for (const name of ['hello', 'reset', 'lab-error']) {
      socket.on(name, (message: unknown) => {
        if (socket !== this.socket) return;
        this.wire('message');
        try {
          const control = this.parseControl(message);
          if (control) this.handleControl(control);
        } catch (error) {
          this.noteError(error);
        }
      });
    }
  }

  protected disconnect(): void {
    const socket = this.socket;
    const chat = this.chatSocket;
    this.socket = null;
    this.chatSocket = null;
    this.engineName = null;
    if (socket) this.wire('close');
    chat?.disconnect();
    socket?.disconnect();
  }

  protected sendUpstream(message: UpstreamMessage): Promise<void> {
    const socket = this.socket;
    if (!socket?.connected) {
      return Promise.reject(new FeedClientError('LAB_ERR_CLIENT_NOT_OPEN', 'the Socket.IO connection is not open yet'));
    }
    this.wire('message', { direction: 'up' });
    // With an acknowledgement: the lab answers once the event is in the feed (or with the refusal), timed as an ack round trip.
    const sent = this.emitWithAck(socket, 'publish', { id: message.id, data: message.data, topic: message.topic });
    return sent.then(() => undefined);
  }

  /**
   * The lab's resume position for the handshake's `auth`. Asked after each Engine.IO open packet, whose sid names
   * the feed's position at the handshake: the first one is this client's "from now", taken as its position until
   * the lab's hello says otherwise, so a cut before the hello resumes from there and never from a second "now".
   */
  private resumeAuth(): { since?: number; epoch?: string; room?: string } {
    if (this.epoch === null) {
      const start = positionInSessionId(this.socket?.io.engine?.id);
      if (start) this.handleControl({ type: 'hello', epoch: start.epoch, next: start.since });
    }
    const epoch = this.epoch;
    const room = this.options.socketIoRoom === undefined ? {} : { room: this.options.socketIoRoom };
    return epoch === null ? room : { since: this.lastSeq, epoch, ...room };
  }
}

/** An attachment arrives as an ArrayBuffer in the browser and as a Buffer (a Uint8Array) in Node. */
function toBytes(data: unknown): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new FeedClientError('LAB_ERR_CLIENT_BAD_MESSAGE', 'binary attachment is neither an ArrayBuffer nor a view');
}

/**
 * socket.io-client 4.8 keeps the recovery offset of its last session when a reconnect starts a new one (a new
 * pid). If the new session is cut before its first broadcast, it asks to be restored from that old offset, and
 * Socket.IO resends every broadcast since then — which the lab's ring had already given this session: duplicates
 * (`npm run chaos -- --transports socket-io`: 633 in 3,235). A new session has no offset until its first event.
 */
function forgetLastOffset(socket: Socket): void {
  (socket as unknown as { _lastOffset?: string })._lastOffset = undefined;
}
