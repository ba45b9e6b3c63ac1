/**
 * Loopback matched as an address, never as a text pattern: `127.999.999.999`
 * looks like 127.x but is no address at all, so it must not pass as this machine.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** `::ffff:1.2.3.4` (an IPv4 peer on a dual-stack socket) as `1.2.3.4`; other addresses lower-cased as they are. */
export function plainAddress(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)?.[1];
  return mapped !== undefined && isIPv4(mapped) ? mapped : address.toLowerCase();
}

/** True for a valid address in 127.0.0.0/8 or ::1 (IPv4-mapped forms included); false for anything else, names too. */
export function isLoopbackAddress(address: string): boolean {
  const plain = plainAddress(address);
  if (isIPv4(plain)) return LOOPBACK.check(plain, 'ipv4');
  if (isIPv6(plain)) return LOOPBACK.check(plain, 'ipv6');
  return false;
}
