/**
 * The Socket.IO features panel's side: two Socket.IO clients of its own on
 * one page — "everything" (the whole feed) and "room" (one topic, which also
 * sends the chat lines) — both on `/chat` too, the lab's Socket.IO settings,
 * and the figures: each client's bytes per second from the meter
 * (`/api/metrics?client=ID`, two readings 2 s apart), the share the room
 * saves, the ack round trip of the chat lines, and the volatile drops as the
 * lab counted them and as the clients were told.
 */
import type { ClientEnv } from '../../clients/client-env.ts';
import { SocketIoClient } from '../../clients/socket-io-client.ts';
import { ackRoundTrip, bytesPerSecondOver, metricsSince, savedShare } from '../../protocol/figures.ts';
import type { MetricsSnapshot, TransportMetrics } from '../../protocol/metrics.ts';
import type { ChatBroadcast, SocketIoSettings, SocketIoSettingsReading } from '../../protocol/socket-io-features.ts';
import { type SocketIoLane, socketIoTransportsOf } from '../../protocol/socket-io-lanes.ts';
import { plainControlError } from './control-error.ts';
import { describeError } from './describe-error.ts';
import type { LabApi } from './lab-api.ts';

/** How often the panel reads the meter while its clients run, ms. */
const READING_EVERY_MS = 2000;
/** Chat lines kept on the panel, the newest last. */
const CHAT_LINES_KEPT = 6;

/** One chat line the room client sent, and who got it. */
export interface ChatLine {
  /** The id the room client gave the line (`chat-1`, `chat-2`, … per client). */
  id: string;
  text: string;
  /** Whether the sender (the room client) got its own line back. */
  senderHeard: boolean;
  /** Whether the other client got it. */
  otherHeard: boolean;
  /** The ack round trip of this line, ms; null while unacknowledged. */
  ackMs: number | null;
}

/** What the panel shows. */
export interface SocketIoFeaturesView {
  settings: SocketIoSettings | null;
  /** The room client's topic. */
  room: string | null;
  running: boolean;
  /** Bytes per second (both ways) of the whole-feed client and of the room client, over the last reading; null before two. */
  everythingBytesPerSecond: number | null;
  roomBytesPerSecond: number | null;
  /** The share the room saved, % (protocol/figures.ts `savedShare`). */
  savedPercent: number | null;
  /** The chat lines' ack round trips (protocol/figures.ts `ackRoundTrip`). */
  ack: { count: number; p50: number; p99: number } | null;
  chat: ChatLine[];
  /** Volatile drops the lab counted for the two clients, and the ones the clients were told of. */
  droppedByLab: number;
  droppedSeenByClients: number;
  error: { message: string; hint?: string } | null;
}

interface Reading {
  at: number;
  everything: TransportMetrics;
  room: TransportMetrics;
}

/** The panel's state and calls; `subscribe` for React's useSyncExternalStore, `view` for its snapshot. */
export class SocketIoFeaturesControl {
  private state: SocketIoFeaturesView = {
    settings: null,
    room: null,
    running: false,
    everythingBytesPerSecond: null,
    roomBytesPerSecond: null,
    savedPercent: null,
    ack: null,
    chat: [],
    droppedByLab: 0,
    droppedSeenByClients: 0,
    error: null,
  };
  private clients: { everything: SocketIoClient; room: SocketIoClient } | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private lastReading: Reading | null = null;
  private readonly listeners = new Set<() => void>();
  private lines = 0;

  /**
   * @param api the lab's API (its teacher token, if any, goes with the settings change)
   * @param clientIdPrefix the page's id: the clients are `<prefix>-sio-everything` and `<prefix>-sio-room`
   */
  constructor(
    private readonly api: LabApi,
    private readonly env: ClientEnv,
    private readonly clientIdPrefix: string,
    private readonly hasToken: boolean,
  ) {}

  get view(): SocketIoFeaturesView {
    return this.state;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads the lab's Socket.IO settings once (the panel's first paint). */
  async load(): Promise<void> {
    try {
      const reading = await this.api.request<SocketIoSettingsReading>('GET', '/api/socket-io/settings');
      this.update({ settings: { chatBroadcast: reading.chatBroadcast, volatile: reading.volatile } });
    } catch (error) {
      this.update({ error: { message: describeError(error) } });
    }
  }

  /** Starts both clients (the room client on `topic`) at `baseUrl`, on `lane`; a running pair is replaced. */
  start(baseUrl: string, topic: string, lane: SocketIoLane): void {
    this.stop();
    const transports = socketIoTransportsOf(lane);
    const make = (name: string, room?: string): SocketIoClient =>
      new SocketIoClient({
        baseUrl,
        clientId: `${this.clientIdPrefix}-sio-${name}`,
        env: this.env,
        keepLatencySamples: 0,
        ...(transports ? { socketIoTransports: transports } : {}),
        ...(room === undefined ? {} : { socketIoRoom: room }),
      });
    const everything = make('everything');
    const room = make('room', topic);
    everything.joinChat((message) => this.heard(message.id, 'other'));
    room.joinChat((message) => this.heard(message.id, 'sender'));
    everything.start();
    room.start();
    this.clients = { everything, room };
    this.lastReading = null;
    this.lines = 0;
    this.update({
      room: topic,
      running: true,
      everythingBytesPerSecond: null,
      roomBytesPerSecond: null,
      savedPercent: null,
      ack: null,
      chat: [],
      error: null,
    });
    this.timer = setInterval(() => void this.read(), READING_EVERY_MS);
    void this.read();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.clients?.everything.stop();
    this.clients?.room.stop();
    this.clients = null;
    if (this.state.running) this.update({ running: false });
  }

  /** The room client says `text` on `/chat`; its ack round trip is timed. */
  async say(text: string): Promise<void> {
    const clients = this.clients;
    if (!clients) return;
    // The client numbers its chat ids `chat-1`, `chat-2`, …: the panel follows the same count to match echoes.
    const id = `chat-${++this.lines}`;
    this.update({
      chat: [...this.state.chat, { id, text, senderHeard: false, otherHeard: false, ackMs: null }].slice(
        -CHAT_LINES_KEPT,
      ),
    });
    try {
      const ackMs = await clients.room.chat(text);
      this.patchLine(id, { ackMs });
      this.update({ ack: ackRoundTrip(clients.room.ackRoundTripMs) });
    } catch (error) {
      this.update({ error: { message: describeError(error) } });
    }
  }

  async changeSettings(change: { chatBroadcast?: ChatBroadcast; volatile?: boolean }): Promise<void> {
    try {
      const reading = await this.api.request<SocketIoSettingsReading>('PUT', '/api/socket-io/settings', change);
      this.update({ settings: { chatBroadcast: reading.chatBroadcast, volatile: reading.volatile }, error: null });
    } catch (error) {
      this.update({ error: plainControlError(error, this.hasToken) });
    }
  }

  private heard(id: string, who: 'sender' | 'other'): void {
    this.patchLine(id, who === 'sender' ? { senderHeard: true } : { otherHeard: true });
  }

  private patchLine(id: string, patch: Partial<ChatLine>): void {
    const index = this.state.chat.findIndex((line) => line.id === id);
    const line = this.state.chat[index];
    if (index < 0 || !line) return;
    const chat = [...this.state.chat];
    chat[index] = { ...line, ...patch };
    this.update({ chat });
  }

  private async read(): Promise<void> {
    const clients = this.clients;
    if (!clients) return;
    try {
      const [everything, room, droppedEverything, droppedRoom] = await Promise.all([
        this.api.request<MetricsSnapshot>('GET', `/api/metrics?client=${this.clientIdPrefix}-sio-everything`),
        this.api.request<MetricsSnapshot>('GET', `/api/metrics?client=${this.clientIdPrefix}-sio-room`),
        this.api.request<SocketIoSettingsReading>(
          'GET',
          `/api/socket-io/settings?client=${this.clientIdPrefix}-sio-everything`,
        ),
        this.api.request<SocketIoSettingsReading>(
          'GET',
          `/api/socket-io/settings?client=${this.clientIdPrefix}-sio-room`,
        ),
      ]);
      if (clients !== this.clients) return;
      const reading: Reading = {
        at: this.env.now(),
        everything: everything.transports['socket-io'],
        room: room.transports['socket-io'],
      };
      const before = this.lastReading;
      this.lastReading = reading;
      const dropped = {
        settings: { chatBroadcast: droppedRoom.chatBroadcast, volatile: droppedRoom.volatile },
        droppedByLab: droppedEverything.volatileDropped + droppedRoom.volatileDropped,
        droppedSeenByClients: clients.everything.stats().dropped + clients.room.stats().dropped,
      };
      if (!before) {
        this.update(dropped);
        return;
      }
      const ms = reading.at - before.at;
      const everythingRate = bytesPerSecondOver(metricsSince(reading.everything, before.everything), ms);
      const roomRate = bytesPerSecondOver(metricsSince(reading.room, before.room), ms);
      this.update({
        ...dropped,
        everythingBytesPerSecond: everythingRate,
        roomBytesPerSecond: roomRate,
        savedPercent: everythingRate === null || roomRate === null ? null : savedShare(roomRate, everythingRate),
      });
    } catch (error) {
      this.update({ error: { message: describeError(error) } });
    }
  }

  private update(patch: Partial<SocketIoFeaturesView>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener();
  }
}
