/**
 * The meter of one HTTP/2 connection. Its plaintext passes through a tap
 * (server/tls/plaintext-tap.ts) and is read frame by frame, each way
 * (h2-frame-reader.ts), and every byte is counted as it passes:
 *
 * - header: the HPACK bytes of HEADERS and CONTINUATION frames;
 * - payload: DATA content that is an event (the route says beforehand how many
 *   event bytes it is sending: `expectPayload`), and every DATA byte a client
 *   sends (its upstream message);
 * - framing: the 9-byte frame headers, padding, priority fields, the rest of
 *   each DATA frame (the transport's own framing: an SSE event's fields, a poll
 *   answer's envelope) and every control frame (SETTINGS, PING, WINDOW_UPDATE,
 *   RST_STREAM, GOAWAY, PRIORITY), and the client's connection preface;
 * - tls: the TCP socket's bytes beyond the plaintext (handshake, record headers, tags),
 *   taken after each chunk of plaintext passes: they belong to the stream of the
 *   chunk's first stream frame (the record that carried it).
 *
 * A stream's bytes go to its request's transport and client (`claimStream`);
 * until its request is routed they wait. The connection's own bytes (stream 0,
 * the preface, the handshake and records of connection frames only) go to the
 * transport and client of the connection's first request — a page's
 * connection to its page load (`lab`); until then they wait.
 */
import type { Http2Session } from 'node:http2';
import type { Socket } from 'node:net';
import { type FrameByteKind, FrameType, H2FrameReader } from './h2-frame-reader.ts';
import { H2StreamRecord } from './h2-stream-record.ts';
import { HpackTracker } from './hpack-tracker.ts';
import type { Direction, Meter, MeterTarget } from './meter.ts';

type Kind = 'header' | 'framing' | 'payload' | 'tls';
type Counts = Record<Direction, Record<Kind, number>>;
const KINDS: readonly Kind[] = ['header', 'framing', 'payload', 'tls'];

interface StreamState {
  target: MeterTarget | null;
  /** Bytes counted before the request was routed. */
  waiting: Counts;
  /** Event bytes the route announced that have not passed yet. */
  expectedPayload: number;
  sentEnd: boolean;
  receivedEnd: boolean;
  afterSent: Array<() => void>;
  /** What the wire inspector shows of the stream. */
  record: H2StreamRecord;
}

const FLAG_END_HEADERS = 0x4;
type FrameEnd = { type: number; flags: number; streamId: number; length: number; endStream: boolean };

const sessionMeters = new WeakMap<Http2Session, H2ConnectionMeter>();

export class H2ConnectionMeter {
  /** Notes the meter of a session's connection, for its requests to find. */
  static noteSession(session: Http2Session, meter: H2ConnectionMeter): void {
    sessionMeters.set(session, meter);
  }

  static ofSession(session: Http2Session | undefined): H2ConnectionMeter | undefined {
    return session ? sessionMeters.get(session) : undefined;
  }

  private readonly fromClient: H2FrameReader;
  private readonly toClient: H2FrameReader;
  /** Each direction's HPACK table, followed so the inspector can decode a block's dynamic indexes. */
  private readonly hpack = { up: new HpackTracker(), down: new HpackTracker() };
  private readonly streams = new Map<number, StreamState>();
  private highestStream = 0;
  private first: MeterTarget | null = null;
  private readonly connectionWaiting: Counts = emptyCounts();
  /** The stream of the first stream frame in the chunk being read (its record's TLS bytes are its). */
  private chunkStream: StreamState | undefined;
  private readonly counted = new Set<string>();
  private plaintextRead = 0;
  private plaintextWritten = 0;
  private tlsRead = 0;
  private tlsWritten = 0;
  private closed = false;

  /** @param wire the TCP socket under the TLS connection (its counters are the wire bytes) */
  constructor(
    private readonly meter: Meter,
    private readonly wire: Socket,
  ) {
    this.fromClient = new H2FrameReader(true, {
      bytes: (stream, kind, n) => this.count(stream, 'up', kind, n),
      headerBytes: (stream, bytes) => this.hpack.up.fragment(stream, bytes),
      frameEnd: (frame) => this.frameEnded('up', frame),
    });
    this.toClient = new H2FrameReader(false, {
      bytes: (stream, kind, n) => this.count(stream, 'down', kind, n),
      headerBytes: (stream, bytes) => this.hpack.down.fragment(stream, bytes),
      frameEnd: (frame) => this.frameEnded('down', frame),
    });
    wire.once('close', () => this.close());
  }

  /** Plaintext from the client. */
  received(chunk: Buffer): void {
    this.chunkStream = undefined;
    this.fromClient.read(chunk);
    this.plaintextRead += chunk.length;
    this.takeTls('up');
  }

  /** Plaintext to the client. */
  sent(chunk: Buffer): void {
    this.chunkStream = undefined;
    this.toClient.read(chunk);
    this.plaintextWritten += chunk.length;
    this.takeTls('down');
  }

  /** The stream's request was routed: its bytes, those that waited too, are its transport's and client's from now on. */
  claimStream(streamId: number, target: MeterTarget): void {
    const stream = this.stream(streamId);
    if (!stream) return;
    this.countConnection(target);
    stream.target = target;
    this.addCounts(target, stream.waiting);
    stream.waiting = emptyCounts();
    if (this.first === null) this.adoptFirst(target);
  }

  /** The route is sending `n` bytes of events on the stream: that many of its next DATA bytes are payload. */
  expectPayload(streamId: number, n: number): void {
    const stream = this.streams.get(streamId);
    if (stream) stream.expectedPayload += n;
  }

  /** Calls `callback` once the stream's last frame to the client has passed (at once if it has, or when the connection closes). */
  afterLastSent(streamId: number, callback: () => void): void {
    const stream = this.streams.get(streamId);
    if (!stream || stream.sentEnd || this.closed) callback();
    else stream.afterSent.push(callback);
  }

  /** The inspector's record of a stream (while the stream is open). */
  streamRecord(streamId: number): H2StreamRecord | undefined {
    return this.streams.get(streamId)?.record;
  }

  private stream(streamId: number): StreamState | undefined {
    let stream = this.streams.get(streamId);
    // A stream id above every one seen opens a new stream (RFC 9113 §5.1.1); a lower unknown one is closed.
    if (!stream && streamId > this.highestStream) {
      this.highestStream = streamId;
      stream = {
        target: null,
        waiting: emptyCounts(),
        expectedPayload: 0,
        sentEnd: false,
        receivedEnd: false,
        afterSent: [],
        record: new H2StreamRecord(streamId),
      };
      this.streams.set(streamId, stream);
    }
    return stream;
  }

  private count(streamId: number, direction: Direction, kind: FrameByteKind, n: number): void {
    const stream = streamId === 0 ? undefined : this.stream(streamId);
    this.chunkStream ??= stream;
    let byteKind: 'header' | 'framing' | 'payload' = kind === 'data' ? 'payload' : kind;
    if (kind === 'data' && direction === 'down') {
      // The route's announced event bytes first; the rest of the DATA is the transport's framing.
      const payload = Math.min(n, stream?.expectedPayload ?? 0);
      if (stream) stream.expectedPayload -= payload;
      if (payload > 0) this.add(stream, direction, 'payload', payload);
      n -= payload;
      byteKind = 'framing';
    }
    if (n > 0) this.add(stream, direction, byteKind, n);
  }

  private add(stream: StreamState | undefined, direction: Direction, kind: Kind, n: number): void {
    const target = stream ? stream.target : this.first;
    if (target) this.meter.addBytes(target, direction, kind, n);
    else (stream ? stream.waiting : this.connectionWaiting)[direction][kind] += n;
  }

  private frameEnded(direction: Direction, { type, flags, streamId, length, endStream }: FrameEnd): void {
    const stream = this.streams.get(streamId);
    const blockEnds =
      (type === FrameType.HEADERS || type === FrameType.CONTINUATION) && (flags & FLAG_END_HEADERS) !== 0;
    // Every block is decoded, the stream's or not: the table is the whole connection's.
    const decoded = blockEnds ? this.hpack[direction].blockEnded(streamId) : null;
    if (!stream) return;
    stream.record.frame({ direction, type, flags, streamId, length });
    if (decoded) stream.record.block(direction, decoded);
    // A reset, from either side, ends the stream both ways.
    const reset = type === FrameType.RST_STREAM;
    if (reset || (direction === 'down' && endStream)) stream.sentEnd = true;
    if (reset || (direction === 'up' && endStream)) stream.receivedEnd = true;
    if (stream.sentEnd) for (const callback of stream.afterSent.splice(0)) callback();
    // Both ends closed: later frames on it (a late WINDOW_UPDATE) count as the connection's.
    if (stream.sentEnd && stream.receivedEnd && stream.target !== null) this.streams.delete(streamId);
  }

  /** The wire's bytes beyond the plaintext so far, in one direction, to the chunk's stream (or the connection). */
  private takeTls(direction: Direction): void {
    let n: number;
    if (direction === 'up') {
      n = this.wire.bytesRead - this.plaintextRead - this.tlsRead;
      this.tlsRead += n;
    } else {
      n = (this.wire.bytesWritten ?? 0) - this.plaintextWritten - this.tlsWritten;
      this.tlsWritten += n;
    }
    if (n !== 0) this.add(this.chunkStream, direction, 'tls', n);
    this.chunkStream = undefined;
  }

  /** Counts the connection once per transport (and transport + client) it carries. */
  private countConnection(target: MeterTarget): void {
    if (!this.counted.has(target.bucket)) {
      this.counted.add(target.bucket);
      target.total.connections += 1;
      target.total.protocols.h2 += 1;
    }
    if (target.own && target.client !== null) {
      const key = `${target.bucket}\u0000${target.client}`;
      if (this.counted.has(key)) return;
      this.counted.add(key);
      target.own.connections += 1;
      target.own.protocols.h2 += 1;
    }
  }

  /** The connection is gone: what still waits (streams never routed, a connection without a request) is the lab's. */
  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.takeTls('up');
    this.takeTls('down');
    const fallback = this.first ?? this.meter.target('lab', null);
    if (this.first === null) {
      this.countConnection(fallback);
      this.adoptFirst(fallback);
    }
    for (const stream of this.streams.values()) {
      if (stream.target === null) this.addCounts(fallback, stream.waiting);
      for (const callback of stream.afterSent.splice(0)) callback();
    }
    this.streams.clear();
  }

  /** The connection's own bytes are `target`'s from now on, those that waited too. */
  private adoptFirst(target: MeterTarget): void {
    this.first = target;
    this.addCounts(target, this.connectionWaiting);
  }

  private addCounts(target: MeterTarget, counts: Counts): void {
    for (const direction of ['up', 'down'] as const) {
      for (const kind of KINDS) {
        this.meter.addBytes(target, direction, kind, counts[direction][kind]);
      }
    }
  }
}

function emptyCounts(): Counts {
  return { up: { header: 0, framing: 0, payload: 0, tls: 0 }, down: { header: 0, framing: 0, payload: 0, tls: 0 } };
}
