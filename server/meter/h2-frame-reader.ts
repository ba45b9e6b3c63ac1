/**
 * Reads HTTP/2 frames (RFC 9113 §4.1) from one direction of a connection's
 * plaintext, chunk by chunk as it passes, and says what each byte is: a frame
 * header, a header block fragment (the HPACK bytes of HEADERS and
 * CONTINUATION), DATA content, or the rest of a frame (padding, pad length,
 * priority fields, and every control frame's body). Frames may be split
 * across chunks anywhere. The client's 24-byte connection preface comes first
 * on the way in.
 */

export const FRAME_HEADER_BYTES = 9;
/** `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`, what a client sends before its first frame. */
export const CONNECTION_PREFACE_BYTES = 24;

export const FrameType = {
  DATA: 0x0,
  HEADERS: 0x1,
  PRIORITY: 0x2,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PUSH_PROMISE: 0x5,
  PING: 0x6,
  GOAWAY: 0x7,
  WINDOW_UPDATE: 0x8,
  CONTINUATION: 0x9,
} as const;

const FLAG_END_STREAM = 0x1;
const FLAG_PADDED = 0x8;
const FLAG_PRIORITY = 0x20;

/** What a run of bytes is: `header` HPACK bytes, `data` a DATA frame's content, `framing` everything else. */
export type FrameByteKind = 'header' | 'data' | 'framing';

export interface FrameReaderListener {
  /** `n` bytes of one kind, on `streamId` (0: the connection itself, the preface included). */
  bytes(streamId: number, kind: FrameByteKind, n: number): void;
  /** The bytes of a header block fragment (HEADERS, CONTINUATION) as they pass, for an HPACK decoder. */
  headerBytes?(streamId: number, bytes: Uint8Array): void;
  /** A frame has passed whole. */
  frameEnd?(frame: { type: number; flags: number; streamId: number; length: number; endStream: boolean }): void;
}

export class H2FrameReader {
  private prefaceLeft: number;
  private readonly head = Buffer.alloc(FRAME_HEADER_BYTES);
  private headFill = 0;
  /** The frame being read (its header is whole), or null between frames. */
  private frame: { type: number; flags: number; streamId: number; length: number } | null = null;
  private offset = 0;
  /** Payload offsets of the content: before `contentStart` and from `contentEnd` on is framing. */
  private contentStart = 0;
  private contentEnd = 0;
  private padLengthKnown = false;

  /** @param clientToServer the client's direction, which starts with the connection preface */
  constructor(
    clientToServer: boolean,
    private readonly listener: FrameReaderListener,
  ) {
    this.prefaceLeft = clientToServer ? CONNECTION_PREFACE_BYTES : 0;
  }

  read(chunk: Uint8Array): void {
    let i = 0;
    if (this.prefaceLeft > 0) {
      const n = Math.min(this.prefaceLeft, chunk.length);
      this.prefaceLeft -= n;
      this.listener.bytes(0, 'framing', n);
      i = n;
    }
    while (i < chunk.length) {
      if (this.frame === null) {
        const n = Math.min(FRAME_HEADER_BYTES - this.headFill, chunk.length - i);
        this.head.set(chunk.subarray(i, i + n), this.headFill);
        this.headFill += n;
        i += n;
        if (this.headFill === FRAME_HEADER_BYTES) this.beginFrame();
        continue;
      }
      i = this.readPayload(chunk, i);
    }
  }

  private beginFrame(): void {
    const length = this.head.readUIntBE(0, 3);
    const type = this.head[3] ?? 0;
    const flags = this.head[4] ?? 0;
    const streamId = this.head.readUInt32BE(5) & 0x7fff_ffff;
    this.headFill = 0;
    this.frame = { type, flags, streamId, length };
    this.offset = 0;
    this.listener.bytes(streamId, 'framing', FRAME_HEADER_BYTES);
    const carriesContent = type === FrameType.DATA || type === FrameType.HEADERS || type === FrameType.CONTINUATION;
    const padded = (type === FrameType.DATA || type === FrameType.HEADERS) && (flags & FLAG_PADDED) !== 0;
    this.contentStart = carriesContent
      ? (padded ? 1 : 0) + (type === FrameType.HEADERS && (flags & FLAG_PRIORITY) !== 0 ? 5 : 0)
      : length;
    // The pad length is the payload's first byte: until it is read, the content runs to the end.
    this.contentEnd = length;
    this.padLengthKnown = !padded;
    if (length === 0) this.endFrame();
  }

  private readPayload(chunk: Uint8Array, from: number): number {
    const frame = this.frame;
    if (frame === null) return from;
    let i = from;
    if (!this.padLengthKnown) {
      const padLength = chunk[i] ?? 0;
      this.contentEnd = Math.max(this.contentStart, frame.length - padLength);
      this.padLengthKnown = true;
    }
    const end = Math.min(chunk.length, i + (frame.length - this.offset));
    const contentKind: FrameByteKind = frame.type === FrameType.DATA ? 'data' : 'header';
    while (i < end) {
      const inContent = this.offset >= this.contentStart && this.offset < this.contentEnd;
      const regionEnd =
        this.offset < this.contentStart ? this.contentStart : inContent ? this.contentEnd : frame.length;
      const n = Math.min(end - i, regionEnd - this.offset);
      this.listener.bytes(frame.streamId, inContent ? contentKind : 'framing', n);
      if (inContent && contentKind === 'header') this.listener.headerBytes?.(frame.streamId, chunk.subarray(i, i + n));
      this.offset += n;
      i += n;
    }
    if (this.offset === frame.length) this.endFrame();
    return i;
  }

  private endFrame(): void {
    const frame = this.frame;
    this.frame = null;
    if (frame === null) return;
    const endStream =
      (frame.type === FrameType.DATA || frame.type === FrameType.HEADERS) && (frame.flags & FLAG_END_STREAM) !== 0;
    this.listener.frameEnd?.({ ...frame, endStream });
  }
}
