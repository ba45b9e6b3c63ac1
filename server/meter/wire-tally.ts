/**
 * Counting from the socket: every TCP connection of the lab's server gets a
 * WireTally that remembers how many of its bytes (`bytesRead`/`bytesWritten`)
 * have already been attributed. Whoever uses the socket next takes the bytes
 * since then. So the sum over all attributions equals what crossed the socket,
 * whatever the split — the split is the caller's knowledge of what it sent.
 *
 * Over TLS the tally's socket carries plaintext, and every take also takes the
 * TCP socket's bytes beneath it: what the wire carried beyond the plaintext is
 * the `tls` part, given to the connection's current user (the handshake so to
 * its first request).
 */
import type { Socket } from 'node:net';
import type { Meter, MeterTarget, Settleable } from './meter.ts';
import { wireSocketOf } from './wire-socket.ts';

const kTally = Symbol('transport-lab.wire-tally');

type TalliedSocket = Socket & { [kTally]?: WireTally };

export class WireTally implements Settleable {
  private readMark = 0;
  private writeMark = 0;
  /** Sends noted but not settled yet: their target and how many of their bytes were events. */
  private pendingTarget: MeterTarget | null = null;
  private pendingPayload = 0;
  /** Buckets (and bucket+client pairs) this connection was already counted for. */
  private readonly counted = new Set<string>();
  /** Who gets bytes nobody claimed when the socket closes (stray bytes after the last request). */
  private lastTarget: MeterTarget | null = null;
  /** The TCP socket under a TLS socket (null over plain HTTP), and its bytes already counted as plaintext or tls. */
  private readonly wire: Socket | null;
  private wireReadTaken = 0;
  private wireWriteTaken = 0;

  private constructor(
    private readonly socket: Socket,
    private readonly meter: Meter,
  ) {
    this.wire = wireSocketOf(socket) ?? null;
    socket.once('close', () => this.settleRemainder());
  }

  /** Call for every accepted connection, before any byte is read. */
  static attach(socket: Socket, meter: Meter): WireTally {
    const tally = new WireTally(socket, meter);
    (socket as TalliedSocket)[kTally] = tally;
    return tally;
  }

  static of(socket: Socket): WireTally | undefined {
    return (socket as TalliedSocket)[kTally];
  }

  /** Counts this connection once per bucket (and once per bucket+client) the first time it carries their traffic. */
  claim(target: MeterTarget): void {
    this.lastTarget = target;
    if (!this.counted.has(target.bucket)) {
      this.counted.add(target.bucket);
      target.total.connections += 1;
      target.total.protocols['http/1.1'] += 1;
    }
    if (target.own && target.client !== null) {
      const key = `${target.bucket}\u0000${target.client}`;
      if (!this.counted.has(key)) {
        this.counted.add(key);
        target.own.connections += 1;
        target.own.protocols['http/1.1'] += 1;
      }
    }
  }

  /** Bytes read from the peer since the last take. */
  takeRead(): number {
    const now = this.socket.bytesRead;
    const delta = now - this.readMark;
    this.readMark = now;
    if (this.wire) this.wireReadTaken = this.takeTls('up', this.wire.bytesRead, this.readMark, this.wireReadTaken);
    return delta;
  }

  /** Bytes handed to the socket since the last take (including bytes still queued in it). */
  takeWritten(): number {
    const now = this.socket.bytesWritten ?? this.writeMark;
    const delta = now - this.writeMark;
    this.writeMark = now;
    if (this.wire) {
      this.wireWriteTaken = this.takeTls('down', this.wire.bytesWritten, this.writeMark, this.wireWriteTaken);
    }
    return delta;
  }

  /**
   * Counts as tls every wire byte beyond the plaintext taken so far: after each take,
   * tls so far = wire bytes − plaintext bytes taken. Returns the new tls so far.
   */
  private takeTls(direction: 'up' | 'down', wireBytes: number, plaintextTaken: number, tlsSoFar: number): number {
    const now = wireBytes - plaintextTaken;
    this.meter.addBytes(this.lastTarget ?? this.meter.target('lab', null), direction, 'tls', now - tlsSoFar);
    return now;
  }

  /** Hands bytes back to a later take: the bytes read past an upgrade request belong to the WebSocket frames. */
  giveBackRead(n: number): void {
    this.readMark -= n;
  }

  /**
   * Counts `n` bytes about to be written as `target`'s response head (a 101 built by a library,
   * announced before it is written); what was written before them is settled as framing first.
   */
  countHeadAhead(target: MeterTarget, n: number): void {
    this.settle();
    this.meter.addBytes(target, 'down', 'framing', this.takeWritten());
    this.meter.addBytes(target, 'down', 'header', n);
    this.writeMark += n;
  }

  /**
   * A stream's send: its event bytes count at once, the framing is worked out from the socket
   * when the meter is next read (or the socket closes) — see Meter.markUnsettled.
   */
  noteDown(target: MeterTarget, payload: number): void {
    if (this.pendingTarget !== null && this.pendingTarget !== target) this.settle();
    this.meter.addBytes(target, 'down', 'payload', payload);
    this.pendingTarget = target;
    this.pendingPayload += payload;
    this.meter.markUnsettled(this);
  }

  /** Attributes the noted sends' remaining bytes as framing. */
  settle(): void {
    const target = this.pendingTarget;
    if (target === null) return;
    this.pendingTarget = null;
    this.meter.forgetUnsettled(this);
    this.meter.addBytes(target, 'down', 'framing', this.takeWritten() - this.pendingPayload);
    this.pendingPayload = 0;
  }

  /** Attributes everything written since the last take: `payload` bytes of it were events, the rest framing. */
  settleDown(target: MeterTarget, payload: number): void {
    this.settle();
    const wire = this.takeWritten();
    this.meter.addBytes(target, 'down', 'payload', payload);
    this.meter.addBytes(target, 'down', 'framing', wire - payload);
  }

  /** Attributes everything read since the last take: `payload` bytes of it were the client's message, the rest framing. */
  settleUp(target: MeterTarget, payload: number): void {
    const wire = this.takeRead();
    this.meter.addBytes(target, 'up', 'payload', payload);
    this.meter.addBytes(target, 'up', 'framing', wire - payload);
  }

  private settleRemainder(): void {
    this.settle();
    const target = this.lastTarget ?? this.meter.target('lab', null);
    if (!this.lastTarget) this.claim(target);
    this.meter.addBytes(target, 'up', 'framing', this.takeRead());
    this.meter.addBytes(target, 'down', 'framing', this.takeWritten());
  }
}
