/**
 * What the wire inspector keeps of one HTTP/2 stream: its first frames and
 * its request's and answer's header blocks with the tables they were encoded
 * against (hpack-tracker.ts). The connection's meter fills it as frames pass;
 * the inspector holds it by reference and turns it into a sample only when
 * someone asks. Its size is bounded (`H2_RESPONSE_BYTES_KEPT`), so the
 * inspector's byte budget can count it when the exchange is recorded.
 */

import {
  H2_FRAMES_KEPT,
  type H2FrameSample,
  type H2HeaderBlockSample,
  type H2StreamSample,
} from '../../protocol/h2-stream-sample.ts';
import { hpackTableBytes } from '../../protocol/hpack-decode.ts';
import type { DecodedBlock } from './hpack-tracker.ts';

/** The answer's header block and table are kept up to this many bytes together (else only why not). */
export const H2_RESPONSE_BYTES_KEPT = 8192;
/** What one kept frame is counted as, bytes. */
const FRAME_BYTES = 32;

const byStream = new WeakMap<object, H2StreamRecord>();

export class H2StreamRecord {
  /** Ties a request's stream to its record when the request is routed (the meter forgets a stream once it ends). */
  static note(stream: object, record: H2StreamRecord | undefined): void {
    if (record) byStream.set(stream, record);
  }

  static of(stream: object): H2StreamRecord | undefined {
    return byStream.get(stream);
  }

  private readonly frames: H2FrameSample[] = [];
  private framesLeftOut = 0;
  private request: DecodedBlock | null = null;
  private response: DecodedBlock | null = null;

  constructor(readonly streamId: number) {}

  frame(frame: H2FrameSample): void {
    if (this.frames.length < H2_FRAMES_KEPT) this.frames.push(frame);
    else this.framesLeftOut += 1;
  }

  /** A header block of the stream: the first each way is kept (later ones are trailers). */
  block(direction: 'up' | 'down', decoded: DecodedBlock): void {
    if (direction === 'up') this.request ??= decoded;
    else if (this.response === null) this.response = keptResponse(decoded);
  }

  /** The most this record will hold, bytes: the request's block and table as they are, the answer's at most its cap. */
  boundBytes(): number {
    return blockBytes(this.request) + H2_RESPONSE_BYTES_KEPT + H2_FRAMES_KEPT * FRAME_BYTES;
  }

  sample(): H2StreamSample {
    return {
      streamId: this.streamId,
      frames: [...this.frames],
      framesLeftOut: this.framesLeftOut,
      request: blockSample(this.request),
      response: blockSample(this.response),
    };
  }
}

function blockBytes(decoded: DecodedBlock | null): number {
  if (decoded === null) return 0;
  return decoded.block.length + (decoded.tableBefore ? hpackTableBytes(decoded.tableBefore.entries) : 0);
}

function keptResponse(decoded: DecodedBlock): DecodedBlock {
  if (blockBytes(decoded) <= H2_RESPONSE_BYTES_KEPT) return decoded;
  return {
    block: Buffer.alloc(0),
    tableBefore: null,
    decodeError: `the answer's header block and table (${blockBytes(decoded)} B) are more than the inspector keeps`,
  };
}

function blockSample(decoded: DecodedBlock | null): H2HeaderBlockSample | null {
  if (decoded === null) return null;
  return { hex: decoded.block.toString('hex'), tableBefore: decoded.tableBefore, decodeError: decoded.decodeError };
}
