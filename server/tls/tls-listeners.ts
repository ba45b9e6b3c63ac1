/**
 * The lab over TLS (`npm start -- --https`): two HTTPS ports beside the plain
 * one, with the same routes, feed, guards and meter.
 *
 * - the HTTP/2 port offers `h2` and `http/1.1` by ALPN: browsers speak HTTP/2
 *   on it, and a WebSocket (which `ws` cannot carry over HTTP/2, RFC 8441)
 *   opens its own HTTP/1.1 connection to it;
 * - the HTTP/1.1 port offers `http/1.1` only, so both versions run over TLS
 *   and compare like for like.
 *
 * The lab accepts each TCP connection itself and terminates TLS on it, so the
 * meter holds both the wire (the TCP socket) and the plaintext (see
 * meter/wire-socket.ts). Extended CONNECT (RFC 8441) is not advertised: with
 * it, a browser would try its WebSocket over HTTP/2, and `ws` would answer 405.
 */
import http2, { type Http2Session } from 'node:http2';
import net from 'node:net';
import tls from 'node:tls';
import type { H2SessionInfo } from '../../protocol/lab-status.ts';
import type { LabHandOff } from '../lab-hand-off.ts';
import { H2ConnectionMeter } from '../meter/h2-connection-meter.ts';
import type { Meter } from '../meter/meter.ts';
import { noteWireSocket, wireSocketOf } from '../meter/wire-socket.ts';
import type { CertificatePair } from './self-signed-certificate.ts';
import { PlaintextTap } from './plaintext-tap.ts';

/** `--https`: the two ports (0 = any free one) and the certificate. */
export interface HttpsOptions {
  /** @default 3443 with `npm start` */
  h2Port: number;
  /** @default the HTTP/2 port + 1 (3444) with `npm start` */
  http1Port: number;
  certificate: CertificatePair;
}

export interface TlsListeners {
  /** The bound ports. */
  h2Port: number;
  http1Port: number;
  /** The open HTTP/2 sessions and their HPACK tables. */
  sessions(): H2SessionInfo[];
  close(): Promise<void>;
}

/** How long a TLS handshake may take before the connection is cut, ms (a slow handshake holds a socket like a slow head). */
const HANDSHAKE_TIMEOUT_MS = 10_000;
/** Open streams one HTTP/2 connection may hold (nginx's default: 128); a browser page needs a few dozen. */
export const MAX_STREAMS_PER_CONNECTION = 128;
/** On close, how long HTTP/2 sessions may take to finish after their GOAWAY, ms. */
const SESSION_CLOSE_GRACE_MS = 500;

export async function startTlsListeners(
  handOff: LabHandOff,
  meter: Meter,
  host: string,
  options: HttpsOptions,
): Promise<TlsListeners> {
  const secureContext = tls.createSecureContext({ cert: options.certificate.cert, key: options.certificate.key });
  const sockets = new Set<net.Socket>();
  const sessions = new Set<Http2Session>();
  // A plain-HTTP/2 server on the tapped plaintext: TLS is already undone by then. Streams per
  // connection are bounded as nginx bounds them (Node's default is 2^32 − 1).
  const h2 = http2.createServer({ settings: { maxConcurrentStreams: MAX_STREAMS_PER_CONNECTION } });
  // The connection being handed to the HTTP/2 server: its 'session' event comes within the hand-over.
  let handing: { meter: H2ConnectionMeter; wire: net.Socket } | null = null;
  h2.on('session', (session: Http2Session) => {
    if (handing) {
      H2ConnectionMeter.noteSession(session, handing.meter);
      // A session's socket (as requests see it) has no address of its own: the TCP socket under it has.
      if (session.socket) noteWireSocket(session.socket, handing.wire);
    }
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
    session.on('error', () => session.destroy());
  });
  h2.on('request', handOff.request);

  const listener = (alpn: string[]) =>
    // No Nagle delay (as Node's HTTP servers set): a small answer leaves at once, not 40 ms later.
    net.createServer({ noDelay: true }, (wire) => {
      sockets.add(wire);
      wire.once('close', () => sockets.delete(wire));
      wire.on('error', () => wire.destroy());
      const secure = new tls.TLSSocket(wire, { isServer: true, secureContext, ALPNProtocols: alpn });
      secure.on('error', () => secure.destroy());
      const handshake = setTimeout(() => secure.destroy(), HANDSHAKE_TIMEOUT_MS);
      handshake.unref();
      // Handed over in the handshake's own callback, before any request byte is read (as https.Server does).
      secure.once('secure', () => {
        clearTimeout(handshake);
        if (secure.alpnProtocol === 'h2') {
          const connectionMeter = new H2ConnectionMeter(meter, wire);
          const tap = new PlaintextTap(secure, connectionMeter);
          handing = { meter: connectionMeter, wire };
          h2.emit('connection', tap);
          handing = null;
          return;
        }
        noteWireSocket(secure, wire);
        handOff.connection(secure);
      });
    });
  const h2Server = listener(['h2', 'http/1.1']);
  const http1Server = listener(['http/1.1']);
  const listen = (server: net.Server, port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host, backlog: 4096 }, () => resolve((server.address() as net.AddressInfo).port));
    });
  const h2Port = await listen(h2Server, options.h2Port);
  const http1Port = await listen(http1Server, options.http1Port).catch(async (error: unknown) => {
    await new Promise((resolve) => h2Server.close(resolve));
    throw error;
  });
  return {
    h2Port,
    http1Port,
    sessions: () =>
      [...sessions].map((session) => {
        const state = session.state;
        const socket = session.socket;
        const wire = socket ? wireSocketOf(socket) : undefined;
        return {
          peer: `${wire?.remoteAddress ?? '?'}:${wire?.remotePort ?? '?'}`,
          requestTableBytes: state.inflateDynamicTableSize ?? 0,
          responseTableBytes: state.deflateDynamicTableSize ?? 0,
        };
      }),
    close: async () => {
      const closed = Promise.all([h2Server, http1Server].map((s) => new Promise((resolve) => s.close(resolve))));
      for (const session of sessions) session.close();
      await new Promise((resolve) => setTimeout(resolve, sessions.size > 0 ? SESSION_CLOSE_GRACE_MS : 0).unref());
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
