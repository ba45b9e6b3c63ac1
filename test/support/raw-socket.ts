/**
 * A bare TCP client for tests that must see the exact bytes on the wire,
 * with no HTTP or WebSocket library in between.
 */
import net from 'node:net';

export interface RawSocket {
  socket: net.Socket;
  /** Everything received so far. */
  received(): Buffer;
  /** Resolves once the received bytes satisfy `test`, with those bytes. */
  until(test: (bytes: Buffer) => boolean, timeoutMs?: number): Promise<Buffer>;
  send(bytes: string | Buffer): void;
  close(): void;
}

/** @param from=undefined the local address to connect from (any of 127.0.0.0/8 plays another client on loopback) */
export async function rawConnect(port: number, from?: string): Promise<RawSocket> {
  const socket = net.connect({ port, host: '127.0.0.1', ...(from ? { localAddress: from } : {}) });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let buffer = Buffer.alloc(0);
  const waiters = new Set<() => void>();
  socket.on('data', (data) => {
    buffer = Buffer.concat([buffer, data]);
    for (const wake of waiters) wake();
  });
  socket.on('error', () => {});
  return {
    socket,
    received: () => buffer,
    until: (test, timeoutMs = 5000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (test(buffer)) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(buffer);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(
            new Error(
              `raw socket: expected bytes did not arrive; got ${JSON.stringify(buffer.toString('latin1').slice(-300))}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      }),
    send: (bytes) => socket.write(bytes),
    close: () => socket.destroy(),
  };
}

/** Index just past the blank line ending an HTTP head, or -1. */
export function headEnd(bytes: Buffer): number {
  const at = bytes.indexOf('\r\n\r\n');
  return at < 0 ? -1 : at + 4;
}

/** A complete HTTP/1.1 response with Content-Length: its head and body lengths. */
export function completeResponse(bytes: Buffer): { head: number; body: number } | null {
  const end = headEnd(bytes);
  if (end < 0) return null;
  const match = /content-length: (\d+)/i.exec(bytes.subarray(0, end).toString('latin1'));
  if (!match) return null;
  const body = Number(match[1]);
  return bytes.length >= end + body ? { head: end, body } : null;
}

/** Sends one request and waits for its whole response (it must carry Content-Length): head and body, as bytes. */
async function responseTo(raw: RawSocket, request: string): Promise<{ head: Buffer; body: Buffer }> {
  const start = raw.received().length;
  raw.send(request);
  const bytes = await raw.until((all) => completeResponse(all.subarray(start)) !== null);
  const own = bytes.subarray(start);
  const sizes = completeResponse(own);
  if (!sizes) throw new Error('no complete response');
  return { head: own.subarray(0, sizes.head), body: own.subarray(sizes.head, sizes.head + sizes.body) };
}

/** One request on the raw socket: the response's head (latin1, as on the wire) and body (UTF-8). */
export async function exchange(raw: RawSocket, request: string): Promise<{ head: string; body: string }> {
  const { head, body } = await responseTo(raw, request);
  return { head: head.toString('latin1'), body: body.toString('utf8') };
}

/** One request on the raw socket: the response's body as UTF-8 text (a polling answer, a POST's `ok`). */
export async function answerBody(raw: RawSocket, request: string): Promise<string> {
  return (await responseTo(raw, request)).body.toString('utf8');
}

/** One request on the raw socket: the response's body as the bytes that came. */
export async function answerBytes(raw: RawSocket, request: string): Promise<Buffer> {
  return (await responseTo(raw, request)).body;
}
