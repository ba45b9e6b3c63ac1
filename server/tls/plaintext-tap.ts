/**
 * A stream over a TLS socket that passes its plaintext on unchanged and shows
 * every chunk, each way, to a watcher: the lab's HTTP/2 sessions run on it, so
 * the meter reads their frames as they pass (Node's HTTP/2 would otherwise
 * consume the TLS socket out of JavaScript's sight).
 */
import { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';

export interface TapWatcher {
  /** Plaintext from the peer, before the session reads it. */
  received(chunk: Buffer): void;
  /** Plaintext to the peer, just after it was handed to the TLS socket. */
  sent(chunk: Buffer): void;
}

export class PlaintextTap extends Duplex {
  constructor(
    private readonly tls: TLSSocket,
    watcher: TapWatcher,
  ) {
    super({ allowHalfOpen: false });
    tls.on('data', (chunk: Buffer) => {
      watcher.received(chunk);
      if (!this.push(chunk)) tls.pause();
    });
    tls.on('end', () => this.push(null));
    tls.on('error', (error) => this.destroy(error));
    tls.on('close', () => this.destroy());
    this.sentTo = watcher;
  }

  private readonly sentTo: TapWatcher;

  // What the session and the lab's address checks read from their socket: the TLS connection's.
  get remoteAddress(): string | undefined {
    return this.tls.remoteAddress;
  }
  get remotePort(): number | undefined {
    return this.tls.remotePort;
  }
  get remoteFamily(): string | undefined {
    return this.tls.remoteFamily;
  }
  get localAddress(): string | undefined {
    return this.tls.localAddress;
  }
  get localPort(): number | undefined {
    return this.tls.localPort;
  }
  get encrypted(): boolean {
    return true;
  }
  get alpnProtocol(): string | false {
    return this.tls.alpnProtocol ?? false;
  }

  setTimeout(ms: number, callback?: () => void): this {
    this.tls.setTimeout(ms, callback);
    return this;
  }
  setNoDelay(noDelay?: boolean): this {
    this.tls.setNoDelay(noDelay);
    return this;
  }
  setKeepAlive(enable?: boolean, delayMs?: number): this {
    this.tls.setKeepAlive(enable, delayMs);
    return this;
  }

  override _read(): void {
    this.tls.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.tls.write(chunk, callback);
    this.sentTo.sent(chunk);
  }

  /**
   * What the session hands over in one go is written in one go, as Node's TLS socket does with a
   * session on it directly (one TLS record, not one per frame): the tap must not add records of its own.
   */
  override _writev(
    chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>,
    callback: (error?: Error | null) => void,
  ): void {
    const joined = Buffer.concat(chunks.map(({ chunk }) => chunk));
    this.tls.write(joined, callback);
    this.sentTo.sent(joined);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.tls.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.tls.destroy(error ?? undefined);
    callback(error);
  }
}
