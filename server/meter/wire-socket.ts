/**
 * Which TCP socket carries a TLS connection's plaintext. The lab terminates
 * TLS itself: it accepts the TCP connection (whose byte counters are the wire),
 * then reads and writes plaintext through a TLS socket on top. The meter counts
 * the plaintext as header, framing and payload, and the difference to the wire
 * as `tls`.
 */
import type { Socket } from 'node:net';

const kWireSocket = Symbol('transport-lab.wire-socket');

type PlaintextSocket = object & { [kWireSocket]?: Socket };

/** Notes that `plaintext` (a TLS socket, or a stream over one) travels on `wire`. */
export function noteWireSocket(plaintext: object, wire: Socket): void {
  (plaintext as PlaintextSocket)[kWireSocket] = wire;
}

/** The TCP socket under a TLS connection's plaintext; undefined for plain HTTP, whose socket is the wire. */
export function wireSocketOf(plaintext: object): Socket | undefined {
  return (plaintext as PlaintextSocket)[kWireSocket];
}
