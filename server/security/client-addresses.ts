/**
 * Who is really on the other end of a lab socket. The network conditioner is
 * a TCP proxy inside the lab's process: a student who connects through it
 * reaches the lab from the conditioner's own loopback socket. The conditioner
 * notes, per socket it opens to the lab, the address of the client it carries,
 * and every address-keyed limit (connection cap, class-view pages per address,
 * upstream rate limits) asks `clientAddressOf` — so they see the student, not
 * 127.0.0.1. Nothing is added to the bytes (the meter counts every byte on the
 * lab's sockets), and only sockets the conditioner opened itself are looked up,
 * so no peer can claim another address.
 */
import type { Socket } from 'node:net';
import { wireSocketOf } from '../meter/wire-socket.ts';
import { plainAddress } from './loopback-address.ts';

/** The lab side's view of a connection: peer address and port, and the lab's own port. */
function labSideKey(remoteAddress: string, remotePort: number, localPort: number): string {
  return `${plainAddress(remoteAddress)}|${remotePort}|${localPort}`;
}

export class ClientAddresses {
  private readonly behindConditioner = new Map<string, string>();

  /**
   * Called by the conditioner once its socket to the lab is connected (before any byte flows).
   * @returns forget: call when that socket closes
   */
  noteProxied(toLab: Socket, clientAddress: string): () => void {
    const { localAddress, localPort, remotePort } = toLab;
    if (localAddress === undefined || localPort === undefined || remotePort === undefined) return () => {};
    const key = labSideKey(localAddress, localPort, remotePort);
    this.behindConditioner.set(key, plainAddress(clientAddress));
    return () => {
      if (this.behindConditioner.get(key) !== undefined) this.behindConditioner.delete(key);
    };
  }

  /** The real client's address: the conditioner's client when the socket is the conditioner's, else the peer's. */
  clientAddressOf(socket: Socket): string {
    // Over HTTPS the TCP socket under the TLS (or HTTP/2 session) socket is the one with the peer's address.
    const { remoteAddress, remotePort, localPort } = wireSocketOf(socket) ?? socket;
    if (remoteAddress === undefined) return '';
    if (remotePort !== undefined && localPort !== undefined) {
      const proxied = this.behindConditioner.get(labSideKey(remoteAddress, remotePort, localPort));
      if (proxied !== undefined) return proxied;
    }
    return plainAddress(remoteAddress);
  }

  /** Sockets the conditioner holds to the lab now. */
  get proxiedCount(): number {
    return this.behindConditioner.size;
  }
}
