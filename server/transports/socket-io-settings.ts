/**
 * The lab's Socket.IO settings (who gets a chat message, volatile feed
 * emits) and the count of volatile drops, with their routes:
 * `GET /api/socket-io/settings[?client=ID]` for anyone, `PUT` as a control
 * action (the Origin check, and the teacher token in LAN mode). Lab traffic.
 */
import type { FastifyInstance } from 'fastify';
import { CLIENT_ID_PATTERN } from '../../protocol/client-id.ts';
import {
  CHAT_BROADCASTS,
  DEFAULT_SOCKET_IO_SETTINGS,
  isChatBroadcast,
  type SocketIoSettings,
  type SocketIoSettingsReading,
} from '../../protocol/socket-io-features.ts';
import { LabErrors } from '../errors.ts';

const SETTINGS_KEYS = new Set(['chatBroadcast', 'volatile']);
/** Client ids whose drops are kept one by one; past it the least recently counted is forgotten (the total stays). */
const DROP_ROWS_MAX = 10_000;

/** The settings (defaults: chat to `others`, volatile off) and the volatile drops, per client id and in total. */
export class SocketIoSettingsStore {
  private settings: SocketIoSettings = { ...DEFAULT_SOCKET_IO_SETTINGS };
  private readonly droppedByClient = new Map<string, number>();
  private droppedTotal = 0;

  get current(): Readonly<SocketIoSettings> {
    return this.settings;
  }

  change(next: Partial<SocketIoSettings>): void {
    this.settings = { ...this.settings, ...next };
  }

  /** One feed event not sent to a socket of `client` (null: no client id). */
  countDrop(client: string | null): void {
    this.droppedTotal++;
    if (client === null) return;
    const before = this.droppedByClient.get(client) ?? 0;
    this.droppedByClient.delete(client);
    this.droppedByClient.set(client, before + 1);
    if (this.droppedByClient.size > DROP_ROWS_MAX) {
      const oldest = this.droppedByClient.keys().next().value;
      if (oldest !== undefined) this.droppedByClient.delete(oldest);
    }
  }

  reading(client: string | null): SocketIoSettingsReading {
    const volatileDropped = client === null ? this.droppedTotal : (this.droppedByClient.get(client) ?? 0);
    return { ...this.settings, volatileDropped };
  }
}

/** `GET` and `PUT /api/socket-io/settings` on `store`. */
export function socketIoSettingsRoutes(app: FastifyInstance, store: SocketIoSettingsStore): void {
  app.get('/api/socket-io/settings', (request) => {
    const client = (request.query as Record<string, unknown>).client;
    if (client !== undefined && (typeof client !== 'string' || !CLIENT_ID_PATTERN.test(client))) {
      throw LabErrors.BAD_QUERY('"client" must be 1–64 of A-Za-z0-9._-');
    }
    return store.reading(client ?? null);
  });

  app.put('/api/socket-io/settings', { config: { control: true } }, (request) => {
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw LabErrors.BAD_BODY('send a JSON object such as {"chatBroadcast":"everyone","volatile":true}');
    }
    const changes = body as Record<string, unknown>;
    for (const key of Object.keys(changes)) {
      if (!SETTINGS_KEYS.has(key)) throw LabErrors.BAD_BODY(`unknown field "${key}"; allowed: chatBroadcast, volatile`);
    }
    const next: Partial<SocketIoSettings> = {};
    if (changes.chatBroadcast !== undefined) {
      if (!isChatBroadcast(changes.chatBroadcast)) {
        throw LabErrors.BAD_BODY(
          `"chatBroadcast" must be one of ${CHAT_BROADCASTS.join(', ')} (got ${JSON.stringify(changes.chatBroadcast)})`,
        );
      }
      next.chatBroadcast = changes.chatBroadcast;
    }
    if (changes.volatile !== undefined) {
      if (typeof changes.volatile !== 'boolean') throw LabErrors.BAD_BODY('"volatile" must be true or false');
      next.volatile = changes.volatile;
    }
    store.change(next);
    return store.reading(null);
  });
}
