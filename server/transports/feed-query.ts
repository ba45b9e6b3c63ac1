/**
 * The query parameters shared by the feed endpoints, validated once with
 * clear errors. Fastify's parser may give an array for a repeated key; that
 * is refused too, so `?since=1&since=2` cannot mean two things.
 */
import { CLIENT_ID_PATTERN } from '../../protocol/client-id.ts';
import { LabErrors } from '../errors.ts';
import type { ResumePoint } from '../feed/feed.ts';

const EPOCH = /^[A-Za-z0-9_-]{1,64}$/;

export interface FeedQuery extends ResumePoint {
  client: string | null;
  /** A polling client's token until it has a position (server/transports/poll-starts.ts). */
  start?: string | undefined;
}

export function parseFeedQuery(query: unknown, extraSince?: string | undefined): FeedQuery {
  const q = (query ?? {}) as Record<string, unknown>;
  const client = optionalString(q, 'client');
  if (client !== undefined && !CLIENT_ID_PATTERN.test(client)) {
    throw LabErrors.BAD_QUERY(`"client" must be 1–64 characters of A-Z a-z 0-9 . _ - (got ${quote(client)})`);
  }
  const epoch = optionalString(q, 'epoch');
  if (epoch !== undefined && !EPOCH.test(epoch)) {
    throw LabErrors.BAD_QUERY(`"epoch" must be 1–64 characters of A-Z a-z 0-9 _ - (got ${quote(epoch)})`);
  }
  const start = optionalString(q, 'start');
  if (start !== undefined && !EPOCH.test(start)) {
    throw LabErrors.BAD_QUERY(`"start" must be 1–64 characters of A-Z a-z 0-9 _ - (got ${quote(start)})`);
  }
  const sinceText = extraSince ?? optionalString(q, 'since');
  return {
    client: client ?? null,
    epoch,
    since: sinceText === undefined ? undefined : parseSeq(sinceText, 'since'),
    start,
  };
}

/** A whole number 0 … 2^53−1 written in plain decimal digits. */
export function parseSeq(text: string, name: string): number {
  if (!/^\d{1,16}$/.test(text) || !Number.isSafeInteger(Number(text))) {
    throw LabErrors.BAD_QUERY(
      `"${name}" must be a whole number from 0 to ${Number.MAX_SAFE_INTEGER} (got ${quote(text)})`,
    );
  }
  return Number(text);
}

/** An integer parameter in a range, or its default when absent. */
export function parseIntParam(query: unknown, name: string, min: number, max: number, fallback: number): number {
  const text = optionalString((query ?? {}) as Record<string, unknown>, name);
  if (text === undefined) return fallback;
  const value = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw LabErrors.BAD_QUERY(`"${name}" must be a whole number from ${min} to ${max} (got ${quote(text)})`);
  }
  return value;
}

/** A yes/no parameter: `1` or `0`, false when absent. */
export function parseFlagParam(query: unknown, name: string): boolean {
  const text = optionalString((query ?? {}) as Record<string, unknown>, name);
  if (text === undefined || text === '0') return false;
  if (text === '1') return true;
  throw LabErrors.BAD_QUERY(`"${name}" must be 1 or 0 (got ${quote(text)})`);
}

export function optionalString(q: Record<string, unknown>, name: string): string | undefined {
  const value = q[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw LabErrors.BAD_QUERY(`"${name}" was given more than once`);
  return value;
}

/** Echo user input safely and briefly in messages. */
export function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
