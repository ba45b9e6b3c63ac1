/**
 * The test's own HTTP/2 frame parser (RFC 9113 §4.1, §6), over a whole
 * recorded byte string: independent of the lab's streaming reader, so a test
 * can check the lab's header/framing split against it.
 */

export interface Frame {
  type: number;
  flags: number;
  streamId: number;
  /** The frame's payload, whole (padding included). */
  payload: Buffer;
}

export const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

/** Every frame in `bytes` (which starts with the client preface when `clientToServer`). */
export function parseFrames(bytes: Buffer, clientToServer: boolean): Frame[] {
  let at = 0;
  if (clientToServer) {
    if (!bytes.subarray(0, PREFACE.length).equals(PREFACE)) throw new Error('no HTTP/2 connection preface');
    at = PREFACE.length;
  }
  const frames: Frame[] = [];
  while (at + 9 <= bytes.length) {
    const length = bytes.readUIntBE(at, 3);
    if (at + 9 + length > bytes.length) break;
    frames.push({
      type: bytes.readUInt8(at + 3),
      flags: bytes.readUInt8(at + 4),
      streamId: bytes.readUInt32BE(at + 5) & 0x7fffffff,
      payload: bytes.subarray(at + 9, at + 9 + length),
    });
    at += 9 + length;
  }
  if (at !== bytes.length) throw new Error(`${bytes.length - at} bytes left after the last whole frame`);
  return frames;
}

/** The header block fragment of a HEADERS (type 1) or CONTINUATION (9) frame: no pad length, padding or priority. */
export function headerBlock(frame: Frame): Buffer {
  if (frame.type === 9) return frame.payload;
  let start = 0;
  let end = frame.payload.length;
  if (frame.flags & 0x8) {
    start = 1;
    end -= frame.payload.readUInt8(0);
  }
  if (frame.flags & 0x20) start += 5;
  return frame.payload.subarray(start, end);
}

/** A DATA frame's data, without pad length and padding. */
export function dataOf(frame: Frame): Buffer {
  if (!(frame.flags & 0x8)) return frame.payload;
  return frame.payload.subarray(1, frame.payload.length - frame.payload.readUInt8(0));
}

/** The settings in a SETTINGS frame: identifier → value. */
export function settingsOf(frame: Frame): Map<number, number> {
  const settings = new Map<number, number>();
  for (let at = 0; at + 6 <= frame.payload.length; at += 6) {
    settings.set(frame.payload.readUInt16BE(at), frame.payload.readUInt32BE(at + 2));
  }
  return settings;
}
