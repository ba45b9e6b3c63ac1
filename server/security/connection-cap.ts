/**
 * At most `max` open connections per client address, counted in one place for
 * the lab's port and the conditioner's: the conditioner admits its clients by
 * their own address (its socket to the lab comes from loopback, which the lab
 * exempts), so a student cannot get round the cap by using the other port.
 */
import { plainAddress } from './loopback-address.ts';

export class ConnectionCap {
  private readonly open = new Map<string, number>();

  /**
   * @param max connections one address may hold (LAN mode: `maxConnectionsPerAddress`, default 64)
   * @param exempt addresses never capped (loopback in real use: the teacher's page, the load generator)
   */
  constructor(
    private readonly max: number,
    private readonly exempt: (address: string) => boolean,
  ) {}

  /** Counts a new connection from `address`: a release function for when it closes, or null when over the cap. */
  admit(address: string): (() => void) | null {
    const key = plainAddress(address);
    if (this.exempt(key)) return () => {};
    const count = (this.open.get(key) ?? 0) + 1;
    if (count > this.max) return null;
    this.open.set(key, count);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(key) ?? 1) - 1;
      if (left === 0) this.open.delete(key);
      else this.open.set(key, left);
    };
  }
}
