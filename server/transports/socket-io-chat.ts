/**
 * The `/chat` namespace: Socket.IO's own fan-out beside the feed, over the
 * same Engine.IO connection as `/feed` (a client's Manager opens both). A
 * `chat` message `{id, text}` with an acknowledgement callback goes to
 * everyone but its sender (`socket.broadcast.emit`) or to everyone
 * (`chat.emit`), as the lab's setting says, and is acknowledged
 * `{"type":"ack","t"}` once it has been handed to the adapter. Chat messages
 * are not feed events: they carry no seq and are not resumed.
 */
import type { Socket as NetSocket } from 'node:net';
import type { Namespace, Socket } from 'socket.io';
import { LOAD_RUN_HEADER } from '../../protocol/load-run-header.ts';
import { CHAT_TEXT_MAX, type ChatMessage } from '../../protocol/socket-io-features.ts';
import { errorBody, isLabError, LabErrors } from '../errors.ts';
import type { SocketIoSettingsStore } from './socket-io-settings.ts';
import type { TransportContext } from './transport-context.ts';

const ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface ChatHooks {
  /** The client id of the socket's Engine.IO connection (its handshake's `client`), null without one. */
  clientOf(socket: Socket): string | null;
  /** Meters an upstream message's own bytes (`JSON.stringify` of what the client sent) as payload of its connection. */
  countUp(socket: Socket, bytes: number): void;
}

/** Serves `chat` on the `/chat` namespace `chat`, who gets it as `settings` say; bytes metered through `hooks`. */
export function socketIoChat(
  chat: Namespace,
  settings: SocketIoSettingsStore,
  { upstream, clientAddressOf }: Pick<TransportContext, 'upstream' | 'clientAddressOf'>,
  hooks: ChatHooks,
): void {
  chat.on('connection', (socket: Socket) => {
    const loadRunKey = socket.handshake.headers[LOAD_RUN_HEADER];
    const sender = {
      address: clientAddressOf(socket.request.socket as NetSocket),
      loadRunKey: typeof loadRunKey === 'string' ? loadRunKey : undefined,
    };
    socket.on('chat', (sent: unknown, ack?: unknown) => {
      const bytes = Buffer.byteLength(JSON.stringify(sent) ?? '');
      hooks.countUp(socket, bytes);
      try {
        upstream.take(sender, bytes);
        const message: ChatMessage = { from: hooks.clientOf(socket), ...parseChat(sent), t: Date.now() };
        if (settings.current.chatBroadcast === 'others') socket.broadcast.emit('chat', message);
        else chat.emit('chat', message);
        if (typeof ack === 'function') ack({ type: 'ack', t: message.t });
      } catch (error) {
        const refusal = isLabError(error) ? error : LabErrors.INTERNAL();
        const answer = { type: 'error', ...errorBody(refusal) };
        if (typeof ack === 'function') ack(answer);
        else socket.emit('lab-error', answer);
      }
    });
  });
}

function parseChat(value: unknown): { id: string; text: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw LabErrors.BAD_CHAT('a chat message must be a JSON object like {"id":"1","text":"hello"}');
  }
  const { id, text, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) throw LabErrors.BAD_CHAT(`unknown field ${JSON.stringify(unknown)}; allowed: id, text`);
  if (typeof id !== 'string' || !ID.test(id)) throw LabErrors.BAD_CHAT('"id" must be 1–64 of A-Za-z0-9._-');
  if (typeof text !== 'string' || text.length === 0 || text.length > CHAT_TEXT_MAX) {
    throw LabErrors.BAD_CHAT(`"text" must be a string of 1 to ${CHAT_TEXT_MAX} characters`);
  }
  return { id, text };
}
