/**
 * The one validation of an upstream message, shared by `POST /api/feed/publish`
 * and WebSocket messages, so both paths accept and refuse exactly the same things.
 */
import type { EventOrigin } from '../../protocol/feed-event.ts';
import { LabErrors } from '../errors.ts';
import type { EventBody } from '../feed/stored-event.ts';
import { quote } from './feed-query.ts';

const ALLOWED_KEYS = new Set(['client', 'id', 'topic', 'data']);
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const ID = /^[A-Za-z0-9._-]{1,64}$/;
const TOPIC = /^[\x21-\x7e]{1,64}$/;
const MAX_DEPTH = 32;

export interface Upstream {
  body: EventBody;
  origin?: EventOrigin;
}

/** @param connectionClient the client id of the connection or query, used when the message names none */
export function parseUpstream(value: unknown, connectionClient: string | null): Upstream {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw LabErrors.BAD_BODY('an upstream message must be a JSON object like {"id":"1","data":"hello"}');
  }
  rejectForbiddenKeys(value, 0);
  const message = value as Record<string, unknown>;
  for (const key of Object.keys(message)) {
    if (!ALLOWED_KEYS.has(key))
      throw LabErrors.BAD_BODY(`unknown field ${quote(key)}; allowed: client, id, topic, data`);
  }
  if (!('data' in message) || message.data === undefined) throw LabErrors.BAD_BODY('the field "data" is required');
  const client = optionalField(message, 'client', ID) ?? connectionClient;
  const id = optionalField(message, 'id', ID);
  const topic = optionalField(message, 'topic', TOPIC) ?? 'upstream';
  const body: EventBody = { topic, data: message.data };
  return client !== null && id !== undefined ? { body, origin: { client, id } } : { body };
}

function optionalField(message: Record<string, unknown>, key: string, pattern: RegExp): string | undefined {
  const value = message[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw LabErrors.BAD_BODY(`the field "${key}" must be a string matching ${pattern.source}`);
  }
  return value;
}

function rejectForbiddenKeys(value: unknown, depth: number): void {
  if (typeof value !== 'object' || value === null) return;
  if (depth > MAX_DEPTH) throw LabErrors.BAD_BODY(`the message is nested deeper than ${MAX_DEPTH} levels`);
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) throw LabErrors.FORBIDDEN_KEY(key);
    rejectForbiddenKeys((value as Record<string, unknown>)[key], depth + 1);
  }
}
