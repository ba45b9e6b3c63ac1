/**
 * The rooms of the Socket.IO feed namespace. A socket asks for one topic in
 * its handshake's `auth` (`{"room":"ticker.ACME"}`) and is then put in that
 * topic's room instead of `live`; each event is one broadcast to `live` and
 * to its topic's room together (the adapter encodes it once for both). Every
 * feed socket is also in `members`, the room that control messages (an epoch
 * change) go to and whose life keeps the feed subscribed.
 */
import { LabErrors } from '../errors.ts';

/** Every socket that follows the whole feed. */
export const LIVE_ROOM = 'live';
/** Every socket of the feed namespace once its backlog is sent, whatever it follows. */
export const MEMBERS_ROOM = 'members';

const TOPIC_PREFIX = 'topic:';

/** The room of one topic's events, e.g. `topic:ticker.ACME`. */
export function topicRoom(topic: string): string {
  return `${TOPIC_PREFIX}${topic}`;
}

/** The topic a socket follows, from the rooms it is in; null when it follows the whole feed. */
export function topicOfRooms(rooms: Iterable<string>): string | null {
  for (const room of rooms) if (room.startsWith(TOPIC_PREFIX)) return room.slice(TOPIC_PREFIX.length);
  return null;
}

/**
 * The topic a handshake's `auth.room` asks for: null (every topic) when absent,
 * else one of the scenario's topics.
 * @throws LAB_ERR_UNKNOWN_ROOM for anything else
 */
export function requestedTopic(room: unknown, scenarioId: string, topics: readonly string[]): string | null {
  if (room === undefined || room === null) return null;
  if (typeof room === 'string' && topics.includes(room)) return room;
  const named = typeof room === 'string' ? JSON.stringify(room.slice(0, 100)) : `a ${typeof room}`;
  throw LabErrors.UNKNOWN_ROOM(`no topic ${named} in the scenario ${scenarioId}; its topics: ${topics.join(', ')}`);
}
