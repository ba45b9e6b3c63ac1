/**
 * A TLS client connection whose plaintext the test keeps, each way, as it
 * passed: the test's own view of what its HTTP/2 (or HTTP/1.1) client sent and
 * received, to set beside the lab's meter. The certificate is not checked
 * (the lab's is self-signed); everything else is a real TLS handshake.
 */
import http2 from 'node:http2';
import { Duplex } from 'node:stream';
import tls from 'node:tls';

export interface TappedConnection {
  /** The plaintext so far, client → lab and lab → client. */
  sent(): Buffer;
  received(): Buffer;
  alpn(): string | false;
  /** The client's own port (how the lab names the connection's peer). */
  localPort(): number | undefined;
  /** Resolves when the TLS connection has closed (whatever the lab sent last recorded too). */
  closed: Promise<void>;
}

/** An HTTP/2 session over a tapped TLS connection to 127.0.0.1:`port` (ALPN h2). */
export async function tappedH2Session(port: number): Promise<{ session: http2.ClientHttp2Session } & TappedConnection> {
  const socket = tls.connect({ host: '127.0.0.1', port, ALPNProtocols: ['h2'], rejectUnauthorized: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('secureConnect', resolve);
    socket.once('error', reject);
  });
  const sent: Buffer[] = [];
  const received: Buffer[] = [];
  const tap = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      sent.push(Buffer.from(chunk));
      socket.write(chunk, callback);
    },
    final(callback) {
      socket.end(callback);
    },
    // When the session is done, the TLS connection is ended, not cut: the lab's last frames (GOAWAY) still arrive and are kept.
    destroy(error, callback) {
      if (error) socket.destroy(error);
      else socket.end();
      callback(error);
    },
  });
  socket.on('data', (chunk: Buffer) => {
    received.push(Buffer.from(chunk));
    if (!tap.push(chunk)) socket.pause();
  });
  socket.on('end', () => tap.push(null));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('close', () => tap.destroy());
  const session = http2.connect(`https://127.0.0.1:${port}`, { createConnection: () => tap });
  session.on('error', () => {});
  return {
    session,
    sent: () => Buffer.concat(sent),
    received: () => Buffer.concat(received),
    alpn: () => socket.alpnProtocol ?? false,
    localPort: () => socket.localPort,
    closed,
  };
}

/** Resolves with the answer's status and body of one request on `session`. */
export function h2Get(
  session: http2.ClientHttp2Session,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const lower = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
    const request = session.request({ ':path': path, ...lower });
    let status = 0;
    let body = '';
    request.setEncoding('utf8');
    request.on('response', (head) => {
      status = Number(head[':status']);
    });
    request.on('data', (text: string) => {
      body += text;
    });
    request.on('end', () => resolve({ status, body }));
    request.on('error', reject);
  });
}
