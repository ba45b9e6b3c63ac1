/**
 * Checks of what arrives from the lab, before a client relies on it: the
 * fields the seq/epoch bookkeeping reads (epoch, seq, t, next), and nothing
 * more, so a newer lab's extra fields pass.
 */
import type { ControlMessage, FeedEvent, PollResponse } from './feed-event.ts';
import type { ErrorAnswer } from './lab-api-error.ts';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A seq or `next`: a whole number ≥ 0. */
export function isSeq(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}

export function isFeedEvent(value: unknown): value is FeedEvent {
  return isRecord(value) && typeof value.epoch === 'string' && isSeq(value.seq) && typeof value.t === 'number';
}

export function isPollResponse(value: unknown): value is PollResponse {
  return (
    isRecord(value) &&
    typeof value.epoch === 'string' &&
    isSeq(value.next) &&
    Array.isArray(value.events) &&
    value.events.every(isFeedEvent)
  );
}

/** The control message types this version knows; others are ignored (forward compatibility). */
export function isKnownControlType(type: unknown): type is ControlMessage['type'] {
  return type === 'hello' || type === 'reset' || type === 'error';
}

/** A well-formed hello, reset or error. */
export function isControlMessage(value: unknown): value is ControlMessage {
  if (!isRecord(value)) return false;
  return (
    ((value.type === 'hello' || value.type === 'reset') && typeof value.epoch === 'string' && isSeq(value.next)) ||
    (value.type === 'error' && typeof value.code === 'string')
  );
}

/** The lab's error body (a proxy in front of it may answer with HTML instead). */
export function isErrorAnswer(value: unknown): value is Pick<ErrorAnswer, 'code' | 'message'> {
  return isRecord(value) && typeof value.code === 'string' && typeof value.message === 'string';
}
