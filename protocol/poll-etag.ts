/**
 * Conditional short polling's validator, defined once. A short-poll answer
 * to `?since=S` is fixed by the feed's epoch and the position after it
 * (`next`): the events S+1…next of that epoch. So `"<epoch>.<next>"` names
 * the answer, and a client that asks again with `If-None-Match` set to the
 * ETag it last got is told `304 Not Modified` — no body — when nothing came
 * after it.
 */

/** The ETag of a poll answer: a strong entity tag, `"<epoch>.<next>"` (RFC 9110 §8.8.3). */
export function pollETag(epoch: string, next: number): string {
  return `"${epoch}.${next}"`;
}

/**
 * Whether an `If-None-Match` header matches `etag` (RFC 9110 §13.1.2): `*`,
 * or a comma-separated list of entity tags compared weakly (a `W/` prefix is
 * ignored). Absent or unreadable: no match, so the full answer is sent.
 */
export function ifNoneMatchMatches(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const text = Array.isArray(header) ? header.join(',') : header;
  if (text.trim() === '*') return true;
  return text.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}
