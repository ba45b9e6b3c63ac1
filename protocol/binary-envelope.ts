/**
 * How a binary event travels in a WebSocket binary frame:
 *   2 bytes big-endian length N | N bytes of JSON metadata (the event without `data`) | raw data bytes.
 * The text transports carry the same event as JSON with base64 `data` instead,
 * which is what lets the meter show base64's cost.
 */
import type { FeedEvent } from './feed-event.ts';

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder();

export function encodeBinaryEvent(meta: Omit<FeedEvent, 'data' | 'encoding'>, raw: Uint8Array): Uint8Array {
  const head = textEncoder.encode(JSON.stringify(meta));
  if (head.length > 0xffff) throw new RangeError('binary event metadata over 65535 bytes');
  const out = new Uint8Array(2 + head.length + raw.length);
  out[0] = head.length >> 8;
  out[1] = head.length & 0xff;
  out.set(head, 2);
  out.set(raw, 2 + head.length);
  return out;
}

/** The inverse of encodeBinaryEvent; `data` comes back base64-encoded, as on the text transports. */
export function decodeBinaryEvent(frame: Uint8Array): FeedEvent {
  if (frame.length < 2) throw new RangeError('binary frame shorter than its length prefix');
  const headLength = ((frame[0] ?? 0) << 8) | (frame[1] ?? 0);
  if (frame.length < 2 + headLength) throw new RangeError('binary frame shorter than its metadata');
  const meta = JSON.parse(textDecoder.decode(frame.subarray(2, 2 + headLength))) as FeedEvent;
  return { ...meta, data: bytesToBase64(frame.subarray(2 + headLength)), encoding: 'base64' };
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}
