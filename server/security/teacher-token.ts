/**
 * The teacher token of LAN mode (as Jupyter's): a random secret printed in the
 * teacher's URL; every control action must carry it as `Authorization: Bearer`.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 24 random bytes, URL-safe: unguessable, short enough to type from a projector if needed. */
export function createTeacherToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Compares in constant time. Both sides are hashed first so their lengths
 * match and the comparison time says nothing about the token's length either.
 */
export function tokenMatches(expected: string, authorization: string | undefined): boolean {
  const given = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? '';
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b) && given.length > 0;
}
