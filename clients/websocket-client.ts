/**
 * WebSocket through the environment's WebSocket. Text messages with a `type`
 * are control messages, other text messages are events, binary messages are
 * binary events. After a close it did not ask for, the client reconnects after
 * the backoff and resumes with since/epoch.
 */
import { decodeBinaryEvent } from '../protocol/binary-envelope.ts';
import type { UpstreamMessage } from '../protocol/feed-event.ts';
import { TRANSPORT_RECORDS } from '../protocol/transport-records.ts';
import { FeedClient, type FeedClientOptions } from './feed-client.ts';
import { FeedClientError } from './feed-client-error.ts';

const OPEN = 1; // WebSocket.OPEN

export class WebSocketClient extends FeedClient {
  readonly transport = 'websocket' as const;
  private socket: WebSocket | null = null;

  constructor(options: FeedClientOptions) {
    super(options);
    if (!options.env.WebSocket) {
      throw new FeedClientError('LAB_ERR_CLIENT_OPTIONS', 'the websocket transport needs env.WebSocket');
    }
  }

  protected connect(): void {
    const WebSocketImpl = this.env.WebSocket;
    if (!WebSocketImpl) return;
    const url = this.url(TRANSPORT_RECORDS[this.transport].path, this.resumeQuery()).replace(/^http/, 'ws');
    const socket = new WebSocketImpl(url);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    this.wire('request-start', { path: TRANSPORT_RECORDS[this.transport].path });

    // Every handler ignores a socket that is no longer current (closed by stop() or replaced).
    socket.addEventListener('open', () => {
      if (socket !== this.socket) return;
      this.wire('open');
      this.markOpen();
    });
    socket.addEventListener('message', (message) => {
      if (socket === this.socket) this.onMessage(message.data);
    });
    socket.addEventListener('error', () => {
      if (socket === this.socket) this.noteError(new FeedClientError('LAB_ERR_CLIENT_WEBSOCKET', 'WebSocket error'));
    });
    socket.addEventListener('close', () => {
      if (socket !== this.socket) return;
      this.socket = null;
      this.wire('close');
      this.retryLater(() => this.connect());
    });
  }

  protected disconnect(): void {
    const socket = this.socket;
    this.socket = null;
    if (socket) this.wire('close');
    socket?.close(1000);
  }

  protected sendUpstream(message: UpstreamMessage): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN) {
      return Promise.reject(new FeedClientError('LAB_ERR_CLIENT_NOT_OPEN', 'the WebSocket is not open yet'));
    }
    socket.send(JSON.stringify({ id: message.id, data: message.data, topic: message.topic }));
    this.wire('message', { direction: 'up' });
    return Promise.resolve();
  }

  private onMessage(data: unknown): void {
    const receivedAt = this.env.now();
    this.wire('message');
    try {
      if (typeof data === 'string') {
        const value: unknown = JSON.parse(data);
        if (typeof value === 'object' && value !== null && 'type' in value) {
          const control = this.parseControl(value);
          if (control) this.handleControl(control);
        } else {
          this.receive(this.checkEvent(value), receivedAt);
        }
      } else {
        this.receive(this.checkEvent(decodeBinaryEvent(toBytes(data))), receivedAt);
      }
    } catch (error) {
      this.noteError(error);
    }
  }
}

/** binaryType 'arraybuffer' gives an ArrayBuffer; a view is accepted too, for WebSocket implementations that give one. */
function toBytes(data: unknown): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new FeedClientError('LAB_ERR_CLIENT_BAD_MESSAGE', 'binary message is neither an ArrayBuffer nor a view');
}
