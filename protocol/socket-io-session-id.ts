/**
 * The lab's Engine.IO session id (`sid`) names the feed's position at the
 * handshake: `<epoch>.<seq>.<random>`. The open packet is the first answer a
 * Socket.IO client gets, long before the lab's `hello` (a namespace connect and
 * one more round trip later), so a client cut in between still knows where its
 * "from now" began and resumes from there, instead of from a second, later
 * "now" that silently skips what was published in between. Socket.IO's own
 * recovery cannot help there: it has no offset before the first event.
 * The random part (15 random bytes, as engine.io's own ids) keeps the id unguessable.
 */

/** Where a feed stood: the newest seq then, in its epoch. */
export interface HandshakePosition {
  epoch: string;
  since: number;
}

// Epochs and the random part are base64url (no `.`), seq is decimal.
const SESSION_ID_PATTERN = /^([A-Za-z0-9_-]{1,64})\.(0|[1-9][0-9]{0,15})\.([A-Za-z0-9_-]{16,64})$/;

/** The sid for a handshake at `position`; `random` is base64url (e.g. `randomBytes(15).toString('base64url')`). */
export function sessionIdAt(position: HandshakePosition, random: string): string {
  return `${position.epoch}.${position.since}.${random}`;
}

/** The position a lab's sid names; null for any other id (another server, a malformed one). */
export function positionInSessionId(sid: unknown): HandshakePosition | null {
  if (typeof sid !== 'string') return null;
  const match = SESSION_ID_PATTERN.exec(sid);
  if (!match) return null;
  const since = Number(match[2]);
  return Number.isSafeInteger(since) ? { epoch: match[1] as string, since } : null;
}
