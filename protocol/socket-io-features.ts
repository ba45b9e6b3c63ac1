/**
 * The Socket.IO features beyond the feed (README "Socket.IO, the fifth
 * transport"): the `/chat` namespace beside `/feed` on one Engine.IO
 * connection, its broadcast choice, volatile feed emits and their announced
 * drops. Shared by the server, the client and the page.
 */

/** The namespace of the chat, multiplexed beside `/feed` over the same Engine.IO connection. */
export const SOCKET_IO_CHAT_NAMESPACE = '/chat';

/**
 * Who gets a chat message: `others` — everyone but its sender (`socket.broadcast.emit`);
 * `everyone` — the sender too (`io.of('/chat').emit`).
 */
export const CHAT_BROADCASTS = ['others', 'everyone'] as const;
export type ChatBroadcast = (typeof CHAT_BROADCASTS)[number];

/** The lab's Socket.IO settings (`GET`/`PUT /api/socket-io/settings`). */
export interface SocketIoSettings {
  /** Who gets a chat message. Default `others`. */
  chatBroadcast: ChatBroadcast;
  /** Feed events go out as volatile emits: dropped for a socket whose transport is not writable. Default false. */
  volatile: boolean;
}

/** `GET /api/socket-io/settings?client=ID`: the settings, and what volatile emits dropped. */
export interface SocketIoSettingsReading extends SocketIoSettings {
  /** Feed events not sent to this client (`?client=ID`) as volatile drops, since the lab started; every client's without it. */
  volatileDropped: number;
}

export const DEFAULT_SOCKET_IO_SETTINGS: SocketIoSettings = { chatBroadcast: 'others', volatile: false };

/** What a client emits as `chat` on `/chat` (with an acknowledgement callback). */
export interface ChatSend {
  id: string;
  /** 1 to CHAT_TEXT_MAX characters. */
  text: string;
}

/** A chat message as the lab broadcasts it on `/chat`: its sender's client id (null without one), the sender's id for it, the text, the server's time (epoch ms). */
export interface ChatMessage {
  from: string | null;
  id: string;
  text: string;
  t: number;
}

/** Longest chat text, in characters. */
export const CHAT_TEXT_MAX = 500;

/**
 * The lab's notice of feed events it did not send to one socket (volatile emits while its transport was not
 * writable): `count` events of `epoch`, the newest `last`. Sent as `dropped` on `/feed`, before any later event.
 */
export interface DroppedNotice {
  type: 'dropped';
  epoch: string;
  last: number;
  count: number;
}

export function isChatBroadcast(value: unknown): value is ChatBroadcast {
  return typeof value === 'string' && (CHAT_BROADCASTS as readonly string[]).includes(value);
}

export function isDroppedNotice(value: unknown): value is DroppedNotice {
  if (typeof value !== 'object' || value === null) return false;
  const notice = value as Record<string, unknown>;
  return (
    notice.type === 'dropped' &&
    typeof notice.epoch === 'string' &&
    Number.isSafeInteger(notice.last) &&
    Number.isSafeInteger(notice.count) &&
    (notice.count as number) > 0
  );
}
