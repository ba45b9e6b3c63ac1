/**
 * The wire inspector's view of one HTTP/2 request: its stream's frames and
 * its header blocks' HPACK bytes, each with the dynamic table it was encoded
 * against, so the page can decode them field by field with the pure decoder
 * (protocol/hpack-decode.ts) and no state of its own. Part of a `WireSample`
 * when the exchange was over HTTP/2.
 */
import type { HpackTableState } from './hpack-decode.ts';

/** One frame of the stream, as its 9-byte header says. */
export interface H2FrameSample {
  /** `up` client → server, `down` server → client. */
  direction: 'up' | 'down';
  type: number;
  flags: number;
  streamId: number;
  /** The frame's payload length, bytes (the 9-byte header not included). */
  length: number;
}

/** One header block (a HEADERS frame's fragment and its CONTINUATIONs). */
export interface H2HeaderBlockSample {
  /** The HPACK bytes as sent, hex without spaces. */
  hex: string;
  /**
   * The sender's dynamic table just before this block; null when the lab's
   * decoder lost track of the connection (`decodeError` says why).
   */
  tableBefore: HpackTableState | null;
  decodeError: string | null;
}

export interface H2StreamSample {
  streamId: number;
  /** The stream's first frames, in the order they passed (at most `H2_FRAMES_KEPT`). */
  frames: H2FrameSample[];
  /** Frames of the stream after those (a stream's later DATA frames). */
  framesLeftOut: number;
  /** The request's header block, and the answer's (null until it is sent). */
  request: H2HeaderBlockSample | null;
  response: H2HeaderBlockSample | null;
}

/** Frames kept per stream for the inspector. */
export const H2_FRAMES_KEPT = 12;

const TYPE_NAMES = [
  'DATA',
  'HEADERS',
  'PRIORITY',
  'RST_STREAM',
  'SETTINGS',
  'PUSH_PROMISE',
  'PING',
  'GOAWAY',
  'WINDOW_UPDATE',
  'CONTINUATION',
];

/** RFC 9113 §6: a frame type's name (`0x…` for an unknown one). */
export function h2FrameTypeName(type: number): string {
  return TYPE_NAMES[type] ?? `0x${type.toString(16)}`;
}

/** The flags' names that apply to this frame type (RFC 9113 §6), e.g. `END_STREAM END_HEADERS`. */
export function h2FlagNames(type: number, flags: number): string[] {
  const names: string[] = [];
  const has = (bit: number): boolean => (flags & bit) !== 0;
  if ((type === 0x0 || type === 0x1) && has(0x1)) names.push('END_STREAM');
  if ((type === 0x4 || type === 0x6) && has(0x1)) names.push('ACK');
  if ((type === 0x1 || type === 0x5 || type === 0x9) && has(0x4)) names.push('END_HEADERS');
  if ((type === 0x0 || type === 0x1 || type === 0x5) && has(0x8)) names.push('PADDED');
  if (type === 0x1 && has(0x20)) names.push('PRIORITY');
  return names;
}
